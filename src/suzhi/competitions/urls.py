from django.urls import path

from suzhi.competitions.views import imports, manage, mine, register

STAGE = "<int:activity_id>/<str:event>/<str:round_>/"

app_name = "competitions"
urlpatterns = [
    path("", manage.competition_list, name="list"),
    path("<int:activity_id>/", manage.activity_detail, name="activity"),
    path(STAGE, manage.stage, name="stage"),
    path(f"{STAGE}draw/", manage.draw, name="draw"),
    path(f"{STAGE}compute/", manage.compute, name="compute"),
    path(f"{STAGE}ranking/<int:ranking_id>/<str:step>/", manage.ranking_step, name="ranking_step"),
    path(f"{STAGE}import/", imports.measures_import_view, name="measures_import"),
    path(f"{STAGE}import/errors/", imports.measures_import_errors, name="measures_import_errors"),
    path(f"{STAGE}import/template/", imports.measures_template_view, name="measures_template"),
    path("register/", register.register_list, name="register_list"),
    path("register/<int:activity_id>/", register.register_activity, name="register"),
    path("register/<int:activity_id>/withdraw/<int:contestant_id>/", register.withdraw, name="withdraw"),
    path("mine/", mine.my_competitions, name="mine"),
]
