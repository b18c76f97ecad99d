"""The login log keeps the account's username, or the typed name masked when it matched no account.

Rows written before held the name as typed, so a phone or ID number used to log in showed in full to every
administrator with log.view; they are rewritten the same way.
"""

from django.db import migrations, models

from suzhi.core.masking import mask_login


def forwards(apps, schema_editor):
    LoginLog = apps.get_model("core", "LoginLog")
    User = apps.get_model("core", "User")
    # Rows of a known account: its username (one UPDATE per account, not per row).
    for user_id in LoginLog.objects.filter(user__isnull=False).values_list("user_id", flat=True).distinct():
        username = User.objects.filter(pk=user_id).values_list("username", flat=True).first()
        if username is not None:
            LoginLog.objects.filter(user_id=user_id).exclude(username=username).update(username=username)
    # Names that matched no account: masked (one UPDATE per distinct name).
    names = list(LoginLog.objects.filter(user__isnull=True).values_list("username", flat=True).distinct())
    for name in names:
        masked = mask_login(name)[:150]
        if masked != name:
            LoginLog.objects.filter(user__isnull=True, username=name).update(username=masked)


class Migration(migrations.Migration):
    dependencies = [("core", "0004_export_keep_days")]
    operations = [
        migrations.AlterField(
            model_name="loginlog", name="username", field=models.CharField(max_length=150, verbose_name="login account"),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
