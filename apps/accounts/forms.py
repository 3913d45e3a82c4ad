from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from apps.core.forms import BootstrapFormMixin

from .models import ComplianceDocumentKind, Organisation
from .roles import Role


class LoginForm(AuthenticationForm):
    username = forms.CharField(label=_("Username"), max_length=150)
    password = forms.CharField(label=_("Password"), strip=False, widget=forms.PasswordInput)


class OtpTokenForm(forms.Form):
    token = forms.RegexField(
        label=_("6-digit code from your authenticator app"),
        regex=r"^\d{6}$",
        error_messages={"invalid": _("Enter the 6 digits shown by your authenticator app.")},
    )


class UserCreateForm(BootstrapFormMixin, forms.Form):
    username = forms.CharField(label=_("Username"), max_length=150)
    full_name = forms.CharField(label=_("Full name"), max_length=60)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organisation.unscoped.none()
    )
    mobile = forms.CharField(label=_("Mobile number"), required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    password = forms.CharField(label=_("Initial password"), widget=forms.PasswordInput, strip=False)
    second_factor_required = forms.BooleanField(label=_("Require a second factor"), required=False)

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations


class UserUpdateForm(BootstrapFormMixin, forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=60)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    mobile = forms.CharField(label=_("Mobile number"), required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    second_factor_required = forms.BooleanField(label=_("Require a second factor"), required=False)


class ComplianceDocumentForm(BootstrapFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Document"), choices=ComplianceDocumentKind.choices)
    file = forms.FileField(label=_("Signed document (PDF or image)"))
    signed_on = forms.DateField(
        label=_("Signed on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    valid_until = forms.DateField(
        label=_("Valid until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class ReviewForm(forms.Form):
    action = forms.ChoiceField(choices=[("approve", _("Approve")), ("return", _("Return"))])
    note = forms.CharField(label=_("Reason"), required=False, max_length=500)


class ApiClientForm(BootstrapFormMixin, forms.Form):
    name = forms.CharField(label=_("Client name"), max_length=100)
    service_user = forms.ModelChoiceField(label=_("Acts as account"), queryset=None)

    def __init__(self, *args, users, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service_user"].queryset = users
