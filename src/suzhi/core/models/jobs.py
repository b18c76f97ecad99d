from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ExportJob(models.Model):
    """A large export running in the background (后台导出), with progress and a file to download."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="export_jobs")
    kind = models.CharField(_("kind"), max_length=64)
    title = models.CharField(_("title"), max_length=200)
    params = models.JSONField(_("filters"), default=dict, blank=True)
    unmasked = models.BooleanField(_("unmasked"), default=False)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.QUEUED)
    total = models.PositiveIntegerField(_("rows in all"), default=0)
    done = models.PositiveIntegerField(_("rows written"), default=0)
    file = models.FileField(_("file"), upload_to="exports/%Y/%m/", blank=True)
    error = models.CharField(_("error"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    # Last sign of life: when it was queued, claimed, or wrote progress. The sweep queues a job again whose
    # process died (no sign for a while), up to MAX_RUNS runs in all.
    touched_at = models.DateTimeField(_("last progress at"), null=True, blank=True)
    runs = models.PositiveSmallIntegerField(_("runs"), default=0)

    MAX_RUNS = 3

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("export job")
        verbose_name_plural = _("export jobs")

    def __str__(self) -> str:
        return self.title

    @property
    def percent(self) -> int:
        return 100 if self.status == self.Status.DONE else int(self.done * 100 / self.total) if self.total else 0


class PendingRefresh(models.Model):
    """A recomputation asked for and not yet stored (a contest's ranks, a campaign's targets): the durable "dirty"
    mark. Written in the transaction that changed the data (`suzhi.core.tasks.refresh_ask`), taken over by the
    recomputation when it starts (`claimed_at`), deleted in the transaction that stores what it covered, and queued
    again by the sweep when it stays longer than it should (its task was lost with a process, or never queued)."""

    name = models.CharField(max_length=64)
    object_id = models.BigIntegerField()
    asked_at = models.DateTimeField()
    queued_at = models.DateTimeField()
    claimed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            # One open mark per recomputation: later asks fold into it. A claimed one does not count, so asks
            # made while a recomputation runs open the next.
            models.UniqueConstraint(fields=["name", "object_id"], condition=models.Q(claimed_at__isnull=True),
                                    name="core_pendingrefresh_one_open"),
        ]
        indexes = [models.Index(fields=["name", "object_id"], name="core_pendingrefresh_key")]

    def __str__(self) -> str:
        return f"{self.name}:{self.object_id}"
