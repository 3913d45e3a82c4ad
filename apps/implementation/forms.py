from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.core.forms import BootstrapFormMixin
from apps.qualifications.models import Equipment, EquipmentKind

from .models import (
    Camera,
    FundsDirection,
    PromotionKind,
    PromotionPlanLine,
    StaffRole,
    TrainingPlanLine,
    validate_stream_url,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
MONTH = forms.DateInput(attrs={"type": "month"}, format="%Y-%m")


class CameraForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = Camera
        fields = ["name", "stream_url", "equipment"]

    def __init__(self, *args, organisation=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stream_url"].validators = [validate_stream_url]
        self.fields["equipment"].queryset = Equipment.unscoped.filter(
            organisation=organisation, kind=EquipmentKind.NETWORK_CAMERA, is_active=True
        )
        self.fields["equipment"].required = False


class PlatformForm(BootstrapFormMixin, forms.Form):
    platform = forms.ModelChoiceField(label=_("Online training platform"), queryset=None)

    def __init__(self, *args, **kwargs):
        from .services import contracted_platforms

        super().__init__(*args, **kwargs)
        self.fields["platform"].queryset = contracted_platforms()


class SupervisionForm(BootstrapFormMixin, forms.Form):
    face_capture_interval_minutes = forms.IntegerField(
        label=_("Face capture during study every (minutes)"), min_value=1, max_value=600
    )
    fast_forward_blocked = forms.BooleanField(label=_("Fast-forward blocked"), required=False)
    idle_cutoff_minutes = forms.IntegerField(
        label=_("Idle cut-off (minutes)"), min_value=1, max_value=600
    )


class PackageFileForm(BootstrapFormMixin, forms.Form):
    item_code = forms.ChoiceField(label=_("Checklist item"))
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    file = forms.FileField(label=_("File"))

    def __init__(self, *args, items=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item_code"].choices = [(code, item.display_label) for code, item in items]


class MonthField(forms.DateField):
    input_formats = ["%Y-%m", "%Y-%m-%d"]


class TrainingLineForm(BootstrapFormMixin, forms.ModelForm):
    month = MonthField(label=_("month"), widget=MONTH)

    class Meta:
        model = TrainingPlanLine
        fields = [
            "month",
            "trainee_type",
            "post",
            "headcount",
            "content",
            "online_hours",
            "offline_hours",
            "period",
            "place",
        ]
        widgets = {"content": forms.Textarea(attrs={"rows": 2})}

    def clean(self):
        # The rule of training_plan_line_quantified, said on the fields (the model's check
        # would only name the whole row).
        data = super().clean()
        headcount = data.get("headcount")
        online, offline = data.get("online_hours"), data.get("offline_hours")
        if headcount is not None and headcount <= 0:
            self.add_error("headcount", _("The headcount must be more than zero."))
        for name, hours in (("online_hours", online), ("offline_hours", offline)):
            if hours is not None and hours < 0:
                self.add_error(name, _("Hours cannot be negative."))
        if online is not None and offline is not None and online <= 0 and offline <= 0:
            self.add_error(
                "offline_hours", _("Give online or offline hours (at least one more than zero).")
            )
        return data


class PromotionLineForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = PromotionPlanLine
        fields = [
            "requirement",
            "what",
            "starts_on",
            "ends_on",
            "time_slot",
            "duration",
            "frequency",
            "audience",
        ]
        widgets = {"starts_on": DATE, "ends_on": DATE}

    def __init__(self, *args, project=None, **kwargs):
        from .services import _project_requirements

        super().__init__(*args, **kwargs)
        self.fields["requirement"].queryset = _project_requirements(project)

    def clean(self):
        data = super().clean()
        starts_on, ends_on = data.get("starts_on"), data.get("ends_on")
        if starts_on and ends_on and ends_on < starts_on:
            self.add_error("ends_on", _("The end date must not be before the start date."))
        return data


class StaffForm(BootstrapFormMixin, forms.Form):
    role = forms.ChoiceField(label=_("role"), choices=StaffRole.choices)
    name = forms.CharField(label=_("name"), max_length=60)
    position = forms.CharField(label=_("position or subject"), max_length=100)
    qualification = forms.CharField(label=_("title or qualification"), max_length=200)
    certificate_file = forms.FileField(label=_("certificate"))


class DecisionForm(forms.Form):
    action = forms.CharField()
    note = forms.CharField(required=False, max_length=2000)


class PromotionRecordForm(BootstrapFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("kind"), choices=PromotionKind.choices)
    activity = forms.ModelChoiceField(
        label=_("procured on-site activity"), queryset=None, required=False
    )
    placement = forms.ModelChoiceField(
        label=_("procured media placement"), queryset=None, required=False
    )
    what = forms.CharField(label=_("what"), max_length=200)
    place = forms.CharField(label=_("where"), max_length=200)
    occurred_on = forms.DateField(label=_("when"), widget=DATE)
    quantity = forms.IntegerField(
        label=_("quantity"),
        min_value=1,
        help_text=_("Items handed out, broadcasts aired, or sessions held."),
    )
    audience = forms.CharField(label=_("audience"), max_length=200)
    audience_count = forms.IntegerField(label=_("people reached"), min_value=0, required=False)
    channel = forms.CharField(label=_("media or channel"), max_length=200, required=False)
    time_slot = forms.CharField(label=_("time slot"), max_length=60, required=False)
    duration_seconds = forms.IntegerField(
        label=_("duration (seconds)"), min_value=1, required=False
    )
    feedback = forms.CharField(
        label=_("feedback"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    photo = forms.FileField(
        label=_("photo or broadcast proof"),
        help_text=_(
            "A broadcast's proof is the works as aired — video (MP4, MOV, WebM), audio (MP3, "
            "M4A, WAV) or a picture; the platform reads its resolution, frame rate, colour, "
            "audio and duration."
        ),
    )
    feedback_file = forms.FileField(label=_("feedback document"), required=False)

    def __init__(self, *args, project=None, **kwargs):
        from apps.procurement.models import MediaPlacement, PromotionActivity

        from .services import _project_requirements

        super().__init__(*args, **kwargs)
        requirements = _project_requirements(project)
        self.fields["activity"].queryset = PromotionActivity.objects.filter(
            requirement__in=requirements
        )
        self.fields["placement"].queryset = MediaPlacement.objects.filter(
            requirement__in=requirements
        )


class MonthlyReportForm(BootstrapFormMixin, forms.Form):
    progress = forms.CharField(label=_("progress"), widget=forms.Textarea(attrs={"rows": 6}))


class FundsEntryForm(BootstrapFormMixin, forms.Form):
    direction = forms.ChoiceField(label=_("received or spent"), choices=FundsDirection.choices)
    entry_date = forms.DateField(label=_("date"), widget=DATE)
    item = forms.CharField(label=_("item"), max_length=200)
    amount = forms.DecimalField(
        label=_("amount (yuan)"), max_digits=14, decimal_places=2, min_value=Decimal("0.01")
    )
    voucher_file = forms.FileField(label=_("voucher"))
    note = forms.CharField(label=_("note"), max_length=300, required=False)
