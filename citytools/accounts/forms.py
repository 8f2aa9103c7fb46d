"""Forms for signing in, passwords and invitations, with GOV.UK classes on every control."""

from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.password_validation import validate_password

from citytools.accounts.invitations import ORGANISATION_KINDS
from citytools.accounts.models import Invitation, User
from citytools.core.forms import GovukForm


class Govuk(GovukForm):
    classes = {**GovukForm.classes, "email": "govuk-input", "password": "govuk-input govuk-input--width-20"}


def _autocomplete(field, value):
    field.widget.attrs["autocomplete"] = value


class LoginForm(Govuk, auth_forms.AuthenticationForm):
    # One message whether or not an account exists, so the form cannot be used to find out.
    error_messages = {
        "invalid_login": "Enter a correct email address and password.",
        "inactive": "Enter a correct email address and password.",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = "Email address"
        self.fields["username"].widget.attrs.pop("autofocus", None)
        self.fields["username"].widget.attrs["spellcheck"] = "false"
        _autocomplete(self.fields["username"], "email")
        _autocomplete(self.fields["password"], "current-password")

    def clean_username(self):
        # Addresses are stored in lower case; normalising here also gives django-axes one
        # counter per address, whatever the capitals typed.
        return self.cleaned_data["username"].strip().lower()


class PasswordResetForm(Govuk, auth_forms.PasswordResetForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].label = "Email address"


class SetPasswordForm(Govuk, auth_forms.SetPasswordForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].help_text = ""
        self.fields["new_password1"].label = "New password"
        self.fields["new_password2"].label = "Confirm new password"


class PasswordChangeForm(Govuk, auth_forms.PasswordChangeForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["old_password"].widget.attrs.pop("autofocus", None)
        self.fields["new_password1"].help_text = ""
        self.fields["new_password1"].label = "New password"
        self.fields["new_password2"].label = "Confirm new password"


class NewAccountForm(Govuk):
    """Accepting an invitation without an account: a name and a password."""

    full_name = forms.CharField(label="Full name", max_length=200)
    password1 = forms.CharField(label="Password", widget=forms.PasswordInput, strip=False)
    password2 = forms.CharField(label="Confirm password", widget=forms.PasswordInput, strip=False)

    def __init__(self, *args, email: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.email = email
        _autocomplete(self.fields["full_name"], "name")
        _autocomplete(self.fields["password1"], "new-password")
        _autocomplete(self.fields["password2"], "new-password")

    def clean(self):
        data = super().clean()
        first, second = data.get("password1"), data.get("password2")
        if first and second and first != second:
            self.add_error("password2", "The two passwords do not match.")
        elif first:
            try:
                validate_password(first, user=User(email=self.email, full_name=data.get("full_name", "")))
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return data


KIND_HINTS = {
    "member": "sees what members of the network may see",
    "editor": "also changes the organisation's own records and invites its staff",
    "coordinator": "manages the network's organisations, users and settings",
}


class InviteForm(Govuk):
    """Invite someone to an organisation (its page) or to a network (its people page)."""

    email = forms.EmailField(label="Email address", max_length=254)
    kind = forms.ChoiceField(label="Role")
    organisation = forms.ModelChoiceField(
        label="Organisation", queryset=None, required=False, empty_label="Choose an organisation"
    )

    def __init__(self, *args, organisations=None, allow_coordinator: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        _autocomplete(self.fields["email"], "off")
        self.fields["email"].widget.attrs["spellcheck"] = "false"
        kinds = list(ORGANISATION_KINDS) + (["coordinator"] if allow_coordinator else [])
        self.fields["kind"].choices = [
            (kind, f"{Invitation.Kind(kind).label} – {KIND_HINTS[kind]}") for kind in kinds
        ]
        if organisations is None:
            del self.fields["organisation"]
        else:
            self.fields["organisation"].queryset = organisations
            self.fields["organisation"].help_text = "Not needed for a coordinator."

    def clean(self):
        data = super().clean()
        if "organisation" in self.fields and data.get("kind") in ORGANISATION_KINDS and not data.get("organisation"):
            self.add_error("organisation", "Choose the organisation the role is in.")
        return data
