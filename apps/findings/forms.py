from django import forms
from django.utils.translation import gettext_lazy as _

from apps.core.forms import BootstrapFormMixin
from apps.evidence.forms import ACCEPT


class FindingStepForm(BootstrapFormMixin, forms.Form):
    """One step on a finding: the reason or answer, and the evidence an answer brings."""

    note = forms.CharField(
        label=_("Reason or answer"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    evidence_file = forms.FileField(
        label=_("Evidence (optional)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
    )
