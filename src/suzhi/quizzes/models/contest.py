"""Contests (知识竞赛) of a quiz activity: a quiz's rules, each person's attempts on a paper frozen at the start,
their saved answers, the counted result per person and the rolled-up results per organisation."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from suzhi.campaigns.models import Activity
from suzhi.core.models import Organisation
from suzhi.people.models import Person
from suzhi.quizzes.models.bank import QuestionBank, QuestionVersion


class Quiz(models.Model):
    """One contest paper of a quiz activity (e.g. 安康杯 knowledge contest; 师生同考's teacher paper)."""

    activity = models.ForeignKey(Activity, on_delete=models.PROTECT, related_name="+", verbose_name=_("activity"))
    organiser = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("organiser"))
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    bank = models.ForeignKey(QuestionBank, on_delete=models.PROTECT, related_name="+", verbose_name=_("question bank"))
    # The contest rules, validated by quizzes.manifest.QuizSettings (time limit, attempts, paper, who may take it).
    rules = models.JSONField(_("rules"), default=dict)
    is_published = models.BooleanField(_("published"), default=False)
    results_computed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("contest")
        verbose_name_plural = _("contests")

    def __str__(self) -> str:
        return self.title


class Attempt(models.Model):
    """One sitting of a person (答题): the paper is frozen at the start; answers are saved one by one."""

    class State(models.TextChoices):
        IN_PROGRESS = "in_progress", _("In progress")
        FINISHED = "finished", _("Finished")

    class FinishedBy(models.TextChoices):
        PARTICIPANT = "participant", _("Submitted")
        TIMER = "timer", _("Time ran out")

    quiz = models.ForeignKey(Quiz, on_delete=models.PROTECT, related_name="attempts")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    # The person's organisation when they started: results are credited there even if they move later.
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    number = models.PositiveIntegerField()
    state = models.CharField(max_length=16, choices=State.choices, default=State.IN_PROGRESS)
    started_at = models.DateTimeField()
    deadline = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    finished_by = models.CharField(max_length=16, choices=FinishedBy.choices, blank=True)
    # [{"version": id, "points": "2", "order": [2, 0, 1, 3]}]: the frozen paper (试卷), slot by slot.
    paper = models.JSONField(default=list)
    max_score = models.DecimalField(max_digits=8, decimal_places=2)
    score = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    pending_marking = models.BooleanField(default=False)

    class Meta:
        ordering = ["-started_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["quiz", "person", "number"], name="attempt_number_unique")]
        indexes = [models.Index(fields=["state", "deadline"], name="attempt_state_deadline")]

    def __str__(self) -> str:
        return f"{self.quiz_id}/{self.person_id}#{self.number}"

    @property
    def seconds_used(self) -> int | None:
        if self.finished_at is None:
            return None
        return max(0, int((self.finished_at - self.started_at).total_seconds()))


class AttemptAnswer(models.Model):
    """The answer saved for one slot of a paper; `score` is set when the attempt is graded (None: to be marked)."""

    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="answers")
    slot = models.PositiveSmallIntegerField()
    version = models.ForeignKey(QuestionVersion, on_delete=models.PROTECT, related_name="+")
    points = models.DecimalField(max_digits=6, decimal_places=2)  # the slot's marks, for item analysis in SQL
    response = models.JSONField(null=True, blank=True)
    saved_at = models.DateTimeField(null=True, blank=True)
    score = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    marked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        ordering = ["attempt", "slot"]
        constraints = [models.UniqueConstraint(fields=["attempt", "slot"], name="attempt_answer_unique")]

    def __str__(self) -> str:
        return f"{self.attempt_id}:{self.slot}"


class AttemptRegrade(models.Model):
    """A score changed by regrading after the answer key was corrected (重新评分), kept for the record."""

    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="regrades")
    old_score = models.DecimalField(max_digits=8, decimal_places=2, null=True)
    new_score = models.DecimalField(max_digits=8, decimal_places=2, null=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.attempt_id}: {self.old_score} → {self.new_score}"


class QuizResult(models.Model):
    """A person's counted result in a contest (the highest, first or last finished attempt, by the rules);
    `rank` is written by the ranking refresh, not per request."""

    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="results")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    attempt = models.ForeignKey(Attempt, on_delete=models.PROTECT, related_name="+")
    score = models.DecimalField(max_digits=8, decimal_places=2)
    seconds_used = models.PositiveIntegerField()
    finished_at = models.DateTimeField()
    attempts = models.PositiveIntegerField(default=1)
    rank = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["rank", "-score", "seconds_used", "finished_at"]
        constraints = [models.UniqueConstraint(fields=["quiz", "person"], name="quiz_result_once")]
        indexes = [models.Index(fields=["quiz", "rank"], name="quiz_result_rank"),
                   models.Index(fields=["quiz", "organisation"], name="quiz_result_org")]

    def __str__(self) -> str:
        return f"{self.quiz_id}/{self.person_id}"


class QuizOrgResult(models.Model):
    """An organisation's figures in a contest, its subtree included (单位排名), with its rank among its sister
    organisations by the plan's rule."""

    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="org_results")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    eligible = models.PositiveIntegerField(default=0)
    participants = models.PositiveIntegerField(default=0)
    attempts = models.PositiveIntegerField(default=0)
    score_sum = models.DecimalField(max_digits=14, decimal_places=2, default=0)
    rank = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["rank", "organisation__path"]
        constraints = [models.UniqueConstraint(fields=["quiz", "organisation"], name="quiz_org_result_once")]

    def __str__(self) -> str:
        return f"{self.quiz_id}/{self.organisation_id}"

    @property
    def participation_rate(self) -> float:
        return self.participants / self.eligible if self.eligible else 0.0

    @property
    def average_score(self) -> float:
        return float(self.score_sum) / self.participants if self.participants else 0.0

    @property
    def attempts_per_person(self) -> float:
        return self.attempts / self.participants if self.participants else 0.0
