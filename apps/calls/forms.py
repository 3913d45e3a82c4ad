from django import forms
from django.utils.translation import gettext_lazy as _

from apps.core.forms import BootstrapFormMixin
from apps.jurisdictions.models import KeyIndustry

from .models import AnnualCall
from .services import CALL_FIELDS


class CallForm(BootstrapFormMixin, forms.ModelForm):
    key_industries = forms.ModelMultipleChoiceField(
        label=_("Key industries called"),
        queryset=KeyIndustry.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = AnnualCall
        fields = [*CALL_FIELDS, "key_industries"]
        widgets = {
            "opens_at": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            ),
            "closes_at": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            ),
            "body": forms.Textarea(attrs={"rows": 6}),
        }

    def __init__(self, *args, jurisdiction, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["key_industries"].queryset = KeyIndustry.objects.filter(
            province=jurisdiction.root, is_active=True
        )
        self.fields["key_industries"].widget.attrs["class"] = ""

    def _post_clean(self):
        # Model validation happens in the service, which also sees the jurisdiction.
        pass
