"""The results-entry table: one row per contestant by number, one input per component entered here (measured, or
a theory score typed in); each cell checked on its own so its error stands beside it, naming the number and the
component."""

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from suzhi.competitions.display import entered_components, shown_value
from suzhi.competitions.models import Contestant
from suzhi.competitions.services.measures import parse_value
from suzhi.competitions.settings import Component, Event
from suzhi.core.errors import ValidationFailed


def cell_name(contestant_id: int, component: str) -> str:
    return f"m-{contestant_id}-{component}"


class MeasuresForm(forms.Form):
    """Cells `m-<contestant id>-<component key>`; an empty cell changes nothing."""

    reason = forms.CharField(label=gettext_lazy("Reason for changes"), required=False, max_length=500)

    def __init__(self, *args: Any, contestants: list[Contestant], event: Event, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.contestants, self.components = contestants, entered_components(event)
        for contestant in contestants:
            values = getattr(contestant, "values", {})
            for component in self.components:
                stored = values.get(component.key)
                self.fields[cell_name(contestant.pk, component.key)] = forms.CharField(
                    required=False, max_length=30, label=f"{contestant.label} · {component.label}",
                    initial=shown_value(stored),
                    widget=forms.TextInput(attrs={"inputmode": "decimal", "size": 6}))

    def _clean_cell(self, contestant: Contestant, component: Component) -> Decimal | None:
        name = cell_name(contestant.pk, component.key)
        raw = str(self.cleaned_data.get(name) or "").strip()
        if not raw:
            return None
        try:
            return parse_value(raw, component.label)
        except ValidationFailed as refused:
            self.add_error(name, _("No. %(number)s, %(component)s: %(message)s") % {
                "number": contestant.label, "component": component.label, "message": refused.message})
            return None

    def values(self) -> dict[int, dict[str, Decimal]]:
        """{contestant id: {component key: value}} of the cells filled in; errors go beside their cells."""
        found: dict[int, dict[str, Decimal]] = {}
        for contestant in self.contestants:
            for component in self.components:
                value = self._clean_cell(contestant, component)
                if value is not None:
                    found.setdefault(contestant.pk, {})[component.key] = value
        return found

    def rows(self) -> list[tuple[Contestant, list[forms.BoundField]]]:
        return [(c, [self[cell_name(c.pk, comp.key)] for comp in self.components]) for c in self.contestants]
