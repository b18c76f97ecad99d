from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from suzhi.core.models.orgs import Organisation


class StoredFile(models.Model):
    """An uploaded attachment (附件) checked and kept by suzhi.core.files, owned by an organisation.

    The bytes live under settings.SUZHI_FILES_DIR at `storage_key`, a random path that never holds the
    uploaded name. `original_name` is for display to those in the owner's scope only; downloads are named by
    the caller (suzhi.core.files.serving.file_response)."""

    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    extension = models.CharField(_("file type"), max_length=10)  # lower case, no dot
    content_type = models.CharField(_("content type"), max_length=100)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("organisation")
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("uploaded by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    original_name = models.CharField(_("original file name"), max_length=255, blank=True)
    storage_key = models.CharField(max_length=100, unique=True)
    thumbnail_key = models.CharField(max_length=100, null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("uploaded file")
        verbose_name_plural = _("uploaded files")

    def __str__(self) -> str:
        # Never the uploaded name: it may carry personal data and this text goes into the operation log.
        return f"#{self.pk}.{self.extension}"
