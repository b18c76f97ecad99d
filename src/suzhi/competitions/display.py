"""What the pages and the import share about an event's components: which ones a clerk enters, and the
standings as table rows."""

from decimal import Decimal, InvalidOperation
from typing import Any

from suzhi.competitions.models import Standing
from suzhi.competitions.settings import Component, Event

ENTERED = ("measured", "quiz")


def entered_components(event: Event) -> list[Component]:
    """The components a clerk types or imports: measured ones, and contest scores typed from paper."""
    return [c for c in event.components if c.source in ENTERED]


def shown_value(value: Any) -> str:
    """A stored value as people write it: 80, 85.5 (not 80.0000); empty when there is none."""
    if value in (None, ""):
        return ""
    try:
        return f"{Decimal(str(value)).normalize():f}"
    except InvalidOperation:
        return str(value)


def standing_rows(standings: list[Standing], event: Event) -> list[dict[str, Any]]:
    """Each standing with its components' values in the plan's order, for a table."""
    return [{"standing": s, "cells": [shown_value((s.values or {}).get(c.key)) for c in event.components]}
            for s in standings]
