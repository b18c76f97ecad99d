from django_tasks import task


@task()
def refresh_quiz_results(quiz_id: int) -> None:
    """Store the ranks of a contest's people and organisations (after submissions)."""
    from suzhi.core.tasks import space_out
    from suzhi.quizzes.services.results import results_refresh

    space_out(f"quiz-results:{quiz_id}")
    results_refresh(actor=None, quiz_id=quiz_id)
