from suzhi.core import scope
from suzhi.core.models import Organisation, Role
from tests.core.factories import UserFactory, grant


def visible(user, permission="org.view"):
    qs = scope.filter_queryset(Organisation.objects.all(), user, permission, org_field="")
    return set(qs.values_list("code", flat=True))


def test_subtree_scope_sees_own_town_and_below(tree):
    assert visible(tree.town_a_admin) == {"DH-QLZ", "DH-QLZ-001"}


def test_committee_sees_everything_below_it(tree):
    assert visible(tree.committee_admin) == {"DH-ZWH", "DH-ZGH", "DH-QLZ", "DH-QLZ-001", "DH-SZZ", "DH-SZZ-001"}


def test_permission_not_held_means_nothing(tree):
    assert visible(tree.participant_a) == set()
    assert visible(tree.unit_a_admin, "role.manage") == set()


def test_org_scope_is_that_org_only(tree):
    role = Role.objects.create(code="viewer_here", name="本级查看", data_scope="org", permissions=["org.view"])
    user = UserFactory(organisation=tree.town_b)
    grant(user, role.code, tree.town_b)
    assert visible(user) == {"DH-SZZ"}


def test_custom_scope_and_roles_combine_with_or(tree):
    role = Role.objects.create(code="custom_view", name="自定", data_scope="custom", permissions=["org.view"])
    role.custom_organisations.add(tree.unit_b)
    user = UserFactory(organisation=tree.town_a)
    grant(user, "custom_view", tree.town_a)
    assert visible(user) == {"DH-SZZ-001"}
    grant(user, "town_admin", tree.town_a)
    user = type(user).objects.get(pk=user.pk)  # fresh object: scopes are cached per user object
    assert visible(user) == {"DH-SZZ-001", "DH-QLZ", "DH-QLZ-001"}


def test_superuser_bypasses_scope(tree):
    root = UserFactory(is_superuser=True)
    assert len(visible(root)) == 6


def test_outside_scope_is_not_found(tree):
    import pytest

    from suzhi.core.errors import NotFound

    with pytest.raises(NotFound):
        scope.get_in_scope(Organisation.objects.all(), tree.town_a_admin, "org.view", pk=tree.town_b.pk, org_field="")
    assert scope.get_in_scope(
        Organisation.objects.all(), tree.town_a_admin, "org.view", pk=tree.unit_a.pk, org_field=""
    ) == tree.unit_a
