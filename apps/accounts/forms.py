from django import forms
from django.contrib.auth import password_validation
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


class OtpEnrolForm(OtpTokenForm):
    """Set-up of a new authenticator; with a confirmed one on file, its current code too."""

    current_token = forms.RegexField(
        label=_("Current code of the authenticator already set up"),
        regex=r"^\d{6}$",
        required=False,
        error_messages={"invalid": _("Enter the 6 digits shown by your authenticator app.")},
    )

    def __init__(self, *args, needs_current, **kwargs):
        super().__init__(*args, **kwargs)
        if needs_current:
            self.fields["current_token"].required = True
        else:
            del self.fields["current_token"]


class PasswordChangeForm(BootstrapFormMixin, forms.Form):
    """Own password change: the current password first (ASVS 6.2.3, 7.5.1). The service
    checks it and the rules; the form only compares the two new entries."""

    old_password = forms.CharField(
        label=_("Current password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password", "autofocus": True}),
    )
    new_password1 = forms.CharField(
        label=_("New password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    new_password2 = forms.CharField(
        label=_("New password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[
            "new_password1"
        ].help_text = password_validation.password_validators_help_text_html()
        self.user = user

    def clean(self):
        data = super().clean()
        first, second = data.get("new_password1"), data.get("new_password2")
        if first and second and first != second:
            self.add_error("new_password2", _("The two new passwords differ."))
        return data


class OtpResetForm(BootstrapFormMixin, forms.Form):
    reason = forms.CharField(label=_("Reason for the reset"), max_length=400)


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

    def __init__(self, *args, organisations, roles, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        # Only the roles inside the administrator's remit are offered (等保 8.1.4.2); the
        # service refuses the others all the same.
        self.fields["role"].choices = [(v, label) for v, label in Role.choices if v in roles]


class UserUpdateForm(BootstrapFormMixin, forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=60)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    mobile = forms.CharField(label=_("Mobile number"), required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    second_factor_required = forms.BooleanField(label=_("Require a second factor"), required=False)
    new_password = forms.CharField(
        label=_("New initial password"),
        widget=forms.PasswordInput,
        strip=False,
        required=False,
        help_text=_(
            "Only to give an account its first password (an imported expert has none) or to "
            "replace a forgotten one; leave empty to keep the password. Hand it over in person."
        ),
    )

    def __init__(self, *args, roles, current_role, may_change_role, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = set(roles) | {current_role}
        self.fields["role"].choices = [(v, label) for v, label in Role.choices if v in allowed]
        if not may_change_role:
            # One's own role: shown, not editable (等保 8.1.4.2); the service refuses as well.
            self.fields["role"].disabled = True


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
