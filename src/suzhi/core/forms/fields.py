"""Choosing organisations in forms, at any scale.

A township admin sees a few dozen organisations: a plain <select>, indented like the tree, is quickest.
A province admin sees tens of thousands: the same field then renders a search box (HTMX, by name, code
or pinyin initials) instead of a list nobody could scroll. Validation is the same either way: the value
must be in the field's queryset, which the caller scopes; services check the scope again.
"""

from typing import Any

from django import forms
from django.db.models import QuerySet

from suzhi.core.models import Organisation

# Above this many choices the field renders as a search box.
SELECT_LIMIT = 200


def _indent(org: Organisation, top: int) -> str:
    # Ideographic spaces survive inside <option>, where ordinary spaces collapse.
    return "\u3000" * max(0, org.depth - top) + (org.name or "")


class _PickerMixin:
    """Shared by the single and multiple widgets: decide select or search box, render the chosen ones."""

    permission = "org.view"
    allow_multiple_selected: bool

    def _selected(self, value: Any) -> list[Organisation]:
        ids = [v for v in (value if isinstance(value, list | tuple) else [value]) if str(v or "").isdigit()]
        if not ids:
            return []
        return list(Organisation.objects.filter(pk__in=ids).only("pk", "name", "code", "depth", "path"))

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        queryset: QuerySet[Organisation] = self.choices.queryset  # type: ignore[attr-defined]
        small = len(queryset.values_list("pk", flat=True)[: SELECT_LIMIT + 1]) <= SELECT_LIMIT
        if small:
            context = super().get_context(name, value, attrs)  # type: ignore[misc]
        else:
            context = forms.Widget.get_context(self, name, value, attrs)  # type: ignore[arg-type]
            context["widget"]["selected"] = self._selected(context["widget"]["value"])
        context["widget"].update(
            {"picker": not small, "multiple": self.allow_multiple_selected, "permission": self.permission}
        )
        return context

    def format_value(self, value: Any) -> Any:
        if value is None:
            return [] if self.allow_multiple_selected else ""
        if self.allow_multiple_selected:
            return [str(v.pk if isinstance(v, Organisation) else v) for v in value]
        return str(value.pk if isinstance(value, Organisation) else value)


class OrgSelect(_PickerMixin, forms.Select):
    template_name = "core/widgets/org_picker.html"
    allow_multiple_selected = False

    def format_value(self, value: Any) -> Any:  # Select wants a list of strings
        formatted = _PickerMixin.format_value(self, value)
        return [formatted] if isinstance(formatted, str) and formatted else ([] if formatted == "" else formatted)


class OrgSelectMultiple(_PickerMixin, forms.SelectMultiple):
    template_name = "core/widgets/org_picker.html"
    allow_multiple_selected = True


class OrgChoiceField(forms.ModelChoiceField):
    """One organisation from `queryset` (already scoped by a selector), searched by `permission`."""

    widget = OrgSelect

    def __init__(self, queryset: QuerySet[Organisation], *, permission: str = "org.view", **kwargs: Any) -> None:
        super().__init__(queryset.order_by("path"), **kwargs)
        self.widget.permission = permission  # type: ignore[attr-defined]
        self._top: int | None = None

    def label_from_instance(self, obj: Organisation) -> str:
        if self._top is None:
            self._top = obj.depth  # choices come in tree order, so the first is the shallowest
        return _indent(obj, self._top)


class OrgMultipleChoiceField(forms.ModelMultipleChoiceField):
    widget = OrgSelectMultiple

    def __init__(self, queryset: QuerySet[Organisation], *, permission: str = "org.view", **kwargs: Any) -> None:
        super().__init__(queryset.order_by("path"), **kwargs)
        self.widget.permission = permission  # type: ignore[attr-defined]
        self._top: int | None = None

    def label_from_instance(self, obj: Organisation) -> str:
        if self._top is None:
            self._top = obj.depth
        return _indent(obj, self._top)
