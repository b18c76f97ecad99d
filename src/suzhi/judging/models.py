"""Expert judging (评审), shared by the kinds that judge (collections, competitions): panels of judges per activity,
the entries handed over by the kind, conflicts, assignments, raw scores with their history, and the results that
stay a draft until a second person verifies them and an admin publishes them.

Judging imports no kind: an entry names what it judges by `source` (the kind's own key, "submission:123"), and
the kind supplies what judges see through its manifest's `judged_content`."""

from django.conf import settings
from django.db import models
from django.db.models.functions import Now
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from suzhi.campaigns.models import Activity
from suzhi.core.models import Organisation

SCORE_DIGITS = {"max_digits": 9, "decimal_places": 4}


class BlockRangeIndex(models.Index):
    """A BRIN index (block ranges) on PostgreSQL, a plain one elsewhere: for a column whose values grow with the
    table's physical order, it costs almost nothing to keep up on a bulk insert and still finds a value by
    reading a few blocks. After a bulk insert the new block ranges are summarised at once
    (`brin_summarize_new_values`); until then a lookup reads them whole."""

    PAGES_PER_RANGE = 16

    def create_sql(self, model, schema_editor, using="", **kwargs):  # type: ignore[no-untyped-def]
        if schema_editor.connection.vendor != "postgresql":
            return super().create_sql(model, schema_editor, using=using, **kwargs)
        statement = super().create_sql(model, schema_editor, using=" USING brin", **kwargs)
        statement.parts["extra"] = f" WITH (pages_per_range = {self.PAGES_PER_RANGE}){statement.parts['extra']}"
        return statement


class Panel(models.Model):
    """The judges of an activity (评审组), or of one category of its entries when the plan asks for panels by
    category ("" is the activity's panel)."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="+")
    category = models.CharField(_("category"), max_length=100, blank=True)
    title = models.CharField(_("title"), max_length=200)

    class Meta:
        verbose_name = _("judging panel")
        constraints = [models.UniqueConstraint(fields=["activity", "category"], name="panel_category_unique")]

    def __str__(self) -> str:
        return self.title


class PanelJudge(models.Model):
    panel = models.ForeignKey(Panel, on_delete=models.CASCADE, related_name="judges")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["panel", "user"], name="panel_judge_unique")]

    def __str__(self) -> str:
        return f"{self.panel_id}:{self.user_id}"


class Entry(models.Model):
    """What is judged (参评作品): handed over by the kind through `entries_put`."""

    class State(models.TextChoices):
        ACTIVE = "active", _("In judging")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="+")
    source = models.CharField(_("source"), max_length=100)  # the kind's key: "submission:123"
    title = models.CharField(_("title"), max_length=200)
    category = models.CharField(_("category"), max_length=100, blank=True)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("organisation"))
    author_ids = models.JSONField(_("authors"), default=list, blank=True)  # people.Person ids
    nominating_organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, null=True, blank=True,
                                                related_name="+", verbose_name=_("nominated by"))
    blind_label = models.CharField(_("code"), max_length=12)  # "A-0123": what judges see under blind review
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.ACTIVE)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("judged entry")
        verbose_name_plural = _("judged entries")
        constraints = [
            models.UniqueConstraint(fields=["activity", "source"], name="entry_source_unique"),
            models.UniqueConstraint(fields=["activity", "blind_label"], name="entry_blind_label_unique"),
        ]

    def __str__(self) -> str:
        return self.blind_label


class DeclaredConflict(models.Model):
    """A conflict of interest declared by a judge or an admin: with one entry, or every entry from an
    organisation's subtree."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="+")
    judge = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, null=True, blank=True,
                                     related_name="+")
    reason = models.CharField(_("reason"), max_length=200)
    declared_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    declared_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("declared conflict")
        constraints = [models.CheckConstraint(
            condition=models.Q(entry__isnull=False) | models.Q(organisation__isnull=False),
            name="conflict_entry_or_organisation")]

    def __str__(self) -> str:
        return self.reason


class Assignment(models.Model):
    """A judge's score sheet for one entry."""

    class State(models.TextChoices):
        ASSIGNED = "assigned", _("To score")
        SUBMITTED = "submitted", _("Submitted")

    # An automatic assignment writes tens of thousands of rows at once (bench/collections.py); each index on the
    # table costs about as much as writing the rows themselves, so there are only two besides the key:
    # - unique (judge, entry): no pair twice, and a judge's sheets (我的评审) in index order;
    # - a block-range index on the entry (BlockRangeIndex): an automatic assignment writes its rows in entry
    #   order, so an entry's sheets sit in a few blocks.
    # Neither key has a constraint in the database (checking two keys per row at commit took longer than writing
    # the rows). Only judging's services write the rows, from entries and judges read in the same transaction;
    # entries and accounts are deleted through the ORM, which cascades to and protects these rows itself.
    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="assignments", db_index=False,
                              db_constraint=False)
    judge = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", db_index=False,
                              db_constraint=False)
    # Defaults in the database too: the bulk insert sends the two keys only.
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.ASSIGNED,
                             db_default=State.ASSIGNED.value)
    total = models.DecimalField(_("total"), null=True, blank=True, **SCORE_DIGITS)  # weighted, set on submit
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_default=Now())

    class Meta:
        verbose_name = _("judging assignment")
        constraints = [models.UniqueConstraint(fields=["judge", "entry"], name="assignment_unique")]
        indexes = [BlockRangeIndex(fields=["entry"], name="assignment_entry")]

    def __str__(self) -> str:
        return f"{self.entry.blind_label} / {self.judge_id}"  # the blind label: logs never name the entry


class Score(models.Model):
    """A judge's raw score on one criterion; every change leaves a ScoreChange."""

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="scores")
    criterion = models.CharField(_("criterion"), max_length=50)
    value = models.DecimalField(_("score"), **SCORE_DIGITS)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["assignment", "criterion"], name="score_criterion_unique")]

    def __str__(self) -> str:
        return f"{self.criterion}={self.value}"


class ScoreChange(models.Model):
    score = models.ForeignKey(Score, on_delete=models.CASCADE, related_name="changes")
    old = models.DecimalField(null=True, blank=True, **SCORE_DIGITS)
    new = models.DecimalField(**SCORE_DIGITS)
    at = models.DateTimeField(auto_now_add=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.old} -> {self.new}"


class ResultSet(models.Model):
    """An activity's results: draft when computed, verified by a second person, then published by an admin.
    The allowed transitions are TRANSITIONS (services/results.py enforces who may take them)."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        VERIFIED = "verified", _("Verified")
        PUBLISHED = "published", _("Published")

    # (from, to) -> the action taking it
    TRANSITIONS = {
        (State.DRAFT, State.DRAFT): "compute",
        (State.VERIFIED, State.DRAFT): "compute",
        (State.DRAFT, State.VERIFIED): "verify",
        (State.VERIFIED, State.PUBLISHED): "publish",
    }

    activity = models.OneToOneField(Activity, on_delete=models.CASCADE, related_name="+")
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.DRAFT)
    computed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    computed_at = models.DateTimeField()
    verified_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    verified_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+")
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("judging results")

    def __str__(self) -> str:
        return str(self.activity)


class Result(models.Model):
    # Written all at once by results_compute (20,000 rows for a large collection): no constraints in the database,
    # as Assignment's keys.
    result_set = models.ForeignKey(ResultSet, on_delete=models.CASCADE, related_name="results", db_constraint=False)
    entry = models.OneToOneField(Entry, on_delete=models.CASCADE, related_name="result", db_constraint=False)
    aggregate = models.DecimalField(_("score"), null=True, blank=True, **SCORE_DIGITS)
    rank = models.PositiveIntegerField(_("place"), null=True, blank=True)  # within the entry's category
    judges_counted = models.PositiveSmallIntegerField(_("judges"), default=0)

    class Meta:
        ordering = ["entry__category", "rank", "entry_id"]

    def __str__(self) -> str:
        return f"{self.entry_id}: {self.aggregate}"
