"""The judging settings a kind embeds in its own settings model (`judging: JudgingSettings | None = None`): the
rubric of weighted criteria (评分标准), how many judges score each entry, how their totals are combined, blind
review and panels by category. The plan check reports a bad rubric at its line, in Chinese (the messages are
registered with the check below)."""

from typing import Annotated, Literal

from django.utils.translation import gettext_lazy as _
from pydantic import Field, model_validator

from suzhi.campaigns.plan.check import register_value_errors
from suzhi.campaigns.plan.schema import Key, Label, PlanModel, Text, Title

WEIGHT_TOTAL = 100


class Band(PlanModel):
    """A descriptive scoring band (经济效益 by yearly benefit): entries whose benefit lies between the bounds
    (万元) score in the range. Help for judges; nothing is computed from it."""

    min_benefit: float | None = Field(None, ge=0, description="Lowest yearly benefit (万元) of the band.")
    max_benefit: float | None = Field(None, ge=0, description="Highest yearly benefit (万元) of the band.")
    min_score: float = Field(ge=0)
    max_score: float = Field(ge=0)

    @model_validator(mode="after")
    def _ordered(self) -> "Band":
        if self.max_score < self.min_score:
            raise ValueError("band_scores_reversed")
        if self.min_benefit is not None and self.max_benefit is not None and self.max_benefit < self.min_benefit:
            raise ValueError("band_benefit_reversed")
        return self


class Criterion(PlanModel):
    """One criterion of the rubric: 技术水平, weight 30, scored 0–max_score."""

    key: Key
    label: Title
    weight: float = Field(gt=0, le=WEIGHT_TOTAL, description="Share of the total; the weights add up to 100.")
    max_score: float = Field(100, gt=0, le=1000, description="The highest score a judge can give.")
    description: Text = Field("", description="What the judges look at.")
    bands: list[Band] = Field(default_factory=list)

    @model_validator(mode="after")
    def _bands_within(self) -> "Criterion":
        if any(band.max_score > self.max_score for band in self.bands):
            raise ValueError("band_over_max")
        return self


class JudgingSettings(PlanModel):
    rubric: Annotated[list[Criterion], Label(_("Scoring criteria"), help=_(
        "Each with key, label, weight (the weights add up to 100), max_score and description."))] = Field(
        min_length=1, description="The weighted criteria; the weights add up to 100.")
    judges_per_entry: Annotated[int, Label(_("Judges per entry"))] = Field(3, ge=1, le=50)
    aggregation: Annotated[Literal["mean", "median", "trimmed"], Label(
        _("How the judges' totals are combined"),
        options={"mean": _("Mean"), "median": _("Median"), "trimmed": _("Trimmed mean")})] = "mean"
    trim: Annotated[int, Label(_("Highest and lowest totals dropped"), help=_(
        "Trimmed mean: this many of the highest and as many of the lowest totals are dropped."))] = Field(1, ge=0)
    min_judges_for_trim: Annotated[int, Label(_("Judges needed before trimming"))] = Field(5, ge=1)
    blind: Annotated[bool, Label(_("Blind review"), help=_(
        "Judges see no author, organisation or nominee, only the entry's code."))] = False
    panels_by_category: Annotated[bool, Label(_("A panel for each category"))] = False

    @model_validator(mode="after")
    def _consistent(self) -> "JudgingSettings":
        keys: set[str] = set()
        for criterion in self.rubric:
            if criterion.key in keys:
                raise ValueError(f"duplicate_criterion_key:{criterion.key}")
            keys.add(criterion.key)
        total = sum(criterion.weight for criterion in self.rubric)
        if abs(total - WEIGHT_TOTAL) > 1e-9:
            raise ValueError(f"weights_not_100:{total:g}")
        if self.aggregation == "trimmed" and self.min_judges_for_trim <= 2 * self.trim:
            raise ValueError("trim_too_large")
        return self

    def criterion(self, key: str) -> Criterion | None:
        return next((c for c in self.rubric if c.key == key), None)


register_value_errors(
    messages={
        "band_scores_reversed": _("The band's max_score is below its min_score."),
        "band_benefit_reversed": _("The band's max_benefit is below its min_benefit."),
        "band_over_max": _("A band's score is above the criterion's max_score."),
        "duplicate_criterion_key": _("Two criteria have the key “%(arg)s”."),
        "weights_not_100": _("The criteria's weights add up to %(arg)s; they must add up to 100."),
        "trim_too_large": _("min_judges_for_trim must be more than twice trim, or nothing is left to average."),
    },
    fields={"band_scores_reversed": "max_score", "band_benefit_reversed": "max_benefit",
            "band_over_max": "bands", "duplicate_criterion_key": "rubric", "weights_not_100": "rubric",
            "trim_too_large": "trim"},
)
