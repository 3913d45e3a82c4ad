from django import forms
from django.utils.translation import gettext_lazy as _

from apps.core.forms import BootstrapFormMixin
from apps.findings.models import FindingSeverity

from .models import InspectionKind

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
COORDINATE = {"max_digits": 9, "decimal_places": 6, "required": False}


class PlanForm(BootstrapFormMixin, forms.Form):
    summary = forms.CharField(
        label=_("Methods, schedule and who inspects"), widget=forms.Textarea(attrs={"rows": 4})
    )
    file = forms.FileField(label=_("Supervision-evaluation plan (监督评估实施方案)"))


class InspectionForm(BootstrapFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("How"), choices=InspectionKind.choices)
    held_on = forms.DateField(label=_("Date"), widget=DATE)
    place = forms.CharField(label=_("Place"), max_length=200)
    summary = forms.CharField(
        label=_("What was inspected and found"), widget=forms.Textarea(attrs={"rows": 4})
    )
    respondents = forms.IntegerField(
        label=_("Questionnaires returned"), min_value=0, required=False
    )
    aware = forms.IntegerField(label=_("of which aware"), min_value=0, required=False)
    satisfied = forms.IntegerField(label=_("of which satisfied"), min_value=0, required=False)
    latitude = forms.DecimalField(widget=forms.HiddenInput, **COORDINATE)
    longitude = forms.DecimalField(widget=forms.HiddenInput, **COORDINATE)


class PresenceForm(forms.Form):
    latitude = forms.DecimalField(widget=forms.HiddenInput, **COORDINATE)
    longitude = forms.DecimalField(widget=forms.HiddenInput, **COORDINATE)


class MediaForm(BootstrapFormMixin, forms.Form):
    file = forms.FileField(
        label=_("Photo or video"),
        widget=forms.ClearableFileInput(
            attrs={"accept": "image/*,video/*", "capture": "environment"}
        ),
    )
    latitude = forms.DecimalField(widget=forms.HiddenInput, **COORDINATE)
    longitude = forms.DecimalField(widget=forms.HiddenInput, **COORDINATE)


class FindingForm(BootstrapFormMixin, forms.Form):
    message = forms.CharField(
        label=_("What does not conform, and to what (agreement, plan, rules)"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    severity = forms.ChoiceField(
        label=_("Severity"), choices=FindingSeverity.choices, initial=FindingSeverity.MAJOR
    )
    media = forms.MultipleChoiceField(
        label=_("Photos and videos as evidence"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, media_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["media"].choices = list(media_choices)
        self.fields["media"].widget.attrs["class"] = "form-check-input"


class ReportForm(BootstrapFormMixin, forms.Form):
    period_start = forms.DateField(label=_("Period from"), widget=DATE)
    period_end = forms.DateField(label=_("Period to"), widget=DATE)
    conclusion = forms.CharField(label=_("Conclusion"), widget=forms.Textarea(attrs={"rows": 3}))
    file = forms.FileField(label=_("Signed report (optional)"), required=False)

    def __init__(self, *args, sections=(), **kwargs):
        super().__init__(*args, **kwargs)
        fields = {}
        for code, label in sections:
            fields[f"section_{code}"] = forms.CharField(
                label=label, widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"})
            )
        # the sections first, after the period
        ordered = {k: self.fields[k] for k in ("period_start", "period_end")}
        ordered.update(fields)
        ordered.update({k: self.fields[k] for k in ("conclusion", "file")})
        self.fields = ordered

    def sections(self) -> dict:
        return {
            name.removeprefix("section_"): value
            for name, value in self.cleaned_data.items()
            if name.startswith("section_")
        }


class StepForm(forms.Form):
    action = forms.CharField()
    note = forms.CharField(required=False)
