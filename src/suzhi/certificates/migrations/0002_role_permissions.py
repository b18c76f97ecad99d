"""The certificates permission of the built-in roles: the administrators of the organisations that issue
certificates (the committee, towns, units) list, print and revoke those their scope covers."""

from django.db import migrations

from suzhi.core.migration_ops import add_role_permissions

ROLE_CODES = {
    "system_admin": ["certificates.manage"],
    "committee_admin": ["certificates.manage"],
    "town_admin": ["certificates.manage"],
    "unit_admin": ["certificates.manage"],
}


forwards = add_role_permissions(ROLE_CODES)


class Migration(migrations.Migration):
    dependencies = [("certificates", "0001_initial"), ("core", "0002_builtin_data")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
