"""Question-bank, contest and participant pages, mounted at /quizzes/."""

from suzhi.quizzes import views, views_contests, views_participant

app_name = "quizzes"

urlpatterns = [*views.urlpatterns, *views_contests.urlpatterns, *views_participant.urlpatterns]
