"""The knowledge-contest kind's manifest (知识竞赛): timed online papers, ranked per person and unit. Everything
the platform mounts for the kind is declared here and registered once in `QuizzesConfig.ready()`."""

from typing import Annotated, Any, Literal

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from pydantic import Field

from suzhi.campaigns.formdefs import Label
from suzhi.campaigns.kinds import Aggregate, KindManifest, Metric
from suzhi.campaigns.plan.schema import KindSettings, PlanModel
from suzhi.core.manifests import ApiMount, UsageCount
from suzhi.core.navigation import MINE, WORK, NavItem

RankingKey = Literal["participation_rate", "average_score", "attempts_per_person"]


def _default_ranking() -> list[RankingKey]:
    # The order real contests rank units by: participation rate, then average score, then attempts per person.
    return ["participation_rate", "average_score", "attempts_per_person"]


QuestionTypeCode = Literal["single", "multiple", "true_false", "fill_in", "short_answer"]


class Quota(PlanModel):
    """Draw `count` questions of a type at random (抽题), optionally from some categories and difficulties."""

    type: QuestionTypeCode
    count: int = Field(gt=0, le=500)
    points: float = Field(1, gt=0, le=100, description="Marks of each question drawn by this quota.")
    categories: list[str] = Field(default_factory=list, description="Category paths; a path takes its children.")
    difficulty: list[int] = Field(default_factory=list, description="Difficulties 1–5 to draw from; empty: any.")


class FixedQuestion(PlanModel):
    question: int = Field(gt=0, description="The question's number in the bank.")
    points: float = Field(1, gt=0, le=100)


class Paper(PlanModel):
    """How each person's paper (试卷) is made: the same questions for all, or drawn by quotas."""

    bank: str = Field("", description="The question bank's name (a bank of the organiser or above it).")
    mode: Literal["fixed", "random"] = "random"
    questions: list[FixedQuestion] = Field(default_factory=list, description="Fixed papers: the questions in order.")
    quotas: list[Quota] = Field(default_factory=list, description="Random papers: what to draw.")
    shuffle_questions: bool = True
    shuffle_options: bool = True


class QuizSettings(KindSettings):
    time_limit_minutes: Annotated[int, Label(_("Time limit (minutes)"))] = Field(30, gt=0, le=600)
    attempts_per_person: Annotated[int, Label(_("Attempts allowed per person"))] = Field(1, gt=0, le=100)
    attempts_per_day: Annotated[int | None, Label(_("Attempts per person per day"),
                                                  help=_("Empty: no daily limit."))] = Field(None, gt=0)
    counted_attempt: Annotated[Literal["highest", "first", "last"], Label(_("Attempt counted"), options={
        "highest": _("The highest score"), "first": _("The first attempt"), "last": _("The last attempt")})] = "highest"
    multiple_choice_credit: Annotated[Literal["all_or_nothing", "partial"], Label(
        _("Multiple-choice questions"), options={"all_or_nothing": _("Marks only when every choice is right"),
                                                 "partial": _("Partial marks for right choices")})] = "all_or_nothing"
    show_results: Annotated[Literal["after_submit", "after_window"], Label(_("Results shown"), options={
        "after_submit": _("Right after submitting"), "after_window": _("After the answering window closes")})] = (
        "after_submit")
    unit_ranking: Annotated[list[RankingKey], Label(_("Units ranked by"), help=_(
        "In this order; a newly ticked measure comes last."), options={
        "participation_rate": _("Participation rate"), "average_score": _("Average score"),
        "attempts_per_person": _("Attempts per person")})] = Field(default_factory=_default_ranking)
    paper: Annotated[Paper, Label(_("Paper"), help=_(
        "The question bank, fixed questions or quotas drawn at random, and shuffling."))] = Field(
        default_factory=lambda: Paper.model_validate({}))


MANIFEST = KindManifest(
    code="quiz",
    label=_("Knowledge contest"),
    description=_("Online timed quizzes answered on phones within a window, ranked per person and per unit."),
    actions={"attempt": _("Answering")},
    metrics=(
        Metric("quiz.participants", _("Contest participants"), Aggregate.PEOPLE,
               pgettext_lazy("metric unit", "people")),
        Metric("quiz.attempts", _("Contest attempts"), Aggregate.COUNT, _("attempts")),
        Metric("quiz.score", _("Contest scores (sum of counted scores)"), Aggregate.SUM, _("points")),
        Metric("quiz.average_score", _("Average contest score"), Aggregate.PER_PERSON, _("points"),
               source="quiz.score"),
    ),
    settings_schema=QuizSettings,
    participant_actions=frozenset({"attempt"}),
    permission_group=_("Knowledge contests"),
    permissions=(
        ("quiz.view", _("View question banks and contests")),
        ("quiz.manage", _("Edit question banks, import questions, set up contests")),
    ),
    log_actions=(
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
    ),
    log_object_types=(("quizzes.attempt", pgettext_lazy("log object", "Contest attempt")),),
    log_details={
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
    },
    navigation=(
        NavItem("quizzes", _("Question banks"), "quizzes:bank_list", "quiz.view", 40, group=WORK),
        NavItem("contests", _("Knowledge contests"), "quizzes:contest_list", "quiz.view", 41, group=WORK),
        # Every logged-in user may have a roster record, so no permission.
        NavItem("quizzes_my", _("My contests"), "quizzes:my_contests", None, 16, group=MINE),
    ),
    urls="suzhi.quizzes.urls",
    url_prefix="quizzes/",
    api=(ApiMount("/quizzes", "suzhi.quizzes.api.banks:router"),
         ApiMount("/contests", "suzhi.quizzes.api.contests:router")),
    usage=(
        UsageCount("question_banks", _("question banks"), ("quizzes.QuestionBank.organisation",)),
        UsageCount("contests", _("contests"), ("quizzes.Quiz.organiser",)),
        UsageCount("contest_answers", _("contest attempts and results"),
                   ("quizzes.Attempt.organisation", "quizzes.QuizResult.organisation")),
    ),
    usage_derived=("quizzes.QuizOrgResult.organisation",),  # recomputed by the ranking refresh
    demo_loaders=("suzhi.quizzes.demo.load_quiz_demo",),
    demo_shift="suzhi.quizzes.demo.shift_quiz_demo",
    activity_url="suzhi.quizzes.manifest.activity_url",
    results="suzhi.quizzes.selectors.ranked.ranked_results",
)


def activity_url(activity: Any, user: Any) -> str | None:
    """The organiser's list of the activity's contests, for those who may see them."""
    from django.urls import reverse

    if not user.has_perm("quiz.view"):
        return None
    return f"{reverse('quizzes:contest_list')}?activity={activity.pk}"
