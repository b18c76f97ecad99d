from django_tasks import task

from suzhi.core.tasks import register_refresh

TARGETS_REFRESH = "campaign-targets"


@task()
def refresh_campaign_targets(campaign_id: int) -> None:
    """Recompute and store every target of a campaign (after records changed), unless a run since covered what
    was asked for."""
    from suzhi.campaigns.models import Campaign
    from suzhi.campaigns.services.targets import targets_refresh
    from suzhi.core.tasks import refresh_claim, refresh_forget, space_out

    space_out(f"{TARGETS_REFRESH}:{campaign_id}")
    if not refresh_claim(name=TARGETS_REFRESH, object_id=campaign_id):
        return
    try:
        targets_refresh(actor=None, campaign_id=campaign_id)
    except Campaign.DoesNotExist:
        refresh_forget(name=TARGETS_REFRESH, object_id=campaign_id)


register_refresh(TARGETS_REFRESH, refresh_campaign_targets)
