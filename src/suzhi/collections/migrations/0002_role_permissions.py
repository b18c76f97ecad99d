"""The collection permissions of the built-in roles."""

from django.db import migrations

from suzhi.core.migration_ops import add_role_permissions

ROLE_CODES = {
    "system_admin": ["collection.view", "collection.review", "collection.submit"],
    "committee_admin": ["collection.view", "collection.review", "collection.submit"],
    "town_admin": ["collection.view", "collection.review", "collection.submit"],
    "unit_admin": ["collection.view", "collection.review", "collection.submit"],
}


forwards = add_role_permissions(ROLE_CODES)


class Migration(migrations.Migration):
    dependencies = [("collections", "0001_initial"), ("core", "0002_builtin_data")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
