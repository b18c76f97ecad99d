"""Roster services: validation per field, the ID cross-checks, duplicates, transfers, leaving, logins."""

import datetime

import pytest

from suzhi.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from suzhi.core.models import DictType, OperationLog, User
from suzhi.people.models import Person, PersonAttribute, PersonTransfer
from suzhi.people.services import persons as services
from tests.people.test_persons_helpers import make_person, resident_id

BIRTH = datetime.date(1985, 6, 15)


def _fields(exc: ValidationFailed) -> set[str]:
    return {item["field"] for item in exc.detail}


def _create(tree, actor=None, **fields):
    values = {"name": "张三", "id_number": resident_id(BIRTH, male=True), "organisation_id": tree.unit_a.pk}
    values.update(fields)
    return services.person_create(actor=actor or tree.town_a_admin, **values)


def test_create_derives_birth_gender_initials_and_logs_masked(tree):
    number = resident_id(BIRTH, male=True)
    person = _create(tree, id_number=f" {number[:-1]}{number[-1].lower()} ", phone="138 0013 8000",
                     categories=["in_post", "union_cadre"], education="bachelor", union_member="是")
    assert person.birth_date == BIRTH and person.gender == "M"
    assert person.name_initials == "zs" and person.id_last4 == number[-4:] and person.id_number == number
    assert person.phone == "13800138000" and person.union_member
    assert sorted(person.categories.values_list("code", flat=True)) == ["in_post", "union_cadre"]
    row = OperationLog.objects.get(action="person.create", object_id=str(person.pk))
    assert row.after["id_number"] == f"{number[:6]}********{number[-4:]}"
    assert row.after["phone"] == "138****8000"
    assert number not in str(row.after) and "13800138000" not in str(row.after)
    assert "1985-06-15" not in str(row.after)  # with the masked number it would give the whole number


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"name": "  "}, "name"),
        ({"id_number": "620982198506150000"}, "id_number"),
        ({"id_number": "62098219850615"}, "id_number"),
        ({"id_number": "6.20982E+17"}, "id_number"),
        ({"id_number": ""}, "id_number"),
        ({"phone": "12345"}, "phone"),
        ({"gender": "未知"}, "gender"),
        ({"birth_date": "不是日期"}, "birth_date"),
        ({"hire_date": "2024-13-40"}, "hire_date"),
        ({"union_member": "也许"}, "union_member"),
        ({"categories": ["no_such"]}, "categories"),
        ({"education": "no_such"}, "education"),
        ({"political_status": "no_such"}, "political_status"),
        ({"id_type": "nonsense"}, "id_type"),
        ({"organisation_id": None}, "organisation_id"),
    ],
)
def test_each_bad_field_is_reported_on_that_field(tree, fields, field):
    with pytest.raises(ValidationFailed) as caught:
        _create(tree, **fields)
    assert field in _fields(caught.value)
    assert not Person.objects.exists()


def test_all_bad_fields_reported_together(tree):
    with pytest.raises(ValidationFailed) as caught:
        _create(tree, name="", phone="1", hire_date="x")
    assert {"name", "phone", "hire_date"} <= _fields(caught.value)


def test_given_birth_date_and_gender_must_match_the_id_number(tree):
    with pytest.raises(ValidationFailed) as caught:
        _create(tree, birth_date="1985-06-16", gender="女")
    assert _fields(caught.value) == {"birth_date", "gender"}
    person = _create(tree, birth_date="1985年6月15日", gender="男")
    assert person.birth_date == BIRTH


def test_other_id_types_get_a_plain_format_check(tree):
    person = _create(tree, id_type="hk_macao", id_number="h1234567 8", gender="女", birth_date="1990-01-02")
    assert person.id_number == "H12345678" and person.gender == "F"
    assert person.birth_date == datetime.date(1990, 1, 2)
    with pytest.raises(ValidationFailed) as caught:
        _create(tree, id_type="passport", id_number="E1#")
    assert _fields(caught.value) == {"id_number"}


def test_duplicate_id_number_names_the_organisation_only_when_visible(tree):
    number = resident_id(BIRTH)
    make_person("李四", tree.unit_b, id_number=number)
    with pytest.raises(ValidationFailed) as caught:
        _create(tree, actor=tree.committee_admin, id_number=number)
    assert _fields(caught.value) == {"id_number"} and tree.unit_b.name in caught.value.detail[0]["message"]
    with pytest.raises(ValidationFailed) as caught:
        _create(tree, id_number=number)
    assert tree.unit_b.name not in caught.value.detail[0]["message"]


def test_create_outside_scope_is_refused(tree):
    with pytest.raises(ValidationFailed) as caught:
        _create(tree, actor=tree.town_b_admin)
    assert _fields(caught.value) == {"organisation_id"}
    with pytest.raises(PermissionDenied):
        _create(tree, actor=tree.participant_a)


def test_typed_extra_attributes(tree):
    subjects = DictType.objects.create(code="subject", name="学科")
    subjects.items.create(code="math", label="数学")
    PersonAttribute.objects.create(key="subject", label="任教学科", value_type="choice", dict_type=subjects)
    PersonAttribute.objects.create(key="grade", label="任教年级", value_type="int")
    PersonAttribute.objects.create(key="certified_on", label="取证日期", value_type="date")
    PersonAttribute.objects.create(key="head_teacher", label="班主任", value_type="bool")
    person = _create(tree, extra={"subject": "数学", "grade": "３", "certified_on": "2020/9/1", "head_teacher": "是"})
    assert person.extra == {"subject": "math", "grade": 3, "certified_on": "2020-09-01", "head_teacher": True}
    with pytest.raises(ValidationFailed) as caught:
        services.person_update(actor=tree.town_a_admin, person_id=person.pk,
                               extra={"subject": "语文", "grade": "三", "unknown": "x", "certified_on": "x"})
    assert _fields(caught.value) == {"extra.subject", "extra.grade", "extra.unknown", "extra.certified_on"}
    services.person_update(actor=tree.town_a_admin, person_id=person.pk, extra={"grade": "", "head_teacher": "否"})
    person.refresh_from_db()
    assert person.extra == {"subject": "math", "certified_on": "2020-09-01", "head_teacher": False}


def test_update_changes_only_given_fields_and_logs_the_difference(tree):
    person = _create(tree, phone="13800138000", post="技术员")
    services.person_update(actor=tree.town_a_admin, person_id=person.pk, name="张小三", categories=["teacher"])
    person.refresh_from_db()
    assert (person.name, person.name_initials, person.phone, person.post) == ("张小三", "zxs", "13800138000", "技术员")
    row = OperationLog.objects.get(action="person.update")
    assert set(row.after) == {"name", "categories"}
    assert OperationLog.objects.filter(action="person.update").count() == 1
    services.person_update(actor=tree.town_a_admin, person_id=person.pk, post="技术员")
    assert OperationLog.objects.filter(action="person.update").count() == 1  # nothing changed, nothing logged


def test_update_outside_scope_is_not_found(tree):
    person = make_person("王五", tree.unit_a)
    with pytest.raises(NotFound):
        services.person_update(actor=tree.town_b_admin, person_id=person.pk, name="改名")
    for call in (
        lambda: services.person_transfer(actor=tree.town_b_admin, person_id=person.pk,
                                         to_organisation_id=tree.unit_b.pk),
        lambda: services.person_deactivate(actor=tree.town_b_admin, person_id=person.pk, reason="resigned"),
        lambda: services.person_login_create(actor=tree.town_b_admin, person_id=person.pk),
        lambda: services.person_pii_reveal(actor=tree.town_b_admin, person_id=person.pk),
    ):
        with pytest.raises(NotFound):
            call()
    person.refresh_from_db()
    assert person.name == "王五" and person.organisation_id == tree.unit_a.pk and person.is_active


def test_transfer_keeps_history(tree):
    person = make_person("王五", tree.unit_a)
    services.person_transfer(actor=tree.committee_admin, person_id=person.pk, to_organisation_id=tree.unit_b.pk,
                             reason="工作调动")
    services.person_transfer(actor=tree.committee_admin, person_id=person.pk, to_organisation_id=tree.town_a.pk)
    person.refresh_from_db()
    assert person.organisation_id == tree.town_a.pk
    history = list(PersonTransfer.objects.filter(person=person).order_by("id")
                   .values_list("from_organisation_id", "to_organisation_id", "reason"))
    assert history == [(tree.unit_a.pk, tree.unit_b.pk, "工作调动"), (tree.unit_b.pk, tree.town_a.pk, "")]
    assert OperationLog.objects.filter(action="person.transfer", object_id=str(person.pk)).count() == 2


def test_transfer_target_must_be_in_scope_and_different(tree):
    person = make_person("王五", tree.unit_a)
    with pytest.raises(ValidationFailed) as caught:
        services.person_transfer(actor=tree.town_a_admin, person_id=person.pk, to_organisation_id=tree.unit_b.pk)
    assert _fields(caught.value) == {"to_organisation_id"}
    with pytest.raises(ValidationFailed):
        services.person_transfer(actor=tree.town_a_admin, person_id=person.pk, to_organisation_id=tree.unit_a.pk)
    assert not PersonTransfer.objects.exists()


def test_deactivate_keeps_the_record_and_reactivate_restores(tree):
    person = make_person("王五", tree.unit_a)
    services.person_transfer(actor=tree.town_a_admin, person_id=person.pk, to_organisation_id=tree.town_a.pk)
    services.person_deactivate(actor=tree.town_a_admin, person_id=person.pk, reason="retired",
                               left_on="2024-04-10")
    person.refresh_from_db()
    assert not person.is_active and person.left_on == datetime.date(2024, 4, 10) and person.leave_reason == "retired"
    assert Person.objects.filter(pk=person.pk).exists() and person.transfers.count() == 1
    assert list(person.categories.values_list("code", flat=True)) == ["in_post"]
    with pytest.raises(Conflict):
        services.person_deactivate(actor=tree.town_a_admin, person_id=person.pk, reason="retired")
    services.person_reactivate(actor=tree.town_a_admin, person_id=person.pk)
    person.refresh_from_db()
    assert person.is_active and person.left_on is None and person.leave_reason == ""
    with pytest.raises(Conflict):
        services.person_reactivate(actor=tree.town_a_admin, person_id=person.pk)


def test_deactivate_needs_a_known_reason(tree):
    person = make_person("王五", tree.unit_a)
    with pytest.raises(ValidationFailed) as caught:
        services.person_deactivate(actor=tree.town_a_admin, person_id=person.pk, reason="fired", left_on="x")
    assert _fields(caught.value) == {"reason", "left_on"}


def test_login_create_by_phone_or_id_number(tree):
    person = make_person("王五", tree.unit_a, phone="13700137000")
    account, password = services.person_login_create(actor=tree.town_a_admin, person_id=person.pk)
    person.refresh_from_db()
    assert person.user == account and account.username == f"ry{person.pk}" and account.must_change_password
    assert password and account.check_password(password)
    assert account.role_assignments.get().role.code == "participant"
    assert account.role_assignments.get().organisation == tree.unit_a
    with pytest.raises(Conflict):
        services.person_login_create(actor=tree.town_a_admin, person_id=person.pk)
    other = make_person("赵六", tree.unit_a)
    account, _password = services.person_login_create(actor=tree.town_a_admin, person_id=other.pk)
    assert account.username == f"ry{other.pk}" and account.phone is None
    assert OperationLog.objects.filter(action="person.login_create").count() == 2
    # They log in with their phone or their ID number; neither is in the log.
    from suzhi.core.services.auth import login_attempt

    assert login_attempt(login="13700137000", password=password) == person.user
    assert login_attempt(login=other.id_number.lower(), password=_password) == account
    assert "13700137000" not in str(list(OperationLog.objects.values("before", "after", "summary", "object_repr")))


def test_reveal_logs_and_needs_pii_view(tree):
    person = make_person("王五", tree.unit_a, phone="13700137000")
    assert services.person_pii_reveal(actor=tree.town_a_admin, person_id=person.pk) == (
        person.id_number, "13700137000")
    row = OperationLog.objects.get(action="person.pii_view")
    assert row.object_id == str(person.pk) and row.actor == tree.town_a_admin
    with pytest.raises(PermissionDenied):  # unit_admin sees the roster but not in full
        services.person_pii_reveal(actor=tree.unit_a_admin, person_id=person.pk)
    assert OperationLog.objects.filter(action="person.pii_view").count() == 1


def test_person_for_user(tree):
    from suzhi.people.selectors.persons import person_for_user

    person = make_person("王五", tree.unit_a, user=tree.participant_a)
    assert person_for_user(tree.participant_a) == person
    assert person_for_user(tree.town_a_admin) is None
    assert User.objects.count() >= 5


def test_leaving_closes_the_login_and_coming_back_reopens_it(tree, client):
    person = make_person("王五", tree.unit_a, phone="13700137000")
    account, password = services.person_login_create(actor=tree.town_a_admin, person_id=person.pk)
    assert client.login(username=account.username, password=password)
    services.person_deactivate(actor=tree.town_a_admin, person_id=person.pk, reason="retired")
    account.refresh_from_db()
    assert not account.is_active
    # The open session ends with the account, and the login is refused.
    assert client.get("/").status_code == 302
    from suzhi.core.errors import DomainError
    from suzhi.core.services.auth import login_attempt

    with pytest.raises(DomainError):
        login_attempt(login="13700137000", password=password)
    assert OperationLog.objects.filter(action="user.deactivate", object_id=str(account.pk)).exists()
    services.person_reactivate(actor=tree.town_a_admin, person_id=person.pk)
    account.refresh_from_db()
    assert account.is_active
    assert login_attempt(login="13700137000", password=password) == account


def test_transfer_moves_the_participant_login(tree):
    person = make_person("王五", tree.unit_a)
    account, _password = services.person_login_create(actor=tree.committee_admin, person_id=person.pk)
    services.person_transfer(actor=tree.committee_admin, person_id=person.pk, to_organisation_id=tree.unit_b.pk)
    account.refresh_from_db()
    assert account.organisation == tree.unit_b
    assert list(account.role_assignments.values_list("role__code", "organisation")) == [
        ("participant", tree.unit_b.pk)]
    # The new town sees the account; the old one no longer does.
    from suzhi.core.selectors.users import users_visible

    assert account in users_visible(user=tree.town_b_admin)
    assert account not in users_visible(user=tree.town_a_admin)
