from django import forms
from django.utils.translation import gettext_lazy as _

from apps.core.forms import BootstrapFormMixin
from apps.projects.models import Project

from .purposes import FILE_TYPES, PURPOSE_CHOICES

ACCEPT = ",".join(ext for t in FILE_TYPES.values() for ext in t.extensions)


class EvidenceUploadForm(BootstrapFormMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    purpose = forms.ChoiceField(label=_("Purpose"), choices=PURPOSE_CHOICES)
    project = forms.IntegerField(
        label=_("Project (ID)"),
        required=False,
        min_value=1,
        help_text=_("Leave empty for a document of your organisation."),
    )
    file = forms.FileField(
        label=_("File"), widget=forms.ClearableFileInput(attrs={"accept": ACCEPT})
    )
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_project(self):
        project_id = self.cleaned_data.get("project")
        if not project_id:
            return None
        project = (
            Project.objects.for_user(self.user)
            .select_related("jurisdiction")
            .filter(pk=project_id)
            .first()
        )
        if project is None:
            raise forms.ValidationError(_("There is no project with this ID that you can see."))
        return project


class EvidenceReplaceForm(BootstrapFormMixin, forms.Form):
    file = forms.FileField(
        label=_("New version"), widget=forms.ClearableFileInput(attrs={"accept": ACCEPT})
    )
    note = forms.CharField(
        label=_("What changed"),
        max_length=300,
        required=False,
    )
