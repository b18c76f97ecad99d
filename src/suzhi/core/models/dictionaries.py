from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class DictType(models.Model):
    """A dictionary (数据字典): a named list of codes that forms and imports offer."""

    code = models.SlugField(_("code"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=100)
    description = models.CharField(_("description"), max_length=255, blank=True)
    is_system = models.BooleanField(_("built in"), default=False)

    class Meta:
        ordering = ["code"]
        verbose_name = _("dictionary")
        verbose_name_plural = _("dictionaries")

    def __str__(self) -> str:
        return self.name


class DictItem(models.Model):
    """One entry of a dictionary. The code is stable; labels are what people read."""

    dict_type = models.ForeignKey(DictType, on_delete=models.CASCADE, related_name="items")
    code = models.CharField(_("code"), max_length=64)
    label = models.CharField(_("label"), max_length=100)
    label_en = models.CharField(_("English label"), max_length=100, blank=True)
    sort_order = models.IntegerField(_("sort order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["dict_type_id", "sort_order", "code"]
        constraints = [models.UniqueConstraint(fields=["dict_type", "code"], name="dictitem_unique_code")]
        verbose_name = _("dictionary item")
        verbose_name_plural = _("dictionary items")

    def __str__(self) -> str:
        return self.display_label

    @property
    def display_label(self) -> str:
        if self.label_en and (get_language() or "").startswith("en"):
            return self.label_en
        return self.label


class SystemParameter(models.Model):
    """A system parameter (系统参数) an administrator may change without a deployment."""

    class ValueType(models.TextChoices):
        INT = "int", _("integer")
        STR = "str", _("text")
        BOOL = "bool", _("yes/no")

    key = models.SlugField(_("key"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=100)
    value = models.CharField(_("value"), max_length=1000, blank=True)
    value_type = models.CharField(_("type"), max_length=8, choices=ValueType.choices, default=ValueType.STR)
    description = models.CharField(_("description"), max_length=255, blank=True)

    class Meta:
        ordering = ["key"]
        verbose_name = _("system parameter")
        verbose_name_plural = _("system parameters")

    def __str__(self) -> str:
        return self.key
