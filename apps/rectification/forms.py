from django import forms
from django.utils.translation import gettext_lazy as _

from apps.core.forms import BootstrapFormMixin

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (Django's documented pattern)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data]
        return [single(data, initial)] if data else []


class IssueForm(BootstrapFormMixin, forms.Form):
    problem = forms.CharField(label=_("What is wrong"), widget=forms.Textarea(attrs={"rows": 3}))
    requirement = forms.CharField(
        label=_("What must be done"), widget=forms.Textarea(attrs={"rows": 3})
    )
    clause = forms.CharField(
        label=_("Clause"),
        max_length=100,
        help_text=_("The agreement term, plan item or rule it departs from, e.g. 服务协议第五条."),
    )
    deadline = forms.DateField(label=_("To be remedied by"), widget=DATE)
    document = forms.FileField(
        label=_("Rectification notice (整改意见书), optional"), required=False
    )
    source_finding = forms.TypedChoiceField(
        label=_("Raised from the finding (optional)"), required=False, coerce=int, empty_value=None
    )

    def __init__(self, *args, findings=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source_finding"].choices = [("", "—")] + [
            (f.pk, f"{f.rule_code} · {f.message[:60]}") for f in findings
        ]


class AnswerForm(BootstrapFormMixin, forms.Form):
    response = forms.CharField(
        label=_("What was done to remedy it"), widget=forms.Textarea(attrs={"rows": 4})
    )
    files = MultipleFileField(label=_("Evidence of the remedy (one or more files)"), required=False)


class UrgeForm(BootstrapFormMixin, forms.Form):
    note = forms.CharField(
        label=_("What the agency is urged to do"), widget=forms.Textarea(attrs={"rows": 3})
    )
    deadline = forms.DateField(label=_("New day to remedy by"), widget=DATE)


class StepForm(BootstrapFormMixin, forms.Form):
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
