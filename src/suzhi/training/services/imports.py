"""Training lists from spreadsheets: an enrolment list (报名名单), a paper sign-in sheet (签到表) and an
outside platform's completion list of a remote course (远程培训完成名单).

The columns and templates are in `suzhi.training.sheets`; the file is read through the import pipeline
(`suzhi.core.imports`). Each file is all-or-nothing by default: the rows are checked, then written through the
same services as the pages (enrol_people, attendance_mark) inside one transaction, which is rolled back when any
row fails (unless the caller chose to skip the bad rows) and always on a dry run, so the preview shows exactly
what the import would do and writes nothing.
"""

import dataclasses
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from suzhi.core import scope
from suzhi.core.errors import ValidationFailed
from suzhi.core.excel import cell_text
from suzhi.core.imports import ImportResult, Sheet, read_sheet, written_unless_refused
from suzhi.core.models import User
from suzhi.core.web import ensure_perm
from suzhi.people import validation as v
from suzhi.people.models import Person
from suzhi.training.error_codes import TrainingErrors
from suzhi.training.models import Attendance, Enrolment, TrainingSession
from suzhi.training.selectors.sessions import MANAGE, access_session_for_update
from suzhi.training.services.attendance import attendance_mark
from suzhi.training.services.enrolments import enrol_people
from suzhi.training.sheets import ENROL, KINDS, LAYOUTS, REMOTE, SIGN_IN

HEADER_SEARCH_ROWS = 10
MAX_ROWS = 20000


@dataclasses.dataclass
class TrainingImportResult(ImportResult):
    """The pipeline's result with what a training list does: enrolments and attendance marks."""

    kind: str = ""
    enrolled: int = 0
    attendance_added: int = 0
    attendance_changed: int = 0


@dataclasses.dataclass(eq=False)
class _Row:
    number: int
    raw: list[Any]
    id_number: str = ""
    name: str = ""
    hours: Decimal | None = None
    person: Person | None = None
    messages: list[tuple[str, str]] = dataclasses.field(default_factory=list)  # (column key, message)

    @property
    def ok(self) -> bool:
        return not self.messages


def _hours(raw: Any, session: TrainingSession, row: _Row, *, required: bool) -> None:
    header = "hours"
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


def _completed_at(raw: Any, session: TrainingSession, row: _Row) -> None:
    header = "completed_at"
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


def _parse(session: TrainingSession, kind: str, data: bytes, filename: str) -> tuple[Sheet, list[_Row]]:
    columns = LAYOUTS[kind]
    sheet = read_sheet(data, filename, columns, max_rows=MAX_ROWS, search_rows=HEADER_SEARCH_ROWS)
    found = sheet.positions
    width = sheet.width
    parsed: list[_Row] = []
    for number, raw in zip(sheet.numbers, sheet.rows, strict=True):
        row = _Row(number=number, raw=raw[:width])
        try:
            row.id_number = v.clean_id_number(sheet.cell(raw, "id_number"))
            if not row.id_number:
                row.messages.append(("id_number", _("The ID number is required.")))
            elif len(row.id_number) == 18 or row.id_number[:17].isdigit():
                v.check_resident_id(row.id_number)
        except v.InvalidValue as exc:
            row.messages.append(("id_number", str(exc)))
        row.name = v.clean_name(sheet.cell(raw, "name"))
        if not row.name:
            row.messages.append(("name", _("The name is required.")))
        if "hours" in found:
            _hours(raw[found["hours"]], session, row, required=columns.get("hours").required)
        if "completed_at" in found:
            _completed_at(raw[found["completed_at"]], session, row)
        parsed.append(row)
    return sheet, parsed


def _match(actor: User, session: TrainingSession, kind: str, rows: list[_Row]) -> None:
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
            row.messages.append(("id_number", _("The same ID number is on row %(row)d already.")
                                 % {"row": seen[row.id_number]}))
            continue
        seen[row.id_number] = row.number
        person = known.get(row.id_number)
        if person is None:
            row.messages.append(("id_number", _("No one with this ID number is on the roster.")))
        elif person.pk not in visible:
            row.messages.append(("id_number", _("This person is not in your organisations.")))
        elif person.name != row.name:
            row.messages.append(("name", _("The roster has this ID number under another name (%(name)s).")
                                 % {"name": person.name}))
        elif kind == SIGN_IN and person.pk not in enrolled:
            row.messages.append(("name", _("%(name)s is not enrolled in the session.")
                                 % {"name": person.name}))
        else:
            row.person = person


def _write(actor: User, session: TrainingSession, kind: str, rows: list[_Row],
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
            by_person.pop(person.pk).messages.append(("name", reason))
    if kind in (SIGN_IN, REMOTE) and by_person:
        marks = {pk: row.hours for pk, row in by_person.items()}
        method = Attendance.Method.IMPORT if kind == SIGN_IN else Attendance.Method.REMOTE
        counts = attendance_mark(actor=actor, session_id=session.pk, marks=marks, method=method)
        result.attendance_added, result.attendance_changed = counts["added"], counts["changed"]


def training_import(*, actor: User, session_id: Any, kind: str, data: bytes, filename: str,
                    dry_run: bool = True, skip_invalid: bool = False) -> TrainingImportResult:
    """Check and (unless `dry_run`) import one list for a session. With errors and not `skip_invalid`,
    nothing is written; with `skip_invalid`, the valid rows are."""
    if kind not in KINDS:
        raise ValidationFailed(_("Unknown kind of list."), code=TrainingErrors.BAD_KIND)
    ensure_perm(actor, MANAGE)
    result = TrainingImportResult(kind=kind, dry_run=dry_run)
    with written_unless_refused(result, skip_invalid=skip_invalid):
        session = access_session_for_update(user=actor, session_id=session_id)
        if kind == REMOTE and session.form != TrainingSession.Form.REMOTE:
            raise ValidationFailed(_("Completion lists are for remote courses; this session is not one."),
                                   code=TrainingErrors.NOT_REMOTE)
        if session.is_cancelled:
            raise ValidationFailed(_("The session is cancelled."), code=TrainingErrors.CANCELLED)
        sheet, rows = _parse(session, kind, data, filename)
        result.headers, result.total_rows, result.preview = sheet.header, len(rows), sheet.preview()
        _match(actor, session, kind, rows)
        _write(actor, session, kind, rows, result)
        result.collect(rows, sheet.titles)
    if not dry_run and not result.written:
        result.enrolled = result.attendance_added = result.attendance_changed = 0
    return result
