"""The collection kind's manifest (征集): suggestions, innovations and nominations with multi-level review."""

from typing import Annotated

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from pydantic import Field

from suzhi.campaigns.formdefs import Label
from suzhi.campaigns.kinds import Aggregate, KindManifest, Metric
from suzhi.campaigns.plan.schema import PlanModel, Title


class CollectionSettings(PlanModel):
    item: Annotated[Title, Label(_("What is collected"),
                                 help=_("For example 合理化建议, 技术创新成果, 先进推荐."))] = Field(
        "合理化建议", description="What is collected, e.g. 合理化建议, 技术创新成果, 先进推荐.")
    review_levels: Annotated[list[Title], Label(_("Review levels"), help=_("The lowest level first."))] = Field(
        default_factory=lambda: ["单位", "乡镇/系统工会", "市总工会"], description="Review levels, lowest first."
    )
    categories: Annotated[list[Title], Label(_("Item categories"), help=_("What a submitter chooses from."))] = Field(
        default_factory=list, description="Categories a submitter picks from.")
    max_per_person: Annotated[int | None, Label(_("Submissions per person at most"))] = Field(None, gt=0)


MANIFEST = KindManifest(
    code="collection",
    label=_("Collection"),
    description=_("Suggestions, technical innovations or nominations collected and reviewed level by level."),
    actions={"submit": _("Collection"), "review": _("Review")},
    metrics=(
        Metric("collection.submissions", _("Submissions"), Aggregate.COUNT, _("items")),
        Metric("collection.contributors", _("Contributors"), Aggregate.PEOPLE, pgettext_lazy("metric unit", "people")),
        Metric("collection.adopted", _("Adopted submissions"), Aggregate.COUNT, _("items")),
    ),
    settings_schema=CollectionSettings,
    participant_actions=frozenset({"submit"}),
)
