"""Loading a plan creates the campaign; loading it again updates it in place and loses no records."""

import datetime

import pytest

from suzhi.campaigns.models import Activity, Campaign, MetricRecord, Phase, Target
from suzhi.campaigns.plan.check import PlanInvalid
from suzhi.campaigns.selectors.plans import plan_file
from suzhi.campaigns.services import plans as services
from suzhi.campaigns.services.phases import phase_set_end
from suzhi.core.errors import NotFound, PermissionDenied
from suzhi.core.models import OperationLog
from tests.campaigns.factories import plan_data, plan_yaml
from tests.people.factories import make_person

pytestmark = pytest.mark.django_db


def _record(activity: Activity, person, source: str = "s1") -> MetricRecord:
    return MetricRecord.objects.create(
        campaign=activity.campaign, activity=activity, metric="training.people", person=person,
        organisation=person.organisation, occurred_on=datetime.date(2024, 4, 12), source=source,
    )


def test_load_creates_the_campaign(tree):
    campaign = services.plan_load(actor=tree.committee_admin, text=plan_yaml())
    assert campaign.code == "test-2024" and campaign.organiser == tree.committee
    assert [p.key for p in campaign.phases.all()] == ["launch", "rollout", "finals"]
    lectures = campaign.activities.get(key="lectures")
    assert lectures.kind == "training" and lectures.organiser == tree.committee
    assert lectures.open_in == {"enroll": ["launch", "rollout"], "check_in": ["launch", "rollout"]}
    target = campaign.targets.get()
    assert target.threshold == 10000 and target.deadline.key == "rollout"
    assert plan_file(campaign) == plan_yaml()
    assert OperationLog.objects.filter(action="campaign.create", object_id=str(campaign.pk)).count() == 1


def test_reload_updates_in_place_keeping_records_and_overrides(tree):
    campaign = services.plan_load(actor=tree.committee_admin, text=plan_yaml())
    lectures = campaign.activities.get(key="lectures")
    record = _record(lectures, make_person("王五", tree.unit_a))
    phase_set_end(actor=tree.committee_admin, campaign_id=campaign.pk, phase_key="launch",
                  ends_on=datetime.date(2024, 4, 25), reason="延期")
    data = plan_data(title="测试市职工素质提升活动方案(修订)")
    data["activities"][0]["title"] = "职工素质提升系列讲座"
    data["activities"].append({"key": "contest", "kind": "quiz", "title": "安康杯知识竞赛"})
    data["phases"].pop()  # finals dropped
    import yaml

    again = services.plan_load(actor=tree.committee_admin, text=yaml.safe_dump(data, allow_unicode=True))
    assert again.pk == campaign.pk and again.title.endswith("(修订)")
    lectures.refresh_from_db()
    assert lectures.title == "职工素质提升系列讲座"
    assert MetricRecord.objects.get(pk=record.pk).activity_id == lectures.pk
    assert [p.key for p in again.phases.all()] == ["launch", "rollout"]
    assert Phase.objects.get(campaign=again, key="launch").ends_on_override == datetime.date(2024, 4, 25)
    assert again.activities.count() == 3
    assert OperationLog.objects.filter(action="campaign.load").count() == 1


def test_an_activity_with_records_cannot_be_dropped(tree):
    campaign = services.plan_load(actor=tree.committee_admin, text=plan_yaml())
    _record(campaign.activities.get(key="lectures"), make_person("王五", tree.unit_a))
    data = plan_data()
    data["activities"] = data["activities"][1:]
    data["targets"] = []
    import yaml

    with pytest.raises(PlanInvalid) as caught:
        services.plan_load(actor=tree.committee_admin, text=yaml.safe_dump(data, allow_unicode=True))
    assert "lectures" in caught.value.errors[0].message
    assert campaign.activities.count() == 2 and Target.objects.filter(campaign=campaign).count() == 1


def test_invalid_plan_writes_nothing(tree):
    with pytest.raises(PlanInvalid) as caught:
        services.plan_load(actor=tree.committee_admin, text=plan_yaml().replace("kind: collection", "kind: x"))
    assert caught.value.detail[0]["field"] == "activities[1].kind" and caught.value.detail[0]["line"]
    assert not Campaign.objects.exists()


def test_only_campaign_managers_within_scope_load(tree):
    with pytest.raises(PermissionDenied):
        services.plan_load(actor=tree.town_a_admin, text=plan_yaml())
    from tests.core.factories import UserFactory, grant

    town_manager = UserFactory(username="town_manager", organisation=tree.town_a)
    grant(town_manager, "committee_admin", tree.town_a)  # manages campaigns of 七里镇 and below only
    with pytest.raises(PermissionDenied):
        services.plan_load(actor=town_manager, text=plan_yaml())
    services.plan_load(actor=town_manager, text=plan_yaml(organiser="DH-QLZ", code="qlz-2024"))
    services.plan_load(actor=tree.committee_admin, text=plan_yaml())
    # A campaign of the committee's code cannot be overwritten from below: the code is taken.
    with pytest.raises(PlanInvalid):
        services.plan_load(actor=town_manager, text=plan_yaml(organiser="DH-QLZ"))


def test_plan_save_from_pages_regenerates_the_file(tree):
    campaign = services.plan_load(actor=tree.committee_admin, text=plan_yaml())
    data = plan_data(goals="新的总体目标。")
    saved = services.plan_save(actor=tree.committee_admin, campaign_id=campaign.pk, data=data)
    assert "新的总体目标" in plan_file(saved)
    with pytest.raises(PlanInvalid):
        services.plan_save(actor=tree.committee_admin, campaign_id=campaign.pk, data=plan_data(code="other"))
    with pytest.raises(NotFound):
        services.plan_save(actor=tree.committee_admin, campaign_id=campaign.pk + 99, data=data)


def test_phase_close_and_extend_are_logged_and_checked(tree):
    campaign = services.plan_load(actor=tree.committee_admin, text=plan_yaml())
    from suzhi.core.errors import ValidationFailed

    with pytest.raises(ValidationFailed):
        phase_set_end(actor=tree.committee_admin, campaign_id=campaign.pk, phase_key="launch",
                      ends_on=datetime.date(2024, 4, 1), reason="x")
    with pytest.raises(ValidationFailed):
        phase_set_end(actor=tree.committee_admin, campaign_id=campaign.pk, phase_key="launch",
                      ends_on=datetime.date(2024, 4, 15), reason="")
    phase = phase_set_end(actor=tree.committee_admin, campaign_id=campaign.pk, phase_key="launch",
                          ends_on=datetime.date(2024, 4, 15), reason="提前完成")
    assert phase.effective_end == datetime.date(2024, 4, 15)
    phase = phase_set_end(actor=tree.committee_admin, campaign_id=campaign.pk, phase_key="launch",
                          ends_on=None, reason="")
    assert phase.effective_end == datetime.date(2024, 4, 20) and phase.ends_on_override is None
    assert OperationLog.objects.filter(action="campaign.phase_override").count() == 2
    with pytest.raises(PermissionDenied):
        phase_set_end(actor=tree.town_a_admin, campaign_id=campaign.pk, phase_key="launch",
                      ends_on=datetime.date(2024, 4, 15), reason="x")
    from tests.core.factories import UserFactory, grant

    town_manager = UserFactory(username="town_manager", organisation=tree.town_b)
    grant(town_manager, "committee_admin", tree.town_b)
    with pytest.raises(NotFound):  # the committee's campaign is not theirs to change
        phase_set_end(actor=town_manager, campaign_id=campaign.pk, phase_key="launch",
                      ends_on=datetime.date(2024, 4, 15), reason="x")
