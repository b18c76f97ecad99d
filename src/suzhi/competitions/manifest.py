"""The skill-competition kind's manifest (技能比赛): registration, the draw, scores from contests, judges and
measurements, rankings signed, verified and published, and who advances."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from suzhi.campaigns.kinds import Aggregate, KindManifest, Metric
from suzhi.competitions.settings import CompetitionSettings
from suzhi.core.manifests import UsageCount

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
    usage=(
        UsageCount("contestants", _("competition contestants"), ("competitions.Contestant.organisation",)),
    ),
    demo_loaders=("suzhi.competitions.demo.load_competition_demo",),
    demo_shift="suzhi.competitions.demo.shift_competition_demo",
)
