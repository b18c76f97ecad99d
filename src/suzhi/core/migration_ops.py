"""Steps data migrations share. Kept small and stable: migrations import them for as long as they exist."""

from collections.abc import Callable
from typing import Any


def add_role_permissions(codes_by_role: dict[str, list[str]]) -> Callable[[Any, Any], None]:
    """A RunPython function granting permission codes to built-in roles (an app's own permissions)."""

    def forwards(apps: Any, schema_editor: Any) -> None:
        Role = apps.get_model("core", "Role")
        for role_code, codes in codes_by_role.items():
            role = Role.objects.filter(code=role_code).first()
            if role is not None:
                role.permissions = sorted(set(role.permissions or []) | set(codes))
                role.save(update_fields=["permissions"])

    return forwards
