"""The training permissions of the built-in roles."""

from django.db import migrations

ROLE_CODES = {
    "system_admin": ["training.view", "training.manage"],
    "committee_admin": ["training.view", "training.manage"],
    "town_admin": ["training.view", "training.manage"],
    "unit_admin": ["training.view", "training.manage"],
}


def forwards(apps, schema_editor):
    Role = apps.get_model("core", "Role")
    for role_code, codes in ROLE_CODES.items():
        role = Role.objects.filter(code=role_code).first()
        if role is not None:
            role.permissions = sorted(set(role.permissions or []) | set(codes))
            role.save(update_fields=["permissions"])


class Migration(migrations.Migration):
    dependencies = [("training", "0001_initial"), ("core", "0002_builtin_data")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
