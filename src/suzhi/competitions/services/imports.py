"""Measured results from a spreadsheet (成绩导入): columns 参赛号 and the labels of the event's entered
components, read through the import pipeline (suzhi.core.imports). All or nothing: every row is checked, then
written through measures_enter in one transaction, rolled back on a dry run or when any row fails, so the preview
shows what the import would do and writes nothing."""

import dataclasses
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from suzhi.competitions.access import activity_organised, event_and_round, settings_of
from suzhi.competitions.display import entered_components
from suzhi.competitions.error_codes import CompetitionErrors
from suzhi.competitions.manifest import MANAGE
from suzhi.competitions.models import Contestant, Measure
from suzhi.competitions.services.measures import measures_enter, parse_value
from suzhi.competitions.settings import Event
from suzhi.core.errors import ValidationFailed
from suzhi.core.imports import Column, Columns, ImportResult, read_sheet, template_xlsx, written_unless_refused

MAX_ROWS = 5000
NUMBER = "number"


def measure_columns(event: Event) -> Columns:
    return Columns([Column(NUMBER, _lazy("Contestant number"), required=True,
                           variants=("number", "参赛号", "号码", "参赛编号", "编号")),
                    *(Column(c.key, c.label, variants=(c.key,)) for c in entered_components(event))])


def measures_template(event: Event, numbers: list[str]) -> bytes:
    """The template of an event's measured results, with the drawn numbers filled in."""
    return template_xlsx(measure_columns(event), sheet_title=event.title[:31], rows=[[n] for n in numbers])


@dataclasses.dataclass(eq=False)
class _Row:
    number: int
    raw: list[Any]
    contestant: Contestant | None = None
    values: dict[str, Decimal] = dataclasses.field(default_factory=dict)
    messages: list[tuple[str, str]] = dataclasses.field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.messages


def measures_import(*, actor: Any, activity_id: Any, event: str, round_: str, data: bytes, filename: str,
                    dry_run: bool = True, skip_invalid: bool = False) -> ImportResult:
    """Check and (unless `dry_run`) enter a file of measured results for an event and round: a row per 参赛号,
    blank cells left as they are. All or nothing, unless `skip_invalid` (then the valid rows are entered).
    `created`/`updated`/`unchanged` count the rows that give a contestant their first values, change some, or
    change none."""
    result = ImportResult(dry_run=dry_run)
    with written_unless_refused(result, skip_invalid=skip_invalid):
        activity = activity_organised(actor, activity_id, MANAGE)
        found_event, found_round = event_and_round(settings_of(activity), event, round_)
        columns = measure_columns(found_event)
        if len(columns) == 1:
            raise ValidationFailed(_("%(event)s has no results entered here: its scores come from a contest or "
                                     "from the judges.") % {"event": found_event.title},
                                   code=CompetitionErrors.NOT_MEASURED)
        sheet = read_sheet(data, filename, columns, max_rows=MAX_ROWS)
        result.headers, result.total_rows, result.preview = sheet.header, len(sheet.rows), sheet.preview()
        by_number = {c.number: c for c in Contestant.objects.filter(
            activity=activity, event=found_event.key, round=found_round.key, state=Contestant.State.REGISTERED,
            number__isnull=False)}
        stored = {(m.contestant_id, m.component): m.value for m in Measure.objects.filter(
            contestant__in=[c.pk for c in by_number.values()])}
        rows: list[_Row] = []
        seen: dict[int, int] = {}
        for line, raw in zip(sheet.numbers, sheet.rows, strict=True):
            row = _Row(number=line, raw=raw[:sheet.width])
            rows.append(row)
            text = sheet.cell(raw, NUMBER).lstrip("0") or "0"
            contestant = by_number.get(int(text)) if text.isdigit() else None
            if contestant is None:
                row.messages.append((NUMBER, _("No contestant of %(event)s has the number “%(number)s”.")
                                     % {"event": found_event.title, "number": sheet.cell(raw, NUMBER)}))
                continue
            if contestant.pk in seen:
                row.messages.append((NUMBER, _("The same number is on row %(row)d already.")
                                     % {"row": seen[contestant.pk]}))
                continue
            seen[contestant.pk], row.contestant = line, contestant
            for component in entered_components(found_event):
                cell = sheet.cell(raw, component.key)
                if cell:
                    try:
                        row.values[component.key] = parse_value(cell, component.label)
                    except ValidationFailed as refused:
                        row.messages.append((component.key, str(refused.message)))
        for row in rows:
            if not row.ok or row.contestant is None:
                continue
            before = {key: stored.get((row.contestant.pk, key)) for key in row.values}
            if all(v is None for v in before.values()):
                result.created += 1
            elif any(before[key] != value for key, value in row.values.items()):
                result.updated += 1
            else:
                result.unchanged += 1
        result.collect(rows, sheet.titles)
        values = {row.contestant.pk: row.values for row in rows
                  if row.ok and row.contestant is not None and row.values}
        # On a dry run too (rolled back): the service's own refusals show in the preview
        if (skip_invalid or not result.errors) and values:
            measures_enter(actor=actor, activity_id=activity.pk, values=values, reason=_("Imported from %(file)s")
                           % {"file": filename[:200]})
    return result
