"""Pages of the roster; each area keeps its own `urlpatterns` next to its views."""

from suzhi.people.views import accounts, exports, imports, persons

app_name = "people"

urlpatterns = [*accounts.urlpatterns, *imports.urlpatterns, *exports.urlpatterns, *persons.urlpatterns]
