"""The honours permissions of the built-in roles: every admin sees the roll of their organisations; those who
organise campaigns (the committee, the towns) propose and confirm."""

from django.db import migrations

from suzhi.core.migration_ops import add_role_permissions

ROLE_CODES = {
    "system_admin": ["honours.view", "honours.manage"],
    "committee_admin": ["honours.view", "honours.manage"],
    "town_admin": ["honours.view", "honours.manage"],
    "unit_admin": ["honours.view"],
}


forwards = add_role_permissions(ROLE_CODES)


class Migration(migrations.Migration):
    dependencies = [("honours", "0001_initial"), ("core", "0002_builtin_data")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
