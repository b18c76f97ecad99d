"""Services of the organisation tree: create, edit, move, delete, each within the actor's scope."""

import pytest

from suzhi.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from suzhi.core.models import OperationLog, Organisation
from suzhi.core.names import name_initials
from suzhi.core.services import orgs as services
from tests.core.factories import UserFactory


def fields_of(exc: ValidationFailed) -> set[str]:
    return {d["field"] for d in exc.detail}


def create(actor, parent, code="NEW-1", name="七里镇乙企业", org_type_code="enterprise", **extra):
    return services.org_create(
        actor=actor, parent=parent, code=code, name=name, org_type_code=org_type_code, **extra
    )


def test_name_initials():
    assert name_initials("七里镇工会联合会") == "qlzghlhh"
    assert name_initials("3M中国(敦煌)") == "3mzgdh"
    assert name_initials("") == ""


def test_create_under_own_town(tree):
    org = create(tree.town_a_admin, tree.town_a, short_name=" 乙企业 ", contact_phone="138 0937 0001",
                 region_code="620982", address="七里镇")
    org.refresh_from_db()
    assert org.path.startswith(tree.town_a.path) and org.depth == tree.town_a.depth + 1
    assert org.name_initials == "qlzyqy"
    assert org.short_name == "乙企业"
    assert org.contact_phone == "13809370001"
    tree.town_a.refresh_from_db()
    assert tree.town_a.numchild == 2
    log = OperationLog.objects.get(action="org.create")
    assert log.actor == tree.town_a_admin and log.object_id == str(org.pk)
    assert log.after["contact_phone"] == "138****0001"  # never logged in full
    assert log.after["parent"] == "DH-QLZ"
    assert Organisation.objects.find_problems() == ([], [], [], [], [])


def test_create_accepts_type_by_chinese_label(tree):
    org = create(tree.town_a_admin, tree.town_a, org_type_code="学校")
    assert org.org_type.code == "school"


def test_create_under_other_town_is_not_found(tree):
    with pytest.raises(NotFound):
        create(tree.town_b_admin, tree.town_a)
    assert not Organisation.objects.filter(code="NEW-1").exists()


def test_create_needs_manage_permission(tree):
    with pytest.raises(PermissionDenied):
        create(tree.unit_a_admin, tree.unit_a)


def test_only_all_scope_creates_roots(tree):
    with pytest.raises(ValidationFailed) as exc:
        create(tree.committee_admin, None)
    assert "parent" in fields_of(exc.value)
    root = create(UserFactory(is_superuser=True), None, code="ROOT-2")
    assert root.depth == 1


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("code", "DH-QLZ"),  # taken
        ("code", "有 空格"),
        ("name", ""),
        ("org_type_code", "no-such-type"),
        ("region_code", "62098"),
        ("contact_phone", "12345"),
        ("short_name", "x" * 101),
    ],
)
def test_create_rejects_bad_fields(tree, field, value):
    kwargs = {"code": "NEW-1", "name": "乙企业", "org_type_code": "enterprise", field: value}
    with pytest.raises(ValidationFailed) as exc:
        services.org_create(actor=tree.town_a_admin, parent=tree.town_a, **kwargs)
    expected = "org_type" if field == "org_type_code" else field
    assert expected in fields_of(exc.value)
    assert exc.value.code == "validation_error"


@pytest.mark.parametrize("phone", ["13912345678", "0937-8812345", "09378812345", "010-12345678-123", ""])
def test_phone_formats_accepted(tree, phone):
    assert create(tree.town_a_admin, tree.town_a, contact_phone=phone).contact_phone == phone


@pytest.mark.parametrize("region", ["620982", "620982100", "620982100001", ""])
def test_region_code_lengths(tree, region):
    assert create(tree.town_a_admin, tree.town_a, region_code=region).region_code == region


def test_inactive_type_is_refused(tree):
    from tests.core.factories import org_type

    item = org_type("school")
    item.is_active = False
    item.save()
    with pytest.raises(ValidationFailed):
        create(tree.town_a_admin, tree.town_a, org_type_code="school")


def test_update_changes_and_logs_only_what_changed(tree):
    org = services.org_update(
        actor=tree.town_a_admin, org_id=tree.unit_a.pk,
        data={"name": "七里镇丙企业", "org_type": "培训站", "short_name": "丙"},
    )
    org.refresh_from_db()
    assert org.name == "七里镇丙企业" and org.name_initials == "qlzbqy" and org.org_type.code == "training_station"
    log = OperationLog.objects.get(action="org.update")
    assert set(log.after) == {"name", "org_type", "short_name"}
    assert log.before["name"] == "七里镇甲企业"


def test_update_without_change_writes_no_log(tree):
    services.org_update(actor=tree.town_a_admin, org_id=tree.unit_a.pk, data={"name": "七里镇甲企业"})
    assert not OperationLog.objects.filter(action="org.update").exists()


def test_update_code_must_stay_unique(tree):
    with pytest.raises(ValidationFailed) as exc:
        services.org_update(actor=tree.town_a_admin, org_id=tree.unit_a.pk, data={"code": "DH-SZZ"})
    assert fields_of(exc.value) == {"code"}


def test_update_keeps_phone_sent_back_masked(tree):
    services.org_update(actor=tree.town_a_admin, org_id=tree.unit_a.pk, data={"contact_phone": "13912345678"})
    services.org_update(actor=tree.town_a_admin, org_id=tree.unit_a.pk, data={"contact_phone": "139****5678"})
    tree.unit_a.refresh_from_db()
    assert tree.unit_a.contact_phone == "13912345678"


def test_update_outside_scope_is_not_found(tree):
    with pytest.raises(NotFound):
        services.org_update(actor=tree.town_b_admin, org_id=tree.unit_a.pk, data={"name": "改名"})
    tree.unit_a.refresh_from_db()
    assert tree.unit_a.name == "七里镇甲企业"


def test_move_subtree(tree):
    child = create(tree.committee_admin, tree.unit_a, code="UNDER-A")
    services.org_move(actor=tree.committee_admin, org_id=tree.unit_a.pk, target_id=tree.town_b.pk)
    tree.unit_a.refresh_from_db()
    child.refresh_from_db()
    assert tree.unit_a.path.startswith(tree.town_b.path) and tree.unit_a.depth == tree.town_b.depth + 1
    assert child.path.startswith(tree.unit_a.path)
    assert Organisation.objects.find_problems() == ([], [], [], [], [])
    log = OperationLog.objects.get(action="org.move")
    assert log.before == {"parent": "DH-QLZ"} and log.after == {"parent": "DH-SZZ"}


def test_move_into_itself_or_descendant_is_refused(tree):
    for target in (tree.town_a, tree.unit_a):
        with pytest.raises(ValidationFailed) as exc:
            services.org_move(actor=tree.committee_admin, org_id=tree.town_a.pk, target_id=target.pk)
        assert fields_of(exc.value) == {"target_id"}


def test_move_needs_both_ends_in_scope(tree):
    with pytest.raises(NotFound):  # target in another town
        services.org_move(actor=tree.town_a_admin, org_id=tree.unit_a.pk, target_id=tree.town_b.pk)
    with pytest.raises(NotFound):  # the organisation in another town
        services.org_move(actor=tree.town_b_admin, org_id=tree.unit_a.pk, target_id=tree.town_b.pk)
    tree.unit_a.refresh_from_db()
    assert tree.unit_a.path.startswith(tree.town_a.path)


def test_delete_empty_org(tree):
    org = create(tree.town_a_admin, tree.town_a)
    services.org_delete(actor=tree.town_a_admin, org_id=org.pk)
    assert not Organisation.objects.filter(pk=org.pk).exists()
    tree.town_a.refresh_from_db()
    assert tree.town_a.numchild == 1
    log = OperationLog.objects.get(action="org.delete")
    assert log.organisation_id == tree.town_a.pk and log.before["code"] == "NEW-1"


def test_delete_refused_while_in_use(tree):
    from django.utils import translation

    org = create(tree.town_a_admin, tree.town_a, code="BUSY")
    create(tree.town_a_admin, org, code="C1")
    create(tree.town_a_admin, org, code="C2")
    for _ in range(3):
        UserFactory(organisation=org)
    with translation.override("en"), pytest.raises(Conflict) as exc:
        services.org_delete(actor=tree.town_a_admin, org_id=org.pk)
    assert exc.value.code == "org_in_use"
    assert exc.value.detail == [{"what": "sub-organisations", "count": 2}, {"what": "user accounts", "count": 3}]
    assert str(exc.value.message) == (
        "This organisation still has 2 sub-organisations, 3 user accounts and cannot be deleted."
    )
    assert Organisation.objects.filter(pk=org.pk).exists()
    assert not OperationLog.objects.filter(action="org.delete").exists()


def test_delete_refused_for_org_with_children_users_and_roles(tree):
    with pytest.raises(Conflict):
        services.org_delete(actor=tree.committee_admin, org_id=tree.town_b.pk)


def test_delete_outside_scope_is_not_found(tree):
    with pytest.raises(NotFound):
        services.org_delete(actor=tree.town_b_admin, org_id=tree.unit_a.pk)
