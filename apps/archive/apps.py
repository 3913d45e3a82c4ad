from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ArchiveConfig(AppConfig):
    name = "apps.archive"
    label = "archive"
    verbose_name = _("Archive")

    def ready(self):
        from .signals import connect

        connect()
