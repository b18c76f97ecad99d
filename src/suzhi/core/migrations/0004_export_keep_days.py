"""The parameter that says how long export files (which hold personal data) are kept."""

from django.db import migrations

from suzhi.core.migration_ops import builtin_rows


@builtin_rows
def forwards(apps, schema_editor):
    SystemParameter = apps.get_model("core", "SystemParameter")
    SystemParameter.objects.get_or_create(
        key="export_keep_days",
        defaults={"name": "导出文件保留天数", "value": "7", "value_type": "int",
                  "description": "导出的 Excel 文件保留的天数，过期自动删除"},
    )


class Migration(migrations.Migration):
    dependencies = [("core", "0003_exportjob")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
