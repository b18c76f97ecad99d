"""Writing the operation log (操作日志). Services call `record` inside their transaction."""

import datetime
import decimal
import uuid
from collections.abc import Iterable
from typing import Any

from django.db import models, transaction

from suzhi.core import request_context
from suzhi.core.masking import SENSITIVE_FIELDS
from suzhi.core.models import OperationLog, Organisation


def _json_value(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, list | tuple | set | frozenset):
        return [_json_value(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _json_value(v) for k, v in value.items()}
    return str(value)


def snapshot(obj: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """A JSON-safe before/after picture of some fields; personal data is stored masked."""
    result: dict[str, Any] = {}
    for name in fields:
        value = getattr(obj, name, None)
        if name in SENSITIVE_FIELDS and isinstance(value, str):
            value = SENSITIVE_FIELDS[name](value)
        result[name] = _json_value(value)
    return result


def changed(before: dict[str, Any] | None, after: dict[str, Any] | None) -> tuple[dict, dict]:
    """Only the keys whose value differs, so the log shows what actually changed."""
    before = before or {}
    after = after or {}
    keys = [k for k in {**before, **after} if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after.get(k) for k in keys}


def record(
    *,
    actor: Any,
    action: str,
    obj: models.Model | None = None,
    organisation: Organisation | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    summary: str = "",
) -> OperationLog:
    """Write one operation-log row. Must run inside the service's transaction."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("operation log rows are written inside the service's transaction")
    info = request_context.current()
    if organisation is None and obj is not None:
        organisation = obj if isinstance(obj, Organisation) else getattr(obj, "organisation", None)
    return OperationLog.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        actor_username=getattr(actor, "username", "") or "",
        ip=info.ip,
        organisation=organisation,
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None and obj.pk is not None else "",
        object_repr=str(obj)[:255] if obj is not None else "",
        before=_json_value(before) if before is not None else None,
        after=_json_value(after) if after is not None else None,
        summary=summary[:500],
    )
