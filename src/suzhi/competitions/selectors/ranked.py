"""The competition's published rankings through the results contract (campaigns/results.py): one Ranking per
event and round (and per preliminary when the round has them), 列名参赛 listed without a position."""

from collections import defaultdict
from typing import Any

from suzhi.campaigns.models import Activity
from suzhi.campaigns.results import RankedEntry, Ranking, Subject
from suzhi.competitions.access import settings_of
from suzhi.competitions.manifest import REGISTER
from suzhi.competitions.models import Ranking as RankingRow
from suzhi.competitions.models import Standing
from suzhi.core import scope


def ranked_results(activity: Activity, *, subject: Subject, user: Any | None = None) -> list[Ranking]:
    """Published rankings of people; a competition ranks no units. Two queries."""
    if subject != Subject.PERSON:
        return []
    settings = settings_of(activity)
    rows = (Standing.objects.filter(ranking__activity=activity, ranking__state=RankingRow.State.PUBLISHED)
            .select_related("contestant__person", "contestant__organisation", "ranking")
            .order_by("ranking__event", "ranking__round", "group_id", "order"))
    if user is not None:
        # As the quizzes do: the entries of the units the user may see
        rows = rows.filter(scope.org_q(scope.scope_for(user, REGISTER), "contestant__organisation"))
    grouped: dict[tuple[str, str, int | None], list[Standing]] = defaultdict(list)
    for row in rows:
        grouped[(row.ranking.event, row.ranking.round, row.group_id)].append(row)
    rankings = []
    for (event_key, round_key, group_id), standings in grouped.items():
        event, round_ = settings.event(event_key), settings.round(round_key)
        title = " · ".join(filter(None, [event.title if event else event_key, round_.title if round_ else round_key]))
        rankings.append(Ranking(
            key=f"{event_key}-{round_key}" + (f"-{group_id}" if group_id else ""), title=title,
            subject=Subject.PERSON, organiser_id=group_id or activity.organiser_id,
            entries=tuple(RankedEntry(position=s.position, name=s.contestant.person.name,
                                      organisation_id=s.contestant.organisation_id,
                                      person_id=s.contestant.person_id, score=s.total,
                                      detail=s.contestant.organisation.name) for s in standings)))
    return rankings

