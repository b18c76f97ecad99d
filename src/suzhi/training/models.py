"""Training (培训): sessions of a training activity, enrolments, attendance with credited hours (学时)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from suzhi.campaigns.models import Activity
from suzhi.core.models import Organisation
from suzhi.people.models import Person


class TrainingSession(models.Model):
    """One class, lecture, workshop or remote course (培训班/讲座/研修/远程)."""

    class Form(models.TextChoices):
        CLASS = "class", _("Training class")
        LECTURE = "lecture", _("Lecture")
        WORKSHOP = "workshop", _("Workshop")
        REMOTE = "remote", _("Remote course")

    activity = models.ForeignKey(Activity, on_delete=models.PROTECT, related_name="+", verbose_name=_("activity"))
    title = models.CharField(_("title"), max_length=200)
    form = models.CharField(_("form"), max_length=16, choices=Form.choices)
    organiser = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("organiser"))
    trainer = models.CharField(_("trainer"), max_length=100, blank=True)
    place = models.CharField(_("place or link"), max_length=200, blank=True)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    capacity = models.PositiveIntegerField(_("capacity"), null=True, blank=True)  # None: no limit
    hours = models.DecimalField(_("credit hours"), max_digits=5, decimal_places=1)
    person_categories = models.JSONField(_("person categories"), default=list, blank=True)
    # Bumped to invalidate every check-in code already shown or printed.
    code_version = models.PositiveIntegerField(default=1)
    is_cancelled = models.BooleanField(_("cancelled"), default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-starts_at", "-id"]
        verbose_name = _("training session")
        verbose_name_plural = _("training sessions")
        indexes = [models.Index(fields=["activity", "starts_at"], name="training_session_activity")]

    def __str__(self) -> str:
        return self.title


class Enrolment(models.Model):
    class Source(models.TextChoices):
        SELF = "self", _("Enrolled themselves")
        UNIT = "unit", _("Enrolled by their unit")
        IMPORT = "import", _("Imported list")

    session = models.ForeignKey(TrainingSession, on_delete=models.CASCADE, related_name="enrolments")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    source = models.CharField(_("source"), max_length=16, choices=Source.choices)
    enrolled_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(_("enrolled at"), auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["session", "person"], name="enrolment_once")]

    def __str__(self) -> str:
        return f"{self.person_id}@{self.session_id}"


class Attendance(models.Model):
    """A person's presence at a session and the hours credited for it (学时认定)."""

    class Method(models.TextChoices):
        QR = "qr", _("Scanned the check-in code")
        LIST = "list", _("Marked on the attendance list")
        IMPORT = "import", _("Imported sign-in sheet")
        REMOTE = "remote", _("Imported completion list")

    session = models.ForeignKey(TrainingSession, on_delete=models.CASCADE, related_name="attendances")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    hours = models.DecimalField(_("credited hours"), max_digits=5, decimal_places=1)
    method = models.CharField(_("method"), max_length=16, choices=Method.choices)
    checked_in_at = models.DateTimeField(_("checked in at"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["session", "person"], name="attendance_once")]
        indexes = [models.Index(fields=["person", "checked_in_at"], name="attendance_person")]

    def __str__(self) -> str:
        return f"{self.person_id}@{self.session_id}: {self.hours}"
