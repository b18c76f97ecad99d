"""The question bank (题库): banks of an organisation, categories, and questions kept as immutable versions so
that attempts keep pointing at the version they used."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from suzhi.core.models import Organisation


class QuestionBank(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("organisation"))
    name = models.CharField(_("name"), max_length=100)
    description = models.CharField(_("description"), max_length=500, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("question bank")
        verbose_name_plural = _("question banks")
        constraints = [models.UniqueConstraint(fields=["organisation", "name"], name="bank_name_unique")]

    def __str__(self) -> str:
        return self.name


class QuestionCategory(models.Model):
    """A category of a bank, named by its path (安全生产/法律法规)."""

    bank = models.ForeignKey(QuestionBank, on_delete=models.CASCADE, related_name="categories")
    path = models.CharField(_("category"), max_length=200)

    class Meta:
        ordering = ["path"]
        constraints = [models.UniqueConstraint(fields=["bank", "path"], name="category_path_unique")]

    def __str__(self) -> str:
        return self.path


class Question(models.Model):
    """A question's identity across its versions; `current` is the version new papers use."""

    bank = models.ForeignKey(QuestionBank, on_delete=models.CASCADE, related_name="questions")
    current = models.ForeignKey("QuestionVersion", on_delete=models.PROTECT, null=True, related_name="+")
    is_retired = models.BooleanField(_("retired"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")

    def __str__(self) -> str:
        return f"#{self.pk}"


class QuestionVersion(models.Model):
    """One version of a question; never changed once written (an edit writes the next version)."""

    class Type(models.TextChoices):
        SINGLE = "single", _("Single choice")
        MULTIPLE = "multiple", _("Multiple choice")
        TRUE_FALSE = "true_false", _("True or false")
        FILL_IN = "fill_in", _("Fill in the blank")
        SHORT_ANSWER = "short_answer", _("Short answer")

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    type = models.CharField(_("type"), max_length=16, choices=Type.choices)
    stem = models.TextField(_("question"))
    # [{"text": "...", "weight": 1.0, "feedback": "..."}] for choice questions: the share of the marks an option
    # carries, and what is shown to whoever chose it (only when there is feedback).
    options = models.JSONField(_("options"), default=list, blank=True)
    answer_bool = models.BooleanField(_("answer"), null=True, blank=True)
    # Fill-in: for each blank, the accepted answers; short answer: [[reference answer]] or [].
    accepted = models.JSONField(_("accepted answers"), default=list, blank=True)
    any_order = models.BooleanField(_("blanks in any order"), default=False)
    case_sensitive = models.BooleanField(_("case sensitive"), default=False)
    explanation = models.TextField(_("explanation"), blank=True)
    # Shown after a right / a wrong answer to a true/false or fill-in question (GIFT's feedbacks).
    feedback_right = models.TextField(_("feedback for a right answer"), blank=True, default="")
    feedback_wrong = models.TextField(_("feedback for a wrong answer"), blank=True, default="")
    difficulty = models.PositiveSmallIntegerField(_("difficulty"), null=True, blank=True)
    category = models.ForeignKey(QuestionCategory, on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="+", verbose_name=_("category"))
    tags = models.JSONField(_("tags"), default=list, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["question", "number"]
        constraints = [models.UniqueConstraint(fields=["question", "number"], name="question_version_unique")]

    def __str__(self) -> str:
        return f"#{self.question_id}v{self.number}"
