"""Readable names for what the operation log (操作日志) stores as codes, so the log reads 新增用户, not user.create.

Three registries, each fed by the app that writes the rows, in its `AppConfig.ready()` (the core's own below):

- actions (操作类型): `register("quiz.attempt_start", _("Start contest attempt"))`;
- object types (对象类型), a model's `app_label.model_name`: `register_object_type("quizzes.attempt", _("…"))`,
  needed only where the model's own verbose_name is not a translated one;
- detail keys, the names in a row's before/after values: `register_details({"finished_by": _("Finished by")})`,
  needed only where the key is not a model field with a translated verbose_name.

What no registry knows is shown as it is; tests/core/test_oplog_labels.py fails on any code the services write
that has no label.
"""

from collections.abc import Iterable, Mapping
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

Label = str | Promise
_LABELS: dict[str, Label] = {}
_OBJECT_TYPES: dict[str, Label] = {}
_DETAILS: dict[str, Label] = {}


def register(code: str, label: Label) -> None:
    _LABELS[code] = label


def register_object_type(object_type: str, label: Label) -> None:
    _OBJECT_TYPES[object_type] = label


def register_details(labels: Mapping[str, Label] | Iterable[tuple[str, Label]]) -> None:
    _DETAILS.update(dict(labels))


def label_for(code: str) -> str:
    label = _LABELS.get(code)
    return str(label) if label is not None else code


def has_label(code: str) -> bool:
    return code in _LABELS


def choices() -> list[tuple[str, str]]:
    return sorted(((code, str(label)) for code, label in _LABELS.items()), key=lambda pair: pair[0])


def _model(object_type: str) -> type[models.Model] | None:
    try:
        return apps.get_model(object_type) if object_type else None
    except (LookupError, ValueError):
        return None


def _translated(text: Any) -> str | None:
    """A verbose name written with gettext_lazy; Django's own default (the name with spaces) is English."""
    return str(text) if isinstance(text, Promise) else None


def object_type_text(object_type: str) -> str | None:
    """The readable name of an object type, or None when nothing names it."""
    label = _OBJECT_TYPES.get(object_type)
    if label is not None:
        return str(label)
    model = _model(object_type)
    return _translated(model._meta.verbose_name) if model is not None else None


def object_type_label(object_type: str) -> str:
    return object_type_text(object_type) or object_type


def detail_text(object_type: str, key: str) -> str | None:
    """The readable name of a before/after key of a row about `object_type`, or None when nothing names it.

    A field of the object's model with a translated verbose name names itself; other keys come from the registry.
    """
    model = _model(object_type)
    if model is not None:
        try:
            own = _translated(getattr(model._meta.get_field(key), "verbose_name", None))
        except FieldDoesNotExist:
            own = None
        if own is not None:
            return own
    label = _DETAILS.get(key)
    return str(label) if label is not None else None


def detail_label(object_type: str, key: str) -> str:
    return detail_text(object_type, key) or key


def detail_value(object_type: str, key: str, value: Any) -> Any:
    """A stored choice (finished_by "timer") as its readable name when the object's model field has choices."""
    model = _model(object_type)
    if model is None or not isinstance(value, str):
        return value
    try:
        choices = dict(getattr(model._meta.get_field(key), "flatchoices", None) or ())
    except FieldDoesNotExist:
        return value
    return str(choices[value]) if value in choices else value


for _code, _label in (
    ("org.create", _("Create organisation")),
    ("org.update", _("Edit organisation")),
    ("org.move", _("Move organisation")),
    ("org.delete", _("Delete organisation")),
    ("org.import", _("Import organisations")),
    ("user.bootstrap", _("Create first administrator")),
    ("user.create", _("Create user")),
    ("user.update", _("Edit user")),
    ("user.activate", _("Enable user")),
    ("user.deactivate", _("Disable user")),
    ("user.password_change", _("Change own password")),
    ("user.password_reset", _("Reset password")),
    ("user.account_activate", _("Activate account with code")),
    ("user.role_assign", _("Grant role")),
    ("user.role_revoke", _("Revoke role")),
    ("role.create", _("Create role")),
    ("role.update", _("Edit role")),
    ("role.delete", _("Delete role")),
    ("token.create", _("Create API token")),
    ("token.revoke", _("Revoke API token")),
    ("dict.type_create", _("Create dictionary")),
    ("dict.type_update", _("Edit dictionary")),
    ("dict.item_create", _("Add dictionary item")),
    ("dict.item_update", _("Edit dictionary item")),
    ("param.update", _("Change system parameter")),
    ("notice.create", _("Create notice")),
    ("notice.update", _("Edit notice")),
    ("notice.publish", _("Publish notice")),
    ("notice.withdraw", _("Withdraw notice")),
    ("export.expire", _("Remove old exports")),
    ("export.retry", _("Retry interrupted exports")),
    ("file.store", _("Upload file")),
):
    register(_code, _label)

register_details({
    "parent": pgettext_lazy("log detail", "Parent organisation"),
    "custom_organisations": pgettext_lazy("log detail", "Organisations of a custom scope"),
    "assignment": pgettext_lazy("log detail", "Role grant"),
    "role": pgettext_lazy("log detail", "Role"),
    "organisation": pgettext_lazy("log detail", "Organisation"),
    "must_change_password": pgettext_lazy("log detail", "Must change password"),
    "api_tokens_revoked": pgettext_lazy("log detail", "API tokens revoked"),
    "username": pgettext_lazy("log detail", "Username"),
    "is_superuser": pgettext_lazy("log detail", "Superuser"),
    "is_active": pgettext_lazy("log detail", "Active"),
    "name": pgettext_lazy("log detail", "Name"),
    "prefix": pgettext_lazy("log detail", "Token prefix"),
    "status": pgettext_lazy("log detail", "Status"),
    "value": pgettext_lazy("log detail", "Value"),
    "kind": pgettext_lazy("log detail", "Export kind"),
    "filters": pgettext_lazy("log detail", "Filters"),
    "rows": pgettext_lazy("log detail", "Rows"),
    "unmasked": pgettext_lazy("log detail", "Unmasked"),
    "deleted": pgettext_lazy("log detail", "Files removed"),
    "failed": pgettext_lazy("log detail", "Exports marked failed"),
    "queued": pgettext_lazy("log detail", "Exports queued again"),
    "file": pgettext_lazy("log detail", "File"),
    "created": pgettext_lazy("log detail", "Created"),
    "updated": pgettext_lazy("log detail", "Updated"),
    "unchanged": pgettext_lazy("log detail", "Unchanged"),
    "skipped": pgettext_lazy("log detail", "Rows skipped"),
    "errors": pgettext_lazy("log detail", "Errors"),
})
