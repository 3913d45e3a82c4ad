from django.apps import AppConfig


class TrainingConfig(AppConfig):
    name = "apps.training"
    label = "training"
    verbose_name = "Training (classes, rosters, attendance)"

    def ready(self):
        from django.db.models.signals import post_migrate

        from .guards import attendance_guard_install

        post_migrate.connect(attendance_guard_install, sender=self)
