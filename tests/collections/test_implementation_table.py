"""The implementation table (collections.implementation) on its own: every status change allowed or refused, where
a benefit belongs, who may report and who may confirm."""

from decimal import Decimal

import pytest

from suzhi.collections import implementation as table
from suzhi.collections.implementation import BENEFIT_MAX, TRANSITIONS, Role, Status, change, check_confirm
from suzhi.core.errors import Conflict, PermissionDenied, ValidationFailed

ALLOWED = {
    ("not_started", "not_started"), ("not_started", "in_progress"), ("not_started", "implemented"),
    ("not_started", "abandoned"),
    ("in_progress", "in_progress"), ("in_progress", "implemented"), ("in_progress", "abandoned"),
    ("implemented", "implemented"), ("implemented", "in_progress"),
    ("abandoned", "abandoned"), ("abandoned", "in_progress"),
}
PAIRS = [(before.value, after.value) for before in Status for after in Status]


@pytest.mark.parametrize(("before", "after"), PAIRS)
def test_every_status_change(before, after):
    if (before, after) in ALLOWED:
        assert change(before, after, None) == after
        assert Status(after) in table.next_statuses(before)
    else:
        with pytest.raises(Conflict) as caught:
            change(before, after, None)
        assert caught.value.code == "implementation_status"
        assert Status(after) not in table.next_statuses(before)


def test_the_table_is_the_hand_list():
    assert {(b.value, a.value) for b, afters in TRANSITIONS.items() for a in afters} == ALLOWED


@pytest.mark.parametrize(("status", "benefit", "code"), [
    ("in_progress", Decimal("1.5"), None), ("implemented", Decimal("0"), None), ("implemented", BENEFIT_MAX, None),
    ("not_started", Decimal("1"), "benefit_invalid"), ("abandoned", Decimal("1"), "benefit_invalid"),
    ("implemented", Decimal("-0.01"), "benefit_invalid"), ("implemented", Decimal("1.005"), "benefit_invalid"),
    ("implemented", BENEFIT_MAX + 1, "benefit_invalid"), ("implemented", Decimal("NaN"), "benefit_invalid"),
    ("finished", None, "implementation_status"),
])
def test_where_a_benefit_belongs(status, benefit, code):
    if code is None:
        assert change("not_started", status, benefit) == status
    else:
        with pytest.raises(ValidationFailed) as caught:
            change("not_started", status, benefit)
        assert caught.value.code == code


@pytest.mark.parametrize(("author", "reviewer", "role", "reports", "confirms"), [
    (True, False, Role.AUTHOR, True, False), (False, True, Role.REVIEWER, True, True),
    (True, True, Role.AUTHOR_REVIEWER, True, False), (False, False, Role.NONE, False, False),
])
def test_who_reports_and_who_confirms(author, reviewer, role, reports, confirms):
    assert table.role_of(author=author, reviewer=reviewer) == role
    assert table.may_report(role) is reports
    ready = {"status": "implemented", "benefit": Decimal("2"), "confirmed": False}
    assert table.may_confirm(role=role, reported_benefit=False, **ready) is confirms
    assert table.may_confirm(role=role, reported_benefit=True, **ready) is False


@pytest.mark.parametrize(("role", "reported", "status", "benefit", "confirmed", "error", "code"), [
    (Role.REVIEWER, False, "implemented", Decimal("2"), False, None, None),
    (Role.AUTHOR, False, "implemented", Decimal("2"), False, PermissionDenied, "confirm_by_author"),
    (Role.AUTHOR_REVIEWER, False, "implemented", Decimal("2"), False, PermissionDenied, "confirm_by_author"),
    (Role.REVIEWER, True, "implemented", Decimal("2"), False, PermissionDenied, "confirm_by_reporter"),
    (Role.REVIEWER, False, "implemented", None, False, Conflict, "confirm_not_now"),
    (Role.REVIEWER, False, "in_progress", Decimal("2"), False, Conflict, "confirm_not_now"),
    (Role.REVIEWER, False, "not_started", None, False, Conflict, "confirm_not_now"),
    (Role.REVIEWER, False, "abandoned", None, False, Conflict, "confirm_not_now"),
    (Role.REVIEWER, False, "implemented", Decimal("2"), True, Conflict, "confirm_not_now"),
])
def test_every_confirmation(role, reported, status, benefit, confirmed, error, code):
    if error is None:
        check_confirm(role=role, reported_benefit=reported, status=status, benefit=benefit, confirmed=confirmed)
        assert table.may_confirm(role=role, reported_benefit=reported, status=status, benefit=benefit,
                                 confirmed=confirmed)
        return
    with pytest.raises(error) as caught:
        check_confirm(role=role, reported_benefit=reported, status=status, benefit=benefit, confirmed=confirmed)
    assert caught.value.code == code
    assert not table.may_confirm(role=role, reported_benefit=reported, status=status, benefit=benefit,
                           confirmed=confirmed)
