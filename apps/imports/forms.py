from django import forms
from django.utils.translation import gettext_lazy as _

from apps.core.forms import BootstrapFormMixin


class ImportUploadForm(BootstrapFormMixin, forms.Form):
    file = forms.FileField(
        label=_("Workbook (.xlsx)"),
        help_text=_("Fill in the template; the first row holds its headers."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )
    source = forms.CharField(
        label=_("Source"),
        max_length=200,
        required=False,
        help_text=_("The State Council General Office notice, e.g. 国办发明电〔2026〕7号."),
    )

    def __init__(self, *args, needs_source: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if needs_source:
            self.fields["source"].required = True
        else:
            del self.fields["source"]
