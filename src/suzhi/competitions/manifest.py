"""The skill-competition kind's manifest (技能比赛): registration, rounds, judges' scores, rankings."""

from typing import Annotated

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from pydantic import Field

from suzhi.campaigns.formdefs import Label
from suzhi.campaigns.kinds import Aggregate, KindManifest, Metric
from suzhi.campaigns.plan.schema import PlanModel, Title


class CompetitionSettings(PlanModel):
    events: Annotated[list[Title], Label(_("Events"), help=_("For example 计算机操作, 汽车驾驶."))] = Field(
        default_factory=list, description="Events (工种/项目), e.g. 计算机操作, 汽车驾驶.")
    rounds: Annotated[list[Title], Label(_("Rounds"), help=_("In order, for example 初赛, 决赛."))] = Field(
        default_factory=lambda: ["决赛"], description="Rounds in order, e.g. 初赛, 决赛.")
    judges_per_entry: Annotated[int, Label(_("Judges per entry"))] = Field(3, gt=0, le=30)
    drop_extremes: Annotated[bool, Label(_("Drop the highest and the lowest score"))] = Field(
        True, description="Drop the highest and lowest judge's score.")


MANIFEST = KindManifest(
    code="competition",
    label=_("Skill competition"),
    description=_("Skill competitions and contests of craft with registration, rounds and judges."),
    actions={"register": _("Registration"), "score": _("Scoring")},
    metrics=(
        Metric("competition.contestants", _("Contestants"), Aggregate.PEOPLE, pgettext_lazy("metric unit", "people")),
        Metric("competition.entries", _("Competition entries"), Aggregate.COUNT, _("entries")),
    ),
    settings_schema=CompetitionSettings,
    participant_actions=frozenset({"register"}),
)
