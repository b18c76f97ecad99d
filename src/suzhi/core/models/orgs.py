from django.db import models
from django.utils.translation import gettext_lazy as _
from treebeard.mp_tree import MP_Node

from suzhi.core.models.dictionaries import DictItem

ORG_TYPE_DICT = "org_type"


class Organisation(MP_Node):
    """An organisation (组织) in the campaign tree: committee, union, bureau, unit, school, station.

    The materialised path makes "this organisation and below" (本级及以下) a prefix filter that is the
    same query on SQLite and PostgreSQL.
    """

    steplen = 4

    code = models.CharField(_("code"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=200)
    short_name = models.CharField(_("short name"), max_length=100, blank=True)
    name_initials = models.CharField(_("pinyin initials"), max_length=200, blank=True, db_index=True)
    org_type = models.ForeignKey(
        DictItem,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("type"),
        limit_choices_to={"dict_type__code": ORG_TYPE_DICT},
    )
    region_code = models.CharField(_("administrative region code"), max_length=12, blank=True)
    contact_person = models.CharField(_("contact person"), max_length=50, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        indexes = [
            # Prefix LIKE on PostgreSQL needs pattern ops under a non-C collation; ignored on SQLite.
            models.Index(fields=["path"], name="org_path_prefix", opclasses=["varchar_pattern_ops"]),
        ]

    def __str__(self) -> str:
        return self.name
