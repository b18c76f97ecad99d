"""Reads of dictionaries (数据字典) and system parameters (系统参数).

Dictionaries are global reference data: anyone logged in may read active items (forms and imports
offer them); only `dict.manage` sees inactive ones and the parameters.
"""

from django.db.models import Count, Q, QuerySet

from suzhi.core.errors import NotFound
from suzhi.core.models import DictItem, DictType, SystemParameter


def dict_types() -> QuerySet[DictType]:
    """Every dictionary with how many items it has and how many are active."""
    return DictType.objects.annotate(
        item_count=Count("items"), active_count=Count("items", filter=Q(items__is_active=True))
    ).order_by("code")


def dict_type_get(code: str) -> DictType:
    found = DictType.objects.filter(code=code).first()
    if found is None:
        raise NotFound()
    return found


def dict_items(code: str, active_only: bool = True) -> QuerySet[DictItem]:
    """The items of dictionary `code` in display order, in one query (the type is joined, not fetched)."""
    items = DictItem.objects.filter(dict_type__code=code)
    if active_only:
        items = items.filter(is_active=True)
    return items.order_by("sort_order", "code")


def dict_choices(code: str) -> list[tuple[str, str]]:
    """(code, label) pairs of the active items, for a ChoiceField or an import template's dropdown."""
    return [(item.code, item.display_label) for item in dict_items(code)]


def dict_item_get(*, code: str, item_id: int) -> DictItem:
    found = DictItem.objects.select_related("dict_type").filter(dict_type__code=code, pk=item_id).first()
    if found is None:
        raise NotFound()
    return found


def params_all() -> QuerySet[SystemParameter]:
    return SystemParameter.objects.order_by("key")


def param_get(key: str) -> SystemParameter:
    found = SystemParameter.objects.filter(key=key).first()
    if found is None:
        raise NotFound()
    return found
