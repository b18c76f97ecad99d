"""Roster pages: masking by default, the logged full view, scope (404 for another town), query counts."""

import pytest
from django.urls import reverse

from suzhi.core.models import OperationLog, Role
from suzhi.people.models import Person, PersonTransfer
from tests.core.factories import grant
from tests.people.test_persons_helpers import make_person, resident_id

PHONE = "13712345678"


@pytest.fixture
def worker(tree):
    return make_person("张三", tree.unit_a, phone=PHONE, categories=("in_post", "union_cadre"))


def masked(person):
    return f"{person.id_number[:6]}********{person.id_number[-4:]}"


def test_list_masks_by_default_and_shows_full_only_when_asked_and_logged(tree, worker, login_client):
    client = login_client(tree.town_a_admin)
    page = client.get(reverse("people:person_list")).content.decode()
    assert masked(worker) in page and "137****5678" in page
    assert worker.id_number not in page and PHONE not in page
    assert not OperationLog.objects.filter(action="person.pii_view").exists()
    page = client.get(reverse("people:person_list") + "?full=1").content.decode()
    assert worker.id_number in page and PHONE in page
    row = OperationLog.objects.get(action="person.pii_view")
    assert row.after == {"person_ids": [worker.pk]} and row.actor == tree.town_a_admin


def test_list_never_full_without_pii_view(tree, worker, login_client):
    response = login_client(tree.unit_a_admin).get(reverse("people:person_list") + "?full=1")
    page = response.content.decode()
    assert masked(worker) in page and worker.id_number not in page and PHONE not in page
    assert response.context["offer_full"] is False
    assert not OperationLog.objects.filter(action="person.pii_view").exists()


def test_detail_masked_then_reveal_logs(tree, worker, login_client):
    client = login_client(tree.town_a_admin)
    page = client.get(reverse("people:person_detail", args=[worker.pk])).content.decode()
    assert masked(worker) in page and worker.id_number not in page and PHONE not in page
    born = worker.birth_date
    assert f"{born.year}年{born.month}月{born.day}日" not in page  # the birth date would unmask the number
    assert "在岗职工" in page and reverse("people:person_reveal", args=[worker.pk]) in page
    page = client.post(reverse("people:person_reveal", args=[worker.pk])).content.decode()
    assert worker.id_number in page and PHONE in page
    assert OperationLog.objects.filter(action="person.pii_view", object_id=str(worker.pk)).count() == 1
    assert client.get(reverse("people:person_reveal", args=[worker.pk])).status_code == 405


def test_reveal_refused_without_pii_view(tree, worker, login_client):
    client = login_client(tree.unit_a_admin)
    page = client.get(reverse("people:person_detail", args=[worker.pk])).content.decode()
    assert reverse("people:person_reveal", args=[worker.pk]) not in page
    response = client.post(reverse("people:person_reveal", args=[worker.pk]))
    assert response.status_code == 403 and worker.id_number not in response.content.decode()
    assert not OperationLog.objects.filter(action="person.pii_view").exists()


def test_list_filters_and_search(tree, login_client):
    make_person("张三", tree.unit_a, categories=("teacher",))
    lisi = make_person("李四", tree.town_a, categories=("in_post",))
    gone = make_person("王五", tree.unit_a)
    Person.objects.filter(pk=gone.pk).update(is_active=False)
    client = login_client(tree.committee_admin)
    url = reverse("people:person_list")
    page = client.get(url, {"q": "zs"}).content.decode()
    assert "张三" in page and "李四" not in page
    page = client.get(url, {"q": lisi.id_number[-6:]}).content.decode()
    assert "李四" in page and "张三" not in page
    page = client.get(url, {"category": "teacher"}).content.decode()
    assert "张三" in page and "李四" not in page
    page = client.get(url, {"org": tree.unit_a.pk}).content.decode()
    assert "张三" in page and "李四" not in page and "王五" not in page
    page = client.get(url, {"active": "0"}).content.decode()
    assert "王五" in page and "张三" not in page


def test_create_page_validates_and_creates(tree, login_client):
    client = login_client(tree.town_a_admin)
    url = reverse("people:person_create")
    assert client.get(url).status_code == 200
    number = resident_id()
    response = client.post(url, {"name": "张三", "organisation": tree.unit_a.pk, "id_type": "resident",
                                 "id_number": number[:-1] + ("0" if number[-1] != "0" else "1"), "phone": "123"})
    assert response.status_code == 200
    form = response.context["form"]
    assert "id_number" in form.errors and "phone" in form.errors
    response = client.post(url, {"name": "张三", "organisation": tree.unit_a.pk, "id_type": "resident",
                                 "id_number": number, "phone": PHONE, "categories": ["teacher"],
                                 "education": "bachelor"})
    person = Person.objects.get(id_number=number)
    assert response.status_code == 302 and response["Location"] == reverse("people:person_detail", args=[person.pk])
    assert list(person.categories.values_list("code", flat=True)) == ["teacher"]


def test_create_page_refuses_another_towns_organisation(tree, login_client):
    response = login_client(tree.town_b_admin).post(reverse("people:person_create"), {
        "name": "张三", "organisation": tree.unit_a.pk, "id_type": "resident", "id_number": resident_id()})
    assert response.status_code == 200 and "organisation" in response.context["form"].errors
    assert not Person.objects.exists()


def test_edit_keeps_masked_values_and_saves_changes(tree, worker, login_client):
    client = login_client(tree.town_a_admin)
    url = reverse("people:person_edit", args=[worker.pk])
    page = client.get(url).content.decode()
    assert masked(worker) in page and worker.id_number not in page and PHONE not in page
    response = client.post(url, {"name": "张小三", "id_type": "resident", "id_number": masked(worker),
                                 "phone": "137****5678", "categories": ["teacher"]})
    assert response.status_code == 302
    worker.refresh_from_db()
    assert (worker.name, worker.phone, worker.name_initials) == ("张小三", PHONE, "zxs")


def test_transfer_deactivate_reactivate_pages(tree, worker, login_client):
    client = login_client(tree.town_a_admin)
    response = client.post(reverse("people:person_transfer", args=[worker.pk]),
                           {"to_organisation": tree.town_a.pk, "reason": "调岗"})
    assert response.status_code == 302
    page = client.get(reverse("people:person_detail", args=[worker.pk])).content.decode()
    assert "调岗" in page and tree.unit_a.name in page
    response = client.post(reverse("people:person_deactivate", args=[worker.pk]),
                           {"reason": "resigned", "left_on": "2024-04-10"})
    assert response.status_code == 302
    worker.refresh_from_db()
    assert not worker.is_active and PersonTransfer.objects.filter(person=worker).count() == 1
    client.post(reverse("people:person_reactivate", args=[worker.pk]))
    worker.refresh_from_db()
    assert worker.is_active


def test_login_create_page_shows_password_once(tree, worker, login_client):
    response = login_client(tree.town_a_admin).post(reverse("people:person_login_create", args=[worker.pk]))
    assert response.status_code == 200
    worker.refresh_from_db()
    assert worker.user is not None and response.context["password"]
    assert response.context["password"] in response.content.decode()


PAGES = [
    ("get", "people:person_detail"), ("get", "people:person_edit"), ("post", "people:person_edit"),
    ("get", "people:person_transfer"), ("post", "people:person_transfer"), ("get", "people:person_deactivate"),
    ("post", "people:person_deactivate"), ("post", "people:person_reactivate"), ("post", "people:person_reveal"),
    ("post", "people:person_login_create"),
]


@pytest.mark.parametrize(("method", "name"), PAGES)
def test_other_town_gets_404_and_changes_nothing(tree, worker, login_client, method, name):
    client = login_client(tree.town_b_admin)
    data = {"name": "改名", "to_organisation": tree.unit_b.pk, "reason": "resigned", "id_type": "resident",
            "id_number": worker.id_number}
    response = getattr(client, method)(reverse(name, args=[worker.pk]), data)
    assert response.status_code == 404
    worker.refresh_from_db()
    assert worker.name == "张三" and worker.organisation == tree.unit_a and worker.is_active and worker.user is None
    assert not OperationLog.objects.filter(object_type="people.person", object_id=str(worker.pk)).exists()


def test_other_towns_organisation_filter_is_404(tree, worker, login_client):
    client = login_client(tree.town_b_admin)
    assert client.get(reverse("people:person_list"), {"org": tree.unit_a.pk}).status_code == 404
    page = client.get(reverse("people:person_list")).content.decode()
    assert "张三" not in page


def test_participant_sees_only_their_own_record(tree, login_client):
    own = make_person("本人", tree.unit_a, phone=PHONE, user=tree.participant_a)
    other = make_person("同事", tree.unit_a)
    client = login_client(tree.participant_a)
    assert client.get(reverse("people:person_list")).status_code == 403
    page = client.get(reverse("people:person_detail", args=[own.pk])).content.decode()
    assert "本人" in page and masked(own) in page and PHONE not in page
    assert client.get(reverse("people:person_detail", args=[other.pk])).status_code == 404
    assert client.get(reverse("people:person_edit", args=[own.pk])).status_code == 403


def test_self_scope_role_lists_only_own_record(tree, login_client):
    role = Role.objects.create(code="roster_self", name="本人名册", permissions=["person.view"], data_scope="self")
    grant(tree.participant_a, role.code, tree.unit_a)
    make_person("本人", tree.unit_a, user=tree.participant_a)
    make_person("同事", tree.unit_a)
    page = login_client(tree.participant_a).get(reverse("people:person_list")).content.decode()
    assert "本人" in page and "同事" not in page


@pytest.mark.parametrize("full", ["", "1"])
def test_list_page_query_count_does_not_grow_with_rows(tree, login_client, django_assert_max_num_queries, full):
    client = login_client(tree.town_a_admin)
    url = reverse("people:person_list") + ("?full=1" if full else "")
    for i in range(5):
        make_person(f"甲{i}", tree.unit_a, categories=("in_post", "teacher"))
    client.get(url)  # warm the session and caches
    with django_assert_max_num_queries(30) as small:
        client.get(url)
    for i in range(20):
        make_person(f"乙{i}", tree.unit_a, categories=("in_post", "teacher"))
    with django_assert_max_num_queries(len(small.captured_queries)) as large:
        response = client.get(url)
    assert len(response.context["rows"]) == 20
    assert len(large.captured_queries) == len(small.captured_queries)


def test_edit_page_offers_and_saves_typed_attributes(tree, worker, login_client):
    from suzhi.people.models import PersonAttribute
    from suzhi.people.services.persons import person_update

    PersonAttribute.objects.create(key="head_teacher", label="班主任", value_type="bool")
    PersonAttribute.objects.create(key="grade", label="任教年级", value_type="int")
    person_update(actor=tree.town_a_admin, person_id=worker.pk, extra={"head_teacher": "是"})
    client = login_client(tree.town_a_admin)
    url = reverse("people:person_edit", args=[worker.pk])
    assert client.get(url).context["form"].initial["extra_head_teacher"] == "是"
    data = {"name": "张三", "id_type": "resident", "id_number": masked(worker), "phone": "137****5678",
            "categories": ["in_post"], "extra_head_teacher": "否", "extra_grade": "三"}
    response = client.post(url, data)
    assert response.status_code == 200 and "extra_grade" in response.context["form"].errors
    response = client.post(url, {**data, "extra_grade": "3"})
    assert response.status_code == 302
    worker.refresh_from_db()
    assert worker.extra == {"head_teacher": False, "grade": 3}
