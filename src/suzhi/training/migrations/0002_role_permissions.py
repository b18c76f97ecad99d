"""The training permissions of the built-in roles."""

from django.db import migrations

from suzhi.core.migration_ops import add_role_permissions

ROLE_CODES = {
    "system_admin": ["training.view", "training.manage"],
    "committee_admin": ["training.view", "training.manage"],
    "town_admin": ["training.view", "training.manage"],
    "unit_admin": ["training.view", "training.manage"],
}


forwards = add_role_permissions(ROLE_CODES)


class Migration(migrations.Migration):
    dependencies = [("training", "0001_initial"), ("core", "0002_builtin_data")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
