from django.db import models

from suzhi.campaigns.models import Activity
from suzhi.core.models import Organisation
from suzhi.people.models import Person


class ReadingReport(models.Model):
    """One reading report (读书打卡): who read how many pages, credited to their unit."""

    activity = models.ForeignKey(Activity, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    pages = models.PositiveIntegerField()
    day = models.DateField()

    def __str__(self) -> str:
        return f"{self.person_id}: {self.pages}"
