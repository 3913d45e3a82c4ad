import re

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.core.forms import BootstrapFormMixin

DATE_SEPARATORS = re.compile(r"[\s,，、;；]+")


def split_dates(text: str) -> list[str]:
    """Dates written one per line or separated by commas (ASCII or Chinese); each is checked
    by the schedule's own validation, which names the wrong one."""
    return [token for token in DATE_SEPARATORS.split(text) if token]


class HolidayScheduleForm(BootstrapFormMixin, forms.Form):
    holidays = forms.CharField(
        label=_("Holidays"),
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "Every day off of the year's holiday periods, as YYYY-MM-DD, one per line or "
            "separated by commas."
        ),
    )
    working_weekends = forms.CharField(
        label=_("Adjusted working days"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The Saturdays and Sundays that are working days (调休上班), as YYYY-MM-DD."),
    )
    source = forms.CharField(
        label=_("Source"),
        max_length=200,
        help_text=_("The State Council General Office notice, e.g. 国办发明电〔2026〕7号."),
    )

    def clean_holidays(self) -> list[str]:
        return split_dates(self.cleaned_data["holidays"])

    def clean_working_weekends(self) -> list[str]:
        return split_dates(self.cleaned_data["working_weekends"])
