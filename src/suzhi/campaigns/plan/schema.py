"""The plan file (工作方案) as Pydantic models: English keys, Chinese content.

These models are the single definition of the format: `suzhi plan validate` checks files against them,
`suzhi plan schema` prints the JSON Schema generated from them, and docs/plan-format.md describes them.
Cross-references (phases, activities, kinds, dictionaries) are checked afterwards in `plan.check`, where
the registry and the database are at hand.
"""

import dataclasses
import datetime
from typing import Annotated, Any, Literal

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from pydantic import BaseModel, ConfigDict, Field, model_validator

Key = Annotated[
    str,
    Field(pattern=r"^[a-z][a-z0-9_-]{0,49}$", description="Lower-case letters, digits, - and _; unique in its list."),
]
Text = Annotated[str, Field(max_length=20000)]
Title = Annotated[str, Field(min_length=1, max_length=200)]


class PlanModel(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Committee(PlanModel):
    """The organising committee (组委会) and its office (办公室)."""

    name: Title = Field(description="组委会名称, e.g. 敦煌市职工职业技能素质提升活动组委会")
    members: list[Title] = Field(default_factory=list, description="Member organisations (组成单位).")
    office: str = Field("", max_length=200, description="Where the office sits (办公室设在…).")


class Phase(PlanModel):
    """A stage of the campaign (时间安排). Dates are inclusive, in Asia/Shanghai."""

    key: Key
    title: Title
    start: datetime.date
    end: datetime.date
    description: Text = Field("", description="What happens in this phase, as the plan says it.")

    @model_validator(mode="after")
    def _ordered(self) -> "Phase":
        if self.end < self.start:
            raise ValueError("end_before_start")
        return self


class Section(PlanModel):
    """A chapter of 活动内容及形式, e.g. (一)深入开展职工素质提升培训活动; activities point at it."""

    key: Key
    title: Title
    description: Text = ""


class Activity(PlanModel):
    """One activity (活动) run by an activity kind."""

    key: Key
    kind: str = Field(description="A registered activity kind, e.g. training, quiz, collection, competition.")
    title: Title
    section: Key | None = Field(None, description="The key of the section this activity belongs to.")
    description: Text = ""
    organiser: str | None = Field(None, description="Code of the organisation running it; default the plan's.")
    org_types: list[str] = Field(
        default_factory=list, description="Organisation types (org_type dictionary codes) taking part; empty: all."
    )
    person_categories: list[str] = Field(
        default_factory=list, description="Person categories (person_category codes) taking part; empty: all."
    )
    open_in: dict[str, list[Key]] = Field(
        default_factory=dict, description="For each of the kind's actions, the phases in which it is open."
    )
    settings: dict[str, Any] = Field(default_factory=dict, description="The kind's own settings.")


# The person's attributes a rule may name, besides extra.<name> (the roster's further attributes).
ATTRIBUTE_FIELDS = ("gender", "union_member", "age", "education", "political_status")


class AttributeRule(PlanModel):
    """A condition on a person: gender, union_member, age, education, political_status or extra.<name>."""

    field: str = Field(min_length=1, max_length=60)
    op: Literal["eq", "ne", "lt", "le", "gt", "ge", "in"] = "eq"
    value: Any


@dataclasses.dataclass(frozen=True)
class Label:
    """The label, help and option labels of a settings field for the plan editor (formdefs/settings.py),
    translatable (gettext_lazy), given in the field's annotation: `Annotated[int, Label(_("…"))]`."""

    text: str | Promise
    help: str | Promise = ""
    options: dict[str, str | Promise] = dataclasses.field(default_factory=dict)


class KindSettings(PlanModel):
    """What the settings of any kind may carry: conditions on the people taking part, beyond the activity's
    organisation types and person categories (a kind's settings model may extend this; for one that does not, the
    plan check reads `attributes` apart)."""

    attributes: Annotated[list[AttributeRule], Label(_("Conditions on participants"), help=_(
        "One rule per item, e.g. “- {field: age, op: lt, value: 45}”."))] = Field(
        default_factory=list, description="Conditions every participant must meet (age < 45).")


class TargetFilter(PlanModel):
    """Which people and organisations a target counts."""

    person_categories: list[str] = Field(default_factory=list)
    org_types: list[str] = Field(default_factory=list)
    attributes: list[AttributeRule] = Field(default_factory=list)


class Target(PlanModel):
    """A quantified goal (目标任务) computed from a metric.

    - total: the campaign's value reaches `threshold` (全市培训职工万名以上).
    - per_org: every organisation of `per_org_types` reaches `threshold` (各培训站不少于300人).
    - coverage: `threshold` per cent of the people in scope have at least `at_least` (每名职工接受1—2次培训).
    - percentage: the metric is `threshold` per cent of the people in scope (专任教师的8%).
    """

    key: Key
    title: Title
    text: Text = Field("", description="The plan's own words for the goal.")
    metric: str = Field(description="A metric of a registered kind, e.g. training.people.")
    activity: Key | None = Field(None, description="Count only this activity's records; default every activity.")
    form: Literal["total", "per_org", "coverage", "percentage"]
    threshold: float = Field(gt=0)
    at_least: float = Field(1, gt=0, description="coverage: what each person needs (records or quantity).")
    per_org_types: list[str] = Field(default_factory=list, description="per_org: the organisation types measured.")
    filter: TargetFilter = Field(default_factory=TargetFilter)
    deadline: Key = Field(description="The phase by whose end the target is due.")

    @model_validator(mode="after")
    def _form_fields(self) -> "Target":
        if self.form == "per_org" and not self.per_org_types:
            raise ValueError("per_org_needs_types")
        if self.form in ("coverage", "percentage") and self.threshold > 100:
            raise ValueError("percent_over_100")
        return self


AwardBasis = Literal["ranking", "targets", "metric", "kind_award", "attribute", "manual"]

# What each basis decides by: the fields it needs, and the further fields that apply to it (the others are errors,
# so that a rule never carries a setting nobody reads). key, title, text, recipient, titles and recommend_to apply
# to every basis.
AWARD_BASIS_FIELDS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "ranking": (("activity", "top"), ("per_ranking", "ranking", "ties", "tie_break", "title_by_ranking")),
    "targets": (("targets",), ("org_types",)),
    "metric": (("target", "top"), ("ties", "tie_break", "org_types")),
    "kind_award": (("activity", "award"), ("per_ranking", "ranking", "title_by_ranking")),
    "attribute": (("attributes",), ("activity", "person_categories")),
    "manual": ((), ("activity", "top", "per_ranking")),
}
_AWARD_OPTIONAL = ("activity", "top", "per_ranking", "ranking", "ties", "tie_break", "title_by_ranking", "targets",
                   "target", "award", "attributes", "org_types", "person_categories")


class AwardRule(PlanModel):
    """An award rule (奖励办法) and how its recipients are decided (`basis`):

    - ranking: places 1 to `top` of the activity's published ranking (each ranking with `per_ranking`: 各工种),
      with `ties` at place `top` shared, excluded or left to the stated `tie_break`;
    - targets: the units meeting all (or the listed) targets of the campaign;
    - metric: the `top` units by a target's value (its rate for coverage and percentage);
    - kind_award: the entries of the activity's rankings holding the kind's award (a collection's 一等奖);
    - attribute: the people meeting the attribute rules (高学历达标);
    - manual: recipients entered by hand (results of a contest outside the platform).
    """

    key: Key
    title: Title
    text: Text = Field(description="The rule as the plan words it.")
    recipient: Literal["person", "organisation"] = "person"
    basis: AwardBasis = Field("manual", description="How recipients are decided; default ranking with an activity, "
                                                    "otherwise manual.")
    activity: Key | None = Field(None, description="The activity whose results decide it, if any.")
    top: int | None = Field(None, gt=0, description="The best N of the activity's ranking qualify.")
    titles: list[Title] = Field(default_factory=list, description="Titles conferred (称号), e.g. 敦煌市技术标兵.")
    per_ranking: bool = Field(False, description="Each ranking of the activity separately (各工种); otherwise only "
                                                 "its main ranking (the first its organiser publishes).")
    ranking: str = Field("", max_length=200, description="Only the ranking of this title (an event or a round).")
    ties: Literal["share", "exclude", "decide"] = Field(
        "share", description="Tied at place `top`: share (all get it), exclude (only those strictly within `top`), "
                             "decide (proposed, the organiser applies `tie_break`).")
    tie_break: Text = Field("", description="How a tie at place `top` is broken, in words (ties: decide).")
    title_by_ranking: dict[Title, Title] = Field(
        default_factory=dict, description="The title each ranking confers (计算机操作: 敦煌市技术标兵).")
    recommend_to: str = Field("", max_length=200, description="An outside body the recipients are recommended to "
                                                              "(酒泉市总工会): the honour is a recommendation.")
    targets: Literal["all"] | list[Key] | None = Field(
        None, description="targets: all targets of the campaign, or these target keys, met by the unit.")
    target: Key | None = Field(None, description="metric: the target whose value per unit ranks the units.")
    award: Title | None = Field(None, description="kind_award: the kind's award, e.g. 一等奖.")
    attributes: list[AttributeRule] = Field(default_factory=list, description="attribute: conditions on the person.")
    person_categories: list[str] = Field(default_factory=list, description="attribute: only these categories.")
    org_types: list[str] = Field(default_factory=list, description="targets and metric: the units considered, by "
                                                                   "type; empty: the units with none below them.")

    @model_validator(mode="before")
    @classmethod
    def _default_basis(cls, data: Any) -> Any:
        # A rule written before bases existed, with an activity, was decided by that activity's ranking.
        if isinstance(data, dict) and "basis" not in data and data.get("activity"):
            return {**data, "basis": "ranking"}
        return data

    @model_validator(mode="after")
    def _basis_fields(self) -> "AwardRule":
        needed, further = AWARD_BASIS_FIELDS[self.basis]
        for name in needed:
            if getattr(self, name) in (None, "", [], {}):
                raise ValueError(f"award_missing:{name}")
        defaults = {name: AwardRule.model_fields[name].get_default(call_default_factory=True)
                    for name in _AWARD_OPTIONAL}
        for name in _AWARD_OPTIONAL:
            if name not in needed and name not in further and getattr(self, name) != defaults[name]:
                raise ValueError(f"award_unused:{name}")
        if self.basis in ("targets", "metric") and self.recipient != "organisation":
            raise ValueError("award_units_only")
        if self.basis == "attribute" and self.recipient != "person":
            raise ValueError("award_people_only")
        if self.ties == "decide" and not self.tie_break:
            raise ValueError("tie_break_needed")
        return self


class Reporting(PlanModel):
    cadence: Literal["weekly", "monthly", "per_phase", "once"] = "monthly"
    to: str = Field("", max_length=200, description="Who receives the reports.")
    text: Text = ""


class Requirements(PlanModel):
    """工作要求: organisation, reporting and publicity."""

    organisation: Text = ""
    reporting: Reporting | None = None
    publicity: Text = ""
    other: list[Text] = Field(default_factory=list)


class Plan(PlanModel):
    """A work plan (工作方案) that runs as a campaign."""

    code: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]{1,49}$")]
    title: Title
    year: int = Field(ge=2000, le=2100)
    organiser: str = Field(description="Code of the organising organisation.")
    issued_by: str = Field("", max_length=200, description="发文单位, shown under the title of the document.")
    doc_number: str = Field("", max_length=100, description="发文字号, e.g. 敦工发〔2024〕5号.")
    committee: Committee | None = None
    goals: Text = Field(description="总体目标.")
    sections: list[Section] = Field(default_factory=list)
    phases: list[Phase] = Field(min_length=1)
    activities: list[Activity] = Field(default_factory=list)
    targets: list[Target] = Field(default_factory=list)
    awards: list[AwardRule] = Field(default_factory=list)
    requirements: Requirements = Field(default_factory=Requirements)


def plan_json_schema() -> dict[str, Any]:
    return Plan.model_json_schema()
