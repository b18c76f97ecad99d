from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

from suzhi.config.api import api

urlpatterns = [
    path("api/v1/", api.urls),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("people/", include("suzhi.people.urls")),
    path("campaigns/", include("suzhi.campaigns.urls")),
    path("training/", include("suzhi.training.urls")),
    path("quizzes/", include("suzhi.quizzes.urls")),
    path("", include("suzhi.core.urls")),
]

handler400 = "suzhi.core.views.errors.bad_request"
