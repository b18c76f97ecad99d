"""The roster export (人员导出): the filtered list as an .xlsx the importer reads back.

Plugged into the generic export jobs of suzhi.core.services.exports as kind "people". ID numbers and
phones are masked unless the export is asked unmasked by someone holding pii.view over every
organisation exported; either way the export is written to the operation log (person.export).
"""

from collections.abc import Iterator, Sequence
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from suzhi.core import scope
from suzhi.core.models import ExportJob, Organisation
from suzhi.core.permissions import has_code
from suzhi.core.services.exports import ExportKind, export_start, register_export_kind
from suzhi.core.web import ensure_perm
from suzhi.people.models import Person
from suzhi.people.selectors.persons import VIEW, persons_list, shown_id_number, shown_phone

KIND = "people"
CHUNK = 2000

# The importer's headers (services/imports.py matches them), so an exported sheet can be edited and
# re-imported. A file format, not interface text: not translated.
HEADERS = (
    "姓名", "性别", "证件类型", "身份证号", "出生日期", "手机号", "单位编码", "单位", "人员类别", "岗位/职务", "学历",
    "政治面貌", "是否工会会员", "入职日期", "状态",
)
_GENDER = {"M": "男", "F": "女"}
_ID_TYPE: dict[str, str] = {
    Person.IdType.RESIDENT: "居民身份证",
    Person.IdType.HK_MACAO: "港澳居民来往内地通行证",
    Person.IdType.TAIWAN: "台湾居民来往大陆通行证",
    Person.IdType.FOREIGN_PERMANENT: "外国人永久居留身份证",
    Person.IdType.PASSPORT: "护照",
    Person.IdType.OTHER: "其他",
}
_LEFT: dict[str, str] = {
    Person.LeaveReason.RESIGNED: "离职",
    Person.LeaveReason.TRANSFERRED_OUT: "调出",
    Person.LeaveReason.RETIRED: "退休",
    Person.LeaveReason.OTHER: "离开",
}


def people_export_params(
    *, org_id: Any = None, category: str = "", active: bool | None = True, q: str = ""
) -> dict[str, Any]:
    """The list's filters as JSON-safe job params."""
    org = str(org_id).strip() if org_id not in (None, "") else None
    return {"org_id": org, "category": category or "", "active": active, "q": (q or "").strip()}


def _selected(user: Any, params: dict[str, Any]) -> QuerySet[Person]:
    return persons_list(
        user=user, org_id=params.get("org_id"), category=params.get("category") or "",
        active=params.get("active"), q=params.get("q") or "",
    )


def _count(user: Any, params: dict[str, Any]) -> int:
    return _selected(user, params).order_by().count()


def _organisation(user: Any, params: dict[str, Any]) -> Organisation | None:
    if params.get("org_id") in (None, ""):
        return getattr(user, "organisation", None)
    return scope.get_in_scope(Organisation.objects.all(), user, VIEW, pk=params["org_id"], org_field="")


def _may_unmask(user: Any, params: dict[str, Any]) -> bool:
    """pii.view over every organisation the export selects (one query at most)."""
    if not has_code(user, "pii.view"):
        return False
    pii = scope.scope_for(user, "pii.view")
    if pii.all:
        return True
    outside = _selected(user, params).exclude(scope.org_q(pii, "organisation"))
    return not outside.exists()


def _headers() -> Sequence[str]:
    return HEADERS


def _row(person: Person, full: bool) -> list[Any]:
    organisation = person.organisation
    categories = "、".join(c.label for c in person.categories.all())  # prefetched per chunk
    status = "在职" if person.is_active else _LEFT.get(str(person.leave_reason), "离开")
    return [
        person.name, _GENDER.get(str(person.gender), ""), _ID_TYPE.get(str(person.id_type), ""),
        shown_id_number(person, full=full), person.birth_date, shown_phone(person, full=full),
        organisation.code, organisation.name, categories, person.post,
        person.education.label if person.education else "",
        person.political_status.label if person.political_status else "",
        "是" if person.union_member else "否", person.hire_date, status,
    ]


def _rows(user: Any, params: dict[str, Any], unmasked: bool) -> Iterator[list[Any]]:
    people = _selected(user, params).select_related("education", "political_status")
    for person in people.iterator(chunk_size=CHUNK):
        yield _row(person, unmasked)


register_export_kind(KIND, ExportKind(
    count=_count, headers=_headers, rows=_rows, may_unmask=_may_unmask, organisation=_organisation,
    action="person.export", filename="people",
))


def people_export_count(*, user: Any, **filters: Any) -> int:
    """How many rows an export with these filters would write (one query)."""
    return _count(user, people_export_params(**filters))


def people_export_start(
    *, actor: Any, org_id: Any = None, category: str = "", active: bool | None = True, q: str = "",
    unmasked: bool = False,
) -> ExportJob:
    """Export the roster `actor` sees, filtered like the list: a finished job for a small export, a
    queued one for a large export."""
    ensure_perm(actor, VIEW)
    params = people_export_params(org_id=org_id, category=category, active=active, q=q)
    title = _("Roster %(date)s") % {"date": f"{timezone.localdate():%Y-%m-%d}"}
    return export_start(actor=actor, kind=KIND, title=title, params=params, unmasked=unmasked)


__all__ = ["HEADERS", "KIND", "people_export_count", "people_export_params", "people_export_start"]
