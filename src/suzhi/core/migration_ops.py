"""Steps data migrations share. Kept small and stable: migrations import them for as long as they exist."""

from collections.abc import Callable
from typing import Any


def builtin_rows(forwards: Callable[[Any, Any], None]) -> Callable[[Any, Any], None]:
    """Marks a data migration's function as one that puts built-in rows in place (dictionaries, roles and their
    permissions, parameters): tests that empty every table (transactional tests) run these again, in migration
    order, so a new app's rows come back without naming it anywhere (tests/conftest.py)."""
    forwards.builtin_rows = True  # type: ignore[attr-defined]
    return forwards


def add_role_permissions(codes_by_role: dict[str, list[str]]) -> Callable[[Any, Any], None]:
    """A RunPython function granting permission codes to built-in roles (an app's own permissions)."""

    def forwards(apps: Any, schema_editor: Any) -> None:
        Role = apps.get_model("core", "Role")
        for role_code, codes in codes_by_role.items():
            role = Role.objects.filter(code=role_code).first()
            if role is not None:
                role.permissions = sorted(set(role.permissions or []) | set(codes))
                role.save(update_fields=["permissions"])

    return builtin_rows(forwards)
