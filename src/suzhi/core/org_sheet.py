"""The organisation tree as a sheet: the import's columns, its template and the export that imports back."""

from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from suzhi.core.imports import Column, Columns
from suzhi.core.imports import template_xlsx as sheet_template
from suzhi.core.masking import mask_phone
from suzhi.core.models import Organisation
from suzhi.core.org_fields import OrgTypes

STEP = Organisation.steplen
_LINKS = ("code", "name", "org_type", "parent_code")

COLUMNS = Columns((
    Column("code", gettext_lazy("Organisation code"), True,
           ("组织编码", "编码", "单位编码", "组织代码", "code", "organisation code", "organization code", "org code")),
    Column("name", gettext_lazy("Organisation name"), True,
           ("组织名称", "名称", "单位名称", "name", "organisation name", "organization name")),
    Column("org_type", gettext_lazy("Organisation type"), True,
           ("组织类型", "类型", "单位类型", "type", "organisation type", "organization type")),
    Column("parent_code", gettext_lazy("Parent code"), True,
           ("上级编码", "上级组织编码", "上级单位编码", "parent code", "parent")),
    Column("short_name", gettext_lazy("Short name"), False, ("简称", "short name")),
    Column("region_code", gettext_lazy("Administrative region code"), False,
           ("行政区划代码", "区划代码", "行政区划", "region code")),
    Column("contact_person", gettext_lazy("Contact person"), False, ("联系人", "contact person")),
    Column("contact_phone", gettext_lazy("Contact phone"), False, ("联系电话", "电话", "contact phone", "phone")),
    Column("address", gettext_lazy("Address"), False, ("地址", "address")),
), is_header=lambda found: len([k for k in found if k in _LINKS]) >= 2)


def template_xlsx() -> bytes:
    """An empty sheet with the import's columns; the type column offers the dictionary as a dropdown."""
    return sheet_template(COLUMNS, sheet_title=str(_("Organisations")),
                          choices={"org_type": OrgTypes.load().labels()})


def export_table(orgs: Iterable[Organisation], *, show_pii: bool) -> tuple[list[str], list[list[Any]]]:
    """Organisations in the import's columns, so an exported sheet can be edited and imported again.

    A parent outside the exported set is left blank: on import, blank keeps an existing organisation where it is.
    """
    orgs = list(orgs)
    code_by_path = {org.path: org.code for org in orgs}
    rows = []
    for org in orgs:
        phone = org.contact_phone if show_pii else mask_phone(org.contact_phone)
        values = {
            "code": org.code, "name": org.name, "org_type": org.org_type.label,
            "parent_code": code_by_path.get(org.path[:-STEP], ""), "short_name": org.short_name,
            "region_code": org.region_code, "contact_person": org.contact_person, "contact_phone": phone,
            "address": org.address,
        }
        rows.append([values[key] for key in COLUMNS.keys])
    return COLUMNS.labels, rows
