from typing import Any

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Delete staged import uploads (and their error reports) never confirmed and older than a day"

    def handle(self, *args: Any, **options: Any) -> None:
        from suzhi.core.uploads import staged_uploads_sweep

        removed = staged_uploads_sweep()
        self.stdout.write(f"{removed} staged file(s) removed")
