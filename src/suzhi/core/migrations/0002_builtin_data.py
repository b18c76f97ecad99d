"""Built-in dictionaries, system parameters and roles every installation starts with."""

from django.db import migrations

from suzhi.core.migration_ops import builtin_rows

ORG_TYPES = [
    ("committee", "组委会", "Organising committee"),
    ("federation", "总工会", "Federation of trade unions"),
    ("town_federation", "乡镇工会联合会", "Township union federation"),
    ("system_union", "系统工会", "Sector union"),
    ("city_union", "市直工会", "City-department union"),
    ("enterprise", "企事业单位", "Enterprise or institution"),
    ("school", "学校", "School"),
    ("training_station", "培训站", "Training station"),
    ("education_bureau", "教育局", "Education bureau"),
    ("other", "其他", "Other"),
]

PARAMETERS = [
    ("site_name", "系统名称", "全民素质提升活动管理平台", "str", "页面顶部显示的名称"),
    ("import_max_rows", "导入最大行数", "200000", "int", "一次导入的文件最多可包含的数据行数"),
    ("org_import_max_rows", "组织导入最大行数", "50000", "int", "一次导入组织架构的最多行数"),
]

ALL_CODES = [
    "org.view", "org.manage", "user.view", "user.manage", "role.manage",
    "log.view", "dict.manage", "notice.manage", "pii.view",
]

ROLES = [
    ("system_admin", "系统管理员", "all", ALL_CODES, "全部数据,全部功能"),
    ("committee_admin", "组委会管理员", "subtree", ALL_CODES, "活动组委会办公室:本级及以下全部功能"),
    (
        "town_admin", "乡镇/系统工会管理员", "subtree",
        ["org.view", "org.manage", "user.view", "user.manage", "log.view", "notice.manage", "pii.view"],
        "管理本级及下属单位",
    ),
    (
        "unit_admin", "单位管理员", "subtree",
        ["org.view", "user.view", "user.manage", "log.view", "notice.manage"],
        "管理本单位的人员与活动",
    ),
    ("participant", "参与者", "self", [], "职工、教师、学生:参加活动,查看本人记录"),
    ("judge", "评委", "self", [], "对比赛作品和征集成果评分"),
]


@builtin_rows
def forwards(apps, schema_editor):
    DictType = apps.get_model("core", "DictType")
    DictItem = apps.get_model("core", "DictItem")
    SystemParameter = apps.get_model("core", "SystemParameter")
    Role = apps.get_model("core", "Role")

    org_type, _ = DictType.objects.get_or_create(
        code="org_type", defaults={"name": "组织类型", "is_system": True, "description": "组织架构中的单位类型"}
    )
    for order, (code, label, label_en) in enumerate(ORG_TYPES, start=1):
        DictItem.objects.get_or_create(
            dict_type=org_type, code=code, defaults={"label": label, "label_en": label_en, "sort_order": order}
        )
    for key, name, value, value_type, description in PARAMETERS:
        SystemParameter.objects.get_or_create(
            key=key, defaults={"name": name, "value": value, "value_type": value_type, "description": description}
        )
    for code, name, scope, permissions, description in ROLES:
        Role.objects.get_or_create(
            code=code,
            defaults={
                "name": name, "data_scope": scope, "permissions": permissions,
                "description": description, "is_builtin": True,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
