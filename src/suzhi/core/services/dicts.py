"""Changes to dictionaries (数据字典) and system parameters (系统参数). Global data: `dict.manage`.

Items are never deleted: records keep an item's code (an organisation's type, a person's category),
so an item that is no longer wanted is deactivated and simply stops being offered.
"""

import re
import unicodedata
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from suzhi.core import oplog, params
from suzhi.core.errors import NotFound, ValidationFailed
from suzhi.core.models import DictItem, DictType, SystemParameter
from suzhi.core.web import ensure_perm

TYPE_CODE_RE = re.compile(r"[a-z][a-z0-9_]{0,63}")
ITEM_CODE_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.\-]{0,63}")
TYPE_FIELDS = ("code", "name", "description")
ITEM_FIELDS = ("code", "label", "label_en", "sort_order", "is_active")

SORT_ORDER_LIMIT = 1_000_000

TRUE_WORDS = {"1", "true", "yes", "on", "是"}
FALSE_WORDS = {"0", "false", "no", "off", "否"}
# Parameters whose value feeds a limit somewhere; zero or less would stop that feature dead.
PARAM_MINIMUMS = {"import_max_rows": 1, "org_import_max_rows": 1, "export_keep_days": 1}
PARAM_REQUIRED = {"site_name"}


def _invalid(field: str, message: str) -> ValidationFailed:
    return ValidationFailed(message, detail=[{"field": field, "message": message}])


def _text(value: str | None, *, field: str, label: str, max_length: int, required: bool = True) -> str:
    text = (value or "").strip()
    if required and not text:
        raise _invalid(field, _("“%(field)s” is required.") % {"field": label})
    if len(text) > max_length:
        raise _invalid(
            field, _("“%(field)s” is at most %(max)d characters.") % {"field": label, "max": max_length}
        )
    return text


def _sort_order(value: Any) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = None
    if number is None or abs(number) > SORT_ORDER_LIMIT:
        raise _invalid(
            "sort_order",
            _("The sort order must be a whole number between -%(max)d and %(max)d.") % {"max": SORT_ORDER_LIMIT},
        )
    return number


def _locked_type(code: str) -> DictType:
    found = DictType.objects.select_for_update().filter(code=code).first()
    if found is None:
        raise NotFound()
    return found


@transaction.atomic
def dict_type_create(*, actor: Any, code: str, name: str, description: str = "") -> DictType:
    ensure_perm(actor, "dict.manage")
    code = (code or "").strip()
    if not TYPE_CODE_RE.fullmatch(code):
        raise _invalid(
            "code",
            _("The code “%(code)s” must start with a lowercase letter and use only a-z, 0-9 and _.")
            % {"code": code},
        )
    if DictType.objects.filter(code=code).exists():
        raise _invalid("code", _("A dictionary with the code “%(code)s” already exists.") % {"code": code})
    dict_type = DictType.objects.create(
        code=code,
        name=_text(name, field="name", label=_("Name"), max_length=100),
        description=_text(description, field="description", label=_("Description"), max_length=255,
                          required=False),
    )
    oplog.record(actor=actor, action="dict.type_create", obj=dict_type, organisation=actor.organisation,
                 after=oplog.snapshot(dict_type, TYPE_FIELDS))
    return dict_type


@transaction.atomic
def dict_type_update(
    *, actor: Any, type_code: str, name: str, description: str = "", code: str | None = None
) -> DictType:
    """Rename a dictionary. Built-in ones keep their code: the program looks them up by it."""
    ensure_perm(actor, "dict.manage")
    dict_type = _locked_type(type_code)
    before = oplog.snapshot(dict_type, TYPE_FIELDS)
    new_code = (code or "").strip() or dict_type.code
    if new_code != dict_type.code:
        if dict_type.is_system:
            raise _invalid("code", _("The code of a built-in dictionary cannot be changed."))
        if not TYPE_CODE_RE.fullmatch(new_code):
            raise _invalid(
                "code",
                _("The code “%(code)s” must start with a lowercase letter and use only a-z, 0-9 and _.")
                % {"code": new_code},
            )
        if DictType.objects.filter(code=new_code).exists():
            raise _invalid("code", _("A dictionary with the code “%(code)s” already exists.") % {"code": new_code})
    dict_type.code = new_code
    dict_type.name = _text(name, field="name", label=_("Name"), max_length=100)
    dict_type.description = _text(description, field="description", label=_("Description"), max_length=255,
                                  required=False)
    dict_type.save(update_fields=["code", "name", "description"])
    old, new = oplog.changed(before, oplog.snapshot(dict_type, TYPE_FIELDS))
    if new:
        oplog.record(actor=actor, action="dict.type_update", obj=dict_type, organisation=actor.organisation,
                     before=old, after=new)
    return dict_type


@transaction.atomic
def dict_item_create(
    *,
    actor: Any,
    type_code: str,
    code: str,
    label: str,
    label_en: str = "",
    sort_order: int = 0,
    is_active: bool = True,
) -> DictItem:
    ensure_perm(actor, "dict.manage")
    dict_type = _locked_type(type_code)
    code = (code or "").strip()
    if not ITEM_CODE_RE.fullmatch(code):
        raise _invalid(
            "code",
            _("The code “%(code)s” may use only letters, digits, “_”, “-” and “.”, at most 64.") % {"code": code},
        )
    if DictItem.objects.filter(dict_type=dict_type, code=code).exists():
        raise _invalid(
            "code",
            _("“%(dict)s” already has an item with the code “%(code)s”.") % {"dict": dict_type.name, "code": code},
        )
    item = DictItem.objects.create(
        dict_type=dict_type,
        code=code,
        label=_text(label, field="label", label=_("Label"), max_length=100),
        label_en=_text(label_en, field="label_en", label=_("English label"), max_length=100, required=False),
        sort_order=_sort_order(sort_order),
        is_active=bool(is_active),
    )
    oplog.record(actor=actor, action="dict.item_create", obj=item, organisation=actor.organisation,
                 after=oplog.snapshot(item, ITEM_FIELDS), summary=f"{dict_type.code}/{code}")
    return item


@transaction.atomic
def dict_item_update(
    *,
    actor: Any,
    type_code: str,
    item_id: int,
    label: str | None = None,
    label_en: str | None = None,
    sort_order: int | None = None,
    is_active: bool | None = None,
    code: str | None = None,
) -> DictItem:
    """Change an item's labels, order or activity; None leaves a value as it is.

    `code` is accepted only to refuse a change with a clear message: records store the code.
    """
    ensure_perm(actor, "dict.manage")
    item = (
        DictItem.objects.select_for_update(of=("self",))
        .select_related("dict_type")
        .filter(dict_type__code=type_code, pk=item_id)
        .first()
    )
    if item is None:
        raise NotFound()
    if code is not None and code.strip() != item.code:
        raise _invalid("code", _("The code of an item cannot be changed; records refer to it."))
    before = oplog.snapshot(item, ITEM_FIELDS)
    if label is not None:
        item.label = _text(label, field="label", label=_("Label"), max_length=100)
    if label_en is not None:
        item.label_en = _text(label_en, field="label_en", label=_("English label"), max_length=100,
                              required=False)
    if sort_order is not None:
        item.sort_order = _sort_order(sort_order)
    if is_active is not None:
        item.is_active = bool(is_active)
    item.save(update_fields=["label", "label_en", "sort_order", "is_active"])
    old, new = oplog.changed(before, oplog.snapshot(item, ITEM_FIELDS))
    if new:
        oplog.record(actor=actor, action="dict.item_update", obj=item, organisation=actor.organisation,
                     before=old, after=new, summary=f"{item.dict_type.code}/{item.code}")
    return item


def clean_param_value(param: SystemParameter, value: Any) -> str:
    """The value as it is stored, after checking it against the parameter's type."""
    if isinstance(value, bool):
        value = "true" if value else "false"
    # Full-width digits and letters from a Chinese input method count as their ASCII selves.
    text = unicodedata.normalize("NFKC", "" if value is None else str(value)).strip()
    name = param.name
    if param.value_type == SystemParameter.ValueType.INT:
        if not re.fullmatch(r"[+-]?[0-9]+", text):
            raise _invalid("value", _("“%(name)s” must be a whole number.") % {"name": name})
        number = int(text)
        minimum = PARAM_MINIMUMS.get(param.key)
        if minimum is not None and number < minimum:
            raise _invalid(
                "value", _("“%(name)s” must be at least %(min)d.") % {"name": name, "min": minimum}
            )
        return str(number)
    if param.value_type == SystemParameter.ValueType.BOOL:
        word = text.lower()
        if word in TRUE_WORDS:
            return "true"
        if word in FALSE_WORDS:
            return "false"
        raise _invalid("value", _("“%(name)s” must be yes or no.") % {"name": name})
    return _text(text, field="value", label=name, max_length=1000, required=param.key in PARAM_REQUIRED)


@transaction.atomic
def param_update(*, actor: Any, key: str, value: Any) -> SystemParameter:
    ensure_perm(actor, "dict.manage")
    param = SystemParameter.objects.select_for_update().filter(key=key).first()
    if param is None:
        raise NotFound()
    stored = clean_param_value(param, value)
    if stored != param.value:
        before = {"value": param.value}
        param.value = stored
        param.save(update_fields=["value"])
        oplog.record(actor=actor, action="param.update", obj=param, organisation=actor.organisation,
                     before=before, after={"value": stored}, summary=param.key)
        # Every app server reads parameters through the cache; drop it once the new value is visible.
        transaction.on_commit(params.forget)
    return param
