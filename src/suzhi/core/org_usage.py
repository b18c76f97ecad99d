"""What still hangs on an organisation, so it is never deleted from under people, users or records.

Each app registers, in `AppConfig.ready()`, a counter for every foreign key to `Organisation` whose rows must not
disappear with it or stop a delete (PROTECT): `register(key, label, fields=("app.Model.field", ...))` counts the
rows of those keys, or `count=` gives a function for what is not a foreign key (sub-organisations). Deletion is
refused while any counter is above zero. A foreign key whose rows are figures recomputed from others, removed
with the organisation on purpose (CASCADE), is declared with `register_derived`. A test walks every foreign key to
`Organisation` and fails if one is neither counted nor declared derived.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.apps import apps
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class UsageCounter:
    label: str | Promise
    count: Callable[[int], int]  # organisation id -> number of rows that depend on it
    fields: tuple[str, ...] = ()  # the foreign keys it counts, as "app_label.Model.field"


_COUNTERS: dict[str, UsageCounter] = {}
_DERIVED: set[str] = set()


def _field_counter(fields: tuple[str, ...]) -> Callable[[int], int]:
    def count(org_id: int) -> int:
        total = 0
        for name in fields:
            model_label, field = name.rsplit(".", 1)
            model = apps.get_model(model_label)
            total += model._default_manager.filter(**{f"{field}_id": org_id}).count()
        return total

    return count


def register(
    key: str,
    label: str | Promise,
    count: Callable[[int], int] | None = None,
    *,
    fields: Iterable[str] = (),
) -> None:
    """Count what depends on an organisation: the rows of `fields` ("app_label.Model.field", foreign keys to
    Organisation), or what `count` returns."""
    fields = tuple(fields)
    if count is None:
        if not fields:
            raise ValueError(f"usage counter {key!r} needs a count function or fields")
        count = _field_counter(fields)
    _COUNTERS[key] = UsageCounter(label=label, count=count, fields=fields)


def unregister(key: str) -> None:
    """For tests that register an example app and take it away again."""
    _COUNTERS.pop(key, None)


def register_derived(*fields: str) -> None:
    """Foreign keys ("app_label.Model.field") whose rows are recomputed figures that go with the organisation."""
    _DERIVED.update(fields)


def counted_fields() -> set[str]:
    return {name for counter in _COUNTERS.values() for name in counter.fields}


def derived_fields() -> set[str]:
    return set(_DERIVED)


def usage_of(organisation_id: int) -> list[tuple[str, int]]:
    """(label, count) for every counter that is not zero."""
    found = []
    for counter in _COUNTERS.values():
        n = counter.count(organisation_id)
        if n:
            found.append((str(counter.label), n))
    return found


def register_core_counters() -> None:
    from suzhi.core.models import Organisation

    def children(org_id: int) -> int:
        org = Organisation.objects.only("path", "depth", "numchild").get(pk=org_id)
        return org.numchild

    register("children", _("sub-organisations"), children)
    register("users", _("user accounts"), fields=["core.User.organisation"])
    register("role_assignments", _("role assignments"), fields=["core.RoleAssignment.organisation"])
    # A role's own list of organisations (自定 scope): deleting one would quietly change what the role may see.
    register("custom_scopes", _("roles whose custom data scope lists it"),
             fields=["core.Role_custom_organisations.organisation"])
    register("notices", _("notices"), fields=["core.Notice.organisation"])
    register("files", _("uploaded files"), fields=["core.StoredFile.organisation"])
