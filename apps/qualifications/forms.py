from django import forms
from django.utils.translation import gettext_lazy as _

from apps.core.forms import BootstrapFormMixin
from apps.projects.models import ProjectType

from .models import AgencyType, Equipment, Licence, PlatformProfile, ScopeCategory
from .services import EQUIPMENT_FIELDS, LICENCE_FIELDS, PLATFORM_FIELDS

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class EquipmentForm(BootstrapFormMixin, forms.ModelForm):
    file = forms.FileField(
        label=_("Purchase invoice or photo (PDF, image)"),
        required=False,
        help_text=_("Leave empty to keep the file on record."),
    )

    class Meta:
        model = Equipment
        fields = list(EQUIPMENT_FIELDS)

    def clean(self):
        data = super().clean()
        rotation = data.get("rotation_degrees")
        if rotation is not None and rotation > 360:
            self.add_error("rotation_degrees", _("The rotation cannot be more than 360 degrees."))
        return data


class LicenceForm(BootstrapFormMixin, forms.ModelForm):
    scope_categories = forms.MultipleChoiceField(
        label=_("Business-scope categories"),
        choices=ScopeCategory.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Which HB §10 categories the business scope on the licence covers."),
    )
    file = forms.FileField(
        label=_("Licence scan (PDF, image)"),
        required=False,
        help_text=_("Leave empty to keep the file on record."),
    )

    class Meta:
        model = Licence
        fields = list(LICENCE_FIELDS)
        widgets = {"valid_from": DATE, "valid_until": DATE}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Checkboxes of a multiple choice are styled by the template, not as one control.
        self.fields["scope_categories"].widget.attrs.pop("class", None)


class PlatformProfileForm(BootstrapFormMixin, forms.ModelForm):
    file = forms.FileField(
        label=_("Signed contract with the province (PDF, image)"),
        required=False,
        help_text=_("Leave empty to keep the file on record."),
    )

    class Meta:
        model = PlatformProfile
        fields = list(PLATFORM_FIELDS)
        widgets = {"province_contract_date": DATE}


class CheckForm(BootstrapFormMixin, forms.Form):
    agency_type = forms.ChoiceField(label=_("Check as"), choices=AgencyType.choices)
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    project_type = forms.ChoiceField(
        label=_("Project type (HB §17)"),
        choices=[("", _("Any type")), *ProjectType.choices],
        required=False,
    )

    def __init__(self, *args, jurisdictions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["jurisdiction"] = forms.ModelChoiceField(
            label=_("Procuring jurisdiction"), queryset=jurisdictions, empty_label=None
        )
        self.fields["jurisdiction"].widget.attrs["class"] = "form-select"
        self.order_fields(["agency_type", "jurisdiction", "year", "project_type"])
