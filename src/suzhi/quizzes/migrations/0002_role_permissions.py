"""The question-bank permissions of the built-in roles."""

from django.db import migrations

from suzhi.core.migration_ops import add_role_permissions

ROLE_CODES = {
    "system_admin": ["quiz.view", "quiz.manage"],
    "committee_admin": ["quiz.view", "quiz.manage"],
    "town_admin": ["quiz.view", "quiz.manage"],
    "unit_admin": ["quiz.view"],
}

forwards = add_role_permissions(ROLE_CODES)


class Migration(migrations.Migration):
    dependencies = [("quizzes", "0001_initial"), ("core", "0002_builtin_data")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
