from django import forms
from django.utils.translation import gettext_lazy as _

from apps.core.forms import BootstrapFormMixin
from apps.jurisdictions.models import KeyIndustry

from .models import Application, BudgetLine, InsuranceYear, PastProject, PlanStage, TeamMember
from .services import FORM_FIELDS
from .sme import load_sme_standard

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ApplicationStartForm(BootstrapFormMixin, forms.Form):
    project_name = forms.CharField(label=_("Project name"), max_length=200)
    project_type = forms.ChoiceField(
        label=_("Project type"),
        choices=[("training", _("Training")), ("promotion", _("Promotion"))],
    )


class ApplicationForm(BootstrapFormMixin, forms.ModelForm):
    enterprise_industry = forms.ChoiceField(label=_("Industry by the SME standard"), required=False)

    class Meta:
        model = Application
        fields = list(FORM_FIELDS)
        widgets = {"start_date": DATE, "end_date": DATE}

    def __init__(self, *args, call, section=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["industry"].queryset = call.key_industries.all()
        # The province's whole list: a service scope outside the call's industries is the
        # applicant's to declare and the preliminary review's to find (SZ P3②).
        industries = self.fields["service_industries"]
        industries.queryset = KeyIndustry.objects.filter(
            province=call.jurisdiction.root, is_active=True
        )
        industries.widget = forms.CheckboxSelectMultiple(choices=industries.choices)
        self.fields["enterprise_industry"].choices = [("", "—"), *load_sme_standard().industries()]
        for field in self.fields.values():
            if isinstance(field.widget, forms.Textarea):
                field.widget.attrs["rows"] = 3
        if section is not None:
            # Only the section's fields are on the page and saved: the others keep their
            # values (an unticked box of another section is not a "no").
            for name in set(self.fields) - set(section.fields):
                del self.fields[name]

    def clean(self):
        data = super().clean()
        dates_in_order(self, data)
        return data

    def _post_clean(self):
        # The service validates the instance as a whole (and the call's key industries).
        pass


def dates_in_order(form, data) -> None:
    """The end date is not before the start date — said in words, before the database
    constraint (application_dates_in_order, stage_dates_in_order) could."""
    start, end = data.get("start_date"), data.get("end_date")
    if start and end and end < start:
        form.add_error("end_date", _("The end date is before the start date."))


class RowForm(BootstrapFormMixin, forms.ModelForm):
    def clean(self):
        data = super().clean()
        dates_in_order(self, data)
        for name in ("unit_cost", "quantity"):
            value = data.get(name)
            if name in self.fields and value is not None and value <= 0:
                self.add_error(name, _("Enter a number greater than zero."))
        return data

    def _post_clean(self):
        pass


def row_form(model, fields, widgets=None):
    meta = type("Meta", (), {"model": model, "fields": fields, "widgets": widgets or {}})
    return type(f"{model.__name__}RowForm", (RowForm,), {"Meta": meta})


TABLES = {
    "insurance_years": (
        row_form(
            InsuranceYear,
            [
                "year",
                "insured_headcount",
                "injury_incidence_rate",
                "fund_payment_ratio",
                "accident_injuries",
                "occupational_diseases",
                "main_causes",
            ],
        ),
        3,
    ),
    "team": (
        row_form(
            TeamMember,
            [
                "is_leader",
                "name",
                "title_level",
                "title_field",
                "qualifications",
                "degree",
                "degree_field",
                "years_experience",
                "experience_field",
            ],
        ),
        5,
    ),
    "past_projects": (
        row_form(PastProject, ["name", "completed_on", "client"], {"completed_on": DATE}),
        3,
    ),
    "stages": (
        row_form(
            PlanStage,
            ["name", "start_date", "end_date", "goal"],
            {"start_date": DATE, "end_date": DATE},
        ),
        4,
    ),
    "budget_lines": (
        row_form(
            BudgetLine,
            ["item", "unit", "unit_cost", "quantity", "amount", "standard", "spend_year"],
        ),
        5,
    ),
}
TABLE_SOURCES = {
    "insurance_years": "insuranceyear_set",
    "team": "teammember_set",
    "past_projects": "pastproject_set",
    "stages": "planstage_set",
    "budget_lines": "budgetline_set",
}


def table_formsets(data, application, names=None):
    formsets = {}
    for name, (form_class, extra) in TABLES.items():
        if names is not None and name not in names:
            continue
        rows = getattr(application, TABLE_SOURCES[name]).all()
        fields = form_class._meta.fields
        initial = [{f: getattr(row, f) for f in fields} for row in rows]
        factory = forms.formset_factory(
            form_class, extra=max(extra - len(initial), 1), can_delete=True
        )
        formsets[name] = factory(data, initial=initial, prefix=name)
    return formsets


def formset_rows(formset) -> list[dict]:
    """Rows to keep: filled-in rows not marked for deletion (untouched blank rows are empty)."""
    return [
        {k: v for k, v in form.cleaned_data.items() if k != "DELETE"}
        for form in formset.forms
        if form.cleaned_data and not form.cleaned_data.get("DELETE")
    ]


class AttachmentForm(BootstrapFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Attachment"))
    file = forms.FileField(label=_("File (PDF, image, Word or Excel)"))

    def __init__(self, *args, **kwargs):
        from .services import ATTACHMENT_KINDS

        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = list(ATTACHMENT_KINDS.items())
