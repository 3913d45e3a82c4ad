from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class ChecklistsConfig(AppConfig):
    name = "apps.checklists"
    label = "checklists"
    verbose_name = _("Checklists")

    def ready(self):
        # Each app says how its records satisfy checklist items in `checklist_satisfiers.py`.
        autodiscover_modules("checklist_satisfiers")
