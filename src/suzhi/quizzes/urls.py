"""Question-bank pages, mounted at /quizzes/."""

from suzhi.quizzes import views

app_name = "quizzes"

urlpatterns = [*views.urlpatterns]
