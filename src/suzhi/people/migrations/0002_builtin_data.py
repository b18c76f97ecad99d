"""Roster dictionaries (人员类别, 学历, 政治面貌) and the roster permissions of the built-in roles."""

from django.db import migrations

from suzhi.core.migration_ops import builtin_rows

DICTS = {
    ("person_category", "人员类别"): [
        ("in_post", "在岗职工", "Employed worker"),
        ("laid_off", "下岗职工", "Laid-off worker"),
        ("migrant", "农民工", "Migrant worker"),
        ("union_cadre", "工会干部", "Union cadre"),
        ("teacher", "教师", "Teacher"),
        ("student", "学生", "Student"),
        ("other", "其他", "Other"),
    ],
    ("education", "学历"): [
        ("doctorate", "博士研究生", "Doctorate"),
        ("master", "硕士研究生", "Master's degree"),
        ("bachelor", "大学本科", "Bachelor's degree"),
        ("college", "大学专科", "College diploma"),
        ("vocational", "中等职业教育", "Secondary vocational"),
        ("high_school", "普通高中", "High school"),
        ("junior", "初中及以下", "Junior secondary or below"),
    ],
    ("political_status", "政治面貌"): [
        ("cpc", "中共党员", "CPC member"),
        ("cpc_probation", "中共预备党员", "CPC probationary member"),
        ("league", "共青团员", "Communist Youth League member"),
        ("democratic", "民主党派", "Democratic party member"),
        ("masses", "群众", "No party affiliation"),
    ],
}

ROLE_CODES = {
    "system_admin": ["person.view", "person.manage", "person.import"],
    "committee_admin": ["person.view", "person.manage", "person.import"],
    "town_admin": ["person.view", "person.manage", "person.import"],
    "unit_admin": ["person.view", "person.manage", "person.import"],
}


@builtin_rows
def forwards(apps, schema_editor):
    DictType = apps.get_model("core", "DictType")
    DictItem = apps.get_model("core", "DictItem")
    Role = apps.get_model("core", "Role")
    for (code, name), items in DICTS.items():
        dict_type, _ = DictType.objects.get_or_create(code=code, defaults={"name": name, "is_system": True})
        for order, (item_code, label, label_en) in enumerate(items, start=1):
            DictItem.objects.get_or_create(
                dict_type=dict_type, code=item_code,
                defaults={"label": label, "label_en": label_en, "sort_order": order},
            )
    for role_code, codes in ROLE_CODES.items():
        role = Role.objects.filter(code=role_code).first()
        if role is not None:
            role.permissions = sorted(set(role.permissions or []) | set(codes))
            role.save(update_fields=["permissions"])


class Migration(migrations.Migration):
    dependencies = [("people", "0001_initial"), ("core", "0002_builtin_data")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
