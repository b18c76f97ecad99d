"""Reads of the organisation tree through the data scope."""

import pytest

from suzhi.core.errors import NotFound
from suzhi.core.models import Organisation, Role
from suzhi.core.selectors import orgs as selectors
from suzhi.core.services.orgs import org_update
from tests.core.factories import UserFactory, grant


def codes(orgs) -> list[str]:
    return [org.code for org in orgs]


def role(code, scope, permissions=("org.view",)):
    return Role.objects.create(code=code, name=code, data_scope=scope, permissions=list(permissions))


def test_visible_per_user(tree):
    assert codes(selectors.orgs_visible(user=tree.town_a_admin)) == ["DH-QLZ", "DH-QLZ-001"]
    assert len(selectors.orgs_visible(user=tree.committee_admin)) == 6
    assert codes(selectors.orgs_visible(user=tree.participant_a)) == []


def test_scope_roots_subtree_and_all(tree):
    assert codes(selectors.scope_roots(user=tree.town_b_admin)) == ["DH-SZZ"]
    assert codes(selectors.scope_roots(user=UserFactory(is_superuser=True))) == ["DH-ZWH"]
    assert selectors.scope_roots(user=tree.participant_a) == []


def test_scope_roots_org_scope_and_overlaps(tree):
    role("org_viewer", "org")
    user = UserFactory(organisation=tree.unit_b)
    grant(user, "org_viewer", tree.unit_b)
    grant(user, "org_viewer", tree.town_a)
    assert codes(selectors.scope_roots(user=user)) == ["DH-QLZ", "DH-SZZ-001"]
    grant(user, "town_admin", tree.federation)  # a subtree that covers both
    user = type(user).objects.get(pk=user.pk)
    assert codes(selectors.scope_roots(user=user)) == ["DH-ZGH"]


def test_scope_roots_self_scope_is_own_org(tree):
    role("self_viewer", "self")
    grant(tree.participant_a, "self_viewer", tree.unit_a)
    assert codes(selectors.scope_roots(user=tree.participant_a)) == ["DH-QLZ-001"]
    assert codes(selectors.orgs_visible(user=tree.participant_a)) == ["DH-QLZ-001"]
    assert selectors.org_get(user=tree.participant_a, org_id=tree.unit_a.pk) == tree.unit_a
    with pytest.raises(NotFound):
        selectors.org_get(user=tree.participant_a, org_id=tree.town_a.pk)


def test_scope_roots_custom_scope(tree):
    custom = role("custom_viewer", "custom")
    custom.custom_organisations.add(tree.unit_b, tree.unit_a)
    user = UserFactory(organisation=tree.town_a)
    grant(user, "custom_viewer", tree.town_a)
    assert codes(selectors.scope_roots(user=user)) == ["DH-QLZ-001", "DH-SZZ-001"]


def test_children(tree):
    assert codes(selectors.org_children(user=tree.committee_admin, org_id=tree.federation.pk)) == ["DH-QLZ", "DH-SZZ"]
    assert codes(selectors.org_children(user=tree.town_a_admin, org_id=tree.town_a.pk)) == ["DH-QLZ-001"]
    with pytest.raises(NotFound):
        selectors.org_children(user=tree.town_b_admin, org_id=tree.town_a.pk)
    with pytest.raises(NotFound):
        selectors.org_children(user=tree.town_a_admin, org_id=tree.federation.pk)


def test_children_of_org_scope_are_hidden(tree):
    role("org_viewer", "org")
    user = UserFactory(organisation=tree.town_a)
    grant(user, "org_viewer", tree.town_a)
    assert codes(selectors.org_children(user=user, org_id=tree.town_a.pk)) == []


def test_search_fields_and_scope(tree):
    org_update(actor=tree.committee_admin, org_id=tree.unit_a.pk, data={"name": "七里镇甲公司", "short_name": "甲司"})
    admin = tree.town_a_admin
    assert codes(selectors.org_search(user=admin, q="甲公司")) == ["DH-QLZ-001"]
    assert codes(selectors.org_search(user=admin, q="甲司")) == ["DH-QLZ-001"]
    assert codes(selectors.org_search(user=admin, q="qlz-001")) == ["DH-QLZ-001"]
    assert codes(selectors.org_search(user=admin, q="QLZJGS")) == ["DH-QLZ-001"]
    assert codes(selectors.org_search(user=admin, q="  ")) == []
    assert codes(selectors.org_search(user=tree.town_b_admin, q="七里")) == []


def test_get_and_access_for_update(tree):
    assert selectors.org_get(user=tree.town_a_admin, org_id=tree.unit_a.pk) == tree.unit_a
    for bad in (tree.unit_b.pk, 999999, "abc", None):
        with pytest.raises(NotFound):
            selectors.org_get(user=tree.town_a_admin, org_id=bad)
    assert selectors.access_org_for_update(user=tree.town_a_admin, org_id=tree.unit_a.pk) == tree.unit_a
    with pytest.raises(NotFound):  # sees it, may not change it
        selectors.access_org_for_update(user=tree.unit_a_admin, org_id=tree.unit_a.pk)
    with pytest.raises(NotFound):
        selectors.access_org_for_update(user=tree.town_b_admin, org_id=tree.unit_a.pk)


def test_breadcrumb_in_one_query(tree, django_assert_num_queries):
    with django_assert_num_queries(1):
        crumbs = selectors.org_breadcrumb(tree.unit_a)
    assert codes(crumbs) == ["DH-ZWH", "DH-ZGH", "DH-QLZ"]
    assert codes(selectors.org_breadcrumb(tree.unit_a, user=tree.town_a_admin)) == ["DH-QLZ"]
    with django_assert_num_queries(0):
        assert selectors.org_breadcrumb(tree.committee) == []


def test_ancestors_of_many_in_one_query(tree, django_assert_max_num_queries):
    orgs = list(Organisation.objects.filter(depth__gte=3))
    selectors.is_visible(tree.committee_admin, tree.committee)  # the scope is computed once and cached
    with django_assert_max_num_queries(1):
        found = selectors.ancestors_of_many(orgs, user=tree.committee_admin)
    assert codes(found[tree.unit_b.pk]) == ["DH-ZWH", "DH-ZGH", "DH-SZZ"]


def test_visible_parent_id(tree):
    qs = selectors.with_parent_pk(Organisation.objects.filter(pk__in=[tree.town_a.pk, tree.unit_a.pk]))
    town, unit = sorted(qs, key=lambda o: o.depth)
    assert selectors.visible_parent_id(tree.committee_admin, town) == tree.federation.pk
    assert selectors.visible_parent_id(tree.town_a_admin, town) is None
    assert selectors.visible_parent_id(tree.town_a_admin, unit) == tree.town_a.pk


def test_subtree(tree):
    assert codes(selectors.org_subtree(user=tree.committee_admin, root_id=tree.town_b.pk)) == ["DH-SZZ", "DH-SZZ-001"]
    assert codes(selectors.org_subtree(user=tree.town_a_admin)) == ["DH-QLZ", "DH-QLZ-001"]
    with pytest.raises(NotFound):
        selectors.org_subtree(user=tree.town_a_admin, root_id=tree.town_b.pk)
