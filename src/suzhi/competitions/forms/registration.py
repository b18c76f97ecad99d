"""The registration page's forms: which event, whom to look for on the roster, one person registered (or as
列名参赛)."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from suzhi.competitions.settings import CompetitionSettings


class RegistrationFilterForm(forms.Form):
    event = forms.ChoiceField(label=_("Event"), required=False)
    q = forms.CharField(label=_("Name or pinyin initials"), required=False, max_length=50)

    def __init__(self, *args: Any, settings: CompetitionSettings, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["event"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(e.key, e.title) for e in settings.events]

    def event_key(self, settings: CompetitionSettings) -> str:
        chosen = self.cleaned_data.get("event") if self.is_valid() else ""
        return chosen or (settings.events[0].key if settings.events else "")


class RegisterForm(forms.Form):
    event = forms.CharField(max_length=50)
    person = forms.IntegerField(min_value=1)
    unofficial = forms.BooleanField(label=_("Take part unranked (列名参赛)"), required=False)
