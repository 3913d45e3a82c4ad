from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImplementationConfig(AppConfig):
    name = "apps.implementation"
    label = "implementation"
    verbose_name = _("Implementation")

    def ready(self):
        from . import signals  # noqa: F401
