"""What a competition activity's plan says (比赛设置): its events (工种/项目) with their scoring components and
tie-break chain, its rounds with how contestants advance, registration limits, and the judging rules of the
judged components. The short form `events: [计算机操作, 汽车驾驶]` still reads: each title becomes an event
judged on one practical component."""

from decimal import Decimal
from typing import Annotated, Any, Literal

from django.utils.translation import gettext as _now
from django.utils.translation import gettext_lazy as _
from pydantic import Field, model_validator
from pydantic_core import InitErrorDetails, PydanticCustomError, ValidationError

from suzhi.campaigns.formdefs import Label
from suzhi.campaigns.plan.schema import Key, PlanModel, Title
from suzhi.judging.rubric import JudgingSettings

Source = Literal["quiz", "judging", "measured"]
RESULT = "result"


class Component(PlanModel):
    """One scoring component of an event: 理论 (a knowledge contest), 实操 (judged), or a measured result (用时,
    件数, 失误) entered or imported. Weight 0: it only breaks ties."""

    key: Key
    label: Title
    source: Source = Field(description="quiz: the scores of a knowledge contest; judging: the judges' "
                                       "combined scores; measured: values entered or imported.")
    weight: float = Field(0, ge=0, le=100, description="Share of the total in per cent; 0: tie-break only.")
    quiz: Key | None = Field(None, description="For source quiz: the key of the quiz activity of the plan.")
    unit: str = Field("", max_length=20, description="For measured values: 分钟, 秒, 件 ….")
    better: Literal["higher", "lower"] = Field("higher", description="lower for times and errors.")


def _result() -> list[Component]:
    """An event the plan names only: one result, entered or imported (成绩)."""
    return [Component(key=RESULT, label="成绩", source="measured", weight=100)]


class Event(PlanModel):
    key: Key
    title: Title
    components: list[Component] = Field(default_factory=_result, min_length=1, max_length=10)
    tie_break: list[Key] = Field(default_factory=list, max_length=10,
                                 description="Component keys deciding equal totals, in order (实操 → 理论 → 用时).")
    per_unit: int | None = Field(None, gt=0, description="Contestants one unit may register in this event.")

    def weights(self) -> dict[str, Decimal]:
        return {c.key: Decimal(str(c.weight)) for c in self.components if c.weight > 0}

    def component(self, key: str) -> Component | None:
        return next((c for c in self.components if c.key == key), None)


class Advance(PlanModel):
    """Who goes on to the next round from each preliminary: one of top, percent, score_line."""

    top: int | None = Field(None, gt=0)
    percent: float | None = Field(None, gt=0, le=100)
    score_line: float | None = Field(None, ge=0)
    ties: Literal["share", "exclude"] = Field("share", description="share: all tied at the last place advance.")


class Round(PlanModel):
    key: Key
    title: Title
    groups_by: list[Key] = Field(default_factory=list, description=(
        "Organisation types whose organisations each run a preliminary of this round (one per town or system); "
        "empty: one ranking for the whole round."))
    advance: Advance | None = Field(None, description="Who goes on to the next round; the last round has none.")


def _keyed(items: list[Any], prefix: str) -> list[Any]:
    """`[计算机操作, 汽车驾驶]` → events with keys e1, e2 (the same for rounds)."""
    return [{"key": f"{prefix}{index}", "title": item} if isinstance(item, str) else item
            for index, item in enumerate(items, start=1)]


def _error(loc: tuple[Any, ...], message: str, value: Any) -> InitErrorDetails:
    return InitErrorDetails(type=PydanticCustomError("value_error", "{error}", {"error": message}), loc=loc,
                            input=value)


class CompetitionSettings(PlanModel):
    events: Annotated[list[Event], Label(_("Events"), help=_(
        "For example 计算机操作, 汽车驾驶; each with its scoring components and tie-break order."))] = Field(
        default_factory=list, description="Events (工种/项目).")
    rounds: Annotated[list[Round], Label(_("Rounds"), help=_("In order, for example 初赛, 决赛."))] = Field(
        default_factory=lambda: [Round(key="r1", title="决赛")], min_length=1, max_length=5,
        description="Rounds in order, the first one registered for.")
    per_unit: Annotated[int | None, Label(_("Contestants per unit and event at most"))] = Field(None, gt=0)
    judging: Annotated[JudgingSettings | None, Label(_("Judging of the practical parts"), help=_(
        "The rubric, judges per entry and how their scores combine (drop the highest and the lowest: "
        "trimmed) for the components judges score."))] = Field(None)
    appeal_days: Annotated[int, Label(_("Days to appeal after publication"))] = Field(3, ge=0, le=30)

    @model_validator(mode="before")
    @classmethod
    def _short_forms(cls, data: Any) -> Any:
        if isinstance(data, dict):
            data = dict(data)
            if isinstance(data.get("events"), list):
                data["events"] = _keyed(data["events"], "e")
            if isinstance(data.get("rounds"), list):
                data["rounds"] = _keyed(data["rounds"], "r")
        return data

    @model_validator(mode="after")
    def _consistent(self) -> "CompetitionSettings":
        errors: list[InitErrorDetails] = []
        for name, items in (("events", self.events), ("rounds", self.rounds)):
            keys = [item.key for item in items]
            if len(set(keys)) != len(keys):
                errors.append(_error((name,), _now("A key is listed twice."), keys))
        for index, event in enumerate(self.events):
            keys = {c.key for c in event.components}
            if len(keys) != len(event.components):
                errors.append(_error(("events", index, "components"), _now("A component key is listed twice."),
                                     event.key))
            total = sum(Decimal(str(c.weight)) for c in event.components)
            if total != 100:
                errors.append(_error(("events", index, "components"), _now(
                    "The components' weights add up to %(total)s, not 100.")
                    % {"total": f"{total.normalize():f}"}, event.key))
            for position, key in enumerate(event.tie_break):
                if key not in keys:
                    errors.append(_error(("events", index, "tie_break", position), _now(
                        "“%(key)s” is not a component of the event.") % {"key": key}, key))
            for position, component in enumerate(event.components):
                if component.source == "quiz" and not component.quiz:
                    errors.append(_error(("events", index, "components", position, "quiz"), _now(
                        "Name the knowledge contest (quiz activity) the scores come from."), component.key))
        for index, round_ in enumerate(self.rounds):
            last = index == len(self.rounds) - 1
            if round_.advance is not None:
                given = [v for v in (round_.advance.top, round_.advance.percent, round_.advance.score_line)
                         if v is not None]
                if len(given) != 1:
                    errors.append(_error(("rounds", index, "advance"), _now(
                        "Say who advances by one of top, percent or score_line."), round_.key))
            elif not last:
                errors.append(_error(("rounds", index, "advance"), _now(
                    "Say who goes on to the next round."), round_.key))
        if self.judged() and self.judging is None:
            errors.append(_error(("judging",), _now(
                "Judges score a component of an event: give the judging rules (rubric, judges per entry)."), None))
        if errors:
            raise ValidationError.from_exception_data("CompetitionSettings", errors)
        return self

    def event(self, key: str) -> Event | None:
        return next((e for e in self.events if e.key == key), None)

    def round(self, key: str) -> Round | None:
        return next((r for r in self.rounds if r.key == key), None)

    def next_round(self, key: str) -> Round | None:
        keys = [r.key for r in self.rounds]
        index = keys.index(key) if key in keys else -1
        return self.rounds[index + 1] if 0 <= index < len(keys) - 1 else None

    def judged(self) -> bool:
        return any(c.source == "judging" for e in self.events for c in e.components)
