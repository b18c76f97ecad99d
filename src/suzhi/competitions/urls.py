from django.urls import path

from suzhi.competitions.views import appeals, imports, manage, mine, register, sign

STAGE = "<int:activity_id>/<str:event>/<str:round_>/"

app_name = "competitions"
urlpatterns = [
    path("", manage.competition_list, name="list"),
    path("<int:activity_id>/", manage.activity_detail, name="activity"),
    path(STAGE, manage.stage, name="stage"),
    path(f"{STAGE}draw/", manage.draw, name="draw"),
    path(f"{STAGE}compute/", manage.compute, name="compute"),
    path(f"{STAGE}ranking/<int:ranking_id>/<str:step>/", manage.ranking_step, name="ranking_step"),
    path(f"{STAGE}appeals/<int:appeal_id>/<str:step>/", appeals.decide, name="appeal_decide"),
    path(f"{STAGE}import/", imports.measures_import_view, name="measures_import"),
    path(f"{STAGE}import/errors/", imports.measures_import_errors, name="measures_import_errors"),
    path(f"{STAGE}import/template/", imports.measures_template_view, name="measures_template"),
    path("register/", register.register_list, name="register_list"),
    path("register/<int:activity_id>/", register.register_activity, name="register"),
    path("register/<int:activity_id>/withdraw/<int:contestant_id>/", register.withdraw, name="withdraw"),
    path("register/<int:activity_id>/appeal/<int:contestant_id>/", appeals.file_unit, name="appeal_unit"),
    path("mine/", mine.my_competitions, name="mine"),
    path("mine/appeal/<int:contestant_id>/", appeals.file_mine, name="appeal_mine"),
    path("sign/", sign.sign_list, name="sign_list"),
    path("sign/<int:ranking_id>/", sign.sign_ranking, name="sign"),
]
