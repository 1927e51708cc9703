"""Forms of the console's accounts: sign-in, second factor, accepting an invitation."""
from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm, SetPasswordForm
from django.utils.translation import gettext_lazy as _


def user_for_login(identifier):
    """The user an identifier designates: a username, or else an e-mail address owned by one user."""
    User = get_user_model()
    user = User.objects.filter(username=identifier).first()
    if user is None and "@" in identifier:
        matches = list(User.objects.filter(email__iexact=identifier)[:2])
        # Two accounts sharing an address: ask for the username rather than guess.
        user = matches[0] if len(matches) == 1 else None
    return user


class LoginForm(AuthenticationForm):
    username = forms.CharField(
        label=_("Identifiant ou adresse e-mail"),
        max_length=254,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username", "autocapitalize": "none"}),
    )
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("Identifiant, adresse e-mail ou mot de passe incorrect."),
    }

    def clean(self):
        identifier = (self.cleaned_data.get("username") or "").strip()
        user = user_for_login(identifier) if identifier else None
        if user is not None:
            self.cleaned_data["username"] = user.get_username()
        return super().clean()


class OtpCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code à 6 chiffres"),
        max_length=12,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )

    def clean_code(self):
        code = "".join(self.cleaned_data["code"].split())
        if not (code.isdigit() and len(code) == 6):
            raise forms.ValidationError(_("Saisissez les 6 chiffres affichés par votre application."))
        return code


class NewAccountPasswordForm(SetPasswordForm):
    """The password an invited person chooses; Django's validators apply to the new account."""

    def __init__(self, email, *args, **kwargs):
        User = get_user_model()
        super().__init__(User(username=email.lower(), email=email), *args, **kwargs)
