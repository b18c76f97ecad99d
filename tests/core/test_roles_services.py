"""Role definitions: validation, built-in roles, deletion rules, no escalation through role editing."""

import pytest

from suzhi.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from suzhi.core.models import OperationLog, Role
from suzhi.core.services import roles as services
from suzhi.core.services.users import EscalationRefused
from tests.core.factories import UserFactory, grant


def new_role(actor, **kwargs):
    fields = {"code": "trainer", "name": "培训员", "permissions": ["org.view", "user.view"], **kwargs}
    return services.role_create(actor=actor, **fields)


def fields_of(exc_info):
    return {item["field"] for item in exc_info.value.detail}


def test_create(tree):
    role = new_role(tree.committee_admin, permissions=["user.view", "org.view", "user.view"])
    assert role.permissions == ["org.view", "user.view"]  # registry order, no duplicates
    assert role.data_scope == "subtree" and not role.is_builtin
    row = OperationLog.objects.get(action="role.create")
    assert row.after["code"] == "trainer"


def test_create_needs_role_manage(tree):
    with pytest.raises(PermissionDenied):
        new_role(tree.town_a_admin)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"code": "x"}, "code"),
        ({"code": "has space"}, "code"),
        ({"code": "9lives"}, "code"),
        ({"code": "town_admin"}, "code"),
        ({"name": "  "}, "name"),
        ({"permissions": ["org.view", "nuke.all"]}, "permissions"),
        ({"data_scope": "galaxy"}, "data_scope"),
        ({"data_scope": "custom"}, "custom_organisations"),
    ],
)
def test_invalid_roles(tree, kwargs, field):
    with pytest.raises(ValidationFailed) as exc:
        new_role(tree.committee_admin, **kwargs)
    assert fields_of(exc) == {field}
    assert not Role.objects.filter(code=kwargs.get("code", "trainer"), is_builtin=False).exists()


def test_custom_scope_with_organisations(tree):
    role = new_role(tree.committee_admin, data_scope="custom", custom_organisation_ids=[tree.unit_a.pk, tree.unit_b.pk])
    assert set(role.custom_organisations.all()) == {tree.unit_a, tree.unit_b}
    role = services.role_update(actor=tree.committee_admin, role_id=role.pk, data_scope="org")
    assert role.custom_organisations.count() == 0


def test_custom_organisations_outside_scope(tree):
    narrow = UserFactory(organisation=tree.town_a)
    Role.objects.create(code="role_editor", name="角色编辑", data_scope="subtree",
                        permissions=["org.view", "role.manage"])
    grant(narrow, "role_editor", tree.town_a)
    with pytest.raises(ValidationFailed) as exc:
        new_role(narrow, permissions=["org.view"], data_scope="custom", custom_organisation_ids=[tree.unit_b.pk])
    assert fields_of(exc) == {"custom_organisations"}


def test_no_escalation_through_role_definitions(tree):
    editor = UserFactory(organisation=tree.town_a)
    Role.objects.create(code="role_editor", name="角色编辑", data_scope="subtree",
                        permissions=["org.view", "role.manage"])
    grant(editor, "role_editor", tree.town_a)
    with pytest.raises(EscalationRefused):
        new_role(editor, permissions=["org.view", "pii.view"])
    # Not even into the role they hold themselves.
    own = Role.objects.get(code="role_editor")
    with pytest.raises(EscalationRefused):
        services.role_update(actor=editor, role_id=own.pk, permissions=["org.view", "role.manage", "user.manage"])
    own.refresh_from_db()
    assert "user.manage" not in own.permissions


def test_all_scope_roles_need_an_all_scope_editor(tree):
    with pytest.raises(EscalationRefused):
        new_role(tree.committee_admin, data_scope="all")
    system_admin = Role.objects.get(code="system_admin")
    with pytest.raises(EscalationRefused):
        services.role_update(actor=tree.committee_admin, role_id=system_admin.pk, permissions=["org.view"])
    root = UserFactory(is_superuser=True)
    assert new_role(root, data_scope="all").data_scope == "all"


def test_builtin_roles_keep_code_and_stay(tree):
    town_admin = Role.objects.get(code="town_admin")
    with pytest.raises(ValidationFailed) as exc:
        services.role_update(actor=tree.committee_admin, role_id=town_admin.pk, code="renamed")
    assert fields_of(exc) == {"code"}
    role = services.role_update(actor=tree.committee_admin, role_id=town_admin.pk, name="镇管理员")
    assert role.name == "镇管理员" and role.code == "town_admin" and role.is_builtin
    with pytest.raises(Conflict) as conflict:
        services.role_delete(actor=tree.committee_admin, role_id=town_admin.pk)
    assert conflict.value.code == "builtin_role"


def test_update_logs_only_what_changed(tree):
    role = new_role(tree.committee_admin)
    services.role_update(actor=tree.committee_admin, role_id=role.pk, name="培训管理员", permissions=role.permissions)
    row = OperationLog.objects.get(action="role.update")
    assert row.before == {"name": "培训员"} and row.after == {"name": "培训管理员"}


def test_code_of_a_custom_role_can_change_but_stays_unique(tree):
    role = new_role(tree.committee_admin)
    assert services.role_update(actor=tree.committee_admin, role_id=role.pk, code="Trainer2").code == "trainer2"
    with pytest.raises(ValidationFailed):
        services.role_update(actor=tree.committee_admin, role_id=role.pk, code="judge")


def test_assigned_role_cannot_be_deleted(tree):
    role = new_role(tree.committee_admin)
    grant(tree.participant_a, role.code, tree.unit_a)
    grant(tree.unit_a_admin, role.code, tree.unit_a)
    with pytest.raises(Conflict) as exc:
        services.role_delete(actor=tree.committee_admin, role_id=role.pk)
    assert exc.value.code == "role_in_use" and exc.value.detail == {"assignments": 2}
    assert "2" in str(exc.value.message)
    assert Role.objects.filter(pk=role.pk).exists()


def test_delete(tree):
    role = new_role(tree.committee_admin, data_scope="custom", custom_organisation_ids=[tree.unit_a.pk])
    services.role_delete(actor=tree.committee_admin, role_id=role.pk)
    assert not Role.objects.filter(pk=role.pk).exists()
    row = OperationLog.objects.get(action="role.delete")
    assert row.object_id == str(role.pk) and row.before["code"] == "trainer"


def test_missing_role_is_not_found(tree):
    with pytest.raises(NotFound):
        services.role_delete(actor=tree.committee_admin, role_id=999999)
    with pytest.raises(NotFound):
        services.role_update(actor=tree.committee_admin, role_id="abc", name="x")
