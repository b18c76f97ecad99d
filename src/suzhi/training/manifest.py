"""The training kind's manifest (培训): sessions, enrolment, check-in, credit hours (学时)."""

from typing import Annotated, Literal

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from pydantic import Field

from suzhi.campaigns.formdefs import Label
from suzhi.campaigns.kinds import Aggregate, KindManifest, Metric
from suzhi.campaigns.plan.schema import PlanModel

TrainingForm = Literal["class", "lecture", "workshop", "remote"]


def _default_forms() -> list[TrainingForm]:
    return ["class", "lecture"]


class TrainingSettings(PlanModel):
    forms: Annotated[list[TrainingForm], Label(_("Forms of training"), help=_("The forms sessions may take."), options={
        "class": _("Training class"), "lecture": _("Lecture"), "workshop": _("Workshop"),
        "remote": _("Remote training")})] = Field(
        default_factory=_default_forms, description="培训班, 讲座, 研修, 远程 allowed for sessions."
    )
    default_hours: Annotated[float, Label(_("Credit hours of a session"), help=_(
        "The credit hours a session gives unless the session says otherwise."))] = Field(
        2, gt=0, le=200, description="Credit hours (学时) of a session unless it says.")
    check_in_minutes: Annotated[int, Label(_("Check-in opens (minutes before the start)"))] = Field(
        30, ge=0, le=720, description="Check-in opens this long before a session starts.")
    yearly_hours: Annotated[float | None, Label(_("Credit hours each participant should reach in the year"))] = Field(
        None, gt=0, description="Hours each participant should reach in the year.")


MANIFEST = KindManifest(
    code="training",
    label=_("Training"),
    description=_("Training classes, lectures and remote courses with enrolment, check-in and credit hours."),
    actions={
        "create_session": _("Creating sessions"),
        "enroll": _("Enrolment"),
        "check_in": _("Check-in"),
    },
    metrics=(
        Metric("training.people", _("People trained"), Aggregate.PEOPLE, pgettext_lazy("metric unit", "people")),
        Metric("training.participations", _("Training participations"), Aggregate.COUNT, _("person-times")),
        Metric("training.hours", _("Credit hours"), Aggregate.SUM, _("hours")),
        Metric("training.hours_per_person", _("Credit hours per person trained"), Aggregate.PER_PERSON, _("hours"),
               source="training.hours"),
    ),
    settings_schema=TrainingSettings,
    participant_actions=frozenset({"enroll", "check_in"}),
)
