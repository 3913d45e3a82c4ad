from django import forms
from django.utils.translation import gettext_lazy as _

from apps.core.forms import BootstrapFormMixin
from apps.jurisdictions.models import KeyIndustry

from .models import AnnualCall
from .services import CALL_FIELDS


def rubric_choices(jurisdiction) -> list[tuple[str, str]]:
    """The rubrics of the call's jurisdiction root, by title (SZ 评审标准, issue 13 item 6)."""
    from apps.review.rubric import rubrics_for

    return [("", _("— choose a rubric —"))] + [
        (rubric.code, f"{rubric.title}（{rubric.year}）") for rubric in rubrics_for(jurisdiction)
    ]


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
        self.fields["rubric_code"] = forms.ChoiceField(
            label=_("Review rubric"),
            required=False,
            choices=rubric_choices(jurisdiction),
            help_text=_("The rubrics of this jurisdiction; the expert review scores on it."),
        )
        self.fields["rubric_code"].widget.attrs["class"] = "form-select"

    def _post_clean(self):
        # Model validation happens in the service, which also sees the jurisdiction.
        pass
