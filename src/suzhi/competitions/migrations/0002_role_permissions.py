"""The competition permissions of the built-in roles: the committee and towns run competitions and verify their
rankings; units register their people."""

from django.db import migrations

from suzhi.core.migration_ops import add_role_permissions

ROLE_CODES = {
    "system_admin": ["competition.manage", "competition.register", "competition.verify"],
    "committee_admin": ["competition.manage", "competition.register", "competition.verify"],
    "town_admin": ["competition.manage", "competition.register", "competition.verify"],
    "unit_admin": ["competition.register"],
}


forwards = add_role_permissions(ROLE_CODES)


class Migration(migrations.Migration):
    dependencies = [("competitions", "0001_initial"), ("core", "0002_builtin_data")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
