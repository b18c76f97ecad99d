"""The collection kind's manifest (征集): suggestions, innovations and nominations with multi-level review."""

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
        if len(set(self.categories)) != len(self.categories):
            errors.append(_error(("categories",), _now("A category is listed twice."), self.categories))
        if errors:
            raise ValidationError.from_exception_data("CollectionSettings", errors)
        return self


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
    ),
    log_object_types=(("collections.submission", pgettext_lazy("log object", "Submission")),),
    log_details={
        "state": pgettext_lazy("log detail", "State"),
        "category": pgettext_lazy("log detail", "Category"),
        "reviewer": pgettext_lazy("log detail", "Reviewing organisation"),
        "comment": pgettext_lazy("log detail", "Comment"),
        "authors": pgettext_lazy("log detail", "Authors"),
    },
    navigation=(
        NavItem("collections", _("Collections"), "collections:queue", REVIEW, 45, group=WORK),
        NavItem("collections_my", _("My suggestions"), "collections:my_list", None, 18, group=MINE),
    ),
    urls="suzhi.collections.urls",
    url_prefix="collections/",
    api=(ApiMount("/collections", "suzhi.collections.api.submissions:router"),
         ApiMount("/collections/exports", "suzhi.collections.api.exports:router")),
    usage=(
        UsageCount("submissions", _("collected submissions"),
                   ("collections.Submission.organisation", "collections.Submission.reviewer",
                    "collections.ReviewStep.organisation")),
    ),
    usage_derived=("collections.QuotaUse.organisation",),
    demo_loaders=("suzhi.collections.demo.load_collection_demo",),
    demo_shift="suzhi.collections.demo.shift_collection_demo",
    activity_url="suzhi.collections.manifest.activity_url",
)


def activity_url(activity: Any, user: Any) -> str | None:
    """Reviewers get their queue for the activity; everyone else the participant's page of it."""
    from django.urls import reverse

    if user.has_perm(REVIEW):
        return f"{reverse('collections:queue')}?activity={activity.pk}"
    return f"{reverse('collections:my_list')}?activity={activity.pk}"
