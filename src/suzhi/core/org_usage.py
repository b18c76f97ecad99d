"""What still hangs on an organisation, so it is never deleted from under people, users or records.

Each app registers a counter in `AppConfig.ready()`; deletion is refused while any counter is above zero.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class UsageCounter:
    label: str | Promise
    count: Callable[[int], int]  # organisation id -> number of rows that depend on it


_COUNTERS: dict[str, UsageCounter] = {}


def register(key: str, label: str | Promise, count: Callable[[int], int]) -> None:
    _COUNTERS[key] = UsageCounter(label=label, count=count)


def usage_of(organisation_id: int) -> list[tuple[str, int]]:
    """(label, count) for every counter that is not zero."""
    found = []
    for counter in _COUNTERS.values():
        n = counter.count(organisation_id)
        if n:
            found.append((str(counter.label), n))
    return found


def register_core_counters() -> None:
    from suzhi.core.models import Notice, Organisation, RoleAssignment, User

    def children(org_id: int) -> int:
        org = Organisation.objects.only("path", "depth", "numchild").get(pk=org_id)
        return org.numchild

    register("children", _("sub-organisations"), children)
    register("users", _("user accounts"), lambda org_id: User.objects.filter(organisation_id=org_id).count())
    register(
        "role_assignments",
        _("role assignments"),
        lambda org_id: RoleAssignment.objects.filter(organisation_id=org_id).count(),
    )
    register("notices", _("notices"), lambda org_id: Notice.objects.filter(organisation_id=org_id).count())
