"""Dictionary and parameter services: permission, validation, immutable codes, the parameter cache."""

import pytest

from suzhi.core import params
from suzhi.core.errors import NotFound, PermissionDenied, ValidationFailed
from suzhi.core.models import DictItem, OperationLog, SystemParameter
from suzhi.core.selectors import dicts as selectors
from suzhi.core.services import dicts as services


@pytest.fixture
def fresh_params():
    """The parameter cache outlives each test's rolled-back database; start and end empty."""
    params.forget()
    yield
    params.forget()


def field_of(exc_info):
    return exc_info.value.detail[0]["field"]


def test_town_admin_cannot_manage_dictionaries(tree):
    with pytest.raises(PermissionDenied):
        services.dict_type_create(actor=tree.town_a_admin, code="skill", name="工种")
    with pytest.raises(PermissionDenied):
        services.param_update(actor=tree.town_a_admin, key="site_name", value="x")


def test_create_type_and_items(tree):
    admin = tree.committee_admin
    services.dict_type_create(actor=admin, code="skill", name="工种")
    services.dict_item_create(actor=admin, type_code="skill", code="driver", label="汽车驾驶", sort_order=2)
    services.dict_item_create(actor=admin, type_code="skill", code="computer", label="计算机操作", sort_order=1)
    assert [i.code for i in selectors.dict_items("skill")] == ["computer", "driver"]
    log = OperationLog.objects.filter(action="dict.item_create").first()
    assert log.organisation == tree.committee and log.after["label"] in {"汽车驾驶", "计算机操作"}


@pytest.mark.parametrize("code", ["Skill", "1skill", "bad code", ""])
def test_type_code_must_be_a_lowercase_slug(tree, code):
    with pytest.raises(ValidationFailed) as exc:
        services.dict_type_create(actor=tree.committee_admin, code=code, name="工种")
    assert field_of(exc) == "code"


def test_duplicate_codes_are_refused(tree):
    admin = tree.committee_admin
    with pytest.raises(ValidationFailed) as exc:
        services.dict_type_create(actor=admin, code="org_type", name="又一个")
    assert field_of(exc) == "code"
    with pytest.raises(ValidationFailed) as exc:
        services.dict_item_create(actor=admin, type_code="org_type", code="school", label="学校2")
    assert field_of(exc) == "code"


def test_item_code_is_immutable_and_labels_change(tree):
    admin = tree.committee_admin
    school = DictItem.objects.get(dict_type__code="org_type", code="school")
    with pytest.raises(ValidationFailed) as exc:
        services.dict_item_update(actor=admin, type_code="org_type", item_id=school.pk, code="schools")
    assert field_of(exc) == "code"
    services.dict_item_update(actor=admin, type_code="org_type", item_id=school.pk, label="中小学", is_active=False)
    school.refresh_from_db()
    assert (school.code, school.label, school.is_active) == ("school", "中小学", False)
    assert "school" not in [i.code for i in selectors.dict_items("org_type")]
    assert "school" in [i.code for i in selectors.dict_items("org_type", active_only=False)]
    log = OperationLog.objects.get(action="dict.item_update")
    assert log.before == {"label": "学校", "is_active": True} and log.after == {"label": "中小学", "is_active": False}


def test_item_of_another_dictionary_is_not_found(tree):
    admin = tree.committee_admin
    services.dict_type_create(actor=admin, code="skill", name="工种")
    school = DictItem.objects.get(dict_type__code="org_type", code="school")
    with pytest.raises(NotFound):
        services.dict_item_update(actor=admin, type_code="skill", item_id=school.pk, label="x")


def test_builtin_type_keeps_its_code_but_may_be_renamed(tree):
    admin = tree.committee_admin
    with pytest.raises(ValidationFailed) as exc:
        services.dict_type_update(actor=admin, type_code="org_type", code="org_kind", name="组织类型")
    assert field_of(exc) == "code"
    services.dict_type_update(actor=admin, type_code="org_type", name="单位类型")
    assert selectors.dict_type_get("org_type").name == "单位类型"
    services.dict_type_create(actor=admin, code="skill", name="工种")
    services.dict_type_update(actor=admin, type_code="skill", code="skill_kind", name="工种")
    assert selectors.dict_type_get("skill_kind")


def test_empty_label_is_refused(tree):
    with pytest.raises(ValidationFailed) as exc:
        services.dict_item_create(actor=tree.committee_admin, type_code="org_type", code="x1", label="  ")
    assert field_of(exc) == "label"


def test_dict_items_is_one_query(tree, django_assert_num_queries):
    with django_assert_num_queries(1):
        items = list(selectors.dict_items("org_type"))
    assert len(items) == 10
    with django_assert_num_queries(1):
        assert ("school", "学校") in selectors.dict_choices("org_type")


@pytest.mark.parametrize(
    ("key", "value", "stored"),
    [("import_max_rows", " １２０ ", "120"), ("import_max_rows", 5, "5"), ("site_name", " 七里镇平台 ", "七里镇平台")],
)
def test_param_values_are_normalised(tree, fresh_params, key, value, stored):
    services.param_update(actor=tree.committee_admin, key=key, value=value)
    assert SystemParameter.objects.get(key=key).value == stored


@pytest.mark.parametrize(
    ("key", "value"),
    [("import_max_rows", "abc"), ("import_max_rows", "1_000"), ("import_max_rows", "0"), ("import_max_rows", True),
     ("site_name", "")],
)
def test_bad_param_values_are_refused(tree, fresh_params, key, value):
    with pytest.raises(ValidationFailed) as exc:
        services.param_update(actor=tree.committee_admin, key=key, value=value)
    assert field_of(exc) == "value"


def test_bool_params(tree, fresh_params):
    SystemParameter.objects.create(key="allow_signup", name="允许注册", value="false", value_type="bool")
    services.param_update(actor=tree.committee_admin, key="allow_signup", value="是")
    assert SystemParameter.objects.get(key="allow_signup").value == "true"
    with pytest.raises(ValidationFailed):
        services.param_update(actor=tree.committee_admin, key="allow_signup", value="maybe")


def test_param_cache_is_refreshed_after_commit(tree, fresh_params, django_capture_on_commit_callbacks):
    assert params.get_param("import_max_rows") == 200000
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.param_update(actor=tree.committee_admin, key="import_max_rows", value="500")
    assert callbacks
    assert params.get_param("import_max_rows") == 500
    log = OperationLog.objects.get(action="param.update")
    assert log.before == {"value": "200000"} and log.after == {"value": "500"}


def test_unknown_param_is_not_found(tree):
    with pytest.raises(NotFound):
        services.param_update(actor=tree.committee_admin, key="nope", value="1")
