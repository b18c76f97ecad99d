"""A campaign (活动/工作方案) loaded from a plan file, its phases, activities and targets, the metric records
kinds write, and the computed target values."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from suzhi.core.models import Organisation


class Campaign(models.Model):
    code = models.CharField(_("code"), max_length=50, unique=True)
    title = models.CharField(_("title"), max_length=200)
    year = models.PositiveSmallIntegerField(_("year"))
    organiser = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("organiser"))
    plan = models.JSONField(_("plan"), default=dict)  # the validated plan, what the document renders from
    source = models.TextField(_("plan file"), blank=True)  # the YAML as last loaded, for download
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["-year", "code"]
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")

    def __str__(self) -> str:
        return self.title


class Phase(models.Model):
    """A stage of the campaign (时间安排). The plan's dates, and an administrator's closing or extension."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="phases")
    key = models.CharField(_("key"), max_length=50)
    title = models.CharField(_("title"), max_length=200)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    ends_on_override = models.DateField(_("closed or extended to"), null=True, blank=True)
    override_reason = models.CharField(_("reason"), max_length=200, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["campaign", "position"]
        constraints = [models.UniqueConstraint(fields=["campaign", "key"], name="phase_key_unique")]

    def __str__(self) -> str:
        return self.title

    @property
    def effective_end(self):  # type: ignore[no-untyped-def]
        return self.ends_on_override or self.ends_on


class Activity(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="activities")
    key = models.CharField(_("key"), max_length=50)
    kind = models.CharField(_("kind"), max_length=50)
    title = models.CharField(_("title"), max_length=200)
    organiser = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("organiser"))
    org_types = models.JSONField(_("organisation types"), default=list, blank=True)
    person_categories = models.JSONField(_("person categories"), default=list, blank=True)
    open_in = models.JSONField(_("open in phases"), default=dict, blank=True)
    settings = models.JSONField(_("settings"), default=dict, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["campaign", "position"]
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        constraints = [models.UniqueConstraint(fields=["campaign", "key"], name="activity_key_unique")]

    def __str__(self) -> str:
        return self.title


class Target(models.Model):
    """A quantified goal (目标任务); its definition is the plan's, kept here for the queries."""

    class Form(models.TextChoices):
        TOTAL = "total", _("Total for the campaign")
        PER_ORG = "per_org", _("Threshold for each organisation")
        COVERAGE = "coverage", _("Coverage of people")
        PERCENTAGE = "percentage", _("Percentage of a population")

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="targets")
    key = models.CharField(_("key"), max_length=50)
    title = models.CharField(_("title"), max_length=200)
    metric = models.CharField(_("metric"), max_length=100)
    activity = models.ForeignKey(Activity, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    form = models.CharField(_("form"), max_length=16, choices=Form.choices)
    threshold = models.FloatField(_("threshold"))
    at_least = models.FloatField(_("at least per person"), default=1)
    per_org_types = models.JSONField(default=list, blank=True)
    filter = models.JSONField(_("filter"), default=dict, blank=True)
    deadline = models.ForeignKey(Phase, on_delete=models.PROTECT, related_name="+", verbose_name=_("deadline"))
    position = models.PositiveSmallIntegerField(default=0)
    # Set by every refresh, also when no value changed (a refresh rewrites only the values that did): the time of
    # the stored values, kept here once rather than on each of them.
    computed_at = models.DateTimeField(_("computed at"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["campaign", "position"]
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        constraints = [models.UniqueConstraint(fields=["campaign", "key"], name="target_key_unique")]

    def __str__(self) -> str:
        return self.title


class MetricRecord(models.Model):
    """One countable fact an activity kind reports (a participation, an attempt, a submission), credited to
    the person's organisation at the time. `quantity` is what SUM metrics add up (hours, points).
    (`source`, `metric`) is unique, so a kind re-reporting the same fact replaces it instead of counting twice."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+")
    activity = models.ForeignKey(Activity, on_delete=models.PROTECT, related_name="+")
    metric = models.CharField(max_length=100)
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    quantity = models.FloatField(default=1)
    occurred_on = models.DateField()
    source = models.CharField(max_length=100)

    class Meta:
        indexes = [models.Index(fields=["campaign", "metric", "organisation", "person", "activity"],
                                name="metric_record_org_person")]
        constraints = [models.UniqueConstraint(fields=["metric", "source"], name="metric_record_source")]

    def __str__(self) -> str:
        return f"{self.metric} {self.source}"


class MetricTally(models.Model):
    """How many records a person has for a metric of a campaign (a row exists while the count is positive), with a
    copy of the person's organisation, category key and active status as they are now. Coverage targets (the
    share of people with at least n records) group these rows by organisation and category key instead of joining
    every person to their records.

    Kept exact by `services.records` (the counts: every writer of a person's records locks the person first) and
    by `tallies_follow_people` (the copies: people services call it, holding the changed people's rows locked).
    `categories` is also the key under which the person's records are counted in `MetricOrgCount`."""

    # No index of its own for the campaign: the unique constraint starts with it.
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+", db_index=False)
    metric = models.CharField(max_length=100)
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="metric_tallies")
    records = models.PositiveIntegerField()
    # Copies of the person's (not the records'): where and how the person is counted in a coverage target.
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+", db_index=False)
    categories = models.CharField(max_length=255, default="", blank=True)
    active = models.BooleanField(default=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["campaign", "metric", "person"], name="metric_tally_person")]

    def __str__(self) -> str:
        return f"{self.metric} {self.person_id}: {self.records}"


class MetricOrgCount(models.Model):
    """Per organisation (the records' own, which may differ from a person's current one) and category key (the
    people's current, `Person.category_key`): how many records a metric of a campaign has and how many distinct
    people they belong to, for one activity (`activity_key` = its id) or every activity (`activity_key` = 0). A
    target counting people or records reads tens of thousands of these rows instead of a million people.

    A person with records at several organisations is counted at each, so that each organisation's own `people`
    are its distinct people; `people_overlaps` makes a subtree's sum distinct too. For each person, group (metric,
    activity, key) and pair of organisations next to each other in tree order (by path) among those where the person
    has records, it holds one at their lowest common ancestor: summed over a subtree, `people - people_overlaps`
    counts each person with records in it once (the organisations of a subtree are consecutive in tree order, and
    so are the pairs whose ancestor is in it). It depends on where the organisations are in the tree: moves of
    organisations put it right in their transaction (`services.records.tallies_follow_org_moves`).

    Kept exact by `services.records` and `tallies_follow_people`, like `MetricTally`; a row may stay at zero."""

    EVERY_ACTIVITY = 0

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+", db_index=False)
    metric = models.CharField(max_length=100)
    # Not a foreign key: 0 stands for every activity; the records keep their activity from being deleted.
    activity_key = models.PositiveBigIntegerField()
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    categories = models.CharField(max_length=255, default="", blank=True)
    # Not PositiveIntegerField: its CHECK would refuse the upsert of a negative change before finding the row it
    # changes (see `services.tallies.add_counts`).
    people = models.IntegerField(default=0)
    records = models.IntegerField(default=0)
    people_overlaps = models.IntegerField(default=0, db_default=0)  # also for rows inserted by SQL without it

    class Meta:
        # The key before the organisation: targets read the rows of a few keys (see metrics._held_keys_q).
        constraints = [models.UniqueConstraint(fields=["campaign", "metric", "activity_key", "categories",
                                                       "organisation"], name="metric_org_count_key")]

    def __str__(self) -> str:
        return f"{self.metric}/{self.activity_key} {self.organisation_id} [{self.categories}]: {self.people}, " \
               f"{self.records}, -{self.people_overlaps}"


class MetricReachCount(models.Model):
    """How many active people of an organisation (theirs now) and category key have at least `at_least` records of
    a metric of a campaign, for at_least 1 to `LEVELS`: a coverage target reads these rows instead of a row per
    person. Kept with `MetricTally`, from which it is counted."""

    # Coverage targets ask for one or two records in practice (每名职工接受1—2次培训); higher ones read the tallies.
    LEVELS = 3

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+", db_index=False)
    metric = models.CharField(max_length=100)
    at_least = models.PositiveSmallIntegerField()
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    categories = models.CharField(max_length=255, default="", blank=True)
    people = models.IntegerField(default=0)  # as MetricOrgCount's

    class Meta:
        constraints = [models.UniqueConstraint(fields=["campaign", "metric", "at_least", "categories", "organisation"],
                                               name="metric_reach_count_key")]  # as MetricOrgCount's

    def __str__(self) -> str:
        return f"{self.metric} >= {self.at_least} {self.organisation_id} [{self.categories}]: {self.people}"


class TargetValue(models.Model):
    """A target's computed value for one organisation and everything below it (rolled up).

    A cache of tens of thousands of rows that every refresh compares with what it computed, writing only the
    difference; the first refresh of a campaign writes them all. So it carries no more than it must write: its
    foreign keys are not declared in the database (checking two keys per written row cost more than computing the
    values; deletes still cascade, through Django), its one index beside the primary key is the unique constraint,
    which serves the lookups by target and then organisation, and the time of computation is the target's
    (`Target.computed_at`), so that an unchanged value is not rewritten only to renew its time."""

    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="values", db_constraint=False,
                               db_index=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+", db_constraint=False,
                                     db_index=False)
    value = models.FloatField(default=0)  # the metric, or per cent for coverage and percentage
    numerator = models.FloatField(default=0)
    population = models.IntegerField(default=0)  # the people in scope, for coverage and percentage
    measured = models.IntegerField(default=0)  # per_org: organisations measured at or below this one
    met = models.IntegerField(default=0)  # per_org: of which reaching the threshold

    class Meta:
        constraints = [models.UniqueConstraint(fields=["target", "organisation"], name="target_value_unique")]

    def __str__(self) -> str:
        return f"{self.target_id}@{self.organisation_id}: {self.value}"
