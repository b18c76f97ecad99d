"""A targets refresh writes only the values that changed (inserts, updates, deletes), keeps the rest as they are
stored, and gives every target of the campaign the time of the computation."""

import datetime

import pytest
import yaml
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from suzhi.campaigns.metrics import OrgValue, compute_target, org_nodes
from suzhi.campaigns.models import Target, TargetValue
from suzhi.campaigns.selectors.dashboard import dashboard_get
from suzhi.campaigns.services import targets as service
from suzhi.campaigns.services.plans import plan_load
from suzhi.campaigns.services.records import metric_record_put, metric_record_remove
from tests.campaigns.factories import plan_data
from tests.core.factories import make_org
from tests.people.factories import make_person

pytestmark = pytest.mark.django_db
DAY = datetime.date(2024, 4, 15)
TABLE = TargetValue._meta.db_table

TARGETS = [
    {"key": "people", "title": "培训人数", "metric": "training.people", "form": "total", "threshold": 3,
     "deadline": "rollout"},
    {"key": "per-unit", "title": "每个企业不少于2人", "metric": "training.people", "form": "per_org",
     "per_org_types": ["enterprise"], "threshold": 2, "deadline": "rollout"},
    {"key": "hours", "title": "学时", "metric": "training.hours", "form": "total", "threshold": 10,
     "deadline": "rollout"},
]


@pytest.fixture
def campaign(tree):
    data = plan_data(targets=TARGETS)
    return plan_load(actor=tree.committee_admin, text=yaml.safe_dump(data, allow_unicode=True))


def _train(campaign, person, *hours: float) -> None:
    lectures = campaign.activities.get(key="lectures")
    with transaction.atomic():
        metric_record_put(activity=lectures, metric="training.people", person=person, occurred_on=DAY,
                          source=f"p{person.pk}")
        for n, quantity in enumerate(hours):
            metric_record_put(activity=lectures, metric="training.hours", person=person, occurred_on=DAY,
                              source=f"h{person.pk}-{n}", quantity=quantity)


@pytest.fixture
def people(tree, campaign):
    """Hours that are not short decimals, so that a value read back must be the very double computed."""
    a1, a2 = make_person("甲", tree.unit_a), make_person("乙", tree.unit_a)
    b1 = make_person("丙", tree.unit_b)
    _train(campaign, a1, 0.1, 0.2)
    _train(campaign, a2, 1 / 3, 1 / 3)
    _train(campaign, b1, 2 / 3)
    return a1, a2, b1


@pytest.fixture
def written(monkeypatch):
    """What each refresh wrote, as `_store_values` counted it."""
    counts: list[service.Written] = []
    store = service._store_values

    def counting(**kwargs):
        counts.append(store(**kwargs))
        return counts[-1]

    monkeypatch.setattr(service, "_store_values", counting)
    return counts


def _stored(campaign) -> dict[tuple[str, int], tuple]:
    """(target key, organisation) -> (row id, figures)."""
    rows = TargetValue.objects.filter(target__campaign=campaign).values_list(
        "target__key", "organisation_id", "pk", "value", "numerator", "population", "measured", "met")
    return {(key, org): (pk, figures) for key, org, pk, *figures in (tuple(row) for row in rows)}


def _refresh(campaign) -> tuple[datetime.datetime, list[str]]:
    """Refresh; the time it returns and the statements it sent that touch the stored values."""
    with CaptureQueriesContext(connection) as queries:
        now = service.targets_refresh(actor=None, campaign_id=campaign.pk)
    return now, [query["sql"] for query in queries.captured_queries if TABLE in query["sql"]]


def _writes(statements: list[str]) -> list[str]:
    return [sql for sql in statements if not sql.lstrip().upper().startswith("SELECT")]


def _changed(before, after) -> set[tuple[str, int]]:
    return {key for key in before.keys() & after.keys() if before[key][1] != after[key][1]}


def _chain(*orgs) -> set[int]:
    return {org.pk for org in orgs}


def test_an_unchanged_refresh_writes_nothing(tree, campaign, people, written, monkeypatch):
    service.targets_refresh(actor=None, campaign_id=campaign.pk)
    before = _stored(campaign)
    copied = []
    monkeypatch.setattr(service, "_copy_values", copied.append)  # a COPY is not among the captured queries
    _now, statements = _refresh(campaign)
    assert _writes(statements) == []
    assert len(statements) == 1  # the one read of the stored values
    assert copied == []
    assert written[-1] == service.Written(inserted=0, updated=0, deleted=0)
    assert _stored(campaign) == before  # the same rows, ids included


def test_a_new_record_changes_exactly_the_values_it_affects(tree, campaign, people, written):
    service.targets_refresh(actor=None, campaign_id=campaign.pk)
    before = _stored(campaign)
    _train(campaign, make_person("丁", tree.unit_b), 0.1)
    _now, statements = _refresh(campaign)
    after = _stored(campaign)
    # The unit and its ancestors, in every target: one more person trained (the unit reaches 2, so per-unit's
    # met counts change too) and 0.1 more hours. Nothing is inserted or deleted, and unchanged rows stay.
    chain = _chain(tree.unit_b, tree.town_b, tree.federation, tree.committee)
    expected = {(key, org) for key in ("people", "per-unit", "hours") for org in chain}
    assert _changed(before, after) == expected
    assert after.keys() == before.keys()
    assert {key: row[0] for key, row in after.items()} == {key: row[0] for key, row in before.items()}
    assert written[-1] == service.Written(inserted=0, updated=len(expected), deleted=0)
    assert len([sql for sql in _writes(statements) if sql.lstrip().upper().startswith("UPDATE")]) >= 1
    hours = Target.objects.get(campaign=campaign, key="hours")
    assert TargetValue.objects.get(target=hours, organisation=tree.unit_b).numerator == 2 / 3 + 0.1
    assert TargetValue.objects.get(target=hours, organisation=tree.town_b).numerator == 2 / 3 + 0.1
    # What was written reads back as the very doubles computed: the next refresh finds nothing to change.
    _now, statements = _refresh(campaign)
    assert _writes(statements) == []
    assert written[-1] == service.Written(inserted=0, updated=0, deleted=0)
    _assert_stored_is_computed(tree, campaign)


def test_a_value_that_disappears_is_deleted(tree, campaign, people, written):
    a1, a2, b1 = people
    service.targets_refresh(actor=None, campaign_id=campaign.pk)
    before = _stored(campaign)
    assert ("hours", tree.unit_b.pk) in before
    lectures = campaign.activities.get(key="lectures")
    with transaction.atomic():
        metric_record_remove(activity=lectures, metric="training.people", source=f"p{b1.pk}")
        metric_record_remove(activity=lectures, metric="training.hours", source=f"h{b1.pk}-0")
    _now, statements = _refresh(campaign)
    after = _stored(campaign)
    assert any(sql.lstrip().upper().startswith("DELETE") for sql in statements)
    gone = before.keys() - after.keys()
    assert ("hours", tree.unit_b.pk) in gone  # no hours left there: nothing to show
    assert after.keys() <= before.keys()
    assert written[-1].deleted == len(gone) and written[-1].inserted == 0
    _assert_stored_is_computed(tree, campaign)


def test_a_new_organisations_values_are_inserted(tree, campaign, people, written):
    service.targets_refresh(actor=None, campaign_id=campaign.pk)
    before = _stored(campaign)
    unit = make_org("七里镇丙企业", parent=tree.town_a)
    _train(campaign, make_person("戊", unit), 1 / 3)
    service.targets_refresh(actor=None, campaign_id=campaign.pk)
    after = _stored(campaign)
    assert after.keys() - before.keys() == {("people", unit.pk), ("per-unit", unit.pk), ("hours", unit.pk)}
    assert after[("hours", unit.pk)][1][1] == 1 / 3
    assert written[-1].inserted == 3 and written[-1].deleted == 0
    # The new unit's ancestors changed in place.
    chain = _chain(tree.town_a, tree.federation, tree.committee)
    assert _changed(before, after) == {(key, org) for key in ("people", "per-unit", "hours") for org in chain}
    assert all(after[key][0] == before[key][0] for key in before)
    _assert_stored_is_computed(tree, campaign)


def test_the_time_advances_on_every_refresh_even_when_nothing_changed(tree, campaign, people):
    assert set(Target.objects.filter(campaign=campaign).values_list("computed_at", flat=True)) == {None}
    assert dashboard_get(user=tree.committee_admin, campaign=campaign).computed_at is None
    first = service.targets_refresh(actor=None, campaign_id=campaign.pk)
    assert set(Target.objects.filter(campaign=campaign).values_list("computed_at", flat=True)) == {first}
    second = service.targets_refresh(actor=None, campaign_id=campaign.pk)
    assert second > first
    assert set(Target.objects.filter(campaign=campaign).values_list("computed_at", flat=True)) == {second}
    board = dashboard_get(user=tree.committee_admin, campaign=campaign)
    assert board.computed_at == second
    cells = [row.cell for row in board.rows] + [cell for _org, cells in board.children for cell in cells]
    assert cells and {cell.computed_at for cell in cells} == {second}


def _assert_stored_is_computed(tree, campaign) -> None:
    """The stored values are exactly a full computation's, as if every value had been rewritten."""
    nodes = org_nodes(campaign)
    expected = {}
    for target in campaign.targets.select_related("deadline"):
        values = compute_target(target, nodes, tree.committee.path)
        values.setdefault(tree.committee.pk, OrgValue())
        for org_id, item in values.items():
            expected[(target.key, org_id)] = [item.value(target.form), item.numerator, item.population,
                                              item.measured, item.met]
    stored = {key: list(figures) for key, (_pk, figures) in _stored(campaign).items()}
    assert stored == expected


def test_past_a_third_changed_everything_is_written_again(tree, campaign, monkeypatch):
    """`_store_values` on its own: a few changes are updated in place, most changes rewrite every value (here
    whatever their number; a real refresh rewrites only past thousands of changes)."""
    monkeypatch.setattr(service, "_REWRITE_MIN", 0)
    target_ids = list(campaign.targets.values_list("pk", flat=True))
    orgs = [tree.committee, tree.federation, tree.town_a, tree.unit_a, tree.town_b, tree.unit_b]
    first = {(t, org.pk): (n / 3, n / 7, n, 1, 0) for t in target_ids for n, org in enumerate(orgs)}
    with transaction.atomic():
        assert service._store_values(target_ids=target_ids, computed=first) == service.Written(18, 0, 0)

    def stored():
        return {(row[0], row[1]): (row[2], tuple(row[3:])) for row in TargetValue.objects.filter(
            target_id__in=target_ids).values_list("target_id", "organisation_id", "pk", "value", "numerator",
                                                  "population", "measured", "met")}

    ids = {key: pk for key, (pk, _figures) in stored().items()}
    few = dict(first)
    for key in list(few)[:5]:
        few[key] = (few[key][0] + 0.1, *few[key][1:])
    with transaction.atomic():
        assert service._store_values(target_ids=target_ids, computed=few) == service.Written(0, 5, 0)
    assert stored() == {key: (ids[key], figures) for key, figures in few.items()}
    most = {key: (figures[0], figures[1] + 1 / 3, *figures[2:]) for key, figures in list(few.items())[:16]}
    with transaction.atomic():
        assert service._store_values(target_ids=target_ids, computed=most) == service.Written(16, 0, 18)
    assert {key: figures for key, (_pk, figures) in stored().items()} == most
