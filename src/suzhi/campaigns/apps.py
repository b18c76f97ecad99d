from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CampaignsConfig(AppConfig):
    name = "suzhi.campaigns"
    label = "campaigns"
    verbose_name = _("Campaigns")

    def ready(self) -> None:
        from suzhi.campaigns.manifest import MANIFEST
        from suzhi.campaigns.services.records import tallies_follow_org_moves, tallies_follow_people
        from suzhi.campaigns.services.targets import targets_follow_org_moves
        from suzhi.core import org_followers
        from suzhi.core.manifests import register_app
        from suzhi.people import followers

        register_app(MANIFEST, name="campaigns")
        # The metric tallies copy people's organisation, categories and status (see MetricTally).
        followers.register_follower(tallies_follow_people)
        # The people overlaps depend on where organisations meet in the tree (see MetricOrgCount).
        org_followers.register_org_follower(tallies_follow_org_moves)
        org_followers.register_org_follower(targets_follow_org_moves)
