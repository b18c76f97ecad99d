"""Training lists from spreadsheets: an enrolment list (报名名单), a paper sign-in sheet (签到表) and an
outside platform's completion list of a remote course (远程培训完成名单).

Each file is all-or-nothing by default: the rows are checked, then written through the same services as
the pages (enrol_people, attendance_mark) inside one transaction, which is rolled back when any row fails
(unless the caller chose to skip the bad rows) and always on a dry run, so the preview shows exactly what
the import would do and writes nothing.
"""

import dataclasses
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from suzhi.core import scope
from suzhi.core.errors import ValidationFailed
from suzhi.core.excel import cell_text, read_rows, write_xlsx
from suzhi.core.models import User
from suzhi.core.services.org_import import ensure_upload_size
from suzhi.core.web import ensure_perm
from suzhi.people import validation as v
from suzhi.people.models import Person
from suzhi.training.models import Attendance, Enrolment, TrainingSession
from suzhi.training.selectors.sessions import MANAGE, access_session_for_update
from suzhi.training.services.attendance import attendance_mark
from suzhi.training.services.enrolments import enrol_people

ENROL, SIGN_IN, REMOTE = "enrol", "sign_in", "remote"
KINDS = (ENROL, SIGN_IN, REMOTE)
HEADER_SEARCH_ROWS = 10
MAX_ROWS = 20000


@dataclasses.dataclass(frozen=True)
class Column:
    key: str
    label: str  # the header the template writes; the lists come in Chinese
    variants: tuple[str, ...]


_ID = Column("id_number", "身份证号",
             ("身份证号", "身份证号码", "公民身份号码", "身份证", "证件号码", "证件号", "id number"))
_NAME = Column("name", "姓名", ("姓名", "名字", "name"))
_HOURS = Column("hours", "学时", ("学时", "学时数", "获得学时", "hours", "credit hours"))
_DONE = Column("completed_at", "完成时间", ("完成时间", "完成日期", "结业时间", "completed at", "completion time"))

# (columns in template order, required keys)
LAYOUTS: dict[str, tuple[tuple[Column, ...], frozenset[str]]] = {
    ENROL: ((_NAME, _ID), frozenset({"id_number", "name"})),
    SIGN_IN: ((_ID, _NAME, _HOURS), frozenset({"id_number", "name"})),
    REMOTE: ((_ID, _NAME, _HOURS, _DONE), frozenset({"id_number", "name", "hours", "completed_at"})),
}

TITLES: dict[str, Promise] = {
    ENROL: gettext_lazy("Import an enrolment list"),
    SIGN_IN: gettext_lazy("Import a sign-in sheet"),
    REMOTE: gettext_lazy("Import remote course completions"),
}


@dataclasses.dataclass
class TrainingImportResult:
    """What the valid rows do (or did, when `written`); errors are {row, column, message}."""

    kind: str
    total_rows: int = 0
    enrolled: int = 0
    attendance_added: int = 0
    attendance_changed: int = 0
    errors: list[dict[str, Any]] = dataclasses.field(default_factory=list)
    headers: list[str] = dataclasses.field(default_factory=list)
    error_rows: list[tuple[list[Any], str]] = dataclasses.field(default_factory=list)
    dry_run: bool = True
    written: bool = False

    @property
    def invalid_rows(self) -> int:
        return len(self.error_rows)


@dataclasses.dataclass(eq=False)
class _Row:
    number: int
    raw: list[Any]
    id_number: str = ""
    name: str = ""
    hours: Decimal | None = None
    person: Person | None = None
    messages: list[tuple[str, str]] = dataclasses.field(default_factory=list)  # (column header, message)


class _Rollback(Exception):
    pass


def _normal(text: Any) -> str:
    return v.to_halfwidth(cell_text(text)).replace(" ", "").replace("\u3000", "").lower()


def _find_header(rows: list[list[Any]], columns: tuple[Column, ...], required: frozenset[str]
                 ) -> tuple[int, dict[str, int]]:
    lookup = {_normal(name): c.key for c in columns for name in (*c.variants, str(c.label))}
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        found: dict[str, int] = {}
        for col, value in enumerate(row):
            key = lookup.get(_normal(value))
            if key and key not in found:
                found[key] = col
        if required <= set(found):
            return index, found
    missing = "、".join(str(c.label) for c in columns if c.key in required)
    raise ValidationFailed(_("No header row with the columns %(columns)s was found in the first %(n)d rows.")
                           % {"columns": missing, "n": HEADER_SEARCH_ROWS}, code="no_header")


def _hours(raw: Any, session: TrainingSession, row: _Row, header: str, *, required: bool) -> None:
    text = cell_text(raw)
    if not text:
        if required:
            row.messages.append((header, _("The hours are required.")))
        return
    try:
        hours = Decimal(v.to_halfwidth(text)).quantize(Decimal("0.1"))
    except (InvalidOperation, ValueError):
        row.messages.append((header, _("“%(value)s” is not a number of hours.") % {"value": text}))
        return
    if hours <= 0:
        row.messages.append((header, _("The hours must be more than 0.")))
    elif hours > session.hours:
        row.messages.append((header, _("%(hours)s hours is more than the session's %(n)s.")
                             % {"hours": hours, "n": session.hours}))
    else:
        row.hours = hours


def _completed_at(raw: Any, session: TrainingSession, row: _Row, header: str) -> None:
    try:
        day = v.clean_date(raw)
    except v.InvalidValue as exc:
        row.messages.append((header, str(exc)))
        return
    if day is None:
        row.messages.append((header, _("The completion time is required.")))
    elif day > timezone.localdate():
        row.messages.append((header, _("The completion time is in the future.")))
    elif day < timezone.localdate(session.starts_at):
        row.messages.append((header, _("The course was completed before the session started.")))


def _parse(session: TrainingSession, kind: str, data: bytes, filename: str
           ) -> tuple[list[str], dict[str, str], list[_Row]]:
    ensure_upload_size(len(data))
    rows = read_rows(data, filename)
    columns, required = LAYOUTS[kind]
    header_index, found = _find_header(rows, columns, required)
    header = [cell_text(value) for value in rows[header_index]]
    names = {key: header[col] for key, col in found.items()}
    parsed: list[_Row] = []
    for index in range(header_index + 1, len(rows)):
        raw = list(rows[index])
        if not any(cell_text(value) for value in raw):
            continue
        if len(parsed) >= MAX_ROWS:
            raise ValidationFailed(_("The file has more than %(n)d rows; split it.") % {"n": MAX_ROWS},
                                   code="too_many_rows")
        raw += [""] * (len(header) - len(raw))
        row = _Row(number=index + 1, raw=raw[: len(header)])

        def cell(key: str, raw: list[Any] = raw) -> Any:
            return raw[found[key]] if key in found else ""

        try:
            row.id_number = v.clean_id_number(cell("id_number"))
            if not row.id_number:
                row.messages.append((names["id_number"], _("The ID number is required.")))
            elif len(row.id_number) == 18 or row.id_number[:17].isdigit():
                v.check_resident_id(row.id_number)
        except v.InvalidValue as exc:
            row.messages.append((names["id_number"], str(exc)))
        row.name = v.clean_name(cell("name"))
        if not row.name:
            row.messages.append((names["name"], _("The name is required.")))
        if "hours" in found:
            _hours(cell("hours"), session, row, names["hours"], required="hours" in required)
        if "completed_at" in found:
            _completed_at(cell("completed_at"), session, row, names["completed_at"])
        parsed.append(row)
    return header, names, parsed


def _match(actor: User, session: TrainingSession, kind: str, names: dict[str, str], rows: list[_Row]) -> None:
    """Find each row's person on the roster: in the importer's scope, the name matching; once per file."""
    numbers = {row.id_number for row in rows if row.id_number and not row.messages}
    known: dict[str, Person] = {}
    for candidate in Person.objects.select_related("organisation").filter(id_number__in=numbers):
        known.setdefault(candidate.id_number, candidate)
    visible = set(scope.filter_queryset(Person.objects.filter(id_number__in=numbers), actor, "person.view")
                  .values_list("pk", flat=True))
    enrolled = set(Enrolment.objects.filter(session=session).values_list("person_id", flat=True))
    seen: dict[str, int] = {}
    for row in rows:
        if row.messages or not row.id_number:
            continue
        if row.id_number in seen:
            row.messages.append((names["id_number"], _("The same ID number is on row %(row)d already.")
                                 % {"row": seen[row.id_number]}))
            continue
        seen[row.id_number] = row.number
        person = known.get(row.id_number)
        if person is None:
            row.messages.append((names["id_number"], _("No one with this ID number is on the roster.")))
        elif person.pk not in visible:
            row.messages.append((names["id_number"], _("This person is not in your organisations.")))
        elif person.name != row.name:
            row.messages.append((names["name"], _("The roster has this ID number under another name (%(name)s).")
                                 % {"name": person.name}))
        elif kind == SIGN_IN and person.pk not in enrolled:
            row.messages.append((names["name"], _("%(name)s is not enrolled in the session.")
                                 % {"name": person.name}))
        else:
            row.person = person


def _write(actor: User, session: TrainingSession, kind: str, names: dict[str, str], rows: list[_Row],
           result: TrainingImportResult) -> None:
    good = [row for row in rows if row.person is not None and not row.messages]
    if not good:
        return
    by_person = {row.person.pk: row for row in good if row.person is not None}
    already = set(Enrolment.objects.filter(session=session, person_id__in=list(by_person))
                  .values_list("person_id", flat=True))
    # Someone on an enrolment list who is enrolled already needs nothing; a remote course has no booking,
    # so its completion list enrols whoever is not yet (the list is the record of who took it).
    to_enrol = [pk for pk in by_person if pk not in already]
    if kind in (ENROL, REMOTE) and to_enrol:
        enrolled = enrol_people(actor=actor, session_id=session.pk, person_ids=to_enrol,
                                source=Enrolment.Source.IMPORT, recording=kind == REMOTE)
        result.enrolled = len(enrolled.enrolled)
        for person, reason in enrolled.refused:
            by_person.pop(person.pk).messages.append((names["name"], reason))
    if kind in (SIGN_IN, REMOTE) and by_person:
        marks = {pk: row.hours for pk, row in by_person.items()}
        method = Attendance.Method.IMPORT if kind == SIGN_IN else Attendance.Method.REMOTE
        counts = attendance_mark(actor=actor, session_id=session.pk, marks=marks, method=method)
        result.attendance_added, result.attendance_changed = counts["added"], counts["changed"]


def _collect_errors(rows: list[_Row], result: TrainingImportResult) -> None:
    for row in rows:
        for column, message in row.messages:
            result.errors.append({"row": row.number, "column": column, "message": message})
        if row.messages:
            result.error_rows.append((row.raw, "；".join(message for _column, message in row.messages)))


def training_import(*, actor: User, session_id: Any, kind: str, data: bytes, filename: str,
                    dry_run: bool = True, skip_invalid: bool = False) -> TrainingImportResult:
    """Check and (unless `dry_run`) import one list for a session. With errors and not `skip_invalid`,
    nothing is written; with `skip_invalid`, the valid rows are."""
    if kind not in KINDS:
        raise ValidationFailed(_("Unknown kind of list."), code="bad_kind")
    ensure_perm(actor, MANAGE)
    result = TrainingImportResult(kind=kind, dry_run=dry_run)
    try:
        with transaction.atomic():
            session = access_session_for_update(user=actor, session_id=session_id)
            if kind == REMOTE and session.form != TrainingSession.Form.REMOTE:
                raise ValidationFailed(_("Completion lists are for remote courses; this session is not one."),
                                       code="not_remote")
            if session.is_cancelled:
                raise ValidationFailed(_("The session is cancelled."), code="cancelled")
            header, names, rows = _parse(session, kind, data, filename)
            if not rows:
                raise ValidationFailed(_("The sheet has no rows below its header."), code="empty_file")
            result.headers, result.total_rows = header, len(rows)
            _match(actor, session, kind, names, rows)
            _write(actor, session, kind, names, rows, result)
            _collect_errors(rows, result)
            if dry_run or (result.errors and not skip_invalid):
                raise _Rollback
            result.written = True
    except _Rollback:
        pass
    if not dry_run and not result.written:
        result.enrolled = result.attendance_added = result.attendance_changed = 0
    return result


def template_xlsx(kind: str) -> bytes:
    columns, _required = LAYOUTS[kind]
    return write_xlsx([str(c.label) for c in columns], [], sheet_title=str(TITLES[kind]))


def error_rows_xlsx(result: TrainingImportResult) -> bytes:
    """The rows that were not imported, as uploaded, with the reasons in an added column."""
    return write_xlsx([*result.headers, str(_("Error reason"))],
                      [[*raw, reason] for raw, reason in result.error_rows], sheet_title=str(_("Errors")))

