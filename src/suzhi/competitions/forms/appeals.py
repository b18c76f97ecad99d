"""The appeal forms (申诉): filing one (which component, why), proposing a correction (the value and why) and
dismissing one (why). They bound what is typed; whether a component belongs to the event, a reason is given, the
value is a number and the window is open is the services' to say, in the words the API answers with too."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from suzhi.competitions.services.appeals import REASON_LIMIT


def _text(label: Any) -> forms.CharField:
    return forms.CharField(label=label, required=False, max_length=REASON_LIMIT,
                           widget=forms.Textarea(attrs={"rows": 3, "maxlength": REASON_LIMIT}))


class AppealFileForm(forms.Form):
    component = forms.CharField(label=_("Component appealed"), max_length=50)
    reason = _text(_("Reason for the appeal"))


class AppealProposeForm(forms.Form):
    value = forms.CharField(label=_("Corrected value"), required=False, max_length=30)
    note = _text(_("Why the value is corrected"))


class AppealDismissForm(forms.Form):
    note = _text(_("Why the appeal is dismissed"))
