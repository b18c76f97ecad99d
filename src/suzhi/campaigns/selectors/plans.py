"""A campaign's plan as stored: the plan file to download, and the parsed plan the editor starts from."""

from suzhi.campaigns.models import Campaign
from suzhi.campaigns.plan.check import plan_to_yaml
from suzhi.campaigns.plan.schema import Plan
from suzhi.core.errors import NotFound


def plan_file(campaign: Campaign) -> str:
    """The plan file to download: as loaded, or regenerated when the pages changed it."""
    if campaign.source:
        return campaign.source
    return plan_to_yaml(Plan.model_validate(campaign.plan))


def plan_of(campaign: Campaign) -> Plan:
    if not campaign.plan:
        raise NotFound()
    return Plan.model_validate(campaign.plan)

