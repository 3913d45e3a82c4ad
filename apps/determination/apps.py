from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeterminationConfig(AppConfig):
    name = "apps.determination"
    verbose_name = _("Determination, filing and annual arrangement")
