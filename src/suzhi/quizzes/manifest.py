"""The knowledge-contest kind's manifest (知识竞赛): timed online papers, ranked per person and unit."""

from typing import Literal

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from pydantic import Field

from suzhi.campaigns.kinds import Aggregate, KindManifest, Metric
from suzhi.campaigns.plan.schema import PlanModel

RankingKey = Literal["participation_rate", "average_score", "attempts_per_person"]


def _default_ranking() -> list[RankingKey]:
    # The order real contests rank units by: participation rate, then average score, then attempts per person.
    return ["participation_rate", "average_score", "attempts_per_person"]


class QuizSettings(PlanModel):
    time_limit_minutes: int = Field(30, gt=0, le=600)
    attempts_per_person: int = Field(1, gt=0, le=100)
    attempts_per_day: int | None = Field(None, gt=0)
    counted_attempt: Literal["highest", "first", "last"] = "highest"
    multiple_choice_credit: Literal["all_or_nothing", "partial"] = "all_or_nothing"
    show_results: Literal["after_submit", "after_window"] = "after_submit"
    unit_ranking: list[RankingKey] = Field(default_factory=_default_ranking)


MANIFEST = KindManifest(
    code="quiz",
    label=_("Knowledge contest"),
    description=_("Online timed quizzes answered on phones within a window, ranked per person and per unit."),
    actions={"attempt": _("Answering")},
    metrics=(
        Metric("quiz.participants", _("Contest participants"), Aggregate.PEOPLE,
               pgettext_lazy("metric unit", "people")),
        Metric("quiz.attempts", _("Contest attempts"), Aggregate.COUNT, _("attempts")),
    ),
    settings_schema=QuizSettings,
    participant_actions=frozenset({"attempt"}),
)
