"""`suzhi recount [--as USER]`: recount what the services keep counted, from the stored people and records."""

from typing import Any

from django.core.management.base import BaseCommand

from suzhi.campaigns.models import Campaign
from suzhi.campaigns.services.records import metric_tallies_rebuild
from suzhi.core.cli import acting_user
from suzhi.people.services.counts import person_counts_rebuild


class Command(BaseCommand):
    help = ("Recount the people per organisation and category, and every campaign's metric tallies, from the stored "
            "people and records: after data was loaded or restored around the services.")

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--as", dest="username", help="acting user (default: the first superuser)")

    def handle(self, *args: Any, **options: Any) -> None:
        actor = acting_user(options.get("username"))
        groups = person_counts_rebuild(actor=actor)
        self.stdout.write(f"people: {groups} groups of organisation and categories")
        for campaign in Campaign.objects.order_by("pk"):
            tallies = metric_tallies_rebuild(actor=actor, campaign_id=campaign.pk)
            self.stdout.write(f"{campaign.code}: {tallies} person tallies")
