"""Certificates (证书) of the whole platform: what was certified, to whom, by whom, under which number, and
whether it still stands. A kind (training's hours, an honour) issues through the services and finds its
certificate again by (kind, source_key); the certificates app never imports a kind."""

from django.conf import settings
from django.db import models
from django.db.models import Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from suzhi.campaigns.models import Campaign
from suzhi.core.models import Organisation
from suzhi.people.models import Person

CODE_LENGTH = 12


class Certificate(models.Model):
    """One certificate as issued. `fields` is the snapshot of what it says (what was awarded and why, and the
    text of the template it was printed with), so a later edit of the source or the template changes nothing on
    it; `digest` is the source's content at issue, which tells the public page whether the source has changed."""

    number = models.CharField(_("certificate number"), max_length=100, unique=True)
    code = models.CharField(_("verification code"), max_length=CODE_LENGTH, unique=True)
    kind = models.CharField(_("kind"), max_length=50)
    source_key = models.CharField(_("source"), max_length=100)
    digest = models.CharField(_("content digest"), max_length=64)
    title = models.CharField(_("title"), max_length=100)
    recipient_name = models.CharField(_("recipient"), max_length=200)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                               verbose_name=_("person"))
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+", verbose_name=_("recipient organisation"))
    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                 verbose_name=_("campaign"))
    fields = models.JSONField(_("content"), default=dict, blank=True)
    issuer = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("issuing organisation"))
    issued_at = models.DateTimeField(_("issued at"))
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="+", verbose_name=_("issued by"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("revoked by"))
    revoke_reason = models.CharField(_("reason for revocation"), max_length=500, blank=True)

    class Meta:
        ordering = ["-issued_at", "-id"]
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        constraints = [models.UniqueConstraint(fields=["kind", "source_key", "digest"], name="certificate_once")]
        indexes = [models.Index(fields=["issuer", "-issued_at"], name="certificate_issuer"),
                   models.Index(fields=["kind", "source_key"], name="certificate_source")]

    def __str__(self) -> str:
        return self.number

    @property
    def revoked(self) -> bool:
        return self.revoked_at is not None


class CertificateSequence(models.Model):
    """The last number given by an issuer in a year; its row is locked while the next numbers are taken, so two
    certificates issued at once never share one."""

    issuer = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["issuer", "year"], name="certificate_sequence_once")]

    def __str__(self) -> str:
        return f"{self.issuer_id}/{self.year}: {self.last}"


class CertificateTemplate(models.Model):
    """The wording of a 荣誉证书 for a campaign (or, without one, the platform's default). The body names the
    certificate's facts by placeholders ({recipient}, {award}, ...), checked when the template is saved."""

    campaign = models.OneToOneField(Campaign, on_delete=models.CASCADE, null=True, blank=True,
                                    related_name="certificate_template", verbose_name=_("campaign"))
    heading = models.CharField(_("heading"), max_length=50)
    body = models.TextField(_("body"), max_length=2000)
    closing = models.CharField(_("closing"), max_length=100, blank=True)
    signature = models.CharField(_("signature line"), max_length=200, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("updated by"))

    class Meta:
        verbose_name = _("certificate template")
        verbose_name_plural = _("certificate templates")
        # NULLs are distinct in a unique index: the default (no campaign) is made one by the expression.
        constraints = [models.UniqueConstraint(Coalesce("campaign", Value(0)), name="certificate_template_once")]

    def __str__(self) -> str:
        return self.heading
