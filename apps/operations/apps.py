from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OperationsConfig(AppConfig):
    """Running WIPP in production: health, the worker's heartbeat, reference data, the first
    administrator, backup and restore (issue 16 items 1–4)."""

    name = "apps.operations"
    label = "operations"
    verbose_name = _("Operations")
