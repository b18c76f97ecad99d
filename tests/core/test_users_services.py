"""Account services: scope, escalation, phone and password rules, the operation log."""

import string

import pytest

from suzhi.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from suzhi.core.models import ApiToken, OperationLog, Role, RoleAssignment, User
from suzhi.core.permissions import permission_codes_for
from suzhi.core.services import users as services
from suzhi.core.services.auth import api_token_create
from suzhi.core.services.users import EscalationRefused, generate_password
from tests.core.factories import UserFactory, grant


def create(actor, org, **kwargs):
    fields = {"username": "zhangsan", "full_name": "张三", "organisation_id": org.pk, **kwargs}
    return services.user_create(actor=actor, **fields)


def fields_of(exc_info):
    return {item["field"] for item in exc_info.value.detail}


# --- creating accounts -------------------------------------------------------------------------


def test_admin_creates_account_with_generated_password(tree):
    user, password = create(tree.town_a_admin, tree.unit_a, phone="13812345678")
    assert user.organisation == tree.unit_a and user.must_change_password and user.is_active
    assert len(password) == 12 and user.check_password(password)
    classes = [set(string.ascii_lowercase), set(string.ascii_uppercase), set(string.digits)]
    assert sum(bool(cls & set(password)) for cls in classes) >= 3
    row = OperationLog.objects.get(action="user.create")
    assert row.actor == tree.town_a_admin and row.organisation == tree.unit_a
    assert row.after["phone"] == "138****5678"
    everything = str(list(OperationLog.objects.values()))
    assert password not in everything and "13812345678" not in everything


def test_generated_passwords_differ_and_mix_classes():
    seen = {generate_password() for _ in range(50)}
    assert len(seen) == 50
    for password in seen:
        assert len(password) == 12
        assert any(c.islower() for c in password) and any(c.isupper() for c in password)
        assert any(c.isdigit() for c in password)


def test_typed_password_is_kept_but_must_still_be_changed(tree):
    user, generated = create(tree.town_a_admin, tree.unit_a, password="Abcdefh7")
    assert generated is None
    assert user.check_password("Abcdefh7") and user.must_change_password


def test_abcdefg1_mixes_enough_classes_but_is_on_the_common_password_list(tree):
    """The complexity rule alone would accept it; the configured CommonPasswordValidator does not."""
    from suzhi.core.passwords import ComplexityValidator

    ComplexityValidator().validate("Abcdefg1")
    with pytest.raises(ValidationFailed) as exc:
        create(tree.town_a_admin, tree.unit_a, password="Abcdefg1")
    assert fields_of(exc) == {"password"}


@pytest.mark.parametrize("weak", ["abc", "abcdefgh", "abcdefg1"])
def test_password_policy_on_create(tree, weak):
    with pytest.raises(ValidationFailed) as exc:
        create(tree.town_a_admin, tree.unit_a, password=weak)
    assert fields_of(exc) == {"password"}
    assert not User.objects.filter(username="zhangsan").exists()


def test_account_outside_scope_is_refused(tree):
    with pytest.raises(ValidationFailed) as exc:
        create(tree.town_b_admin, tree.unit_a)
    assert fields_of(exc) == {"organisation_id"}
    # Same answer as for an organisation that does not exist: nothing is disclosed.
    with pytest.raises(ValidationFailed) as missing:
        create(tree.town_b_admin, type("Org", (), {"pk": 999999})())
    assert missing.value.message == exc.value.message
    assert not User.objects.filter(username="zhangsan").exists()


def test_without_user_manage_nothing_is_created(tree):
    with pytest.raises(PermissionDenied):
        create(tree.participant_a, tree.unit_a)


@pytest.mark.parametrize("username", ["ab", "has space", "张三", "x" * 151, "semi;colon"])
def test_bad_usernames(tree, username):
    with pytest.raises(ValidationFailed) as exc:
        create(tree.town_a_admin, tree.unit_a, username=username)
    assert fields_of(exc) == {"username"}


def test_usernames_are_unique_ignoring_case(tree):
    with pytest.raises(ValidationFailed) as exc:
        create(tree.town_a_admin, tree.unit_a, username="Town_A")
    assert fields_of(exc) == {"username"}


def test_allowed_username_characters(tree):
    user, _ = create(tree.town_a_admin, tree.unit_a, username="li.si-01_x@qlz")
    assert user.username == "li.si-01_x@qlz"


@pytest.mark.parametrize(
    ("raw", "stored"),
    [
        ("13812345678", "13812345678"),
        ("138 1234 5678", "13812345678"),
        ("１３８１２３４５６７８", "13812345678"),
        ("+86 138-1234-5678", "13812345678"),
        ("", None),
    ],
)
def test_phone_is_normalised(tree, raw, stored):
    user, _ = create(tree.town_a_admin, tree.unit_a, phone=raw)
    user.refresh_from_db()
    assert user.phone == stored


@pytest.mark.parametrize("phone", ["12812345678", "1381234567", "138123456789", "abc", "02012345678"])
def test_invalid_phones(tree, phone):
    with pytest.raises(ValidationFailed) as exc:
        create(tree.town_a_admin, tree.unit_a, phone=phone)
    assert fields_of(exc) == {"phone"}


def test_phone_is_unique_even_in_another_form(tree):
    with pytest.raises(ValidationFailed) as exc:
        create(tree.town_a_admin, tree.unit_a, phone="139 0000 0002")  # town_a's own number
    assert fields_of(exc) == {"phone"}


def test_username_may_not_be_someone_elses_phone(tree):
    """Login takes a username or a phone; one account's name must not open another."""
    with pytest.raises(ValidationFailed) as exc:
        create(tree.town_a_admin, tree.unit_a, username="13900000004")
    assert fields_of(exc) == {"username"}


def test_create_with_roles(tree):
    user, _ = create(tree.town_a_admin, tree.unit_a, role_codes=["participant", "unit_admin"])
    held = set(RoleAssignment.objects.filter(user=user).values_list("role__code", "organisation__code"))
    assert held == {("participant", "DH-QLZ-001"), ("unit_admin", "DH-QLZ-001")}
    assert OperationLog.objects.filter(action="user.role_assign").count() == 2


# --- privilege escalation ----------------------------------------------------------------------


def test_unit_admin_cannot_grant_committee_admin(tree):
    with pytest.raises(EscalationRefused) as exc:
        create(tree.unit_a_admin, tree.unit_a, role_codes=["committee_admin"])
    assert exc.value.status == 403 and fields_of(exc) == {"role_codes"}
    assert not User.objects.filter(username="zhangsan").exists()
    with pytest.raises(EscalationRefused):
        services.user_role_assign(
            actor=tree.unit_a_admin, user_id=tree.participant_a.pk, role_code="committee_admin",
            organisation_id=tree.unit_a.pk,
        )
    assert not RoleAssignment.objects.filter(user=tree.participant_a, role__code="committee_admin").exists()


def test_town_admin_cannot_grant_roles_with_codes_they_lack(tree):
    with pytest.raises(EscalationRefused):
        services.user_role_assign(
            actor=tree.town_a_admin, user_id=tree.participant_a.pk, role_code="system_admin",
            organisation_id=tree.unit_a.pk,
        )


def test_roles_within_own_rights_can_be_granted(tree):
    assignment = services.user_role_assign(
        actor=tree.unit_a_admin, user_id=tree.participant_a.pk, role_code="unit_admin",
        organisation_id=tree.unit_a.pk,
    )
    assert assignment.role.code == "unit_admin"


def test_granting_at_an_organisation_outside_scope_is_refused(tree):
    with pytest.raises(ValidationFailed) as exc:
        services.user_role_assign(
            actor=tree.town_a_admin, user_id=tree.participant_a.pk, role_code="participant",
            organisation_id=tree.town_b.pk,
        )
    assert fields_of(exc) == {"organisation_id"}


def test_all_scope_roles_need_an_all_scope_actor(tree):
    Role.objects.create(code="viewer_all", name="全部查看", data_scope="all", permissions=["org.view"])
    with pytest.raises(EscalationRefused):
        services.user_role_assign(
            actor=tree.committee_admin, user_id=tree.participant_a.pk, role_code="viewer_all",
            organisation_id=tree.unit_a.pk,
        )
    root = UserFactory(is_superuser=True)
    services.user_role_assign(
        actor=root, user_id=tree.participant_a.pk, role_code="viewer_all", organisation_id=tree.unit_a.pk
    )
    system = UserFactory(organisation=tree.committee)
    grant(system, "system_admin", tree.committee)
    services.user_role_assign(
        actor=system, user_id=tree.unit_a_admin.pk, role_code="viewer_all", organisation_id=tree.unit_a.pk
    )
    assert RoleAssignment.objects.filter(role__code="viewer_all").count() == 2


def test_custom_roles_only_over_organisations_in_scope(tree):
    outside = Role.objects.create(code="watch_b", name="看乙", data_scope="custom", permissions=["org.view"])
    outside.custom_organisations.add(tree.unit_b)
    inside = Role.objects.create(code="watch_a", name="看甲", data_scope="custom", permissions=["org.view"])
    inside.custom_organisations.add(tree.unit_a)
    with pytest.raises(EscalationRefused):
        services.user_role_assign(
            actor=tree.town_a_admin, user_id=tree.participant_a.pk, role_code="watch_b",
            organisation_id=tree.unit_a.pk,
        )
    services.user_role_assign(
        actor=tree.town_a_admin, user_id=tree.participant_a.pk, role_code="watch_a", organisation_id=tree.unit_a.pk
    )


def test_granted_scope_may_not_be_wider_than_the_actors(tree):
    """An admin whose org.view reaches only their own organisation cannot hand out org.view for a subtree."""
    narrow = Role.objects.create(
        code="narrow_admin", name="本级管理员", data_scope="org", permissions=["org.view", "user.view", "user.manage"]
    )
    Role.objects.create(code="tree_viewer", name="本级及以下查看", data_scope="subtree", permissions=["org.view"])
    Role.objects.create(code="org_viewer", name="本级查看", data_scope="org", permissions=["org.view"])
    actor = UserFactory(organisation=tree.town_a)
    grant(actor, narrow.code, tree.town_a)
    with pytest.raises(EscalationRefused):
        services.user_role_assign(
            actor=actor, user_id=actor.pk, role_code="tree_viewer", organisation_id=tree.town_a.pk
        )
    target, _ = services.user_create(
        actor=actor, username="helper", full_name="助手", organisation_id=tree.town_a.pk, role_codes=["org_viewer"]
    )
    assert RoleAssignment.objects.filter(user=target, role__code="org_viewer").exists()


def test_cannot_take_over_a_higher_account(tree):
    """A committee admin placed in unit_a is in unit_a's scope, but their password is not unit_a's to reset."""
    boss = UserFactory(organisation=tree.unit_a)
    grant(boss, "committee_admin", tree.committee)
    with pytest.raises(EscalationRefused):
        services.user_password_reset(actor=tree.town_a_admin, user_id=boss.pk)
    with pytest.raises(EscalationRefused):
        services.user_update(actor=tree.town_a_admin, user_id=boss.pk, is_active=False)
    boss.refresh_from_db()
    assert boss.is_active and not boss.must_change_password


def test_superusers_are_changed_only_by_superusers(tree):
    root = UserFactory(is_superuser=True, organisation=tree.unit_a)
    with pytest.raises(EscalationRefused):
        services.user_password_reset(actor=tree.committee_admin, user_id=root.pk)


# --- changing accounts -------------------------------------------------------------------------


def test_update_in_scope_and_logged_masked(tree):
    user = services.user_update(
        actor=tree.town_a_admin, user_id=tree.participant_a.pk, full_name="王五", phone="13712345678",
        organisation_id=tree.town_a.pk,
    )
    user.refresh_from_db()
    assert (user.full_name, user.phone, user.organisation) == ("王五", "13712345678", tree.town_a)
    row = OperationLog.objects.get(action="user.update")
    assert row.before["phone"] == "139****0005" and row.after["phone"] == "137****5678"
    assert "13712345678" not in str(row.after)


def test_update_outside_scope_is_not_found(tree):
    with pytest.raises(NotFound):
        services.user_update(actor=tree.town_b_admin, user_id=tree.participant_a.pk, full_name="篡改")
    tree.participant_a.refresh_from_db()
    assert tree.participant_a.full_name != "篡改"


def test_moving_outside_scope_is_refused(tree):
    with pytest.raises(ValidationFailed) as exc:
        services.user_update(actor=tree.town_a_admin, user_id=tree.participant_a.pk, organisation_id=tree.unit_b.pk)
    assert fields_of(exc) == {"organisation_id"}


def test_phone_can_be_removed_and_nothing_changed_writes_no_log(tree):
    services.user_update(actor=tree.town_a_admin, user_id=tree.participant_a.pk, phone="")
    tree.participant_a.refresh_from_db()
    assert tree.participant_a.phone is None
    services.user_update(actor=tree.town_a_admin, user_id=tree.participant_a.pk, full_name=tree.participant_a.full_name)
    assert OperationLog.objects.filter(action="user.update").count() == 1


def test_cannot_deactivate_yourself(tree):
    with pytest.raises(ValidationFailed) as exc:
        services.user_update(actor=tree.town_a_admin, user_id=tree.town_a_admin.pk, is_active=False)
    assert fields_of(exc) == {"is_active"}


def test_deactivate_and_reactivate(tree):
    services.user_update(actor=tree.town_a_admin, user_id=tree.participant_a.pk, is_active=False)
    assert not User.objects.get(pk=tree.participant_a.pk).is_active
    services.user_update(actor=tree.town_a_admin, user_id=tree.participant_a.pk, is_active=True)
    assert User.objects.get(pk=tree.participant_a.pk).is_active
    assert list(OperationLog.objects.values_list("action", flat=True).order_by("id")) == [
        "user.deactivate", "user.activate",
    ]


def test_password_reset(tree, password):
    api_token_create(user=tree.participant_a, name="脚本")
    temporary = services.user_password_reset(actor=tree.town_a_admin, user_id=tree.participant_a.pk)
    user = User.objects.get(pk=tree.participant_a.pk)
    assert user.check_password(temporary) and not user.check_password(password)
    assert user.must_change_password
    assert not ApiToken.objects.filter(user=user, revoked_at__isnull=True).exists()
    row = OperationLog.objects.get(action="user.password_reset")
    assert temporary not in str(OperationLog.objects.filter(pk=row.pk).values().get())


def test_password_reset_outside_scope_and_of_yourself(tree, password):
    with pytest.raises(NotFound):
        services.user_password_reset(actor=tree.town_b_admin, user_id=tree.participant_a.pk)
    assert User.objects.get(pk=tree.participant_a.pk).check_password(password)
    with pytest.raises(ValidationFailed):
        services.user_password_reset(actor=tree.town_a_admin, user_id=tree.town_a_admin.pk)


# --- role assignments --------------------------------------------------------------------------


def test_assign_and_revoke(tree):
    assignment = services.user_role_assign(
        actor=tree.town_a_admin, user_id=tree.participant_a.pk, role_code="judge", organisation_id=tree.town_a.pk
    )
    with pytest.raises(Conflict):
        services.user_role_assign(
            actor=tree.town_a_admin, user_id=tree.participant_a.pk, role_code="judge",
            organisation_id=tree.town_a.pk,
        )
    services.user_role_revoke(actor=tree.town_a_admin, assignment_id=assignment.pk)
    assert not RoleAssignment.objects.filter(pk=assignment.pk).exists()
    actions = list(OperationLog.objects.values_list("action", flat=True).order_by("id"))
    assert actions == ["user.role_assign", "user.role_revoke"]


def test_unknown_role_code(tree):
    with pytest.raises(ValidationFailed) as exc:
        services.user_role_assign(
            actor=tree.town_a_admin, user_id=tree.participant_a.pk, role_code="nope", organisation_id=tree.unit_a.pk
        )
    assert fields_of(exc) == {"role_code"}


def test_assign_outside_scope_is_not_found(tree):
    with pytest.raises(NotFound):
        services.user_role_assign(
            actor=tree.town_b_admin, user_id=tree.participant_a.pk, role_code="judge",
            organisation_id=tree.town_b.pk,
        )


def test_revoke_outside_scope_is_not_found(tree):
    assignment = RoleAssignment.objects.get(user=tree.participant_a)
    with pytest.raises(NotFound):
        services.user_role_revoke(actor=tree.town_b_admin, assignment_id=assignment.pk)
    with pytest.raises(NotFound):
        services.user_role_revoke(actor=tree.town_a_admin, assignment_id=assignment.pk, user_id=tree.unit_a_admin.pk)
    assert RoleAssignment.objects.filter(pk=assignment.pk).exists()


def test_cannot_revoke_a_role_held_above_you(tree):
    above = grant(tree.participant_a, "judge", tree.committee)
    with pytest.raises(EscalationRefused):
        services.user_role_revoke(actor=tree.unit_a_admin, assignment_id=above.pk)
    assert RoleAssignment.objects.filter(pk=above.pk).exists()


def test_role_changes_forget_cached_permissions(tree):
    actor = tree.town_a_admin
    assert "notice.manage" in permission_codes_for(actor)  # fills the cache
    assignment = services.user_role_assign(
        actor=actor, user_id=actor.pk, role_code="unit_admin", organisation_id=tree.unit_a.pk
    )
    assert not hasattr(actor, "_suzhi_permission_codes")
    permission_codes_for(actor)
    services.user_role_revoke(actor=actor, assignment_id=assignment.pk)
    assert not hasattr(actor, "_suzhi_permission_codes")
