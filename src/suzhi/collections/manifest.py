"""The collection kind's manifest (征集): suggestions, innovations and nominations with multi-level review."""

from decimal import Decimal, InvalidOperation
from typing import Annotated, Any, Literal

from django.utils.translation import gettext as _now
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from pydantic import Field, model_validator
from pydantic_core import InitErrorDetails, PydanticCustomError, ValidationError

from suzhi.campaigns.formdefs import FormDef, Label
from suzhi.campaigns.kinds import Aggregate, KindManifest, Metric
from suzhi.campaigns.plan.schema import Key, PlanModel, Title
from suzhi.core.manifests import ApiMount, UsageCount
from suzhi.core.navigation import MINE, WORK, NavItem
from suzhi.judging.rubric import JudgingSettings

VIEW, REVIEW, SUBMIT_FOR = "collection.view", "collection.review", "collection.submit"

Submitter = Literal["person", "unit"]


class Quota(PlanModel):
    """How many items one reviewing organisation of a level may recommend: in all and/or per category."""

    total: int | None = Field(None, gt=0, description="At most this many in all.")
    per_category: dict[str, Annotated[int, Field(gt=0)]] = Field(
        default_factory=dict, description="At most this many of a category (category: number).")


class ReviewLevel(PlanModel):
    """A review level (审核层级): the organisations that review at it, by type or by depth in the tree."""

    title: Title = Field(description="What the level is called, e.g. 乡镇/系统工会.")
    org_types: list[Key] = Field(default_factory=list, description="Organisation types reviewing at this level.")
    depth: int | None = Field(None, ge=1, le=20, description="Or: the depth in the tree (1 = the top).")
    quota: Quota | None = Field(None, description="How many one organisation of this level may recommend.")


class Award(PlanModel):
    """An award (or adoption) decided from the published judging results: the first award of the list whose rule
    a submission meets is its decision."""

    title: Title = Field(description="What the decision is called, e.g. 一等奖, 采纳.")
    by: Literal["rank", "score"] = Field("rank", description="rank: the first `top` places of each category; "
                                                            "score: a score of at least `min_score`.")
    top: int | None = Field(None, gt=0, description="By rank: places 1 to top in each category.")
    min_score: float | None = Field(None, ge=0, description="By score: at least this score.")
    adopt: bool = Field(False, description="The decision means the submission is adopted (采纳).")


def _error(loc: tuple[Any, ...], message: str, value: Any) -> InitErrorDetails:
    # A value_error whose text is the Chinese sentence itself: the plan check shows it at `loc`'s line.
    return InitErrorDetails(type=PydanticCustomError("value_error", "{error}", {"error": message}), loc=loc,
                            input=value)


def _default_levels() -> list[ReviewLevel]:
    return [ReviewLevel(title="单位", org_types=["enterprise", "school", "training_station"]),
            ReviewLevel(title="乡镇/系统工会", org_types=["town_federation", "system_union", "city_union"]),
            ReviewLevel(title="市总工会", org_types=["federation"])]


class CollectionSettings(PlanModel):
    item: Annotated[Title, Label(_("What is collected"),
                                 help=_("For example 合理化建议, 技术创新成果, 先进推荐."))] = Field(
        "合理化建议", description="What is collected, e.g. 合理化建议, 技术创新成果, 先进推荐.")
    form: Annotated[FormDef | None, Label(_("Submission form"), help=_(
        "The fields a submitter fills in, defined with the form engine."))] = Field(
        None, description="The submission form (fields as in any plan-defined form).")
    categories: Annotated[list[Title], Label(_("Item categories"), help=_(
        "What a submitter chooses from and a reviewer classifies into."))] = Field(
        default_factory=list, description="Categories a submitter picks from and reviewers classify into.")
    submitters: Annotated[list[Submitter], Label(_("Who submits"), options={
        "person": _("A worker for themselves"), "unit": _("A unit for a person or a team")})] = Field(
        default_factory=lambda: ["person", "unit"], min_length=1,
        description="person: a worker submits their own; unit: a unit submits for a person or a team.")
    max_per_person: Annotated[int | None, Label(_("Submissions per person at most"))] = Field(None, gt=0)
    max_authors: Annotated[int, Label(_("Authors of a team at most"))] = Field(10, gt=0, le=50)
    judging: Annotated[JudgingSettings | None, Label(_("Expert judging"), help=_(
        "The rubric, judges per entry, aggregation and blind review of the accepted submissions; empty: none."))] = (
        Field(None, description="Expert judging of the submissions accepted at the top level (suzhi.judging)."))
    review_levels: Annotated[list[ReviewLevel], Label(_("Review levels"), help=_(
        "The lowest level first; each by organisation types or by depth, with an optional quota."))] = Field(
        default_factory=_default_levels, min_length=1, max_length=6,
        description="Review levels, lowest first; the last one accepts (finalists).")
    awards: Annotated[list[Award], Label(_("Awards and adoption"), help=_(
        "Decided from the published judging results, the first matching one per submission: by place in the "
        "category (top) or by score (min_score); adopt marks adopted suggestions."))] = Field(
        default_factory=list, max_length=20, description="Decisions from the judging results, first match wins.")
    benefit_field: Annotated[Key | None, Label(_("Benefit field"), help=_(
        "The key of the form's number field giving the benefit in 万元, counted when decisions are applied."))] = (
        Field(None, description="Key of the form's number field with the benefit (万元); optional."))

    def benefit(self, values: dict[str, Any] | None) -> Decimal | None:
        """The benefit (万元) a submission's form values give in `benefit_field`: a positive finite number, else
        None (no field, empty, not a number)."""
        if self.benefit_field is None:
            return None
        try:
            value = Decimal(str((values or {}).get(self.benefit_field, "")).strip())
        except InvalidOperation:
            return None
        return value if value.is_finite() and value > 0 else None

    @model_validator(mode="after")
    def _levels(self) -> "CollectionSettings":
        errors: list[InitErrorDetails] = []
        seen: dict[str, int] = {}
        for index, level in enumerate(self.review_levels):
            loc: tuple[Any, ...] = ("review_levels", index)
            if bool(level.org_types) == (level.depth is not None):
                errors.append(_error((*loc, "org_types"), _now(
                    "Define the level by organisation types or by depth, one of the two."), level.title))
            for position, code in enumerate(level.org_types):
                if code in seen:
                    errors.append(_error((*loc, "org_types", position), _now(
                        "The organisation type “%(code)s” is already on level %(level)d.")
                        % {"code": code, "level": seen[code] + 1}, code))
                seen.setdefault(code, index)
            if level.quota is not None:
                for name in level.quota.per_category:
                    if name not in self.categories:
                        errors.append(_error((*loc, "quota", "per_category", name), _now(
                            "“%(name)s” is not one of the categories.") % {"name": name}, name))
                if level.quota.total is None and not level.quota.per_category:
                    errors.append(_error((*loc, "quota"), _now(
                        "Give the quota a total or numbers per category."), None))
        depths = [level.depth for level in self.review_levels if level.depth is not None]
        if depths != sorted(depths, reverse=True) or len(set(depths)) != len(depths):
            errors.append(_error(("review_levels",), _now(
                "Levels by depth go from the deepest up: each higher level has a smaller depth."), depths))
        errors.extend(self._award_errors())
        if len(set(self.categories)) != len(self.categories):
            errors.append(_error(("categories",), _now("A category is listed twice."), self.categories))
        if errors:
            raise ValidationError.from_exception_data("CollectionSettings", errors)
        return self

    def _award_errors(self) -> list[InitErrorDetails]:
        errors: list[InitErrorDetails] = []
        titles: set[str] = set()
        for index, award in enumerate(self.awards):
            loc: tuple[Any, ...] = ("awards", index)
            if award.by == "rank" and (award.top is None or award.min_score is not None):
                errors.append(_error(loc, _now("An award by rank gives top (how many places), not min_score."),
                                     award.title))
            if award.by == "score" and (award.min_score is None or award.top is not None):
                errors.append(_error(loc, _now("An award by score gives min_score, not top."), award.title))
            if award.title in titles:
                errors.append(_error((*loc, "title"), _now("The award “%(title)s” is listed twice.")
                                     % {"title": award.title}, award.title))
            titles.add(award.title)
        if self.awards and self.judging is None:
            errors.append(_error(("awards",), _now(
                "Awards are decided from the expert judging's results: set up judging first."), None))
        if self.benefit_field is not None:
            number = next((f for f in (self.form.fields if self.form else [])
                           if f.key == self.benefit_field and f.type == "number"), None)
            if number is None:
                errors.append(_error(("benefit_field",), _now(
                    "“%(key)s” is not a number field of the form.") % {"key": self.benefit_field},
                    self.benefit_field))
        return errors


MANIFEST = KindManifest(
    code="collection",
    label=_("Collection"),
    description=_("Suggestions, technical innovations or nominations collected and reviewed level by level."),
    actions={"submit": _("Collection"), "review": _("Review")},
    metrics=(
        Metric("collection.submissions", _("Submissions"), Aggregate.COUNT, _("items")),
        Metric("collection.contributors", _("Contributors"), Aggregate.PEOPLE, pgettext_lazy("metric unit", "people")),
        Metric("collection.recommended", _("Recommended submissions"), Aggregate.COUNT, _("items")),
        Metric("collection.adopted", _("Adopted submissions"), Aggregate.COUNT, _("items")),
        Metric("collection.awarded", _("Awarded submissions"), Aggregate.COUNT, _("items")),
        Metric("collection.benefit", _("Benefit of decided submissions"), Aggregate.SUM, _("10,000 yuan")),
        Metric("collection.implemented", _("Adopted suggestions confirmed as implemented"), Aggregate.COUNT,
               _("items")),
        Metric("collection.benefit_confirmed", _("Confirmed measured benefit"), Aggregate.SUM, _("10,000 yuan")),
    ),
    settings_schema=CollectionSettings,
    participant_actions=frozenset({"submit"}),
    judged_content="suzhi.collections.selectors.judged.judged_content",
    permission_group=_("Collections"),
    permissions=(
        (VIEW, _("View collected submissions")),
        (REVIEW, _("Review and recommend submissions")),
        (SUBMIT_FOR, _("Submit for people and teams of the unit")),
    ),
    log_actions=(
        ("collection.save", _("Save submission")),
        ("collection.submit", _("Submit submission")),
        ("collection.withdraw", _("Withdraw submission")),
        ("collection.return", _("Return submission for revision")),
        ("collection.reject", _("Do not recommend submission")),
        ("collection.classify", _("Classify submission")),
        ("collection.recommend", _("Recommend submission")),
        ("collection.decide", _("Apply award and adoption decisions")),
        ("collection.export", _("Export submissions")),
        ("collection.summary_pdf", _("Download the summary table (PDF)")),
        ("collection.implementation_report", _("Report the implementation of a suggestion")),
        ("collection.implementation_confirm", _("Confirm the measured benefit of a suggestion")),
    ),
    log_object_types=(("collections.submission", pgettext_lazy("log object", "Submission")),),
    log_details={
        "state": pgettext_lazy("log detail", "State"),
        "category": pgettext_lazy("log detail", "Category"),
        "reviewer": pgettext_lazy("log detail", "Reviewing organisation"),
        "comment": pgettext_lazy("log detail", "Comment"),
        "authors": pgettext_lazy("log detail", "Authors"),
        "decided": pgettext_lazy("log detail", "Decided submissions"),
        "adopted": pgettext_lazy("log detail", "Adopted"),
        "awarded": pgettext_lazy("log detail", "Awarded"),
        "implementation_status": pgettext_lazy("log detail", "Implementation status"),
        "measured_benefit": pgettext_lazy("log detail", "Measured benefit (10,000 yuan)"),
        "note": pgettext_lazy("log detail", "Note"),
        "confirmation_cleared": pgettext_lazy("log detail", "Confirmation cleared"),
    },
    navigation=(
        NavItem("collections", _("Collections"), "collections:queue", REVIEW, 45, group=WORK),
        NavItem("collections_my", _("My suggestions"), "collections:my_list", None, 18, group=MINE),
    ),
    urls="suzhi.collections.urls",
    url_prefix="collections/",
    api=(ApiMount("/collections", "suzhi.collections.api.submissions:router"),
         ApiMount("/collections/exports", "suzhi.collections.api.exports:router"),
         ApiMount("/collections/activities", "suzhi.collections.api.summary:router"),
         ApiMount("/collections/implementation", "suzhi.collections.api.implementation:router")),
    usage=(
        UsageCount("submissions", _("collected submissions"),
                   ("collections.Submission.organisation", "collections.Submission.reviewer",
                    "collections.ReviewStep.organisation")),
    ),
    usage_derived=("collections.QuotaUse.organisation",),
    demo_loaders=("suzhi.collections.demo.load_collection_demo",),
    demo_shift="suzhi.collections.demo.shift_collection_demo",
    activity_url="suzhi.collections.manifest.activity_url",
    results="suzhi.collections.selectors.ranked.ranked_results",
)


def activity_url(activity: Any, user: Any) -> str | None:
    """Reviewers get their queue for the activity; everyone else the participant's page of it."""
    from django.urls import reverse

    if user.has_perm(REVIEW):
        return f"{reverse('collections:queue')}?activity={activity.pk}"
    return f"{reverse('collections:my_list')}?activity={activity.pk}"
