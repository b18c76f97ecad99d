from django import forms
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from suzhi.core.passwords import ComplexityValidator


class ActivationForm(forms.Form):
    """The code from the activation sheet and the person's own new password."""

    code = forms.CharField(
        label=_("Activation code"), max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autocapitalize": "characters",
                                      "spellcheck": "false", "class": "mono"}),
    )
    password = forms.CharField(
        label=_("New password"), strip=False, help_text=lazy(lambda: ComplexityValidator().get_help_text(), str)(),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password_again = forms.CharField(
        label=_("New password again"), strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict:
        data = super().clean() or {}
        if data.get("password") and data.get("password") != data.get("password_again"):
            self.add_error("password_again", _("The two new passwords differ."))
        return data
