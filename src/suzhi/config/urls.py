from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

from suzhi.config.api import api
from suzhi.core import manifests

# Each app's pages are mounted from its manifest (core/manifests.py); the core's own pages come last, at the root.
urlpatterns = [
    path("api/v1/", api.urls),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    *manifests.url_patterns(),
    path("", include("suzhi.core.urls")),
]

handler400 = "suzhi.core.views.errors.bad_request"
