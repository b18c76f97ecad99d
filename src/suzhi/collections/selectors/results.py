"""The results of a judged collection activity as its viewers read them: per category, the published places and
scores of the submissions in the viewer's scope (another town sees only its own units' items), with the decision
applied to each and an adopted suggestion's implementation (实施情况). A fixed number of queries whatever the
number of items."""

import dataclasses
from decimal import Decimal
from typing import Any

from suzhi.collections.implementation import Status
from suzhi.collections.manifest import VIEW
from suzhi.collections.models import Submission
from suzhi.collections.selectors.judged import SOURCE
from suzhi.collections.services.common import collection_activity
from suzhi.core import scope
from suzhi.core.errors import NotFound
from suzhi.judging.selectors.results import published_results


@dataclasses.dataclass(frozen=True)
class RankedRow:
    submission_id: int
    place: int | None
    title: str
    unit: str
    score: Decimal | None
    award: str
    adopted: bool
    implementation: str = ""  # the adopted suggestion's implementation status ("": not reported)
    implementation_confirmed: bool = False

    @property
    def implementation_label(self) -> str:
        return str(Status(self.implementation).label) if self.implementation else ""


@dataclasses.dataclass(frozen=True)
class CategoryRanking:
    category: str
    rows: list[RankedRow]


def activity_results(user: Any, activity_id: Any) -> tuple[Any, list[CategoryRanking]]:
    """The activity and its published results in the user's scope, best first per category. 404 when the
    activity's organiser is outside the user's scope and none of its submissions is inside it."""
    activity = collection_activity(activity_id)
    results = published_results(activity)
    ids = [int(s.removeprefix(SOURCE)) for s in results if s.startswith(SOURCE) and s.removeprefix(SOURCE).isdigit()]
    visible = scope.filter_queryset(Submission.objects.filter(activity=activity, pk__in=ids), user, VIEW)
    submissions = list(visible.select_related("organisation", "decision", "implementation").only(
        "pk", "title", "organisation__name", "decision__award", "decision__adopted", "implementation__status",
        "implementation__confirmed_at"))
    if not submissions and not scope.may_manage(user, VIEW, activity.organiser):
        raise NotFound()
    groups: dict[str, list[RankedRow]] = {}
    for submission in submissions:
        score, place, category = results[f"{SOURCE}{submission.pk}"]
        decision = getattr(submission, "decision", None)
        adopted = bool(decision and decision.adopted)
        implementation = getattr(submission, "implementation", None) if adopted else None
        groups.setdefault(category, []).append(RankedRow(
            submission_id=submission.pk, place=place, title=submission.title, unit=submission.organisation.name,
            score=score, award=decision.award if decision else "", adopted=adopted,
            implementation=implementation.status if implementation else "",
            implementation_confirmed=bool(implementation and implementation.confirmed_at)))
    return activity, [CategoryRanking(category, sorted(rows, key=lambda r: (r.place or 10**9, r.submission_id)))
                      for category, rows in sorted(groups.items())]
