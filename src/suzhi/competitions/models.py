"""Skill competitions (技能比赛): contestants registered per event and round, the recorded draw of their numbers,
measured results with their history, the computed standings, and each ranking's way to publication
(computed → signed by the chief judge → verified by a second person → published)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from suzhi.campaigns.models import Activity
from suzhi.core.models import Organisation
from suzhi.people.models import Person

SCORE = {"max_digits": 12, "decimal_places": 4}


class Contestant(models.Model):
    """A person in one event and round of a competition, registered by their unit (报名). `official` False:
    列名参赛, ranked for information, never placed or awarded. `number` is the drawn 参赛号 (抽签), which judges see
    instead of the name."""

    class State(models.TextChoices):
        REGISTERED = "registered", _("Registered")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    activity = models.ForeignKey(Activity, on_delete=models.PROTECT, related_name="+")
    event = models.CharField(_("event"), max_length=50)
    round = models.CharField(_("round"), max_length=50)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+", verbose_name=_("contestant"))
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("unit"))
    official = models.BooleanField(_("official"), default=True)
    number = models.PositiveIntegerField(_("number"), null=True, blank=True)
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.REGISTERED)
    advanced_from = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    registered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("contestant")
        constraints = [
            models.UniqueConstraint(fields=["activity", "event", "round", "person"], name="contestant_once"),
            models.UniqueConstraint(fields=["activity", "event", "round", "number"], name="contestant_number_once",
                                    condition=models.Q(number__isnull=False)),
        ]
        indexes = [models.Index(fields=["activity", "event", "round", "organisation"], name="contestant_unit")]

    def __str__(self) -> str:
        return f"{self.event}/{self.round} #{self.number or '-'}"

    @property
    def label(self) -> str:
        """What judges see: 参赛号 007."""
        return f"{self.number:03d}" if self.number is not None else "—"


class Draw(models.Model):
    """The draw of numbers (抽签) for an event and round, as recorded: the seed, who drew and when, the order.
    The seed and the list of contestants reproduce the numbers, so anyone can check the draw was not arranged."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="+")
    event = models.CharField(max_length=50)
    round = models.CharField(max_length=50)
    seed = models.CharField(_("seed"), max_length=64)
    order = models.JSONField(default=list)  # contestant ids in number order (number = position + 1)
    drawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    drawn_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["activity", "event", "round"], name="draw_once")]

    def __str__(self) -> str:
        return f"{self.event}/{self.round}"


class Measure(models.Model):
    """A measured or entered value of one component for one contestant (用时, 件数, or a theory score typed in)."""

    contestant = models.ForeignKey(Contestant, on_delete=models.CASCADE, related_name="measures")
    component = models.CharField(max_length=50)
    value = models.DecimalField(**SCORE)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    entered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["contestant", "component"], name="measure_once")]

    def __str__(self) -> str:
        return f"{self.component}={self.value}"


class MeasureChange(models.Model):
    """Every change of a measured value: old, new, who, when, why (an appeal names itself here)."""

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="changes")
    old = models.DecimalField(null=True, blank=True, **SCORE)
    new = models.DecimalField(**SCORE)
    reason = models.CharField(max_length=500, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.old} → {self.new}"


class Ranking(models.Model):
    """One event's ranking in one round (排名) and where it stands on its way to publication."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SIGNED = "signed", _("Signed by the chief judge")
        VERIFIED = "verified", _("Verified")
        PUBLISHED = "published", _("Published")

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="+")
    event = models.CharField(max_length=50)
    round = models.CharField(max_length=50)
    state = models.CharField(max_length=20, choices=State.choices, default=State.DRAFT)
    computed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    computed_at = models.DateTimeField(default=timezone.now)
    signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+")
    signed_at = models.DateTimeField(null=True, blank=True)
    verified_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    verified_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["activity", "event", "round"], name="ranking_once")]

    def __str__(self) -> str:
        return f"{self.event}/{self.round}: {self.state}"


class Standing(models.Model):
    """A contestant's place in a ranking: the components' values it was computed from, the total, the position
    (shared on ties; none for 列名参赛 or an incomplete result), whether the contestant advances."""

    # A ranking of tens of thousands writes its standings at once (bench/competition_ranking.py): the keys have
    # no constraint in the database, whose checks at commit cost more than the rows. Only ranking_compute writes
    # these rows, from the ranking, contestants and organisations it has read in the same transaction; the ORM
    # cascades deletions itself.
    ranking = models.ForeignKey(Ranking, on_delete=models.CASCADE, related_name="standings", db_constraint=False)
    contestant = models.OneToOneField(Contestant, on_delete=models.CASCADE, related_name="standing",
                                      db_constraint=False)
    values = models.JSONField(default=dict)  # component key → value as text
    total = models.DecimalField(null=True, blank=True, **SCORE)
    position = models.PositiveIntegerField(null=True, blank=True)
    order = models.PositiveIntegerField(default=0)  # listing order, unofficial contestants included
    group = models.ForeignKey(Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                              db_constraint=False)
    advances = models.BooleanField(default=False)

    class Meta:
        ordering = ["order"]
        indexes = [models.Index(fields=["ranking", "order"], name="standing_order")]

    def __str__(self) -> str:
        return f"{self.contestant_id}: {self.position}"


class Appeal(models.Model):
    """An appeal (申诉) against one component of a contestant's result in a published ranking, filed with a reason
    within the plan's days. An organiser proposes the corrected value (or dismisses it, saying why); a second
    person approves, and the ranking follows. Before and after are kept: the value and the place."""

    class State(models.TextChoices):
        FILED = "filed", _("Filed")
        PROPOSED = "proposed", _("Correction proposed")
        DISMISSED = "dismissed", _("Dismissed")
        APPROVED = "approved", _("Approved")

    contestant = models.ForeignKey(Contestant, on_delete=models.CASCADE, related_name="appeals")
    ranking = models.ForeignKey(Ranking, on_delete=models.CASCADE, related_name="appeals")
    component = models.CharField(_("component"), max_length=50)
    reason = models.TextField(_("reason"))
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.FILED)
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    filed_at = models.DateTimeField(default=timezone.now)
    value_before = models.DecimalField(null=True, blank=True, **SCORE)
    value_after = models.DecimalField(null=True, blank=True, **SCORE)
    position_before = models.PositiveIntegerField(null=True, blank=True)
    position_after = models.PositiveIntegerField(null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    approved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("appeal")
        ordering = ["-filed_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.contestant_id}/{self.component}: {self.state}"
