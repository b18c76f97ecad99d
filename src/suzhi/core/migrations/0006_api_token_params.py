"""The parameters that bound API tokens: how long one is valid, and after how many unused days it lapses."""

from django.db import migrations


def forwards(apps, schema_editor):
    SystemParameter = apps.get_model("core", "SystemParameter")
    SystemParameter.objects.get_or_create(
        key="api_token_days",
        defaults={"name": "接口令牌有效天数", "value": "90", "value_type": "int",
                  "description": "新建接口令牌的默认有效天数，也是可设的最长天数"},
    )
    SystemParameter.objects.get_or_create(
        key="api_token_idle_days",
        defaults={"name": "接口令牌闲置失效天数", "value": "30", "value_type": "int",
                  "description": "接口令牌连续这么多天未被使用即失效"},
    )


class Migration(migrations.Migration):
    dependencies = [("core", "0005_loginlog_account_names")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
