from django.urls import path

from suzhi.collections.views import judged
from suzhi.collections.views.pages import app_name, urlpatterns

urlpatterns = [
    *urlpatterns,
    path("judged/<int:activity_id>/<str:entry_source>/files/<str:ref>/", judged.judged_attachment,
         name="judged_attachment"),
]

__all__ = ["app_name", "urlpatterns"]
