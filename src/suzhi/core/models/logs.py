from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from suzhi.core.models.orgs import Organisation


class OperationLog(models.Model):
    """Operation log (操作日志): written by services in the same transaction as the change."""

    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    actor_username = models.CharField(_("operator"), max_length=150, blank=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("organisation"),
    )
    action = models.CharField(_("action"), max_length=64, db_index=True)
    object_type = models.CharField(_("object type"), max_length=64, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=255, blank=True)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)
    summary = models.CharField(_("summary"), max_length=500, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("operation log")
        verbose_name_plural = _("operation logs")
        indexes = [models.Index(fields=["organisation", "created_at"], name="oplog_org_time")]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_username} {self.action}"

    @property
    def action_label(self) -> str:
        from suzhi.core.oplog_actions import label_for

        return label_for(self.action)

    @property
    def object_type_label(self) -> str:
        from suzhi.core.oplog_actions import object_type_label

        return object_type_label(self.object_type)


class LoginLog(models.Model):
    """Login log (登录日志): every attempt, successful or not. Never holds a password, nor a phone or ID number
    typed as the name: `username` is the account's username, or what was typed masked when it matched none."""

    class Reason(models.TextChoices):
        OK = "ok", _("Logged in")
        BAD_CREDENTIALS = "bad_credentials", _("Wrong username or password")
        LOCKED = "locked", _("Locked after repeated failures")
        INACTIVE = "inactive", _("Account disabled")
        LOGOUT = "logout", _("Logged out")

    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    username = models.CharField(_("login account"), max_length=150)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("organisation"),
    )
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=255, blank=True)
    channel = models.CharField(_("channel"), max_length=8, default="web")
    success = models.BooleanField(_("success"), default=False)
    reason = models.CharField(_("result"), max_length=32, choices=Reason.choices)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("login log")
        verbose_name_plural = _("login logs")
        indexes = [models.Index(fields=["username", "ip", "created_at"], name="loginlog_lockout")]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.username} {self.reason}"
