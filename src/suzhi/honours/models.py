"""Honours (表彰): who received which title under which award rule of a campaign, from proposal to confirmation,
with every change kept (who, when, what, why)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext as _now
from django.utils.translation import gettext_lazy as _

from suzhi.campaigns.models import Campaign
from suzhi.core.models import Organisation
from suzhi.honours.states import Action, State
from suzhi.people.models import Person


class Honour(models.Model):
    """One recipient of one title under one award rule. The recipient is a person (with their unit) or a unit;
    `name` is the name as printed when proposed, so the roll and a certificate do not change when a roster does."""

    class Origin(models.TextChoices):
        RULE = "rule", _("Proposed by the rule")
        MANUAL = "manual", _("Added by hand")

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+", verbose_name=_("campaign"))
    rule_key = models.CharField(_("award rule"), max_length=50)
    person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("person"))
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("organisation"))
    name = models.CharField(_("name"), max_length=200)
    title = models.CharField(_("title conferred"), max_length=200)
    basis = models.CharField(_("basis"), max_length=300, blank=True)  # 计算机操作 第2名
    position = models.PositiveIntegerField(_("place"), null=True, blank=True)
    score = models.DecimalField(_("score"), max_digits=14, decimal_places=2, null=True, blank=True)
    tied = models.BooleanField(_("tied at the last place"), default=False)
    recommend_to = models.CharField(_("recommended to"), max_length=200, blank=True)
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.PROPOSED)
    origin = models.CharField(_("origin"), max_length=16, choices=Origin.choices, default=Origin.RULE)
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    position_in_rule = models.PositiveSmallIntegerField(default=0)  # the rule's place in the plan, for the roll
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    proposed_at = models.DateTimeField(_("proposed at"))
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)

    class Meta:
        ordering = ["campaign", "position_in_rule", "title", "position", "name", "pk"]
        verbose_name = _("honour")
        verbose_name_plural = _("honours")
        indexes = [models.Index(fields=["campaign", "rule_key", "state"], name="honour_rule_state"),
                   models.Index(fields=["person", "state"], name="honour_person_state")]

    def __str__(self) -> str:
        return f"{self.name} {self.title}"

    @property
    def is_recommendation(self) -> bool:
        return bool(self.recommend_to)

    def certificate_text(self) -> str:
        """The sentence a certificate prints (the certificate service composes the page around it)."""
        if self.recommend_to:
            return _now("%(name)s is recommended to %(body)s for the title “%(title)s”.") % {
                "name": self.name, "body": self.recommend_to, "title": self.title}
        return _now("%(name)s is awarded the title “%(title)s”.") % {"name": self.name, "title": self.title}


class HonourChange(models.Model):
    """A step in an honour's history: proposed or added, confirmed, removed, by whom, when and why."""

    honour = models.ForeignKey(Honour, on_delete=models.CASCADE, related_name="changes")
    action = models.CharField(_("action"), max_length=16, choices=Action.choices)
    before = models.CharField(max_length=16, blank=True)
    after = models.CharField(max_length=16)
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    at = models.DateTimeField(_("at"))

    class Meta:
        ordering = ["honour", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.honour_id} {self.action}"
