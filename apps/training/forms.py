from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from apps.core.forms import BootstrapFormMixin
from apps.procurement.models import SyllabusLine

from .models import AttendanceKind, CoordinateSystem, FaceImpactAssessment

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class TrainingClassForm(BootstrapFormMixin, forms.Form):
    name = forms.CharField(label=_("Class name"), max_length=200)
    syllabus_line = forms.ModelChoiceField(
        label=_("Syllabus line"), queryset=SyllabusLine.objects.none(), required=False
    )

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["syllabus_line"].queryset = SyllabusLine.objects.filter(
            requirement__procurement__project=project
        )


class SessionForm(BootstrapFormMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    teacher = forms.CharField(label=_("Teacher"), max_length=100)
    starts_at = forms.DateTimeField(label=_("Scheduled start"), widget=DATETIME)
    ends_at = forms.DateTimeField(label=_("Scheduled end"), widget=DATETIME)
    venue_address = forms.CharField(label=_("Venue address"), max_length=300)
    latitude = forms.DecimalField(
        label=_("Latitude"), max_digits=9, decimal_places=6, min_value=-90, max_value=90
    )
    longitude = forms.DecimalField(
        label=_("Longitude"), max_digits=9, decimal_places=6, min_value=-180, max_value=180
    )
    coordinate_system = forms.ChoiceField(
        label=_("Coordinate system"), choices=CoordinateSystem.choices, initial="gcj02"
    )
    radius_m = forms.IntegerField(label=_("Radius (metres)"), min_value=10, max_value=5000)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["radius_m"].initial = settings.WIPP_TRAINING_DEFAULT_RADIUS_M


class RosterUploadForm(BootstrapFormMixin, forms.Form):
    file = forms.FileField(
        label=_("Roster (.xlsx, from the template)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )


class ImpactAssessmentForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = FaceImpactAssessment
        fields = ["purpose", "necessity", "risks", "measures", "alternative", "assessed_on"]
        widgets = {
            "assessed_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            **{
                name: forms.Textarea(attrs={"rows": 3})
                for name in ("purpose", "necessity", "risks", "measures", "alternative")
            },
        }


class ConsentForm(BootstrapFormMixin, forms.Form):
    confirmed = forms.BooleanField(
        label=_(
            "The trainee has read the face-recognition notice and consents separately to "
            "face recognition for check-in and check-out."
        )
    )


class PhotoForm(BootstrapFormMixin, forms.Form):
    photo = forms.FileField(
        label=_("Photo"),
        widget=forms.ClearableFileInput(attrs={"accept": "image/*", "capture": "user"}),
    )


class LocationFields(forms.Form):
    latitude = forms.DecimalField(required=False, widget=forms.HiddenInput)
    longitude = forms.DecimalField(required=False, widget=forms.HiddenInput)
    accuracy = forms.FloatField(required=False, widget=forms.HiddenInput)
    coordinate_system = forms.ChoiceField(
        choices=CoordinateSystem.choices, initial="wgs84", widget=forms.HiddenInput
    )


class CheckInForm(BootstrapFormMixin, LocationFields):
    trainee = forms.ChoiceField(label=_("Trainee"))
    kind = forms.ChoiceField(
        label=_("Check-in or check-out"),
        choices=AttendanceKind.choices,
        widget=forms.RadioSelect,
        initial="in",
    )
    photo = forms.FileField(
        label=_("Live photo"),
        widget=forms.ClearableFileInput(attrs={"accept": "image/*", "capture": "user"}),
    )

    def __init__(self, *args, trainees, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["trainee"].choices = [("", "—")] + [(str(t.pk), t.name) for t in trainees]
        self.fields["kind"].widget.attrs["class"] = "btn-check"


class ConfirmationForm(BootstrapFormMixin, LocationFields):
    trainee = forms.ChoiceField(label=_("Trainee"))
    kind = forms.ChoiceField(label=_("Check-in or check-out"), choices=AttendanceKind.choices)
    reason = forms.CharField(
        label=_("Reason (why no face check)"), widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, trainees, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["trainee"].choices = [("", "—")] + [(str(t.pk), t.name) for t in trainees]


class DecideForm(BootstrapFormMixin, forms.Form):
    note = forms.CharField(
        label=_("Note (required to reject)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ExamForm(BootstrapFormMixin, forms.Form):
    taken_on = forms.DateField(label=_("Exam date"), widget=forms.DateInput(attrs={"type": "date"}))
    score = forms.DecimalField(
        label=_("Score"), max_digits=5, decimal_places=1, min_value=0, max_value=100
    )
    passed = forms.BooleanField(label=_("Passed"), required=False)
