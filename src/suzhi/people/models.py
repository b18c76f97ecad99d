"""The roster (人员名册): people, their categories, their history of organisations."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from suzhi.core.models import DictItem, Organisation

CATEGORY_DICT = "person_category"
EDUCATION_DICT = "education"
POLITICAL_DICT = "political_status"

# Dictionary references: a person's education, political status and categories refer to dictionary
# items without a foreign-key constraint in the database. Each cost the server a check per row at
# commit: three of the five references a new person brings, about 1.3 s of a 100,000-row import on
# PostgreSQL. What they guarded is kept otherwise: dictionary items are never deleted (no service
# deletes one, and codes cannot change because records refer to them: an item is retired by deactivating
# it); a deletion through the ORM still meets PROTECT (education, political status) or takes the
# category links with it (CASCADE); and the roster import locks the items it has checked until it
# commits (FOR KEY SHARE, the lock the constraint's check took), so no other transaction can delete one
# meanwhile.


class Person(models.Model):
    """A person (人员) on a unit's roster; exactly one primary organisation."""

    class Gender(models.TextChoices):
        MALE = "M", _("Male")
        FEMALE = "F", _("Female")

    class IdType(models.TextChoices):
        RESIDENT = "resident", _("Resident ID card")
        HK_MACAO = "hk_macao", _("Mainland travel permit for Hong Kong and Macao residents")
        TAIWAN = "taiwan", _("Mainland travel permit for Taiwan residents")
        FOREIGN_PERMANENT = "foreign_permanent", _("Foreigner's permanent residence ID card")
        PASSPORT = "passport", _("Passport")
        OTHER = "other", _("Other")

    class LeaveReason(models.TextChoices):
        RESIGNED = "resigned", _("Resigned")
        TRANSFERRED_OUT = "transferred_out", _("Transferred out")
        RETIRED = "retired", _("Retired")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=50)
    # Indexed in Meta.indexes for prefix search only (no plain index: nothing compares or sorts by it alone).
    name_initials = models.CharField(_("pinyin initials"), max_length=50, blank=True)
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices, blank=True)
    id_type = models.CharField(_("ID type"), max_length=20, choices=IdType.choices, default=IdType.RESIDENT)
    id_number = models.CharField(_("ID number"), max_length=32)
    # The last four characters, indexed (Meta.indexes): "search by the last digits" stays fast on millions of rows.
    id_last4 = models.CharField(max_length=4, editable=False)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    # Not indexed: no query looks a person up by phone (logins by phone go through the user account).
    phone = models.CharField(_("mobile phone"), max_length=20, blank=True)
    # No index of its own: person_org_active (organisation, is_active) serves every lookup by organisation,
    # and one index fewer is one write fewer per row of a 100,000-row import.
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="persons", verbose_name=_("organisation"),
        db_index=False,
    )
    # Typed by hand: the through model named by a string reads as Never to the type checker.
    categories: "models.ManyToManyField[DictItem, PersonCategory]" = models.ManyToManyField(
        DictItem, blank=True, related_name="+", verbose_name=_("categories"), through="PersonCategory",
        limit_choices_to={"dict_type__code": CATEGORY_DICT},
    )
    # The categories again, denormalised: "" or the sorted ids of the category items between commas (",3,17,",
    # see suzhi.people.category_keys), so that targets count people per organisation and set of categories
    # without joining a million people to their links, and "holds category 3" is LIKE '%,3,%'. Every writer
    # of the links writes it in the same transaction (person_create, person_update, the roster import). No
    # index: it is read with the person row, narrowed by organisation first.
    category_key = models.CharField(max_length=255, default="", blank=True, editable=False)
    post = models.CharField(_("post or job title"), max_length=100, blank=True)
    # Education and political status without indexes: filters on them (target conditions) join the
    # dictionary by code and narrow by organisation first; an index per column would only slow imports.
    # Nor foreign-key constraints in the database: see the note at the top of this module.
    education = models.ForeignKey(
        DictItem, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("education"),
        limit_choices_to={"dict_type__code": EDUCATION_DICT}, db_index=False, db_constraint=False,
    )
    political_status = models.ForeignKey(
        DictItem, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("political status"), limit_choices_to={"dict_type__code": POLITICAL_DICT}, db_index=False,
        db_constraint=False,
    )
    union_member = models.BooleanField(_("union member"), default=False)
    hire_date = models.DateField(_("hire date"), null=True, blank=True)
    extra = models.JSONField(_("further attributes"), default=dict, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    left_on = models.DateField(_("left on"), null=True, blank=True)
    leave_reason = models.CharField(_("reason for leaving"), max_length=20, choices=LeaveReason.choices, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="person",
        verbose_name=_("participant login"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        constraints = [models.UniqueConstraint(fields=["id_type", "id_number"], name="person_unique_id")]
        indexes = [
            models.Index(fields=["organisation", "is_active"], name="person_org_active"),
            # The pinyin-initials search is a prefix match (LIKE 'zs%'): on PostgreSQL only a pattern_ops
            # index serves it whatever the collation; other databases ignore the operator class.
            models.Index(fields=["name_initials"], name="person_initials_prefix", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["id_last4"], name="person_id_last4"),
        ]

    def __str__(self) -> str:
        return self.name


class PersonCategory(models.Model):
    """A person's category (the categories many-to-many), in the table Django would have made for it.

    Declared only to leave out the index on person_id alone: the unique (person, dictitem) index already
    serves every lookup by person, and one index fewer is one write fewer per link an import makes.
    """

    # No constraint in the database either, unlike every other reference to a person: a check per link
    # was a quarter of the server's work in a 100,000-person import on PostgreSQL (0.5 s). People are never
    # deleted (someone who leaves is marked so, and their records stay); a deletion through the ORM takes
    # the links with it (CASCADE); and every writer of links has the person in hand until it commits:
    # created in the same transaction, or locked (person_update's SELECT ... FOR UPDATE, the UPDATE of
    # the roster import, which stops if a person it is to update has gone).
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+", db_index=False,
                               db_constraint=False)
    # No constraint in the database: see the note on dictionary references at the top of this module.
    dictitem = models.ForeignKey(DictItem, on_delete=models.CASCADE, related_name="+", db_constraint=False)

    class Meta:
        db_table = "people_person_categories"
        unique_together = [("person", "dictitem")]
        verbose_name = _("person category")
        verbose_name_plural = _("person categories")

    def __str__(self) -> str:
        return f"{self.person_id}: {self.dictitem_id}"


class PersonTransfer(models.Model):
    """A move of a person to another organisation (调动), kept as history."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="transfers")
    from_organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    to_organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    transferred_at = models.DateTimeField(_("time"), auto_now_add=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    class Meta:
        ordering = ["-transferred_at", "-id"]
        verbose_name = _("transfer")
        verbose_name_plural = _("transfers")

    def __str__(self) -> str:
        return f"{self.person_id}: {self.from_organisation_id} -> {self.to_organisation_id}"


class PersonAttribute(models.Model):
    """A plan-specific attribute a person may carry (a teacher's subject, a grade taught), typed."""

    class ValueType(models.TextChoices):
        TEXT = "text", _("text")
        INT = "int", _("whole number")
        DATE = "date", _("date")
        BOOL = "bool", _("yes/no")
        CHOICE = "choice", _("choice from a dictionary")

    key = models.SlugField(_("key"), max_length=64, unique=True)
    label = models.CharField(_("label"), max_length=100)
    value_type = models.CharField(_("type"), max_length=8, choices=ValueType.choices, default=ValueType.TEXT)
    dict_type = models.ForeignKey(
        "core.DictType", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("dictionary"),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["key"]
        verbose_name = _("person attribute")
        verbose_name_plural = _("person attributes")

    def __str__(self) -> str:
        return self.label


class PersonCount(models.Model):
    """How many active people an organisation has on its roster per category key (在册人数 by category set,
    `Person.category_key`): targets read a few thousand of these rows instead of scanning a million people.

    Kept exact in the same transaction by every writer of people (suzhi.people.services: person_create,
    person_update, person_transfer, person_deactivate, person_reactivate, the roster import) and recounted by
    `person_counts_rebuild` after bulk loads that bypass them. A row may stay at zero."""

    # An organisation can only be deleted without people, so all its rows are zeros by then; the few rows of a
    # deleted organisation are found without an index of their own (a rare delete, against every count's write).
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+", db_index=False)
    category_key = models.CharField(max_length=255, default="", blank=True)
    # Not PositiveIntegerField: its CHECK would refuse the upsert of a negative change before finding the row it
    # changes (see `services.counts.person_counts_add`).
    people = models.IntegerField(default=0)

    class Meta:
        # The key first: targets read the rows of a few keys (campaigns.metrics._held_keys_q).
        constraints = [models.UniqueConstraint(fields=["category_key", "organisation"], name="person_count_key")]

    def __str__(self) -> str:
        return f"{self.organisation_id} [{self.category_key}]: {self.people}"
