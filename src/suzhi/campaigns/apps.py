from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CampaignsConfig(AppConfig):
    name = "suzhi.campaigns"
    label = "campaigns"
    verbose_name = _("Campaigns")

    def ready(self) -> None:
        from suzhi.campaigns.demo import load_campaigns_demo
        from suzhi.campaigns.models import Campaign
        from suzhi.campaigns.services.records import tallies_follow_org_moves, tallies_follow_people
        from suzhi.core import demo, navigation, oplog_actions, org_followers, org_usage, permissions
        from suzhi.core.navigation import NavItem
        from suzhi.people import followers

        group = _("Campaigns")
        permissions.register("campaign.view", _("View campaigns and their dashboards"), group)
        permissions.register("campaign.manage", _("Create and edit campaigns, load plans, close or extend phases"),
                             group)
        org_usage.register(
            "campaigns", _("campaigns"), lambda org_id: Campaign.objects.filter(organiser_id=org_id).count()
        )
        demo.register_loader(load_campaigns_demo)
        # The metric tallies copy people's organisation, categories and status (see MetricTally).
        followers.register_follower(tallies_follow_people)
        # The people overlaps depend on where organisations meet in the tree (see MetricOrgCount).
        org_followers.register_org_follower(tallies_follow_org_moves)
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
