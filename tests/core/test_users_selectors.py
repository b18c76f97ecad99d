"""Who sees which accounts, the list filters, and how phones are shown."""

import pytest

from suzhi.core.errors import NotFound
from suzhi.core.selectors.users import shown_phone, user_get, users_visible
from tests.core.factories import UserFactory, grant


def usernames(qs):
    return set(qs.values_list("username", flat=True))


def test_subtree_scope(tree):
    assert usernames(users_visible(user=tree.town_a_admin)) == {"town_a", "unit_a", "worker_a"}
    assert usernames(users_visible(user=tree.unit_a_admin)) == {"unit_a", "worker_a"}
    assert "town_a" not in usernames(users_visible(user=tree.town_b_admin))
    assert len(usernames(users_visible(user=tree.committee_admin))) == 5


def test_everyone_sees_themself(tree):
    assert usernames(users_visible(user=tree.participant_a)) == {"worker_a"}
    lonely = UserFactory(organisation=None)
    assert usernames(users_visible(user=lonely)) == {lonely.username}


def test_user_get_outside_scope_is_not_found(tree):
    with pytest.raises(NotFound):
        user_get(user=tree.town_b_admin, user_id=tree.participant_a.pk)
    with pytest.raises(NotFound):
        user_get(user=tree.town_a_admin, user_id="not-a-number")
    assert user_get(user=tree.town_a_admin, user_id=tree.participant_a.pk) == tree.participant_a


def test_org_filter_takes_the_subtree_and_must_be_visible(tree):
    assert usernames(users_visible(user=tree.committee_admin, org_id=tree.town_a.pk)) == {
        "town_a", "unit_a", "worker_a",
    }
    assert usernames(users_visible(user=tree.committee_admin, org_id=tree.unit_a.pk)) == {"unit_a", "worker_a"}
    with pytest.raises(NotFound):
        users_visible(user=tree.town_a_admin, org_id=tree.town_b.pk)
    with pytest.raises(NotFound):
        users_visible(user=tree.town_a_admin, org_id=999999)


@pytest.mark.parametrize(
    ("q", "expected"),
    [("worker", {"worker_a"}), ("0005", {"worker_a"}), ("０００５", {"worker_a"}), ("UNIT", {"unit_a"})],
)
def test_search(tree, q, expected):
    assert usernames(users_visible(user=tree.committee_admin, q=q)) == expected


def test_search_by_full_name(tree):
    tree.participant_a.full_name = "李小梅"
    tree.participant_a.save()
    assert usernames(users_visible(user=tree.committee_admin, q="小梅")) == {"worker_a"}


def test_phone_middle_digits_do_not_match(tree):
    assert usernames(users_visible(user=tree.committee_admin, q="3900")) == set()


def test_active_and_role_filters(tree):
    tree.participant_a.is_active = False
    tree.participant_a.save()
    assert usernames(users_visible(user=tree.town_a_admin, is_active=False)) == {"worker_a"}
    assert "worker_a" not in usernames(users_visible(user=tree.town_a_admin, is_active=True))
    grant(tree.unit_a_admin, "participant", tree.unit_a)
    assert usernames(users_visible(user=tree.town_a_admin, role_code="participant")) == {"worker_a", "unit_a"}
    # A user holding two roles is listed once.
    assert users_visible(user=tree.town_a_admin).count() == 3


def test_phone_masked_without_pii_view(tree):
    # unit_admin has no pii.view; town_admin has it over its town.
    assert shown_phone(viewer=tree.unit_a_admin, account=tree.participant_a) == "139****0005"
    assert shown_phone(viewer=tree.town_a_admin, account=tree.participant_a) == "13900000005"
    assert shown_phone(viewer=tree.participant_a, account=tree.participant_a) == "13900000005"


def test_pii_view_counts_only_over_its_own_scope(tree):
    """town_b's pii.view does not reach town_a's accounts, whatever else town_b may see."""
    viewer = UserFactory(organisation=tree.town_b)
    grant(viewer, "town_admin", tree.town_b)
    grant(viewer, "unit_admin", tree.unit_a)  # sees unit_a's users, but without pii.view there
    assert shown_phone(viewer=viewer, account=tree.participant_a) == "139****0005"
    assert shown_phone(viewer=UserFactory(is_superuser=True), account=tree.participant_a) == "13900000005"
