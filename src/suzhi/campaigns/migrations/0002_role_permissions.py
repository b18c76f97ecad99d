"""The campaign permissions of the built-in roles."""

from django.db import migrations

from suzhi.core.migration_ops import add_role_permissions

ROLE_CODES = {
    "system_admin": ["campaign.view", "campaign.manage"],
    "committee_admin": ["campaign.view", "campaign.manage"],
    "town_admin": ["campaign.view"],
    "unit_admin": ["campaign.view"],
}


forwards = add_role_permissions(ROLE_CODES)


class Migration(migrations.Migration):
    dependencies = [("campaigns", "0001_initial"), ("core", "0002_builtin_data")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
