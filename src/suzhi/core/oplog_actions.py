"""Readable names for operation-log actions (操作类型), so the log reads 新增用户, not user.create.

Apps register their own actions in `AppConfig.ready()`; an unknown code is shown as it is.
"""

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

_LABELS: dict[str, str | Promise] = {}


def register(code: str, label: str | Promise) -> None:
    _LABELS[code] = label


def label_for(code: str) -> str:
    label = _LABELS.get(code)
    return str(label) if label is not None else code


def choices() -> list[tuple[str, str]]:
    return sorted(((code, str(label)) for code, label in _LABELS.items()), key=lambda pair: pair[0])


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
):
    register(_code, _label)
