"""Collected submissions (征集的建议、成果、推荐), their authors, every review step, and the quota counters."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from suzhi.campaigns.models import Activity
from suzhi.collections.implementation import BENEFIT_DIGITS, BENEFIT_PLACES, Status
from suzhi.collections.review import State
from suzhi.core.models import Organisation
from suzhi.people.models import Person


class Submission(models.Model):
    """One item submitted to a collection activity by a worker (for themselves) or a unit (for a person or a team),
    with the values of the plan's form. `reviewer` is the organisation it waits at (level `level`, 0 the lowest)."""

    activity = models.ForeignKey(Activity, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("submitting unit"))
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    by_unit = models.BooleanField(default=False)  # a unit submitted it for its authors
    state = models.CharField(max_length=20, choices=State.choices, default=State.DRAFT)
    title = models.CharField(_("title"), max_length=200)
    category = models.CharField(_("category"), max_length=200, blank=True)
    values = models.JSONField(default=dict, blank=True)
    level = models.PositiveSmallIntegerField(default=0)
    reviewer = models.ForeignKey(Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("reviewing organisation"))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("submission")
        indexes = [models.Index(fields=["activity", "reviewer", "state"], name="collection_queue"),
                   models.Index(fields=["submitted_by", "activity"], name="collection_mine")]

    def __str__(self) -> str:
        return self.title


class SubmissionAuthor(models.Model):
    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="authors")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    share = models.PositiveSmallIntegerField(default=100)  # per cent; a submission's shares add up to 100
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position"]
        constraints = [models.UniqueConstraint(fields=["submission", "person"], name="collection_author_once")]

    def __str__(self) -> str:
        return f"{self.person_id}: {self.share}%"


class ReviewStep(models.Model):
    """One transition of a submission: who, when, why, at which organisation and level."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="steps")
    organisation = models.ForeignKey(Organisation, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    level = models.PositiveSmallIntegerField(default=0)
    action = models.CharField(max_length=20)
    from_state = models.CharField(max_length=20)
    to_state = models.CharField(max_length=20)
    category = models.CharField(max_length=200, blank=True)
    comment = models.TextField(blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["organisation", "action"], name="collection_step_org")]

    def __str__(self) -> str:
        return f"{self.action}: {self.from_state} → {self.to_state}"


class QuotaUse(models.Model):
    """How many items an organisation has recommended in an activity, in all (category "") and per category.
    Rows are locked (SELECT … FOR UPDATE) while a recommendation is counted."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="+")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    category = models.CharField(max_length=200, blank=True)
    used = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["activity", "organisation", "category"],
                                               name="collection_quota_once")]

    def __str__(self) -> str:
        return f"{self.organisation_id} {self.category}: {self.used}"


class Decision(models.Model):
    """What the organiser decided for a judged submission from the published results (`decisions_apply`): the
    award of the plan it earned (empty: none), whether that means it is adopted (采纳), its place and score."""

    submission = models.OneToOneField(Submission, on_delete=models.CASCADE, related_name="decision")
    award = models.CharField(_("award"), max_length=200, blank=True)
    adopted = models.BooleanField(_("adopted"), default=False)
    place = models.PositiveIntegerField(_("place"), null=True, blank=True)
    score = models.DecimalField(_("score"), max_digits=9, decimal_places=4, null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("decision")

    def __str__(self) -> str:
        return f"{self.submission_id}: {self.award or '-'}"


class Implementation(models.Model):
    """How an adopted suggestion is being implemented (实施情况): its status, the measured benefit (万元) with who
    reported it, and its confirmation by someone else (collections.implementation decides who may do what)."""

    submission = models.OneToOneField(Submission, on_delete=models.CASCADE, related_name="implementation")
    status = models.CharField(_("implementation status"), max_length=20, choices=Status.choices,
                              default=Status.NOT_STARTED)
    measured_benefit = models.DecimalField(_("measured benefit (10,000 yuan)"), max_digits=BENEFIT_DIGITS,
                                           decimal_places=BENEFIT_PLACES, null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reported_at = models.DateTimeField(default=timezone.now)
    # Who gave the benefit now held: they may not confirm it (a later report of the status alone keeps them).
    benefit_reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                            on_delete=models.PROTECT, related_name="+")
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("implementation")
        constraints = [models.CheckConstraint(condition=models.Q(measured_benefit__gte=0)
                                              | models.Q(measured_benefit=None), name="collection_benefit_positive")]

    def __str__(self) -> str:
        return f"{self.submission_id}: {self.status}"

    @property
    def confirmed(self) -> bool:
        return self.confirmed_at is not None


class ImplementationStep(models.Model):
    """One report or confirmation of an implementation: who, when, the status and the benefit before and after."""

    implementation = models.ForeignKey(Implementation, on_delete=models.CASCADE, related_name="steps")
    action = models.CharField(max_length=20)  # "report" | "confirm"
    from_status = models.CharField(max_length=20)
    to_status = models.CharField(max_length=20)
    benefit_before = models.DecimalField(max_digits=BENEFIT_DIGITS, decimal_places=BENEFIT_PLACES, null=True,
                                         blank=True)
    benefit_after = models.DecimalField(max_digits=BENEFIT_DIGITS, decimal_places=BENEFIT_PLACES, null=True,
                                        blank=True)
    cleared_confirmation = models.BooleanField(default=False)
    comment = models.TextField(blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.action}: {self.from_status} → {self.to_status}"
