"""The judge's score sheet as a form: a number per criterion of the rubric, and whether to save or submit. It checks
shape (a number between 0 and the criterion's top score) so that a mistyped value comes back beside its field with
everything else the judge typed; the service decides the rest."""

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from suzhi.judging.rubric import Criterion

SAVE, SUBMIT = "save", "submit"


class ScoreSheetForm(forms.Form):
    action = forms.ChoiceField(choices=[(SAVE, _("Save")), (SUBMIT, _("Submit"))], required=False)

    def __init__(self, *args: Any, criteria: list[Criterion], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        for criterion in criteria:
            top = Decimal(f"{criterion.max_score:g}")  # 30, not 30.0, in the message and the input
            self.fields[criterion.key] = forms.DecimalField(
                label=criterion.label, required=False, min_value=Decimal(0), max_value=top, decimal_places=2,
                max_digits=9, error_messages={
                    "invalid": _("Enter a number."),
                    "min_value": _("Scores start at 0."),
                    "max_value": _("At most %(limit_value)s."),
                    "max_decimal_places": _("At most two decimal places."),
                    "max_digits": _("At most two decimal places."),
                },
                widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.01", "min": "0",
                                                "max": str(top)}))

    def scores(self) -> dict[str, Decimal]:
        """The criteria given a value (the others are left as they were)."""
        return {c.key: self.cleaned_data[c.key] for c in self.criteria if self.cleaned_data.get(c.key) is not None}

    def submitting(self) -> bool:
        return self.cleaned_data.get("action") == SUBMIT

    def rows(self) -> list[tuple[Criterion, forms.BoundField]]:
        return [(criterion, self[criterion.key]) for criterion in self.criteria]
