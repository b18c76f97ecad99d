"""What a chief judge (裁判长) sees: the rankings of the events whose panel they sit on (the event's panel, or the
competition's "" panel) that are computed and wait for a signature, those they signed, and one ranking's standings
by number only when the judging is blind. Scoped to the judge's own panels: another event's ranking is not found."""

from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Exists, OuterRef, Q, QuerySet

from suzhi.competitions.access import KIND, settings_of
from suzhi.competitions.models import Ranking, Standing
from suzhi.core.errors import NotFound
from suzhi.judging.models import PanelJudge

LISTED = 100
PER_PAGE = 50


def _on_panel(user: Any) -> Exists:
    return Exists(PanelJudge.objects.filter(user_id=user.pk, panel__activity_id=OuterRef("activity_id")).filter(
        Q(panel__category=OuterRef("event")) | Q(panel__category="")))


def _rankings() -> QuerySet[Ranking]:
    return Ranking.objects.filter(activity__kind=KIND).select_related("activity__campaign", "computed_by",
                                                                      "signed_by")


def _titled(rankings: list[Ranking]) -> list[Ranking]:
    """Each ranking with `event_title` and `round_title` from the plan (read from the row: no query)."""
    for ranking in rankings:
        settings = settings_of(ranking.activity)
        event, round_ = settings.event(ranking.event), settings.round(ranking.round)
        ranking.event_title = event.title if event else ranking.event  # type: ignore[attr-defined]
        ranking.round_title = round_.title if round_ else ranking.round  # type: ignore[attr-defined]
    return rankings


def rankings_to_sign(*, user: Any) -> list[Ranking]:
    """Computed rankings of the judge's panels not signed yet, oldest computation first. One query."""
    return _titled(list(_rankings().filter(_on_panel(user), state=Ranking.State.DRAFT).order_by(
        "computed_at", "pk")[:LISTED]))


def rankings_signed(*, user: Any) -> list[Ranking]:
    """The rankings the judge signed (whatever became of them since), newest signature first. One query."""
    return _titled(list(_rankings().filter(signed_by_id=user.pk).order_by("-signed_at", "-pk")[:LISTED]))


def ranking_for_chief(*, user: Any, ranking_id: Any) -> Ranking:
    """A ranking of the judge's panels, or one they signed; else 404."""
    found = _rankings().filter(Q(_on_panel(user)) | Q(signed_by_id=user.pk)).filter(
        pk=ranking_id).first() if str(ranking_id).isdigit() else None
    if found is None:
        raise NotFound()
    return _titled([found])[0]


def blind(ranking: Ranking) -> bool:
    """Whether the judges see numbers only (the plan's judging.blind)."""
    judging = settings_of(ranking.activity).judging
    return bool(judging and judging.blind)


def standings_page(ranking: Ranking, *, page: Any = 1, per_page: int = PER_PAGE) -> Page:
    """A page of the ranking's standings in listing order, by preliminary. Two queries."""
    return Paginator(Standing.objects.filter(ranking=ranking).select_related(
        "contestant__person", "contestant__organisation", "group").order_by("group__path", "order", "pk"),
        per_page).get_page(page)
