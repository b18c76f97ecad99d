"""Training list imports: enrolment lists, sign-in sheets and remote completions, with row and column
errors, all-or-nothing by default, dry runs that write nothing, and the pages around them."""


import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from suzhi.campaigns.models import MetricRecord
from suzhi.core.errors import NotFound, ValidationFailed
from suzhi.core.excel import read_rows
from suzhi.training.models import Attendance, Enrolment
from suzhi.training.services.enrolments import enrol_people
from suzhi.training.services.imports import ENROL, REMOTE, SIGN_IN, training_import
from tests.people.factories import make_person, resident_id
from tests.support import xlsx
from tests.training.factories import make_session, training_campaign

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaign(tree):
    return training_campaign(tree)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _run(actor, session, kind, rows, **options):
    return training_import(actor=actor, session_id=session.pk, kind=kind, data=xlsx(rows), filename="list.xlsx",
                           **options)


def _errors(result):
    return {(e["row"], e["column"]) for e in result.errors}


def test_enrol_list_errors_name_row_and_column_and_write_nothing(tree, campaign):
    session = make_session(tree.town_a_admin, campaign, tree.unit_a, starts_in_minutes=60)
    good = make_person("王五", tree.unit_a)
    renamed = make_person("李四", tree.unit_a)
    elsewhere = make_person("赵六", tree.unit_b)
    broken = good.id_number[:-1] + ("0" if good.id_number[-1] != "0" else "1")
    rows = [
        ["职工培训报名表"],  # a title row above the header
        ["姓名", "身份证号"],
        ["王五", good.id_number],
        ["张三", resident_id()],  # not on the roster
        ["李四四", renamed.id_number],  # the name does not match
        ["赵六", elsewhere.id_number],  # another town's person
        ["某人", broken],  # a wrong check digit
        ["王五", good.id_number],  # twice in the file
    ]
    preview = _run(tree.town_a_admin, session, ENROL, rows)
    assert preview.dry_run and not preview.written and preview.enrolled == 1
    assert _errors(preview) == {(4, "身份证号"), (5, "姓名"), (6, "身份证号"), (7, "身份证号"), (8, "身份证号")}
    assert all(e["message"] for e in preview.errors)
    assert not Enrolment.objects.exists()  # a dry run writes nothing
    # Atomic by default: with errors nothing is written.
    refused = _run(tree.town_a_admin, session, ENROL, rows, dry_run=False)
    assert not refused.written and refused.enrolled == 0 and not Enrolment.objects.exists()
    done = _run(tree.town_a_admin, session, ENROL, rows, dry_run=False, skip_invalid=True)
    assert done.written and done.enrolled == 1
    enrolment = Enrolment.objects.get()
    assert enrolment.person == good and enrolment.source == "import"
    # Again: already enrolled is nothing to do, not an error.
    again = _run(tree.town_a_admin, session, ENROL, rows[:3], dry_run=False)
    assert again.written and again.enrolled == 0 and not again.errors


def test_enrol_list_refusals_from_the_rules_become_row_errors(tree, campaign):
    session = make_session(tree.town_a_admin, campaign, tree.unit_a, starts_in_minutes=60,
                           person_categories=["in_post"])
    worker = make_person("王五", tree.unit_a)
    teacher = make_person("李老师", tree.unit_a, categories=("teacher",))
    result = _run(tree.town_a_admin, session, ENROL,
                  [["姓名", "身份证号"], ["王五", worker.id_number], ["李老师", teacher.id_number]], dry_run=False)
    assert not result.written and _errors(result) == {(3, "姓名")} and "在岗职工" in result.errors[0]["message"]
    assert not Enrolment.objects.exists()


def test_sign_in_sheet_requires_enrolment_and_caps_hours(tree, campaign):
    session = make_session(tree.town_a_admin, campaign, tree.unit_a, hours="2")
    a, b, c = (make_person(name, tree.unit_a) for name in ("甲", "乙", "丙"))
    enrol_people(actor=tree.town_a_admin, session_id=session.pk, person_ids=[a.pk, b.pk])
    rows = [["身份证号", "姓名", "学时"], [a.id_number, "甲", "1.5"], [b.id_number, "乙", ""],
            [c.id_number, "丙", "1"], [a.id_number[:-1] + "X", "甲", "9"]]
    preview = _run(tree.town_a_admin, session, SIGN_IN, rows)
    assert (preview.attendance_added, preview.invalid_rows) == (2, 2)
    assert (4, "姓名") in _errors(preview)  # 丙 is not enrolled
    assert not Attendance.objects.exists()
    rows[4] = [b.id_number, "乙", "3"]
    over = _run(tree.town_a_admin, session, SIGN_IN, [rows[0], rows[4]])
    assert _errors(over) == {(2, "学时")} and "2.0" in over.errors[0]["message"]
    done = _run(tree.town_a_admin, session, SIGN_IN, rows[:3], dry_run=False)
    assert done.written and done.attendance_added == 2
    assert dict(Attendance.objects.values_list("person_id", "hours")) == {a.pk: pytest.approx(1.5),
                                                                         b.pk: pytest.approx(2)}
    assert set(Attendance.objects.values_list("method", flat=True)) == {"import"}
    # Re-importing with other hours changes them (and the records follow).
    changed = _run(tree.town_a_admin, session, SIGN_IN, [rows[0], [a.id_number, "甲", "2"]], dry_run=False)
    assert changed.attendance_changed == 1 and Attendance.objects.get(person=a).hours == 2


def test_remote_completions_enrol_and_credit_hours(tree, campaign):
    session = make_session(tree.town_a_admin, campaign, tree.unit_a, form="remote", hours="4")
    a, b = make_person("甲", tree.unit_a), make_person("乙", tree.unit_a)
    enrol_people(actor=tree.town_a_admin, session_id=session.pk, person_ids=[b.pk])
    today = timezone.localdate(session.starts_at).isoformat()
    rows = [["序号", "身份证号", "姓名", "学时", "完成时间"], [1, a.id_number, "甲", 4, today],
            [2, b.id_number, "乙", "3.5", today], [3, resident_id(), "路人", 2, today], [4, a.id_number, "甲", 2, ""]]
    preview = _run(tree.town_a_admin, session, REMOTE, rows)
    assert _errors(preview) == {(4, "身份证号"), (5, "完成时间")}
    assert not Attendance.objects.exists() and Enrolment.objects.count() == 1
    done = _run(tree.town_a_admin, session, REMOTE, rows, dry_run=False, skip_invalid=True)
    assert done.written and (done.enrolled, done.attendance_added) == (1, 2)
    assert dict(Attendance.objects.values_list("person_id", "hours")) == {a.pk: pytest.approx(4),
                                                                         b.pk: pytest.approx(3.5)}
    assert set(Attendance.objects.values_list("method", flat=True)) == {"remote"}
    hours = MetricRecord.objects.filter(metric="training.hours").values_list("person_id", "quantity")
    assert dict(hours) == {a.pk: 4, b.pk: 3.5}
    missing_hours = _run(tree.town_a_admin, session, REMOTE, [rows[0], [1, a.id_number, "甲", "", today]])
    assert _errors(missing_hours) == {(2, "学时")}


def test_file_level_refusals(tree, campaign):
    lecture = make_session(tree.town_a_admin, campaign, tree.unit_a)
    with pytest.raises(ValidationFailed) as caught:
        _run(tree.town_a_admin, lecture, REMOTE, [["身份证号", "姓名", "学时", "完成时间"]])
    assert caught.value.code == "not_remote"
    with pytest.raises(ValidationFailed) as caught:
        _run(tree.town_a_admin, lecture, ENROL, [["编号", "备注"], ["1", "2"]])
    assert caught.value.code == "no_header"
    with pytest.raises(ValidationFailed) as caught:
        training_import(actor=tree.town_a_admin, session_id=lecture.pk, kind=ENROL, data=b"x", filename="a.pdf")
    assert caught.value.code == "not_a_spreadsheet"
    with pytest.raises(NotFound):
        _run(tree.town_b_admin, lecture, ENROL, [["姓名", "身份证号"]])


def test_import_pages_preview_confirm_and_downloads(tree, campaign, login_client, media):
    session = make_session(tree.town_a_admin, campaign, tree.unit_a, starts_in_minutes=60)
    good = make_person("王五", tree.unit_a)
    client = login_client(tree.town_a_admin)
    url = reverse("training:session_import_enrol", args=[session.pk])
    assert client.get(url).status_code == 200
    template = client.get(reverse("training:session_import_enrol_template"))
    assert read_rows(template.content, "t.xlsx")[0] == ["姓名", "身份证号"]
    data = xlsx([["姓名", "身份证号"], ["王五", good.id_number], ["张三", resident_id()]])
    preview = client.post(url, {"step": "preview", "file": SimpleUploadedFile("l.xlsx", data)})
    assert preview.status_code == 200 and preview.context["stage"] == "preview"
    assert preview.context["result"].invalid_rows == 1 and not Enrolment.objects.exists()
    body = preview.content.decode()
    assert "身份证号" in body and "import-errors" in body
    errors = client.get(reverse("training:session_import_enrol_errors", args=[session.pk]))
    error_rows = read_rows(b"".join(errors.streaming_content), "e.xlsx")
    assert len(error_rows) == 2 and error_rows[1][0] == "张三"
    refused = client.post(url, {"step": "confirm"})
    assert refused.status_code == 200 and not Enrolment.objects.exists()
    done = client.post(url, {"step": "confirm", "skip_invalid": "on"})
    assert done.context["stage"] == "done" and Enrolment.objects.get().person == good
    assert client.post(url, {"step": "confirm", "skip_invalid": "on"}).status_code == 302  # used once
    # The staged file belongs to its session: confirming on another session does nothing.
    other = make_session(tree.town_a_admin, campaign, tree.unit_a, starts_in_minutes=60, title="另一场")
    client.post(url, {"step": "preview", "file": SimpleUploadedFile("l.xlsx", data)})
    moved = client.post(reverse("training:session_import_enrol", args=[other.pk]),
                        {"step": "confirm", "skip_invalid": "on"})
    assert moved.status_code == 302 and not Enrolment.objects.filter(session=other).exists()
    # A file-level problem shows on the file field.
    bad = client.post(url, {"step": "preview", "file": SimpleUploadedFile("l.xlsx", xlsx([["x"], ["y"]]))})
    assert "file" in bad.context["form"].errors


def test_import_pages_are_404_for_another_town(tree, campaign, login_client, media):
    session = make_session(tree.town_a_admin, campaign, tree.unit_a, form="remote")
    client = login_client(tree.town_b_admin)
    for name in ("session_import_enrol", "session_import_sign_in", "session_import_remote"):
        url = reverse(f"training:{name}", args=[session.pk])
        assert client.get(url).status_code == 404
        data = xlsx([["姓名", "身份证号"], ["王五", resident_id()]])
        assert client.post(url, {"step": "preview", "file": SimpleUploadedFile("l.xlsx", data)}).status_code == 404
        assert client.get(reverse(f"training:{name}_errors", args=[session.pk])).status_code == 404
