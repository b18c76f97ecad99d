from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class QuizzesConfig(AppConfig):
    name = "suzhi.quizzes"
    label = "quizzes"
    verbose_name = _("Knowledge contests")

    def ready(self) -> None:
        from suzhi.campaigns.kinds import register_kind
        from suzhi.core import oplog_actions, org_usage, permissions
        from suzhi.quizzes.manifest import MANIFEST

        register_kind(MANIFEST)
        org_usage.register("question_banks", _("question banks"), fields=["quizzes.QuestionBank.organisation"])
        org_usage.register("contests", _("contests"), fields=["quizzes.Quiz.organiser"])
        org_usage.register(
            "contest_answers", _("contest attempts and results"),
            fields=["quizzes.Attempt.organisation", "quizzes.QuizResult.organisation"],
        )
        org_usage.register_derived("quizzes.QuizOrgResult.organisation")  # recomputed by the ranking refresh
        from suzhi.quizzes.views import banks as views
        from suzhi.quizzes.views import contests as views_contests
        from suzhi.quizzes.views import participant as views_participant

        views.register_navigation()
        views_contests.register_navigation()
        views_participant.register_navigation()
        from suzhi.campaigns.demo import register_shift
        from suzhi.core import demo
        from suzhi.quizzes.demo import load_quiz_demo, shift_quiz_demo

        demo.register_loader(load_quiz_demo)
        register_shift(shift_quiz_demo)
        group = _("Knowledge contests")
        permissions.register("quiz.view", _("View question banks and contests"), group)
        permissions.register("quiz.manage", _("Edit question banks, import questions, set up contests"), group)
        for code, label in (
            ("quiz.bank_create", _("Create question bank")),
            ("quiz.question_create", _("Add question")),
            ("quiz.question_update", _("Edit question")),
            ("quiz.question_retire", _("Retire question")),
            ("quiz.import", _("Import questions")),
            ("quiz.quiz_create", _("Create contest")),
            ("quiz.quiz_update", _("Change contest")),
            ("quiz.quiz_publish", _("Publish contest")),
            ("quiz.quiz_withdraw", _("Withdraw contest")),
            ("quiz.attempt_start", _("Start contest attempt")),
            ("quiz.attempt_submit", _("Submit contest attempt")),
            ("quiz.results_refresh", _("Recompute contest ranks")),
            ("quiz.regrade", _("Regrade contest")),
            ("quiz.answer_mark", _("Mark short answer")),
        ):
            oplog_actions.register(code, label)
        oplog_actions.register_object_type("quizzes.attempt", pgettext_lazy("log object", "Contest attempt"))
        oplog_actions.register_details({
            "score": pgettext_lazy("log detail", "Score"),
            "finished_by": pgettext_lazy("log detail", "Finished by"),
            "question": pgettext_lazy("log detail", "Question"),
            "version": pgettext_lazy("log detail", "Version"),
            "format": pgettext_lazy("log detail", "Format"),
            "attempts": pgettext_lazy("log detail", "Attempts"),
            "scores_changed": pgettext_lazy("log detail", "Scores changed"),
            "questions_moved": pgettext_lazy("log detail", "Questions moved"),
            "bank": pgettext_lazy("log detail", "Question bank"),
            "rules": pgettext_lazy("log detail", "Rules"),
        })
