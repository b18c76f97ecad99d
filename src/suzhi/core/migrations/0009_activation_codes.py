"""One-time activation codes for accounts created in bulk from the roster, and how many days one stays valid."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def forwards(apps, schema_editor):
    SystemParameter = apps.get_model("core", "SystemParameter")
    SystemParameter.objects.get_or_create(
        key="activation_code_days",
        defaults={"name": "激活码有效天数", "value": "14", "value_type": "int",
                  "description": "批量开通账号时打印的激活码在这么多天内未使用即失效"},
    )


class Migration(migrations.Migration):
    dependencies = [("core", "0008_export_job_runs")]

    operations = [
        migrations.CreateModel(
            name="ActivationCode",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("code_hash", models.CharField(max_length=64, unique=True)),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="created at")),
                ("expires_at", models.DateTimeField(verbose_name="expires at")),
                ("used_at", models.DateTimeField(blank=True, null=True, verbose_name="used at")),
                ("created_by", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL,
                                                 related_name="+", to=settings.AUTH_USER_MODEL)),
                ("user", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE,
                                           related_name="activation_codes", to=settings.AUTH_USER_MODEL)),
            ],
            options={
                "verbose_name": "activation code",
                "verbose_name_plural": "activation codes",
                "ordering": ["-created_at", "-id"],
            },
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
