"""Forms of the implementation panel on a suggestion's page. They check shape only; the services (and the table in
collections.implementation) decide the rest."""

from collections.abc import Sequence
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from suzhi.collections.implementation import BENEFIT_DIGITS, BENEFIT_PLACES, Status
from suzhi.collections.services.implementation import NOTE_MAX


class ImplementationReportForm(forms.Form):
    status = forms.ChoiceField(label=_("Implementation status"), choices=Status.choices)
    measured_benefit = forms.DecimalField(
        label=_("Measured benefit (10,000 yuan)"), required=False, min_value=0, max_digits=BENEFIT_DIGITS,
        decimal_places=BENEFIT_PLACES,
        widget=forms.NumberInput(attrs={"step": "0.01", "min": "0", "inputmode": "decimal"}),
        help_text=_("Leave empty while it is not measured; a changed benefit needs confirming again."))
    note = forms.CharField(label=_("Note"), required=False, max_length=NOTE_MAX,
                           widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, statuses: Sequence[Status] | None = None, **kwargs: Any) -> None:
        """`statuses`: offer only these (those the table allows next); posted data is checked by the service."""
        super().__init__(*args, **kwargs)
        if statuses is not None:
            cast(forms.ChoiceField, self.fields["status"]).choices = [(s.value, s.label) for s in statuses]


class ImplementationConfirmForm(forms.Form):
    comment = forms.CharField(label=_("Comment"), required=False, max_length=NOTE_MAX,
                              widget=forms.Textarea(attrs={"rows": 2}))
