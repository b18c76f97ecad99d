"""Paper score sheets typed into a spreadsheet (纸质评分表导入), read through the import pipeline
(suzhi.core.imports): a row per sheet, 编号 (the entry's code), 评委 (the judge) and the criteria's scores.

An admin who manages the activity types in what the judges wrote on paper: the scores are the judge's (on the
judge's sheet, the total computed as when the judge submits), every change keeps `by` = the admin who typed
it, and the import is one operation-log row. A row that gives every criterion submits the sheet; a row with
some scores saves them and leaves the sheet open; blank cells leave a score as it is. All or nothing, unless
the valid rows only are chosen; a dry run checks and writes nothing."""

import dataclasses
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from suzhi.core import oplog
from suzhi.core.errors import Conflict, ValidationFailed
from suzhi.core.imports import ImportResult, read_sheet, written_unless_refused
from suzhi.core.models import User
from suzhi.judging.access import activity_managed, judging_settings
from suzhi.judging.error_codes import JudgingErrors
from suzhi.judging.models import Assignment, Entry, PanelJudge, ResultSet, Score
from suzhi.judging.paper import CODE, JUDGE, code_of_cell, judge_cell, judge_of_cell, score_column, sheet_columns
from suzhi.judging.rubric import JudgingSettings
from suzhi.judging.services.scores import score_value, scores_write, sheet_close

MAX_ROWS = 5000


@dataclasses.dataclass(frozen=True)
class PlannedSheet:
    """What a valid row saves (or saved): the sheet's code and judge, the scores it gives (by criterion key in
    `values`, as (label, value) for reading in `scores`), how many of them change a stored score, and whether
    it submits the sheet."""

    number: int
    code: str
    judge: str
    values: dict[str, Decimal]
    scores: list[tuple[str, Decimal]]
    changes: int
    submit: bool


@dataclasses.dataclass
class SheetImportResult(ImportResult):
    """`created` counts the sheets submitted, `updated` those given some scores and left open, `unchanged` the
    rows without a score; `planned` lists each valid row."""

    planned: list[PlannedSheet] = dataclasses.field(default_factory=list)


@dataclasses.dataclass(eq=False)
class _Row:
    number: int
    raw: list[Any]
    assignment: Assignment | None = None
    values: dict[str, Decimal] = dataclasses.field(default_factory=dict)
    messages: list[tuple[str, str]] = dataclasses.field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.messages


def _matches(user: Any, name: str, username: str) -> bool:
    if username:
        return bool(user.username.casefold() == username.casefold())
    return name.casefold() in (user.username.casefold(), (user.full_name or "").casefold())


def _sheet_of(row: _Row, text: str, code: str, sheets: list[Assignment], judges: list[Any]) -> Assignment | None:
    """The row's sheet among the entry's (`sheets`), or None with the reason on the row. `judges` are every
    judge the activity knows, to tell an unknown judge from one not assigned to the entry."""
    if not text:
        row.messages.append((JUDGE, _("Give the judge.")))
        return None
    name, username = judge_of_cell(text)
    found = [sheet for sheet in sheets if _matches(sheet.judge, name, username)]
    if len(found) > 1:
        row.messages.append((JUDGE, _("More than one judge of %(code)s is called “%(judge)s”; add the username "
                                      "in brackets.") % {"code": code, "judge": text}))
    elif not found and any(_matches(judge, name, username) for judge in judges):
        row.messages.append((JUDGE, _("%(judge)s is not assigned to score %(code)s.")
                             % {"judge": text, "code": code}))
    elif not found:
        row.messages.append((JUDGE, _("No judge of this activity is called “%(judge)s”.") % {"judge": text}))
    else:
        return found[0]
    return None


def _check(rows: list[_Row], sheet: Any, activity: Any, rules: JudgingSettings) -> None:
    """Find each row's sheet (locked) and check its scores, leaving the reasons on the rows."""
    codes = {code_of_cell(sheet.cell(row.raw, CODE)) for row in rows}
    entries = {e.blind_label: e for e in Entry.objects.filter(activity=activity, blind_label__in=codes)}
    sheets: dict[int, list[Assignment]] = defaultdict(list)
    for assignment in (Assignment.objects.select_for_update(of=("self",)).select_related("judge", "entry")
                       .filter(entry__in=list(entries.values())).order_by("pk")):
        sheets[assignment.entry_id].append(assignment)
    judges = {a.judge.pk: a.judge for found in sheets.values() for a in found}
    judges.update({u.pk: u for u in User.objects.filter(
        pk__in=PanelJudge.objects.filter(panel__activity=activity).values("user_id"))})
    seen: dict[int, int] = {}
    for row in rows:
        code = code_of_cell(sheet.cell(row.raw, CODE))
        entry = entries.get(code)
        if not code:
            row.messages.append((CODE, _("Give the entry's code.")))
        elif entry is None:
            row.messages.append((CODE, _("No entry of this activity has the code “%(code)s”.") % {"code": code}))
        elif entry.state != Entry.State.ACTIVE:
            row.messages.append((CODE, _("%(code)s was withdrawn from judging.") % {"code": code}))
        else:
            chosen = _sheet_of(row, sheet.cell(row.raw, JUDGE), code, sheets[entry.pk], list(judges.values()))
            if chosen is not None and chosen.pk in seen:
                row.messages.append((JUDGE, _("The same sheet is on row %(row)d already.")
                                     % {"row": seen[chosen.pk]}))
            elif chosen is not None and chosen.state == Assignment.State.SUBMITTED:
                row.messages.append((JUDGE, _("The judge has submitted this sheet already; an admin must reopen it "
                                              "before it is imported again.")))
            elif chosen is not None:
                seen[chosen.pk], row.assignment = row.number, chosen
        for criterion in rules.rubric:
            cell = sheet.cell(row.raw, score_column(criterion.key))
            if not cell:
                continue
            try:
                row.values[criterion.key] = score_value(criterion, cell)
            except ValidationFailed:
                row.messages.append((score_column(criterion.key), _("must be a number from 0 to %(max)s.")
                                     % {"max": f"{criterion.max_score:g}"}))


def _valid(rows: list[_Row]) -> list[tuple[_Row, Assignment]]:
    return [(row, row.assignment) for row in rows if row.ok and row.assignment is not None]


def _plan(rows: list[_Row], rules: JudgingSettings, result: SheetImportResult) -> None:
    """Count and list what the valid rows save."""
    valid = _valid(rows)
    stored: dict[tuple[int, str], Decimal] = {
        (sheet_id, key): value for sheet_id, key, value in Score.objects.filter(
            assignment__in=[assignment for _row, assignment in valid]).values_list(
            "assignment_id", "criterion", "value")}
    labels = {c.key: c.label for c in rules.rubric}
    for row, assignment in valid:
        submit = len(row.values) == len(rules.rubric)
        if submit:
            result.created += 1
        elif row.values:
            result.updated += 1
        else:
            result.unchanged += 1
        judge = assignment.judge
        result.planned.append(PlannedSheet(
            number=row.number, code=assignment.entry.blind_label,
            judge=judge_cell(judge.full_name, judge.username),
            values=dict(row.values), scores=[(labels[key], value) for key, value in row.values.items()],
            changes=sum(stored.get((assignment.pk, key)) != value for key, value in row.values.items()),
            submit=submit))


def sheets_import(*, actor: Any, activity_id: Any, data: bytes, filename: str, dry_run: bool = True,
                  skip_invalid: bool = False) -> SheetImportResult:
    """Check and (unless `dry_run`) save a file of paper score sheets for an activity the actor manages (404
    outside their scope). Refused whole once the results are published."""
    result = SheetImportResult(dry_run=dry_run)
    with written_unless_refused(result, skip_invalid=skip_invalid):
        activity = activity_managed(actor, activity_id)
        rules = judging_settings(activity)
        if ResultSet.objects.filter(activity=activity, state=ResultSet.State.PUBLISHED).exists():
            raise Conflict(_("The results are published."), code=JudgingErrors.RESULTS_PUBLISHED)
        sheet = read_sheet(data, filename, sheet_columns(rules), max_rows=MAX_ROWS)
        result.headers, result.total_rows, result.preview = sheet.header, len(sheet.rows), sheet.preview()
        rows = [_Row(number=number, raw=raw[:sheet.width]) for number, raw in zip(sheet.numbers, sheet.rows,
                                                                                    strict=True)]
        _check(rows, sheet, activity, rules)
        # The errors name a criterion by its label (技术水平), not the header with its range.
        result.collect(rows, {**sheet.titles, **{score_column(c.key): c.label for c in rules.rubric}})
        _plan(rows, rules, result)
        if result.writes(skip_invalid=skip_invalid):
            _write(actor, activity, rules, _valid(rows), filename=filename, skipped=result.invalid_rows)
    return result


def _write(actor: Any, activity: Any, rules: JudgingSettings, valid: list[tuple[_Row, Assignment]], *,
           filename: str, skipped: int) -> None:
    """Save the valid rows on the judges' sheets, `actor` (who typed them in) in the history; one log row."""
    saved = submitted = 0
    for row, assignment in valid:
        if not row.values:
            continue
        scores_write(assignment, row.values, by=actor, log=False)
        saved += 1
        if len(row.values) == len(rules.rubric):
            sheet_close(assignment, rules)
            submitted += 1
    oplog.record(actor=actor, action="judging.sheets_import", obj=activity, organisation=activity.organiser,
                 after={"file": filename[:200], "sheets_scored": saved, "sheets_submitted": submitted,
                        "skipped": skipped})
