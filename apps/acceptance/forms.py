from django import forms
from django.utils.translation import gettext_lazy as _

from apps.core.forms import BootstrapFormMixin

from .models import Verdict

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ApplyForm(BootstrapFormMixin, forms.Form):
    finished_on = forms.DateField(label=_("Implementation finished on"), widget=DATE)
    summary = forms.CharField(
        label=_("Implementation and targets achieved"), widget=forms.Textarea(attrs={"rows": 4})
    )
    form_file = forms.FileField(label=_("Acceptance application form (验收申请表), signed"))
    commits_report = forms.BooleanField(
        label=_(
            "We commit to a written implementation report within 10 working days of the end "
            "(SZ 6.5)"
        ),
        required=False,
    )


class ReportForm(BootstrapFormMixin, forms.Form):
    verdict = forms.ChoiceField(label=_("Verdict"), choices=Verdict.choices)
    summary = forms.CharField(
        label=_("Evaluation of the implementation and its targets"),
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    file = forms.FileField(label=_("Evaluation acceptance report"))


class AuditForm(BootstrapFormMixin, forms.Form):
    compliant = forms.TypedChoiceField(
        label=_("The expenses are"),
        choices=[("1", _("compliant")), ("0", _("not compliant"))],
        coerce=lambda v: v == "1",
    )
    opinion = forms.CharField(label=_("Opinion"), widget=forms.Textarea(attrs={"rows": 4}))
    file = forms.FileField(label=_("Signed audit opinion or audit report"))


class ExpertForm(BootstrapFormMixin, forms.Form):
    opinion = forms.CharField(label=_("Opinion"), widget=forms.Textarea(attrs={"rows": 4}))


class ReportFileForm(BootstrapFormMixin, forms.Form):
    file = forms.FileField(label=_("Written implementation report"))
