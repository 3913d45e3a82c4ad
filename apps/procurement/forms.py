from django import forms
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import Organisation
from apps.core.forms import BootstrapFormMixin
from apps.projects.models import Project, ProjectStage

from .models import (
    LotBasis,
    ProcurementCategory,
    ProcurementLot,
    ProcurementMethod,
    SyllabusSource,
)
from .services import UPLOADABLE_KINDS, WINNER_ROLE

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
MONEY = {"max_digits": 14, "decimal_places": 2, "min_value": 0}


class ProcurementForm(BootstrapFormMixin, forms.Form):
    project = forms.ModelChoiceField(
        label=_("Project"), queryset=Project.unscoped.none(), required=False
    )
    lot = forms.ModelChoiceField(
        label=_("or lot"), queryset=ProcurementLot.unscoped.none(), required=False
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    reference = forms.CharField(label=_("Procurement number"), max_length=60, required=False)
    method = forms.ChoiceField(label=_("Method"), choices=ProcurementMethod.choices)
    category = forms.ChoiceField(label=_("What is procured"), choices=ProcurementCategory.choices)
    budget_amount = forms.DecimalField(label=_("Budget (yuan)"), required=False, **MONEY)
    syllabus_source = forms.ChoiceField(
        label=_("Syllabus (training)"),
        choices=[("", "—"), *SyllabusSource.choices],
        required=False,
    )
    syllabus_reference = forms.CharField(
        label=_("Syllabus referenced or written"), max_length=200, required=False
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # Only projects of the published arrangement are procured (HB §6, §9; the service's
        # check, offered here so the form lists nothing it would refuse).
        self.fields["project"].queryset = Project.objects.for_user(user).filter(
            stage__in=(ProjectStage.ARRANGED, ProjectStage.PROCUREMENT)
        )
        self.fields["lot"].queryset = ProcurementLot.objects.for_user(user)


class LotForm(BootstrapFormMixin, forms.Form):
    name = forms.CharField(label=_("Lot name"), max_length=200)
    year = forms.IntegerField(label=_("Budget year"), min_value=2000, max_value=2100)
    basis = forms.ChoiceField(label=_("Grouped"), choices=LotBasis.choices)
    projects = forms.ModelMultipleChoiceField(
        label=_("Projects"), queryset=Project.unscoped.none(), widget=forms.SelectMultiple
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["projects"].queryset = Project.objects.for_user(user).select_related(
            "jurisdiction"
        )


class RequirementForm(BootstrapFormMixin, forms.Form):
    name = forms.CharField(label=_("Requirement"), max_length=200, required=False)
    quantity = forms.DecimalField(
        label=_("Quantity"), max_digits=12, decimal_places=2, required=False
    )
    unit = forms.CharField(label=_("Unit"), max_length=20, required=False)
    specification = forms.CharField(
        label=_("Specification"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    # Not required here: the service refuses a missing criterion with the message of HB §9.
    acceptance_criterion = forms.CharField(
        label=_("Acceptance criterion"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class _DetailForm(BootstrapFormMixin, forms.Form):
    requirement = forms.ChoiceField(label=_("Requirement"))

    def __init__(self, *args, requirements=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["requirement"].choices = [(r.pk, str(r)) for r in requirements]


class SyllabusLineForm(_DetailForm):
    trainee_type = forms.CharField(label=_("Trainees"), max_length=100)
    content = forms.CharField(label=_("Content"), widget=forms.Textarea(attrs={"rows": 2}))
    online_hours = forms.DecimalField(
        label=_("Online hours"), max_digits=6, decimal_places=1, min_value=0
    )
    offline_hours = forms.DecimalField(
        label=_("Offline hours"), max_digits=6, decimal_places=1, min_value=0
    )


class PromotionActivityForm(_DetailForm):
    content = forms.CharField(label=_("Content"), widget=forms.Textarea(attrs={"rows": 2}))
    form = forms.CharField(label=_("Form"), max_length=100)
    sessions = forms.IntegerField(label=_("Sessions"), min_value=1)
    item_name = forms.CharField(label=_("Items handed out"), max_length=100, required=False)
    item_quantity = forms.IntegerField(label=_("Item quantity"), min_value=1, required=False)
    item_specification = forms.CharField(
        label=_("Item specification, quality and performance"), max_length=300, required=False
    )


class MediaPlacementForm(_DetailForm):
    content = forms.CharField(label=_("Content"), widget=forms.Textarea(attrs={"rows": 2}))
    technical_specs = forms.CharField(
        label=_("Technical specifications of the works"), max_length=300
    )
    media = forms.CharField(label=_("Media and specification"), max_length=200)
    duration = forms.CharField(label=_("Duration"), max_length=60)
    time_slot = forms.CharField(label=_("Time slot"), max_length=60)
    frequency = forms.CharField(label=_("Frequency"), max_length=60)
    expected_effect = forms.CharField(label=_("Expected effect"), max_length=300)


class DocumentForm(BootstrapFormMixin, forms.Form):
    kind = forms.ChoiceField(
        label=_("Document"), choices=[(k.value, k.label) for k in UPLOADABLE_KINDS]
    )
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    file = forms.FileField(label=_("File"), required=False)


class PublishForm(BootstrapFormMixin, forms.Form):
    published_on = forms.DateField(label=_("Published on"), widget=DATE, required=False)
    bid_opening_on = forms.DateField(label=_("Bid opening on"), widget=DATE, required=False)


class ReasonForm(BootstrapFormMixin, forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500, required=False)


class AwardForm(BootstrapFormMixin, forms.Form):
    winner = forms.ModelChoiceField(label=_("Winning organisation"), queryset=None)
    amount = forms.DecimalField(label=_("Winning-bid amount (yuan)"), **MONEY)
    notice_date = forms.DateField(label=_("Award notice date"), widget=DATE)
    notice_file = forms.FileField(label=_("Award notice"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Bidders come from anywhere: every active agency is a possible winner (names and
        # kinds only; their registers stay scoped).
        self.fields["winner"].queryset = Organisation.unscoped.filter(
            kind__in=list(WINNER_ROLE), is_active=True
        ).select_related("jurisdiction")


class PlanSubmitForm(BootstrapFormMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    file = forms.FileField(label=_("Implementation plan"), required=False)


class PlanReviewForm(BootstrapFormMixin, forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"), choices=[("approve", _("Approve")), ("return", _("Return"))]
    )
    note = forms.CharField(
        label=_("Reasons (required when returning)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )
