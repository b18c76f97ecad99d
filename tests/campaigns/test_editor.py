"""The plan editor pages: a campaign created from scratch through the forms, a plan edited and downloaded
without loss, errors next to their fields with nothing saved, and the permission and scope checks."""

import datetime
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

from suzhi.campaigns.models import Campaign
from suzhi.campaigns.plan.schema import Plan
from suzhi.campaigns.selectors.plans import plan_of
from suzhi.campaigns.services.plans import plan_load
from tests.campaigns.factories import plan_yaml
from tests.core.factories import UserFactory, grant, make_org

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


class _EditorForm(HTMLParser):
    """What a browser would post from the page's plan form, as the page renders it."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.inside = False
        self.data: dict[str, list[str]] = {}
        self.select: str | None = None
        self.select_first: str | None = None
        self.select_chosen = False
        self.textarea: str | None = None
        self.text = ""

    def _add(self, name: str, value: str) -> None:
        self.data.setdefault(name, []).append(value)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and "plan-editor" in a.get("class", ""):
            self.inside = True
        if not self.inside:
            return
        if tag == "input" and a.get("name"):
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self._add(a["name"], a.get("value", "on"))
            elif kind not in ("submit", "button"):
                self._add(a["name"], a.get("value", ""))
        elif tag == "select":
            self.select, self.select_first, self.select_chosen = a.get("name"), None, False
        elif tag == "option" and self.select:
            if self.select_first is None:
                self.select_first = a.get("value", "")
            if "selected" in a:
                self._add(self.select, a.get("value", ""))
                self.select_chosen = True
        elif tag == "textarea":
            self.textarea, self.text = a.get("name"), ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.inside = False
        elif tag == "select" and self.select:
            if not self.select_chosen and self.select_first is not None:
                self._add(self.select, self.select_first)
            self.select = None
        elif tag == "textarea" and self.textarea:
            # Browsers drop the newline that opens a textarea's content.
            self._add(self.textarea, self.text[1:] if self.text.startswith("\n") else self.text)
            self.textarea = None

    def handle_data(self, data: str) -> None:
        if self.textarea:
            self.text += data


def form_of(response) -> dict[str, list[str]]:
    assert response.status_code == 200
    parser = _EditorForm()
    parser.feed(response.content.decode())
    return parser.data


def _errors(response) -> list[str]:
    """The errors a page shows, for a failing assertion's message."""
    editor = response.context["editor"]
    found = [f"{e.path}: {e.message}" for e in editor.unplaced]
    for form in editor.forms():
        found += [f"{form.prefix}-{name}: {' '.join(errors)}" for name, errors in form.errors.items()]
    return found


def field_block(html: str, name: str) -> str:
    """The markup of one field's block: its label, input, help and errors."""
    at = html.index(f'data-field="{name}"')
    start = html.rfind("<div", 0, at)
    end = min(i for i in (html.find("data-field=", at + 1), html.find("</fieldset>", at)) if i > 0)
    return html[start:end]


def _has_error(block: str) -> bool:
    return "has-error" in block.split(">", 1)[0]


def _unknown_phase(key: str) -> str:
    from django.utils import translation
    from django.utils.translation import gettext

    with translation.override("zh-hans"):
        return gettext("Unknown phase “%(key)s”.") % {"key": key}


def put(data: dict[str, list[str]], **values: str) -> dict[str, list[str]]:
    """Set fields by name, e.g. put(data, **{"phases-0-end": "2024-04-22"})."""
    for name, value in values.items():
        assert name in data, name
        data[name] = [value]
    return data


@pytest.fixture
def campaign(tree):
    return plan_load(actor=tree.committee_admin, text=plan_yaml())


def test_new_campaign_from_scratch(tree, login_client):
    client = login_client(tree.committee_admin)
    data = form_of(client.get("/campaigns/new/"))
    assert data["phases-TOTAL_FORMS"] == ["1"] and data["phases-INITIAL_FORMS"] == ["0"]

    # "Add a row" saves nothing and gives one more blank row.
    data = form_of(client.post("/campaigns/new/", {**data, "add": "phases"}))
    assert data["phases-TOTAL_FORMS"] == ["2"] and "phases-1-key" in data and not Campaign.objects.exists()

    # The activity's kind chosen, its actions and settings are shown (nothing is saved).
    put(data, **{"activities-0-kind": "training"})
    data = form_of(client.post("/campaigns/new/", {**data, "add": "refresh"}))
    assert "activities-0-settings__default_hours" in data and not Campaign.objects.exists()

    put(data, **{
        "plan-code": "qlz-2025", "plan-title": "七里镇职工素质提升活动方案", "plan-year": "2025",
        "plan-organiser": str(tree.town_a.pk), "plan-goals": "力求每名职工接受1—2次职业培训。",
        "committee-name": "七里镇活动组委会", "committee-members": "镇工会联合会\r\n镇人社所\r\n",
        "phases-0-key": "launch", "phases-0-title": "启动阶段", "phases-0-start": "2025-04-01",
        "phases-0-end": "2025-04-30",
        "phases-1-key": "rollout", "phases-1-title": "实施阶段", "phases-1-start": "2025-05-01",
        "phases-1-end": "2025-06-30",
        "activities-0-key": "lectures", "activities-0-kind": "training", "activities-0-title": "职工素质提升讲座",
        "activities-0-settings__default_hours": "3",
        "targets-0-key": "every-worker", "targets-0-title": "每名职工接受1次培训",
        "targets-0-metric": "training.participations", "targets-0-form": "coverage", "targets-0-threshold": "90",
        "targets-0-deadline": "rollout",
        "awards-0-key": "units", "awards-0-title": "先进单位", "awards-0-text": "表彰先进单位。",
        "awards-0-recipient": "organisation",
        "requirements-reporting_cadence": "monthly", "requirements-reporting_to": "市总工会",
        "requirements-other": "各单位要高度重视。\r\n\r\n及时报送信息。",
    })
    data["activities-0-person_categories"] = ["migrant", "in_post"]
    data["activities-0-open_in__enroll"] = ["launch", "rollout"]
    data["activities-0-open_in__check_in"] = ["rollout"]
    data["targets-0-filter_person_categories"] = ["in_post"]
    response = client.post("/campaigns/new/", data)
    campaign = Campaign.objects.get(code="qlz-2025")
    assert response.status_code == 302 and response["Location"] == f"/campaigns/{campaign.pk}/"
    assert campaign.organiser == tree.town_a and campaign.phases.count() == 2
    got = plan_of(campaign)
    want = Plan.model_validate({
        "code": "qlz-2025", "title": "七里镇职工素质提升活动方案", "year": 2025, "organiser": "DH-QLZ",
        "goals": "力求每名职工接受1—2次职业培训。",
        "committee": {"name": "七里镇活动组委会", "members": ["镇工会联合会", "镇人社所"]},
        "phases": [
            {"key": "launch", "title": "启动阶段", "start": "2025-04-01", "end": "2025-04-30"},
            {"key": "rollout", "title": "实施阶段", "start": "2025-05-01", "end": "2025-06-30"},
        ],
        "activities": [{"key": "lectures", "kind": "training", "title": "职工素质提升讲座",
                        "person_categories": ["in_post", "migrant"],
                        "open_in": {"enroll": ["launch", "rollout"], "check_in": ["rollout"]},
                        "settings": {"default_hours": 3}}],
        "targets": [{"key": "every-worker", "title": "每名职工接受1次培训", "metric": "training.participations",
                     "form": "coverage", "threshold": 90, "filter": {"person_categories": ["in_post"]},
                     "deadline": "rollout"}],
        "awards": [{"key": "units", "title": "先进单位", "text": "表彰先进单位。", "recipient": "organisation"}],
        "requirements": {"reporting": {"cadence": "monthly", "to": "市总工会"},
                         "other": ["各单位要高度重视。", "及时报送信息。"]},
    })
    for name in Plan.model_fields:
        assert getattr(got, name) == getattr(want, name), name


def test_edit_changes_only_what_was_changed_and_downloads_the_same_plan(tree, campaign, login_client):
    before = plan_of(campaign)
    client = login_client(tree.committee_admin)
    data = form_of(client.get(f"/campaigns/{campaign.pk}/edit/"))
    assert data["plan-code"] == ["test-2024"]
    assert data["activities-1-open_in__submit"] == ["launch"] and data["activities-1-open_in__review"] == ["rollout"]
    put(data, **{"phases-0-end": "2024-04-22"})
    data["activities-1-open_in__submit"] = ["launch", "rollout"]
    response = client.post(f"/campaigns/{campaign.pk}/edit/", data)
    assert response.status_code == 302 and response["Location"] == f"/campaigns/{campaign.pk}/"

    campaign.refresh_from_db()
    after = plan_of(campaign)
    expected = before.model_dump()
    expected["phases"][0]["end"] = datetime.date(2024, 4, 22)
    expected["activities"][1]["open_in"] = {"submit": ["launch", "rollout"], "review": ["rollout"]}
    assert after == Plan.model_validate(expected)
    assert after.targets == before.targets and after.awards == before.awards and after.sections == before.sections
    assert campaign.phases.get(key="launch").ends_on == datetime.date(2024, 4, 22)

    download = client.get(f"/campaigns/{campaign.pk}/plan.yaml")
    assert download.status_code == 200
    assert Plan.model_validate(yaml.safe_load(download.content.decode())) == after


def test_the_seed_plan_survives_the_forms_unchanged(db, login_client):
    """Every field of the Dunhuang plan has a place in the forms: saved unchanged, the plan is the same."""
    committee = make_org("敦煌市职工职业技能素质提升活动组委会", type_code="committee", code="DH")
    make_org("敦煌市总工会", parent=committee, type_code="federation", code="DH-ZGH")
    admin = UserFactory(username="zuweihui", organisation=committee)
    grant(admin, "committee_admin", committee)
    campaign = plan_load(actor=admin, text=(ROOT / "plans" / "dunhuang-2024.yaml").read_text(encoding="utf-8"))
    before = plan_of(campaign)
    client = login_client(admin)
    data = form_of(client.get(f"/campaigns/{campaign.pk}/edit/"))
    response = client.post(f"/campaigns/{campaign.pk}/edit/", data)
    assert response.status_code == 302, _errors(response)
    campaign.refresh_from_db()
    assert plan_of(campaign) == before


def test_removing_the_deadline_phase_shows_the_error_at_the_target_and_saves_nothing(tree, campaign, login_client):
    source, plan = campaign.source, campaign.plan
    client = login_client(tree.committee_admin)
    data = form_of(client.get(f"/campaigns/{campaign.pk}/edit/"))
    # The rollout phase goes, but the target is still due by its end.
    data["phases-1-DELETE"] = ["on"]
    data.update({"activities-0-open_in__enroll": ["launch"], "activities-0-open_in__check_in": ["launch"],
                 "activities-1-open_in__review": []})
    response = client.post(f"/campaigns/{campaign.pk}/edit/", data)
    html = response.content.decode()
    assert response.status_code == 200 and 'id="plan-errors"' in html
    assert _errors(response) == ["targets-0-deadline: " + _unknown_phase("rollout")]
    block = field_block(html, "targets-0-deadline")
    assert _has_error(block) and "rollout" in block.split('class="error"', 1)[1]
    campaign.refresh_from_db()
    assert campaign.source == source and campaign.plan == plan
    assert campaign.phases.filter(key="rollout").exists()


def test_form_errors_are_next_to_their_fields(tree, campaign, login_client):
    client = login_client(tree.committee_admin)
    data = form_of(client.get(f"/campaigns/{campaign.pk}/edit/"))
    put(data, **{"activities-0-settings__default_hours": "两", "activities-1-settings__max_per_person": "1.5"})
    response = client.post(f"/campaigns/{campaign.pk}/edit/", data)
    html = response.content.decode()
    assert _has_error(field_block(html, "activities-0-settings__default_hours"))
    assert _has_error(field_block(html, "activities-1-settings__max_per_person"))
    assert 'id="plan-errors"' in html and len(_errors(response)) == 2
    campaign.refresh_from_db()
    assert campaign.plan["activities"][0]["settings"] == {"default_hours": 2}


def test_plan_check_errors_are_next_to_their_fields(tree, campaign, login_client):
    client = login_client(tree.committee_admin)
    data = form_of(client.get(f"/campaigns/{campaign.pk}/edit/"))
    put(data, **{"activities-0-settings__default_hours": "0",
                 "targets-0-activity": "suggestions"})  # a collection: it provides no training.people
    data["activities-1-open_in__submit"] = ["launch", "gone"]  # a phase removed since the page was shown
    response = client.post(f"/campaigns/{campaign.pk}/edit/", data)
    html = response.content.decode()
    for name in ("activities-1-open_in__submit", "activities-0-settings__default_hours", "targets-0-metric"):
        assert _has_error(field_block(html, name)), name
    after = html.split('data-field="activities-1-open_in__submit"', 1)[1].split("data-field=", 1)[0]
    assert _unknown_phase("gone") in after
    # A row's own check (its end before its start) is shown at the field it is about.
    put(data, **{"phases-2-end": "2024-05-01"})
    html = client.post(f"/campaigns/{campaign.pk}/edit/", data).content.decode()
    assert _has_error(field_block(html, "phases-2-end"))
    campaign.refresh_from_db()
    assert plan_of(campaign).phases[2].end == datetime.date(2024, 6, 30)


def test_errors_without_a_field_are_listed_with_their_path(tree, campaign, login_client):
    client = login_client(tree.committee_admin)
    data = form_of(client.get(f"/campaigns/{campaign.pk}/edit/"))
    for index in range(3):
        data[f"phases-{index}-DELETE"] = ["on"]
    html = client.post(f"/campaigns/{campaign.pk}/edit/", data).content.decode()
    box = html.split('id="plan-errors"', 1)[1].split("</table>", 1)[0]
    assert '<td class="mono">phases</td>' in box


def test_editor_needs_campaign_manage(tree, campaign, login_client):
    client = login_client(tree.town_a_admin)
    assert client.get("/campaigns/new/").status_code == 403
    assert client.get(f"/campaigns/{campaign.pk}/edit/").status_code == 403
    assert client.post(f"/campaigns/{campaign.pk}/edit/", {}).status_code == 403
    detail = client.get(f"/campaigns/{campaign.pk}/").content.decode()
    assert f"/campaigns/{campaign.pk}/edit/" not in detail
    assert "/campaigns/new/" not in client.get("/campaigns/").content.decode()


def test_a_manager_of_another_town_gets_404(tree, login_client):
    town_a_manager = UserFactory(username="qlz_manager", organisation=tree.town_a)
    grant(town_a_manager, "committee_admin", tree.town_a)
    campaign = plan_load(actor=town_a_manager, text=plan_yaml(code="qlz-2024", organiser="DH-QLZ"))
    town_b_manager = UserFactory(username="szz_manager", organisation=tree.town_b)
    grant(town_b_manager, "committee_admin", tree.town_b)
    client = login_client(town_b_manager)
    assert client.get(f"/campaigns/{campaign.pk}/edit/").status_code == 404
    assert client.post(f"/campaigns/{campaign.pk}/edit/", {"plan-title": "x"}).status_code == 404
    # Their own page works, and its organiser choices stop at their own town.
    page = client.get("/campaigns/new/").content.decode()
    assert "沙州镇工会联合会" in page and "七里镇工会联合会" not in page
    # The town A manager sees the links.
    own = login_client(town_a_manager)
    assert f"/campaigns/{campaign.pk}/edit/" in own.get(f"/campaigns/{campaign.pk}/").content.decode()
    assert "/campaigns/new/" in own.get("/campaigns/").content.decode()


def test_a_large_plan_saves_through_the_forms(tree, login_client):
    """A city plan with many activities and targets: more fields than Django accepts in one POST by default."""
    from tests.campaigns.factories import plan_data

    activities = [{"key": f"a{i}", "kind": "training", "title": f"第{i}项培训", "settings": {"default_hours": 2},
                   "open_in": {"enroll": ["launch", "rollout"], "check_in": ["rollout"]}} for i in range(80)]
    targets = [{"key": f"t{i}", "title": f"目标{i}", "metric": "training.people", "form": "total", "threshold": i + 1,
                "deadline": "rollout"} for i in range(40)]
    campaign = plan_load(actor=tree.committee_admin, text=yaml.safe_dump(
        plan_data(activities=activities, targets=targets), allow_unicode=True))
    before = plan_of(campaign)
    client = login_client(tree.committee_admin)
    data = form_of(client.get(f"/campaigns/{campaign.pk}/edit/"))
    assert sum(len(values) for values in data.values()) > 1000
    response = client.post(f"/campaigns/{campaign.pk}/edit/", data)
    assert response.status_code == 302, _errors(response)
    campaign.refresh_from_db()
    assert plan_of(campaign) == before


def test_settings_and_open_in_are_fields_in_chinese(tree, campaign, login_client):
    from django.utils import translation
    from django.utils.translation import gettext

    client = login_client(tree.committee_admin)
    response = client.get(f"/campaigns/{campaign.pk}/edit/")
    html = response.content.decode()
    with translation.override("zh-hans"):
        label, lecture = gettext("Credit hours of a session"), gettext("Lecture")
    assert label in field_block(html, "activities-0-settings__default_hours")
    assert lecture in field_block(html, "activities-0-settings__forms")
    assert 'inputmode="decimal"' in field_block(html, "activities-0-settings__default_hours")
    boxes = html.split('data-field="activities-0-open_in__enroll"', 1)[1].split("data-field=", 1)[0]
    assert "启动阶段" in boxes and "实施阶段" in boxes and "enroll:" not in html
    data = form_of(response)
    assert data["activities-0-open_in__enroll"] == ["launch", "rollout"]
    assert data["activities-0-settings__forms"] == ["class", "lecture"]  # the default, shown
    data["activities-0-settings__forms"] = ["class", "remote"]
    put(data, **{"activities-0-settings__yearly_hours": "12"})
    data["activities-0-open_in__check_in"] = []
    response = client.post(f"/campaigns/{campaign.pk}/edit/", data)
    assert response.status_code == 302, _errors(response)
    activity = plan_of(Campaign.objects.get(pk=campaign.pk)).activities[0]
    # Only what the plan gave or what differs from the kind's defaults is written.
    assert activity.settings == {"default_hours": 2, "forms": ["class", "remote"], "yearly_hours": 12}
    assert activity.open_in == {"enroll": ["launch", "rollout"], "check_in": []}


def test_changing_the_kind_shows_its_fields_before_saving(tree, campaign, login_client):
    client = login_client(tree.committee_admin)
    data = form_of(client.get(f"/campaigns/{campaign.pk}/edit/"))
    put(data, **{"activities-1-kind": "competition"})
    response = client.post(f"/campaigns/{campaign.pk}/edit/", data)
    html = response.content.decode()
    assert response.status_code == 200 and _has_error(field_block(html, "activities-1-kind"))
    assert plan_of(Campaign.objects.get(pk=campaign.pk)).activities[1].kind == "collection"
    data = form_of(response)
    assert 'data-field="activities-1-open_in__register"' in html and "activities-1-settings__per_unit" in data
    data["activities-1-open_in__register"] = ["rollout"]
    put(data, **{"activities-1-settings__per_unit": "5", "activities-1-settings__appeal_days": "5"})
    response = client.post(f"/campaigns/{campaign.pk}/edit/", data)
    assert response.status_code == 302, _errors(response)
    activity = plan_of(Campaign.objects.get(pk=campaign.pk)).activities[1]
    assert activity.kind == "competition" and activity.open_in == {"register": ["rollout"]}
    assert activity.settings == {"per_unit": 5, "appeal_days": 5}


def test_an_award_rules_basis_settings_are_edited_as_yaml_and_their_errors_shown_there(tree, campaign,
                                                                                       login_client):
    client = login_client(tree.committee_admin)
    data = form_of(client.get(f"/campaigns/{campaign.pk}/edit/"))
    assert data["awards-0-basis"] == ["manual"]
    put(data, **{"awards-0-decided": "targets: all"})
    response = client.post(f"/campaigns/{campaign.pk}/edit/", data)
    assert response.status_code == 200
    assert _has_error(field_block(response.content.decode(), "awards-0-decided"))
    put(data, **{"awards-0-basis": "manual", "awards-0-decided": "per_ranking: true",
                 "awards-0-recommend_to": "酒泉市总工会"})
    response = client.post(f"/campaigns/{campaign.pk}/edit/", data)
    assert response.status_code == 302, _errors(response)
    campaign.refresh_from_db()
    award = plan_of(campaign).awards[0]
    assert (award.basis, award.per_ranking, award.recommend_to, award.top) == ("manual", True, "酒泉市总工会", 10)
