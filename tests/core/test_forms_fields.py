"""The organisation field: a select for a township, a search box at province scale, both scoped."""

import pytest

from suzhi.core.forms import fields
from suzhi.core.forms.users import UserCreateForm
from suzhi.core.services.orgs import org_create
from tests.core.factories import make_org


def test_small_scope_renders_a_select_in_tree_order(tree):
    html = str(UserCreateForm(actor=tree.town_a_admin)["organisation"])
    assert "<select" in html and "七里镇工会联合会" in html and "七里镇甲企业" in html
    assert "沙州镇" not in html
    assert html.index("七里镇工会联合会") < html.index("\u3000七里镇甲企业")  # the child is indented


def test_large_scope_renders_a_search_box_with_the_chosen_value(tree, monkeypatch):
    monkeypatch.setattr(fields, "SELECT_LIMIT", 1)
    form = UserCreateForm(actor=tree.town_a_admin, initial={"organisation": tree.unit_a.pk})
    html = str(form["organisation"])
    assert "<select" not in html and "data-org-picker" in html
    assert f'name="organisation" value="{tree.unit_a.pk}"' in html and "七里镇甲企业" in html
    assert "permission&quot;: &quot;user.manage" in html or '"permission": "user.manage"' in html


def test_a_value_outside_the_scope_is_refused_either_way(tree, monkeypatch):
    monkeypatch.setattr(fields, "SELECT_LIMIT", 1)
    form = UserCreateForm(
        {"username": "xiaoli", "full_name": "小李", "organisation": tree.unit_b.pk}, actor=tree.town_a_admin
    )
    assert not form.is_valid() and "organisation" in form.errors


def test_pick_searches_only_the_callers_scope(tree, login_client):
    make_org("七里镇乙企业", parent=tree.town_a, code="QLZ-B")
    client = login_client(tree.town_a_admin)
    html = client.get("/orgs/pick/", {"orgpick_q": "企业", "permission": "user.manage"}).content.decode()
    assert "七里镇甲企业" in html and "七里镇乙企业" in html and "沙州镇乙企业" not in html
    assert "七里镇工会联合会" in html  # the path shown under each match
    org_create(
        actor=tree.town_a_admin, parent=tree.town_a, code="QLZ-C", name="七里镇丙企业", org_type_code="enterprise"
    )
    by_initials = client.get("/orgs/pick/", {"orgpick_q": "qlzbqy", "permission": "user.manage"}).content.decode()
    assert "七里镇丙企业" in by_initials


@pytest.mark.parametrize("permission", ["log.view", "dict.manage", "nonsense"])
def test_pick_refuses_permissions_it_does_not_serve_or_the_user_lacks(tree, login_client, permission):
    response = login_client(tree.town_a_admin).get("/orgs/pick/", {"orgpick_q": "镇", "permission": permission})
    assert response.status_code == 403


def test_pick_query_count_does_not_grow_with_matches(tree, login_client, django_assert_max_num_queries):
    for i in range(30):
        make_org(f"七里镇企业{i}", parent=tree.town_a)
    client = login_client(tree.town_a_admin)
    client.get("/orgs/pick/", {"orgpick_q": "企业"})
    with django_assert_max_num_queries(8):
        response = client.get("/orgs/pick/", {"orgpick_q": "企业"})
    assert response.context["more"] is True and len(response.context["orgs"]) == 20
