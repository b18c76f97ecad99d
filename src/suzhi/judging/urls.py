from django.urls import path

from suzhi.judging.views import admin, judge, paper

app_name = "judging"

urlpatterns = [
    path("mine/", judge.my_entries, name="my_entries"),
    path("sheets/<int:sheet_id>/", judge.sheet, name="sheet"),
    path("", admin.activity_list, name="activity_list"),
    path("activities/<int:activity_id>/", admin.activity_detail, name="activity"),
    path("activities/<int:activity_id>/results/", admin.results, name="results"),
    path("activities/<int:activity_id>/paper-sheets/", paper.paper_import, name="paper_import"),
    path("activities/<int:activity_id>/paper-sheets/template/", paper.paper_template, name="paper_template"),
    path("activities/<int:activity_id>/paper-sheets/errors/", paper.paper_errors, name="paper_errors"),
    path("entries/<int:entry_id>/", admin.entry_detail, name="entry"),
]
