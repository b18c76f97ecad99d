"""What expert judges see of an accepted submission (suzhi.judging calls this through the manifest's
`judged_content`): its title and the form's answers in the form's order. In a blind review the answers that name
people or organisations (person and organisation fields) are left out; judging itself hides the author, the unit
and the file names."""

from typing import Any

from suzhi.campaigns.formdefs.fields import OrganisationDef, PersonDef
from suzhi.campaigns.models import Activity
from suzhi.collections.display import shown_values
from suzhi.collections.levels import settings_of
from suzhi.collections.models import Submission
from suzhi.judging.content import JudgedContent

SOURCE = "submission:"


def entry_source(submission: Submission) -> str:
    return f"{SOURCE}{submission.pk}"


def judged_content(activity: Activity, sources: list[str], *, blind: bool) -> dict[str, JudgedContent]:
    ids = [int(source.removeprefix(SOURCE)) for source in sources
           if source.startswith(SOURCE) and source.removeprefix(SOURCE).isdigit()]
    form = settings_of(activity).form
    hidden: set[str] = set()
    if blind and form is not None:
        hidden = {f.key for f in form.fields if isinstance(f, PersonDef | OrganisationDef)}
    result = {}
    for submission in Submission.objects.filter(activity=activity, pk__in=ids).only("pk", "title", "values"):
        values: dict[str, Any] = {k: v for k, v in (submission.values or {}).items() if k not in hidden}
        shown_form = form.model_copy(update={"fields": [f for f in form.fields if f.key not in hidden]}) \
            if form is not None else None
        result[entry_source(submission)] = JudgedContent(
            title=submission.title, fields=tuple(shown_values(shown_form, values)))
    return result
