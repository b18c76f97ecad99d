"""The skill-competition kind's manifest (技能比赛): registration, the draw, scores from contests, judges and
measurements, rankings signed, verified and published, and who advances."""

from typing import Any

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from suzhi.campaigns.kinds import Aggregate, KindManifest, Metric
from suzhi.competitions.settings import CompetitionSettings
from suzhi.core.manifests import ApiMount, UsageCount
from suzhi.core.navigation import MINE, WORK, NavItem
from suzhi.judging.manifest import SCORE as JUDGING_SCORE

MANAGE, REGISTER, VERIFY = "competition.manage", "competition.register", "competition.verify"

MANIFEST = KindManifest(
    code="competition",
    label=_("Skill competition"),
    description=_("Skill competitions and contests of craft with registration, rounds and judges."),
    actions={"register": _("Registration"), "score": _("Scoring")},
    metrics=(
        Metric("competition.contestants", _("Contestants"), Aggregate.PEOPLE, pgettext_lazy("metric unit", "people")),
        Metric("competition.entries", _("Competition entries"), Aggregate.COUNT, _("entries")),
        Metric("competition.finalists", _("Contestants who advanced"), Aggregate.PEOPLE,
               pgettext_lazy("metric unit", "people")),
        Metric("competition.places", _("Top-three places"), Aggregate.COUNT, _("places")),
    ),
    settings_schema=CompetitionSettings,
    participant_actions=frozenset({"register"}),
    results="suzhi.competitions.selectors.ranked.ranked_results",
    judged_content="suzhi.competitions.selectors.judged.judged_content",
    judged_categories="suzhi.competitions.selectors.judged.event_titles",
    permission_group=_("Skill competitions"),
    permissions=(
        (MANAGE, _("Run competitions: draw, results, rankings")),
        (REGISTER, _("Register contestants of the unit")),
        (VERIFY, _("Verify competition rankings")),
    ),
    log_actions=(
        ("competition.register", _("Register contestant")),
        ("competition.withdraw", _("Withdraw contestant")),
        ("competition.draw", _("Draw contestants' numbers")),
        ("competition.measures", _("Enter measured results")),
        ("competition.compute", _("Compute ranking")),
        ("competition.sign", _("Sign ranking as chief judge")),
        ("competition.verify", _("Verify ranking")),
        ("competition.publish", _("Publish ranking")),
        ("competition.appeal_file", _("File an appeal")),
        ("competition.appeal_propose", _("Propose a correction on appeal")),
        ("competition.appeal_dismiss", _("Dismiss an appeal")),
        ("competition.appeal_approve", _("Approve a correction on appeal")),
    ),
    log_object_types=(
        ("competitions.contestant", pgettext_lazy("log object", "Contestant")),
        ("competitions.draw", pgettext_lazy("log object", "Draw")),
        ("competitions.ranking", pgettext_lazy("log object", "Ranking")),
        ("competitions.appeal", pgettext_lazy("log object", "Appeal")),
    ),
    log_details={
        "event": pgettext_lazy("log detail", "Event"),
        "round": pgettext_lazy("log detail", "Round"),
        "official": pgettext_lazy("log detail", "Official contestant"),
        "contestants": pgettext_lazy("log detail", "Contestants"),
        "seed": pgettext_lazy("log detail", "Draw seed"),
        "values": pgettext_lazy("log detail", "Values entered"),
        "placed": pgettext_lazy("log detail", "Placed"),
        "advancing": pgettext_lazy("log detail", "Advancing"),
        "component": pgettext_lazy("log detail", "Scoring component"),
        "position": pgettext_lazy("log detail", "Place"),
    },
    navigation=(
        NavItem("competitions", _("Competition management"), "competitions:list", MANAGE, 47, group=WORK),
        NavItem("competitions_register", _("Competition registration"), "competitions:register_list", REGISTER, 48,
                group=WORK),
        # Every logged-in user may have a roster record, so no permission.
        NavItem("competitions_my", _("My competitions"), "competitions:mine", None, 17, group=MINE),
        # Judges sign their events' rankings here (the judging module knows no kind, so the entry is ours); a
        # judge of other kinds' panels finds the list empty.
        NavItem("competitions_sign", _("Chief judge signing"), "competitions:sign_list", JUDGING_SCORE, 19,
                group=MINE),
    ),
    urls="suzhi.competitions.urls",
    url_prefix="competitions/",
    api=(ApiMount("/competitions/appeals", "suzhi.competitions.api.appeals:router"),
         ApiMount("/competitions", "suzhi.competitions.api.competitions:router")),
    activity_url="suzhi.competitions.manifest.activity_url",
    usage=(
        # A preliminary's standings name the town that ran it: they keep it from being deleted, as the contestants
        # keep their units.
        UsageCount("contestants", _("competition contestants"), ("competitions.Contestant.organisation",
                                                                 "competitions.Standing.group")),
    ),
    demo_loaders=("suzhi.competitions.demo.load_competition_demo",),
    demo_shift="suzhi.competitions.demo.shift_competition_demo",
)


def activity_url(activity: Any, user: Any) -> str | None:
    """Those who run the competition get its page, units registering their people its registration, everyone else
    their own competitions."""
    from django.urls import reverse

    from suzhi.core import scope

    if scope.may_manage(user, MANAGE, activity.organiser):
        return reverse("competitions:activity", args=[activity.pk])
    if user.has_perm(REGISTER):
        return reverse("competitions:register", args=[activity.pk])
    return reverse("competitions:mine")
