"""The training kind's manifest (培训): sessions, enrolment, check-in, credit hours (学时). Everything the
platform mounts for the kind is declared here and registered once in `TrainingConfig.ready()`."""

from typing import Annotated, Any, Literal

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from pydantic import Field

from suzhi.campaigns.formdefs import Label
from suzhi.campaigns.kinds import Aggregate, KindManifest, Metric
from suzhi.campaigns.plan.schema import KindSettings
from suzhi.core.manifests import ApiMount, UsageCount
from suzhi.core.navigation import MINE, WORK, NavItem

TrainingForm = Literal["class", "lecture", "workshop", "remote"]


def _default_forms() -> list[TrainingForm]:
    return ["class", "lecture"]


class TrainingSettings(KindSettings):
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
    permission_group=_("Training"),
    permissions=(
        ("training.view", _("View training sessions, enrolments and attendance")),
        ("training.manage", _("Open sessions, enrol people, record attendance and hours")),
    ),
    log_actions=(
        ("training.session_create", _("Open training session")),
        ("training.session_update", _("Edit training session")),
        ("training.session_cancel", _("Cancel training session")),
        ("training.code_reset", _("Replace check-in code")),
        ("training.enrol", _("Enrol in training")),
        ("training.enrol_bulk", _("Enrol people in training")),
        ("training.enrol_cancel", _("Withdraw from training")),
        ("training.check_in", _("Check in to training")),
        ("training.attendance_add", _("Record attendance")),
        ("training.attendance_change", _("Change credited hours")),
        ("training.attendance_remove", _("Remove attendance")),
        ("training.certificate_issue", _("Issue certificate of hours")),
    ),
    log_details={
        "person": pgettext_lazy("log detail", "Person"),
        "hours": pgettext_lazy("log detail", "Credit hours"),
        "year": pgettext_lazy("log detail", "Year"),
        "sessions": pgettext_lazy("log detail", "Sessions"),
        "enrolled": pgettext_lazy("log detail", "Enrolled"),
        "refused": pgettext_lazy("log detail", "Refused"),
    },
    navigation=(
        NavItem("training", _("Training"), "training:session_list", "training.view", 30, group=WORK),
        # Every logged-in user may have a roster record, so no permission.
        NavItem("training_my", _("My training"), "training:my_training", None, 15, group=MINE),
    ),
    urls="suzhi.training.urls",
    url_prefix="training/",
    api=(ApiMount("/training", "suzhi.training.api.sessions:router"),),
    usage=(
        UsageCount("training_sessions", _("training sessions"), ("training.TrainingSession.organiser",)),
    ),
    demo_loaders=("suzhi.training.demo.load_training_demo",),
    demo_shift="suzhi.training.demo.shift_training_demo",
    activity_url="suzhi.training.manifest.activity_url",
)


def activity_url(activity: Any, user: Any) -> str | None:
    """The organiser's list of the activity's sessions, for those who may see them."""
    from django.urls import reverse

    if not user.has_perm("training.view"):
        return None
    return f"{reverse('training:session_list')}?activity={activity.pk}"
