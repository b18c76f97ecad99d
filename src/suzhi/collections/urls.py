from django.urls import path

from suzhi.collections.views import exports, implementation, judged, summary
from suzhi.collections.views.pages import app_name, urlpatterns

urlpatterns = [
    *urlpatterns,
    path("judged/<int:activity_id>/<str:entry_source>/files/<str:ref>/", judged.judged_attachment,
         name="judged_attachment"),
    path("export/<int:activity_id>/", exports.export, name="export"),
    path("summary/<int:activity_id>/", summary.summary, name="summary"),
    path("summary/<int:activity_id>.pdf", summary.summary_pdf, name="summary_pdf"),
    path("<int:submission_id>/implementation/", implementation.report, name="implementation_report"),
    path("<int:submission_id>/implementation/confirm/", implementation.confirm, name="implementation_confirm"),
]

__all__ = ["app_name", "urlpatterns"]
