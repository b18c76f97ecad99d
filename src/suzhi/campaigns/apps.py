from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class CampaignsConfig(AppConfig):
    name = "suzhi.campaigns"
    label = "campaigns"
    verbose_name = _("Campaigns")

    def ready(self) -> None:
        from suzhi.campaigns.demo import load_campaigns_demo
        from suzhi.campaigns.services.records import tallies_follow_org_moves, tallies_follow_people
        from suzhi.campaigns.services.targets import targets_follow_org_moves
        from suzhi.core import demo, navigation, oplog_actions, org_followers, org_usage, permissions
        from suzhi.core.navigation import NavItem
        from suzhi.people import followers

        group = _("Campaigns")
        permissions.register("campaign.view", _("View campaigns and their dashboards"), group)
        permissions.register("campaign.manage", _("Create and edit campaigns, load plans, close or extend phases"),
                             group)
        org_usage.register("campaigns", _("campaigns"), fields=["campaigns.Campaign.organiser"])
        org_usage.register("activities", _("activities"), fields=["campaigns.Activity.organiser"])
        org_usage.register("metric_records", _("activity records"), fields=["campaigns.MetricRecord.organisation"])
        # Figures recounted from the records and the roster.
        org_usage.register_derived(
            "campaigns.MetricTally.organisation", "campaigns.MetricOrgCount.organisation",
            "campaigns.MetricReachCount.organisation", "campaigns.TargetValue.organisation",
        )
        demo.register_loader(load_campaigns_demo)
        # The metric tallies copy people's organisation, categories and status (see MetricTally).
        followers.register_follower(tallies_follow_people)
        # The people overlaps depend on where organisations meet in the tree (see MetricOrgCount).
        org_followers.register_org_follower(tallies_follow_org_moves)
        org_followers.register_org_follower(targets_follow_org_moves)
        navigation.register(NavItem("campaigns", _("Campaigns"), "campaigns:campaign_list", "campaign.view", 20))
        for code, label in (
            ("campaign.create", _("Create campaign")),
            ("campaign.load", _("Load plan")),
            ("campaign.update", _("Edit plan")),
            ("campaign.phase_override", _("Close or extend phase")),
            ("campaign.targets_refresh", _("Refresh targets")),
            ("campaign.tallies_rebuild", _("Recount metric tallies")),
            ("campaign.demo_shift", _("Move the demo campaign's dates")),
        ):
            oplog_actions.register(code, label)
        oplog_actions.register_details({
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
        })
