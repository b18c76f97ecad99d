"""What the paper score sheets' template lists: the open sheets of an activity (or of one category when its
panels are by category), as codes and judges only: nothing that names an author or an organisation."""

import dataclasses
from typing import Any

from suzhi.campaigns.models import Activity
from suzhi.judging.access import activity_managed, judging_settings
from suzhi.judging.models import Assignment, Entry
from suzhi.judging.paper import judge_cell
from suzhi.judging.rubric import JudgingSettings


@dataclasses.dataclass(frozen=True)
class OpenSheets:
    activity: Activity
    rules: JudgingSettings
    rows: list[tuple[str, str]]  # (entry code, judge cell), by judge then code


def _open(activity: Activity) -> Any:
    return Assignment.objects.filter(entry__activity=activity, entry__state=Entry.State.ACTIVE,
                                     state=Assignment.State.ASSIGNED)


def open_sheets(user: Any, activity_id: Any, *, category: str | None = None) -> OpenSheets:
    """The activity's sheets not yet submitted, of entries still in judging (404 outside the caller's scope);
    `category` keeps one category's (None: all). One query besides the activity."""
    activity = activity_managed(user, activity_id)
    rules = judging_settings(activity)
    sheets = _open(activity)
    if category is not None:
        sheets = sheets.filter(entry__category=category)
    found = sheets.values_list("entry__blind_label", "judge__full_name", "judge__username")
    rows = sorted((judge_cell(name, username), code) for code, name, username in found)
    return OpenSheets(activity=activity, rules=rules, rows=[(code, judge) for judge, code in rows])


def open_sheet_categories(activity: Activity) -> list[str]:
    """The categories that have open sheets (for a template per category), in order."""
    return sorted(set(_open(activity).values_list("entry__category", flat=True)))
