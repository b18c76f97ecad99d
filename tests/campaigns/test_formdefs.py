"""Forms defined in plan files: every field type's checking (errors naming the field, tables by row), the Django
form, the API schema, the export columns, the plan check of a form definition, and settings as fields."""

import datetime
import decimal
import io
from typing import Any

import pydantic
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from django.utils.translation import gettext
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import Field

from suzhi.campaigns.formdefs import FormDef, FormInvalid, ScopedResolver, check_values, clean_values
from suzhi.campaigns.formdefs.apischema import api_model, json_schema
from suzhi.campaigns.formdefs.djforms import DefinedForm
from suzhi.campaigns.formdefs.excel import export_cells, export_headers
from suzhi.campaigns.formdefs.fields import NumberDef
from suzhi.campaigns.formdefs.settings import settings_fields
from suzhi.campaigns.kinds import KindManifest, register_kind, unregister_kind
from suzhi.campaigns.plan.check import check_plan_text
from suzhi.campaigns.plan.schema import PlanModel
from tests.campaigns.factories import plan_yaml

FORM = {"fields": [
    {"key": "title", "type": "text", "label": "项目名称", "required": True, "max_length": 20},
    {"key": "summary", "type": "long_text", "label": "项目简介", "max_length": 50},
    {"key": "budget", "type": "number", "label": "投资金额", "unit": "万元", "min": 0, "max": 10000, "decimals": 2},
    {"key": "started", "type": "date", "label": "开始日期", "min": "2024-01-01"},
    {"key": "level", "type": "choice", "label": "级别",
     "options": ["市级", "省级", {"value": "national", "label": "国家级"}]},
    {"key": "fields", "type": "multi_choice", "label": "领域", "options": ["安全", "节能", "质量"], "max_selected": 2},
    {"key": "patented", "type": "yes_no", "label": "是否获得专利"},
    {"key": "leader", "type": "person", "label": "负责人"},
    {"key": "unit", "type": "organisation", "label": "申报单位"},
    {"key": "files", "type": "attachment", "label": "佐证材料", "extensions": ["pdf", "jpg"], "max_size_mb": 1,
     "max_files": 2},
    {"key": "members", "type": "table", "label": "团队成员", "max_rows": 3, "columns": [
        {"key": "name", "type": "text", "label": "姓名", "required": True},
        {"key": "age", "type": "number", "label": "年龄", "decimals": 0, "min": 16, "max": 70},
    ]},
]}


class Resolver:
    """People 1 and 2 and organisation 10 are within the scope."""

    def people(self, ids):
        return {i: name for i, name in {1: "张三", 2: "李四"}.items() if i in ids}

    def organisations(self, ids):
        return {10: "七里镇甲企业"} if 10 in ids else {}


@pytest.fixture(autouse=True)
def chinese():
    with translation.override("zh-hans"):
        yield


@pytest.fixture
def form() -> FormDef:
    return FormDef.model_validate(FORM)


def errors_of(form: FormDef, data: dict[str, Any]) -> dict[str, str]:
    _values, errors = check_values(form, {"title": "节能改造", **data}, resolver=Resolver())
    return {f"{e.key}{f'[{e.row}].{e.column}' if e.row else ''}": str(e) for e in errors}


def test_valid_values_are_stored_as_json(form):
    values = clean_values(form, {
        "title": " 节能改造 ", "summary": "第一行\r\n第二行", "budget": "１,234.5", "started": "2024年4月10日",
        "level": "国家级", "fields": ["质量", "安全"], "patented": "是", "leader": "1", "unit": 10,
        "files": [SimpleUploadedFile("方案.pdf", b"x" * 100)],
        "members": [{"name": "王五", "age": "30"}, {"name": "", "age": ""}],
    }, resolver=Resolver())
    assert values == {
        "title": "节能改造", "summary": "第一行\n第二行", "budget": 1234.5, "started": "2024-04-10",
        "level": "national", "fields": ["安全", "质量"], "patented": True, "leader": {"id": 1, "name": "张三"},
        "unit": {"id": 10, "name": "七里镇甲企业"}, "files": [{"name": "方案.pdf", "size": 100, "ref": ""}],
        "members": [{"name": "王五", "age": 30}],
    }
    import json

    assert json.loads(json.dumps(values)) == values


@pytest.mark.parametrize(("data", "key", "message"), [
    ({"title": ""}, "title", "This field is required."),
    ({"title": "一" * 21}, "title", "Too long: at most %(max)s characters."),
    ({"title": "一\n二"}, "title", "Must be a single line."),
    ({"summary": "长" * 51}, "summary", "Too long: at most %(max)s characters."),
    ({"budget": "两万"}, "budget", "Must be a number."),
    ({"budget": "1.234"}, "budget", "At most %(n)s digit(s) after the point."),
    ({"budget": "-1"}, "budget", "Must be at least %(n)s."),
    ({"budget": "10000.01"}, "budget", "Must be at most %(n)s."),
    ({"started": "2024-02-30"}, "started", "There is no date %(value)s: check the month and the day."),
    ({"started": "四月十日"}, "started", "Must be a date such as 2024-04-10."),
    ({"started": "2023-12-31"}, "started", "Must be on or after %(day)s."),
    ({"level": "县级"}, "level", "“%(value)s” is not one of the choices."),
    ({"fields": ["安全", "节能", "质量"]}, "fields", "Choose at most %(n)s."),
    ({"patented": "也许"}, "patented", "Must be yes or no."),
    ({"leader": "张三"}, "leader", "“%(value)s” is not a valid choice."),
    ({"leader": "1,2"}, "leader", "Choose only one."),
    ({"leader": 3}, "leader", "No person numbered %(id)s within your scope."),
    ({"unit": 11}, "unit", "No organisation numbered %(id)s within your scope."),
    ({"files": [SimpleUploadedFile("a.exe", b"x")]}, "files", "“%(name)s”: only %(types)s files are accepted."),
    ({"files": [SimpleUploadedFile("a.pdf", b"x" * (1024 * 1024 + 1))]}, "files",
     "“%(name)s” is larger than %(mb)s MB."),
    ({"files": [{"name": f"{i}.pdf", "size": 1} for i in range(3)]}, "files", "At most %(n)s file(s)."),
    ({"members": "王五"}, "members", "Must be a list of rows."),
    ({"members": [{"name": str(i)} for i in range(4)]}, "members", "At most %(n)s row(s)."),
])
def test_each_type_reports_its_error_naming_the_field(form, data, key, message):
    errors = errors_of(form, data)
    assert list(errors) == [key], errors
    label = form.field(key).label
    assert errors[key].startswith(f"“{label}”")
    # The message is the translated sentence (its placeholders filled in).
    fixed = gettext(message).split("%(")[0].strip("“")
    assert fixed in errors[key], (errors[key], fixed)


def test_table_errors_name_the_row_and_the_column(form):
    errors = errors_of(form, {"members": [{"name": "王五", "age": "15"}, {"name": "", "age": ""},
                                          {"age": "20"}, {"name": "赵六", "age": "三十"}]})
    assert list(errors) == ["members[1].age", "members[3].name", "members[4].age"]
    text = errors["members[3].name"]
    assert "“团队成员”" in text and "3" in text and "“姓名”" in text and gettext("This field is required.") in text
    assert gettext("Must be a number.") in errors["members[4].age"]
    assert gettext("Must be at least %(n)s.") % {"n": 16} in errors["members[1].age"]


def test_a_required_table_needs_a_row():
    form = FormDef.model_validate({"fields": [{"key": "rows", "type": "table", "label": "明细", "required": True,
                                               "min_rows": 2, "columns": [{"key": "a", "type": "text",
                                                                           "label": "甲"}]}]})
    assert [str(e) for e in check_values(form, {"rows": [{"a": ""}]})[1]] == [
        gettext("“%(label)s”: %(message)s") % {"label": "明细", "message": gettext("This field is required.")}]
    assert "2" in str(check_values(form, {"rows": [{"a": "x"}]})[1][0])


def test_form_invalid_carries_every_error(form):
    with pytest.raises(FormInvalid) as caught:
        clean_values(form, {"title": "", "budget": "x"}, resolver=Resolver())
    assert caught.value.code == "form_invalid"
    assert [d["field"] for d in caught.value.detail] == ["title", "budget"]


def test_person_fields_need_a_resolver(form):
    with pytest.raises(ValueError, match="resolver"):
        check_values(form, {"title": "x", "leader": 1})


@given(low=st.integers(-1000, 1000), span=st.integers(0, 1000), decimals=st.integers(0, 3),
       value=st.decimals(min_value=-3000, max_value=3000, places=3, allow_nan=False, allow_infinity=False))
@settings(max_examples=200, deadline=None)
def test_number_bounds_and_decimals(low, span, decimals, value):
    field = NumberDef(key="n", label="数", type="number", min=low, max=low + span, decimals=decimals)
    places = max(0, -int(value.normalize().as_tuple().exponent))
    ok = low <= value <= low + span and places <= decimals
    try:
        cleaned = field.clean(str(value))
    except Exception as problem:  # noqa: BLE001 - FieldProblem is the only one expected
        assert type(problem).__name__ == "FieldProblem" and not ok, (value, problem)
    else:
        assert ok, value
        assert decimal.Decimal(str(cleaned)) == value


def test_django_form_for_phones(form):
    page = DefinedForm(form, resolver=Resolver(), initial={"leader": {"id": 1, "name": "张三"}}).render()
    assert 'inputmode="decimal"' in page and 'step="0.01"' in page and 'min="0"' in page
    assert 'type="date"' in page and 'min="2024-01-01"' in page
    assert 'type="radio"' in page and 'type="checkbox"' in page and 'accept=".pdf,.jpg"' in page
    assert 'name="members-TOTAL_FORMS"' in page and 'name="members-0-age"' in page and 'inputmode="numeric"' in page
    assert 'value="1"' in page and "万元" in page


def test_django_form_checks_like_the_api_and_places_errors(form):
    data = {"title": "节能改造", "budget": "12.5", "level": "national", "fields": ["安全"], "patented": "false",
            "leader": "2", "members-TOTAL_FORMS": "2", "members-INITIAL_FORMS": "0",
            "members-0-name": "王五", "members-0-age": "30", "members-1-name": "", "members-1-age": ""}
    files = {"files": SimpleUploadedFile("证明.jpg", b"x")}
    bound = DefinedForm(form, data, files, resolver=Resolver())
    assert bound.is_valid(), bound.errors
    assert bound.values["leader"] == {"id": 2, "name": "李四"} and bound.values["members"] == [{"name": "王五",
                                                                                              "age": 30}]
    assert bound.values["files"] == [{"name": "证明.jpg", "size": 1, "ref": ""}] and bound.values["patented"] is False

    data.update({"budget": "abc", "members-1-age": "12"})
    bound = DefinedForm(form, data, resolver=Resolver())
    assert not bound.is_valid()
    assert bound.errors["budget"] == [gettext("Must be a number.")]
    row = bound.tables["members"].forms[1]
    assert row.errors["name"] == [gettext("This field is required.")] and "age" in row.errors
    assert any("“团队成员”" in e for e in bound.non_field_errors())


def test_django_form_keeps_a_stored_attachment_when_no_file_is_sent():
    form = FormDef.model_validate({"fields": [{"key": "f", "type": "attachment", "label": "附件", "required": True}]})
    stored = [{"name": "a.pdf", "size": 3, "ref": "files/1"}]
    bound = DefinedForm(form, {}, {}, initial={"f": stored})
    assert bound.is_valid(), bound.errors
    assert bound.values == {"f": stored}


def test_api_schema(form):
    schema = json_schema(form)
    properties = schema["properties"]
    assert schema["required"] == ["title"] and properties["title"]["title"] == "项目名称"
    budget = properties["budget"]["anyOf"][0]
    assert budget["type"] == "number" and budget["minimum"] == 0 and "万元" in properties["budget"]["description"]
    assert properties["level"]["anyOf"][0]["enum"] == ["市级", "省级", "national"]
    assert properties["leader"]["anyOf"][0]["type"] == "integer"
    assert "members" in properties and any("members" in name for name in schema["$defs"])
    stored = json_schema(form, stored=True)
    assert stored["properties"]["leader"]["anyOf"][0]["$ref"].endswith("/Ref")
    model = api_model(form)
    assert model.model_validate({"title": "x", "members": [{"name": "a", "age": 30}]}).members[0].age == 30
    with pytest.raises(pydantic.ValidationError):
        model.model_validate({"title": "x", "unknown": 1})


def test_api_schema_serves_in_ninja(form):
    from ninja import NinjaAPI

    api = NinjaAPI(urls_namespace="formdefs-test")
    body, answer = api_model(form, "SubmissionIn"), api_model(form, "SubmissionOut", stored=True)

    @api.post("/submit", response=answer)
    def submit(request, payload: body):  # type: ignore[valid-type]
        return payload

    document = api.get_openapi_schema(path_prefix="")
    assert {"SubmissionIn", "SubmissionOut"} <= set(document["components"]["schemas"])


def test_export_columns(form):
    budget = gettext("%(label)s (%(unit)s)") % {"label": "投资金额", "unit": "万元"}
    assert export_headers(form) == ["项目名称", "项目简介", budget, "开始日期", "级别", "领域", "是否获得专利",
                                    "负责人", "申报单位", "佐证材料", "团队成员·姓名", "团队成员·年龄"]
    stored = {"title": "=1+1", "budget": 12.5, "started": "2024-04-10", "level": "national", "fields": ["安全", "质量"],
              "patented": True, "leader": {"id": 1, "name": "张三"}, "files": [{"name": "a.pdf", "size": 1}],
              "members": [{"name": "王五", "age": 30}, {"name": "赵六", "age": None}]}
    cells = export_cells(form, stored)
    assert cells == ["=1+1", None, 12.5, datetime.date(2024, 4, 10), "国家级", "安全、质量", gettext("Yes"), "张三",
                     None, "a.pdf", "王五\n赵六", "30\n"]
    # Written through core.excel: the formula-like text stays text.
    from openpyxl import load_workbook

    from suzhi.core.excel import write_xlsx

    sheet = load_workbook(io.BytesIO(write_xlsx(export_headers(form), [cells]))).active
    assert sheet["A2"].value == "=1+1" and sheet["A2"].data_type == "s" and sheet["C2"].value == 12.5


class FormSettings(PlanModel):
    form: FormDef | None = None
    rounds: list[str] = Field(default_factory=list)


@pytest.fixture
def form_kind():
    register_kind(KindManifest(code="survey", label="调查", actions={"submit": "填报"}, settings_schema=FormSettings))
    yield
    unregister_kind("survey")


BAD_FORM = """
      form:
        fields:
          - key: amount
            type: number
            label: 金额
            min: 10
            max: 1
          - key: amount
            type: yes_no
            label: 是否
          - key: kind
            type: rating
            label: 评分
          - key: rows
            type: table
            label: 明细
            columns:
              - {key: a, type: text, label: 甲, max_length: 0}
"""


def test_plan_check_reports_a_bad_form_at_its_lines(form_kind):
    activity = ("  - key: survey\n    kind: survey\n    title: 问卷\n    settings:" + BAD_FORM)
    text = plan_yaml(activities=[]).replace("activities: []\n", "activities:\n" + activity)
    _plan, errors = check_plan_text(text, check_db=False)
    lines = text.split("\n")
    found = {e.path: (e.message, lines[e.line - 1].strip()) for e in errors}
    base = "activities[0].settings.form.fields"
    assert found[f"{base}[0].max"] == (gettext("The maximum is below the minimum."), "max: 1")
    assert found[f"{base}[2].type"][1] == "type: rating" and "rating" in found[f"{base}[2].type"][0]
    assert found[f"{base}[3].columns[0].max_length"][1].startswith("- {key: a")
    assert len(errors) == 3  # the duplicate key is found once the fields themselves are valid


def test_plan_check_reports_duplicate_field_keys(form_kind):
    activity = ("  - key: survey\n    kind: survey\n    title: 问卷\n    settings:\n      form:\n        fields:\n"
                "          - {key: a, type: text, label: 甲}\n          - {key: a, type: date, label: 乙}\n"
                "          - key: t\n            type: table\n            label: 表\n            columns:\n"
                "              - {key: b, type: text, label: 丙}\n              - {key: b, type: text, label: 丁}\n")
    text = plan_yaml(activities=[]).replace("activities: []\n", "activities:\n" + activity)
    _plan, errors = check_plan_text(text, check_db=False)
    message = gettext("Two fields have the key “%(key)s”.")
    assert [(e.path, e.message) for e in errors] == [
        ("activities[0].settings.form.fields[2].columns", message % {"key": "b"})]
    text = text.replace("{key: b, type: text, label: 丁}", "{key: c, type: text, label: 丁}")
    _plan, errors = check_plan_text(text, check_db=False)
    assert [(e.path, e.message) for e in errors] == [("activities[0].settings.form.fields", message % {"key": "a"})]


def test_plan_check_refuses_attachment_types_the_file_store_cannot_check(form_kind):
    activity = ("  - key: survey\n    kind: survey\n    title: 问卷\n    settings:\n      form:\n        fields:\n"
                "          - key: files\n            type: attachment\n            label: 附件\n"
                "            extensions: [docx, rar]\n")
    text = plan_yaml(activities=[]).replace("activities: []\n", "activities:\n" + activity)
    _plan, errors = check_plan_text(text, check_db=False)
    [error] = errors
    assert error.path == "activities[0].settings.form.fields[0].extensions"
    assert "rar" in error.message and "docx" in error.message.split("：", 1)[-1]
    assert text.split("\n")[error.line - 1].strip() == "extensions: [docx, rar]"


def test_settings_models_become_fields():
    from suzhi.quizzes.manifest import QuizSettings
    from suzhi.training.manifest import TrainingSettings

    fields = {f.key: f for f in settings_fields(TrainingSettings)}
    assert fields["default_hours"].definition.type == "number" and fields["default_hours"].default == 2
    assert fields["default_hours"].label == gettext("Credit hours of a session")
    forms = fields["forms"].definition
    assert forms.type == "multi_choice" and [o.label for o in forms.options][0] == gettext("Training class")
    quiz = {f.key: f for f in settings_fields(QuizSettings)}
    assert quiz["counted_attempt"].definition.type == "choice"
    assert quiz["time_limit_minutes"].definition.min == 1  # gt=0 on a whole number
    assert quiz["attempts_per_day"].definition.type == "number" and quiz["attempts_per_day"].default is None
    assert quiz["paper"].definition is None and quiz["attributes"].definition is None  # edited as YAML
    assert quiz["paper"].default["mode"] == "random"


@pytest.mark.django_db
def test_scoped_resolver_sees_only_the_scope(tree):
    from tests.people.factories import make_person

    own = make_person("张三", tree.unit_a)
    other = make_person("李四", tree.unit_b)
    resolver = ScopedResolver(user=tree.town_a_admin, permission="person.view")
    assert resolver.people([own.pk, other.pk]) == {own.pk: "张三"}
    assert resolver.organisations([tree.unit_a.pk, tree.unit_b.pk]) == {tree.unit_a.pk: "七里镇甲企业"}

