"""The campaign engine's manifest (活动方案): what the platform mounts for it, registered in `ready()`."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from suzhi.core.manifests import ApiMount, AppManifest, UsageCount
from suzhi.core.navigation import WORK, NavItem

MANIFEST = AppManifest(
    permission_group=_("Campaigns"),
    permissions=(
        ("campaign.view", _("View campaigns and their dashboards")),
        ("campaign.manage", _("Create and edit campaigns, load plans, close or extend phases")),
    ),
    log_actions=(
        ("campaign.create", _("Create campaign")),
        ("campaign.load", _("Load plan")),
        ("campaign.update", _("Edit plan")),
        ("campaign.phase_override", _("Close or extend phase")),
        ("campaign.targets_refresh", _("Refresh targets")),
        ("campaign.tallies_rebuild", _("Recount metric tallies")),
        ("campaign.demo_shift", _("Move the demo campaign's dates")),
    ),
    log_details={
        "days": pgettext_lazy("log detail", "Days moved"),
        "title": pgettext_lazy("log detail", "Title"),
        "year": pgettext_lazy("log detail", "Year"),
        "phase": pgettext_lazy("log detail", "Phase"),
        "ends_on": pgettext_lazy("log detail", "Ends on"),
        "reason": pgettext_lazy("log detail", "Reason"),
        "phases": pgettext_lazy("log detail", "Phases"),
        "activities": pgettext_lazy("log detail", "Activities"),
        "targets": pgettext_lazy("log detail", "Targets"),
        "tallies": pgettext_lazy("log detail", "Tallies"),
    },
    navigation=(NavItem("campaigns", _("Campaigns"), "campaigns:campaign_list", "campaign.view", 20, group=WORK),),
    urls="suzhi.campaigns.urls",
    url_prefix="campaigns/",
    api=(ApiMount("/campaigns", "suzhi.campaigns.api.campaigns:router"),),
    usage=(
        UsageCount("campaigns", _("campaigns"), ("campaigns.Campaign.organiser",)),
        UsageCount("activities", _("activities"), ("campaigns.Activity.organiser",)),
        UsageCount("metric_records", _("activity records"), ("campaigns.MetricRecord.organisation",)),
    ),
    # Figures recounted from the records and the roster.
    usage_derived=("campaigns.MetricTally.organisation", "campaigns.MetricOrgCount.organisation",
                   "campaigns.MetricReachCount.organisation", "campaigns.TargetValue.organisation"),
    demo_loaders=("suzhi.campaigns.demo.load_campaigns_demo",),
)
