from django_tasks import task

from suzhi.core.tasks import register_refresh

RESULTS_REFRESH = "quiz-results"


@task()
def refresh_quiz_results(quiz_id: int) -> None:
    """Store the ranks of a contest's people and organisations (after submissions), unless a run since covered
    what was asked for."""
    from suzhi.core.tasks import refresh_claim, refresh_forget, space_out
    from suzhi.quizzes.models import Quiz
    from suzhi.quizzes.services.results import results_refresh

    space_out(f"{RESULTS_REFRESH}:{quiz_id}")
    if not refresh_claim(name=RESULTS_REFRESH, object_id=quiz_id):
        return
    try:
        results_refresh(actor=None, quiz_id=quiz_id)
    except Quiz.DoesNotExist:
        refresh_forget(name=RESULTS_REFRESH, object_id=quiz_id)


register_refresh(RESULTS_REFRESH, refresh_quiz_results)
