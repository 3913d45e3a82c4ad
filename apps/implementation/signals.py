"""Deadlines follow the events they count from: the first session scheduled in apps.training
opens (or moves) the pre-start deadline (HB §13); a project entering implementation, or its
agreement's service period changing, opens the monthly report deadlines (HB §14)."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from apps.projects.models import Project, ProjectStage


@receiver(post_save, sender="training.Session", dispatch_uid="implementation_session_saved")
def session_saved(sender, instance, raw=False, **kwargs):
    if raw:
        return
    from .services import prestart_deadline_sync_quietly

    project = instance.training_class.project
    if project.stage == ProjectStage.IMPLEMENTATION:
        prestart_deadline_sync_quietly(project)


@receiver(post_save, sender=Project, dispatch_uid="implementation_project_saved")
def project_saved(sender, instance, raw=False, **kwargs):
    if raw or instance.stage != ProjectStage.IMPLEMENTATION:
        return
    from .services import monthly_deadlines_ensure_quietly, prestart_deadline_sync_quietly

    monthly_deadlines_ensure_quietly(instance)
    prestart_deadline_sync_quietly(instance)


@receiver(post_save, sender="contracts.ServiceAgreement", dispatch_uid="implementation_agreement")
def agreement_saved(sender, instance, raw=False, **kwargs):
    if raw:
        return
    from .services import monthly_deadlines_ensure_quietly

    projects = [instance.project] if instance.project_id else []
    if instance.lot_id:
        projects += list(instance.lot.projects.all())
    for project in projects:
        if project.stage == ProjectStage.IMPLEMENTATION:
            monthly_deadlines_ensure_quietly(project)
