"""What the operation log is given while the tests run: every (action, object type, detail keys) a service wrote.

tests/conftest.py passes every row `suzhi.core.oplog.record` writes to `collect`, for the whole session; at its
end, `unlabelled()` lists what the log pages would show as a raw code (see suzhi.core.oplog_actions), and the
session fails on any.
"""

from typing import Any

SEEN: set[tuple[str, str, tuple[str, ...]]] = set()


def collect(row: Any) -> None:
    keys: set[str] = set()
    for side in (row.before, row.after):
        if isinstance(side, dict):
            keys.update(str(k) for k in side)
    SEEN.add((row.action, row.object_type, tuple(sorted(keys))))


def unlabelled(seen: set[tuple[str, str, tuple[str, ...]]] | None = None) -> list[str]:
    """Each action, object type and detail key in `seen` without a readable name, as "what: code"."""
    from suzhi.core import oplog_actions

    missing: set[str] = set()
    for action, object_type, keys in SEEN if seen is None else seen:
        if not oplog_actions.has_label(action):
            missing.add(f"action: {action}")
        if object_type and oplog_actions.object_type_text(object_type) is None:
            missing.add(f"object type: {object_type}")
        for key in keys:
            if oplog_actions.detail_text(object_type, key) is None:
                missing.add(f"detail key: {key} (of {object_type or action})")
    return sorted(missing)
