"""Roster exports: masked by default, unmasked only with pii.view (logged), scoped to the actor, the
importer's headers, a large export as a finished job, queries per export not per row."""

import datetime

import pytest

from suzhi.core.errors import NotFound, PermissionDenied
from suzhi.core.excel import read_rows
from suzhi.core.imports import find_header
from suzhi.core.models import DictItem, ExportJob, OperationLog
from suzhi.people.models import Person
from suzhi.people.services.exports import HEADERS, people_export_count, people_export_start
from suzhi.people.sheet import COLUMNS
from tests.core.test_exports_service import exports_env  # noqa: F401 - the fixture
from tests.people.factories import make_person

pytestmark = pytest.mark.usefixtures("exports_env")

PHONE_A = "13712345678"
PHONE_B = "13887654321"


@pytest.fixture
def people(tree):
    education = DictItem.objects.filter(dict_type__code="education").first()
    a = make_person("张三", tree.unit_a, phone=PHONE_A, categories=("in_post", "union_cadre"), gender="M",
                    union_member=True, hire_date=datetime.date(2020, 3, 1), education=education, post="焊工")
    b = make_person("李四", tree.unit_b, phone=PHONE_B)
    left = make_person("王五", tree.town_a, is_active=False, leave_reason=Person.LeaveReason.RETIRED)
    return a, b, left


def sheet(job: ExportJob) -> list[list]:
    job.refresh_from_db()
    assert job.status == ExportJob.Status.DONE, job.error
    return read_rows(job.file.read(), job.file.name)


def masked_id(person):
    return f"{person.id_number[:6]}********{person.id_number[-4:]}"


def test_export_is_masked_by_default_and_logged(tree, people):
    a, _b, _left = people
    rows = sheet(people_export_start(actor=tree.town_a_admin))
    assert rows[0] == list(HEADERS)
    assert [r[0] for r in rows[1:]] == ["张三"]
    row = dict(zip(HEADERS, rows[1], strict=True))
    assert row["身份证号"] == masked_id(a) and row["手机号"] == "137****5678"
    assert row["性别"] == "男" and row["证件类型"] == "居民身份证" and row["单位编码"] == "DH-QLZ-001"
    assert row["单位"] == "七里镇甲企业" and row["是否工会会员"] == "是" and row["状态"] == "在职"
    assert row["岗位/职务"] == "焊工" and row["学历"] == a.education.label
    assert set(row["人员类别"].split("、")) == {c.label for c in a.categories.all()}
    text = repr(rows)
    assert a.id_number not in text and PHONE_A not in text
    log = OperationLog.objects.get(action="person.export")
    assert log.actor == tree.town_a_admin and log.after["rows"] == 1 and log.after["unmasked"] is False
    assert log.after["filters"] == {"org_id": None, "category": "", "active": True, "q": ""}
    assert PHONE_A not in repr(log.after)


def test_unmasked_only_with_pii_view_and_logged(tree, people):
    a, _b, _left = people
    rows = sheet(people_export_start(actor=tree.town_a_admin, unmasked=True))
    row = dict(zip(HEADERS, rows[1], strict=True))
    assert row["身份证号"] == a.id_number and row["手机号"] == PHONE_A
    assert OperationLog.objects.get(action="person.export").after["unmasked"] is True
    # unit_admin holds no pii.view: refused, nothing written or logged
    with pytest.raises(PermissionDenied):
        people_export_start(actor=tree.unit_a_admin, unmasked=True)
    assert OperationLog.objects.filter(action="person.export").count() == 1
    assert ExportJob.objects.filter(user=tree.unit_a_admin).count() == 0


def test_town_b_never_gets_town_a_people(tree, people):
    rows = sheet(people_export_start(actor=tree.town_b_admin, active=None))
    assert [r[0] for r in rows[1:]] == ["李四"]
    with pytest.raises(NotFound):
        people_export_start(actor=tree.town_b_admin, org_id=tree.town_a.pk)


def test_filters_match_the_list(tree, people):
    assert people_export_count(user=tree.committee_admin, active=None) == 3
    assert people_export_count(user=tree.committee_admin, active=False) == 1
    assert people_export_count(user=tree.committee_admin, org_id=tree.town_a.pk, active=None) == 2
    assert people_export_count(user=tree.committee_admin, category="union_cadre") == 1
    assert people_export_count(user=tree.committee_admin, q="zs") == 1
    rows = sheet(people_export_start(actor=tree.committee_admin, active=False))
    assert rows[1][0] == "王五" and rows[1][-1] == "退休"


def test_participant_without_person_view_is_refused(tree, people):
    with pytest.raises(PermissionDenied):
        people_export_start(actor=tree.participant_a)


def test_the_importer_recognises_the_exported_header(tree, people):
    rows = sheet(people_export_start(actor=tree.town_a_admin))
    index, found = find_header(rows, COLUMNS)
    assert index == 0
    expected = {"name", "id_number", "gender", "phone", "organisation", "categories", "education", "hire_date"}
    assert expected <= set(found)
    assert found["organisation"] == HEADERS.index("单位编码")  # the code wins over the name


def test_large_export_becomes_a_job_with_progress_and_file(tree, settings, django_capture_on_commit_callbacks):
    settings.SUZHI_EXPORT_SYNC_MAX_ROWS = 5
    settings.SUZHI_EXPORT_PROGRESS_EVERY = 4
    for i in range(9):
        make_person(f"工人{i}", tree.unit_a)
    with django_capture_on_commit_callbacks(execute=True):
        job = people_export_start(actor=tree.town_a_admin)
    rows = sheet(job)
    job.refresh_from_db()
    assert job.total == job.done == 9 and job.percent == 100 and job.finished_at
    assert len(rows) == 10 and {r[0] for r in rows[1:]} == {f"工人{i}" for i in range(9)}
    assert OperationLog.objects.get(action="person.export").after["rows"] == 9


def _export_queries(tree, count: int, capture) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    Person.objects.all().delete()
    for i in range(count):
        make_person(f"工人{i}", tree.unit_a, categories=("in_post", "union_cadre"))
    with CaptureQueriesContext(connection) as queries, capture(execute=True):
        job = people_export_start(actor=tree.town_a_admin, unmasked=True)
    assert len(sheet(job)) == count + 1
    return len(queries)


def test_queries_per_export_do_not_grow_with_rows(tree, settings, django_capture_on_commit_callbacks):
    settings.SUZHI_EXPORT_SYNC_MAX_ROWS = 1  # the background path
    settings.SUZHI_EXPORT_PROGRESS_EVERY = 1000
    capture = django_capture_on_commit_callbacks
    _export_queries(tree, 1, capture)  # warms the per-process caches (roles, dictionaries)
    few, many = _export_queries(tree, 3, capture), _export_queries(tree, 40, capture)
    assert few == many and many <= 20
