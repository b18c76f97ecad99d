"""Pages of the foundation; each area keeps its own `urlpatterns` next to its views."""

from suzhi.core.views import activation, auth, dicts, exports, home, logs, notices, orgs, roles, tokens, users

app_name = "core"

urlpatterns = [
    *home.urlpatterns,
    *auth.urlpatterns,
    *activation.urlpatterns,
    *tokens.urlpatterns,
    *exports.urlpatterns,
    *orgs.urlpatterns,
    *users.urlpatterns,
    *roles.urlpatterns,
    *logs.urlpatterns,
    *dicts.urlpatterns,
    *notices.urlpatterns,
]
