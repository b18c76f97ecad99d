"""The roster as an import sheet: its columns (with the headers units already use) and its template."""

from collections import defaultdict

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from suzhi.core.imports import Column, Columns
from suzhi.core.imports import template_xlsx as sheet_template
from suzhi.core.models import DictItem
from suzhi.people.models import CATEGORY_DICT, EDUCATION_DICT, POLITICAL_DICT

COLUMNS = Columns((
    Column("name", pgettext_lazy("roster column", "Name"), True, ("姓名", "名字", "name")),
    Column("id_type", gettext_lazy("ID type"), False, ("证件类型", "id type"),
           choices=("居民身份证", "港澳居民来往内地通行证", "台湾居民来往大陆通行证", "外国人永久居留身份证",
                    "护照", "其他")),
    Column("id_number", gettext_lazy("ID number"), True,
           ("身份证号", "身份证号码", "公民身份号码", "身份证", "证件号码", "证件号", "id number")),
    Column("gender", gettext_lazy("Gender"), False, ("性别", "gender", "sex"), choices=("男", "女")),
    Column("birth_date", gettext_lazy("Date of birth"), False, ("出生日期", "出生年月日", "date of birth")),
    Column("phone", gettext_lazy("Mobile phone"), False,
           ("手机", "手机号", "手机号码", "联系电话", "电话", "mobile phone", "phone")),
    Column("organisation", pgettext_lazy("roster column", "Organisation"), False,
           ("单位", "所在单位", "单位名称", "单位编码", "组织编码", "组织", "organisation", "organization")),
    Column("categories", gettext_lazy("Categories"), False, ("人员类别", "类别", "categories", "category")),
    Column("post", gettext_lazy("Post"), False, ("岗位", "职务", "岗位职务", "岗位/职务", "post", "job title")),
    Column("education", gettext_lazy("Education"), False, ("学历", "education")),
    Column("political_status", gettext_lazy("Political status"), False, ("政治面貌", "political status")),
    Column("union_member", gettext_lazy("Union member"), False,
           ("是否工会会员", "工会会员", "union member"), choices=("是", "否")),
    Column("hire_date", gettext_lazy("Hire date"), False,
           ("入职日期", "参加工作时间", "参加工作日期", "入职时间", "hire date")),
), is_header=lambda found: len(found) >= 2 and ("name" in found or "id_number" in found))


def template_xlsx() -> bytes:
    """An empty roster with the import's columns; dictionary columns offer dropdowns."""
    labels = defaultdict(list)
    items = DictItem.objects.filter(
        dict_type__code__in=[CATEGORY_DICT, EDUCATION_DICT, POLITICAL_DICT], is_active=True
    ).select_related("dict_type").order_by("sort_order", "pk")
    for item in items:
        labels[item.dict_type.code].append(item.label)
    return sheet_template(COLUMNS, sheet_title=str(_("Roster")), choices={
        "categories": labels[CATEGORY_DICT],
        "education": labels[EDUCATION_DICT],
        "political_status": labels[POLITICAL_DICT],
    })
