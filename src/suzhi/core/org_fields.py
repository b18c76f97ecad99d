"""The fields of an organisation as a form, the API or a row of the Excel import gives them: trimmed,
checked (codes, the organisation type from the dictionary, region codes, the contact phone) and collected as
field errors, without a query per row. No writes: services/orgs.py and the import save what passes."""

import re
from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from suzhi.core.errors import ValidationFailed
from suzhi.core.models import DictItem
from suzhi.core.models.orgs import ORG_TYPE_DICT
from suzhi.core.phones import is_phone, normalise_phone

ORG_CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")
REGION_CODE_RE = re.compile(r"^(\d{6}|\d{9}|\d{12})$")


_MAX_LENGTHS = {
    "code": 64, "name": 200, "short_name": 100, "contact_person": 50, "contact_phone": 30, "address": 200,
}


class OrgTypes:
    """The active organisation types, found by dictionary code (any case) or Chinese label. One query."""

    def __init__(self, items: list[DictItem]) -> None:
        self.items = items
        self._by_key: dict[str, DictItem] = {}
        for item in items:
            self._by_key.setdefault(item.code.lower(), item)
            self._by_key.setdefault(item.label, item)
            if item.label_en:
                self._by_key.setdefault(item.label_en.lower(), item)

    @classmethod
    def load(cls) -> "OrgTypes":
        return cls(list(DictItem.objects.filter(dict_type__code=ORG_TYPE_DICT, is_active=True)))

    def find(self, value: str) -> DictItem | None:
        value = (value or "").strip()
        return self._by_key.get(value) or self._by_key.get(value.lower())

    def labels(self) -> list[str]:
        return [item.label for item in self.items]


def clean_org_fields(values: Mapping[str, Any], *, types: OrgTypes) -> tuple[dict[str, Any], list[dict[str, str]]]:
    """Trim and check the given fields. Returns the clean values ("org_type" as a DictItem) and field errors."""
    cleaned: dict[str, Any] = {}
    errors: list[dict[str, str]] = []

    def fail(name: str, message: str) -> None:
        errors.append({"field": name, "message": message})

    for name, raw in values.items():
        if name == "is_active":
            cleaned[name] = bool(raw)
            continue
        value = "" if raw is None else str(raw).strip()
        if name == "contact_phone":
            value = normalise_phone(value)
        limit = _MAX_LENGTHS.get(name)
        if limit and len(value) > limit:
            fail(name, _("At most %(max)d characters.") % {"max": limit})
            continue
        if name in ("code", "name", "org_type") and not value:
            fail(name, _("This field is required."))
            continue
        if name == "code" and not ORG_CODE_RE.match(value):
            fail(name, _("Use only letters, digits, “-”, “_” and “.” in a code."))
            continue
        if name == "org_type":
            item = types.find(value)
            if item is None:
                fail(
                    name,
                    _("Unknown organisation type “%(value)s”; choose one of: %(choices)s.")
                    % {"value": value, "choices": pgettext("list separator", ", ").join(types.labels())},
                )
                continue
            cleaned[name] = item
            continue
        if name == "region_code" and value and not REGION_CODE_RE.match(value):
            fail(name, _("An administrative region code has 6, 9 or 12 digits."))
            continue
        if name == "contact_phone" and value and not is_phone(value):
            fail(name, _("Enter a mainland mobile number (11 digits) or a landline such as 0937-8812345."))
            continue
        cleaned[name] = value
    return cleaned, errors


def raise_if_errors(errors: list[dict[str, str]]) -> None:
    if errors:
        message = errors[0]["message"] if len(errors) == 1 else _("Some fields are not valid.")
        raise ValidationFailed(message, detail=errors)
