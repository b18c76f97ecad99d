from django_tasks import task


@task()
def refresh_campaign_targets(campaign_id: int) -> None:
    """Recompute and store every target of a campaign (after records changed)."""
    from suzhi.campaigns.services.targets import targets_refresh
    from suzhi.core.tasks import space_out

    space_out(f"campaign-targets:{campaign_id}")
    targets_refresh(actor=None, campaign_id=campaign_id)
