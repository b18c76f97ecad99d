"""Question-bank, contest and participant pages, mounted at /quizzes/."""

from suzhi.quizzes.views import banks, contests, participant

app_name = "quizzes"

urlpatterns = [*banks.urlpatterns, *contests.urlpatterns, *participant.urlpatterns]
