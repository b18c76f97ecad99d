"""The judging permissions of the built-in roles: judges (评委) score what they are assigned; the committee
manages judging and verifies results; towns verify. The administrators who appoint judges hold judging.score too
(a role can be granted only by someone holding all of its permissions); it lets them score only sheets assigned
to them."""

from django.db import migrations

from suzhi.core.migration_ops import add_role_permissions

ROLE_CODES = {
    "system_admin": ["judging.manage", "judging.verify", "judging.score"],
    "committee_admin": ["judging.manage", "judging.verify", "judging.score"],
    "town_admin": ["judging.manage", "judging.verify", "judging.score"],
    "judge": ["judging.score"],
}


forwards = add_role_permissions(ROLE_CODES)


class Migration(migrations.Migration):
    dependencies = [("judging", "0001_initial"), ("core", "0002_builtin_data")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
