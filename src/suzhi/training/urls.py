"""Training pages; each area keeps its urlpatterns next to its views."""

from suzhi.training.views import organiser, participant, records

app_name = "training"

urlpatterns = [*organiser.urlpatterns, *participant.urlpatterns, *records.urlpatterns]
