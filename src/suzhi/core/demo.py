"""The demo campaign's organisation and accounts (the seed's plan 1: 敦煌市职工职业技能素质提升活动).

Loading is idempotent: what exists (by organisation code or username) is left as it is, so running it
twice leaves the same data. Every write goes through the services. Other apps add their own demo data
with `register_loader` in their `AppConfig.ready()`. The participant and the unit administrator are people on
their unit's roster, linked to their accounts (`load_account_people`, run after the roster), so they can take the
contest and join the trainings.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from suzhi.core.models import Notice, Organisation, User

DEMO_PASSWORD = "Suzhi@2024"

TOWNS = ["七里镇", "沙州镇", "肃州镇", "莫高镇", "转渠口镇", "阳关镇", "月牙泉镇", "郭家堡镇", "黄渠镇"]
TOWN_CODES = ["QLZ", "SZZ", "SUZ", "MGZ", "ZQK", "YGZ", "YYQ", "GJB", "HQZ"]

# (code, name, short name, type, parent code, region code)
ORGANISATIONS: list[tuple[str, str, str, str, str | None, str]] = [
    ("DH", "敦煌市职工职业技能素质提升活动组委会", "组委会", "committee", None, "620982"),
    ("DH-ZGH", "敦煌市总工会", "市总工会", "federation", "DH", "620982"),
    ("DH-RSJ", "敦煌市人力资源和社会保障局", "市人社局", "other", "DH", "620982"),
    ("DH-GXJ", "敦煌市工业和信息化局", "市工信局", "other", "DH", "620982"),
    ("DH-KJJ", "敦煌市科学技术局", "市科技局", "other", "DH", "620982"),
    ("DH-JYXT", "敦煌市教育系统工会", "教育系统工会", "system_union", "DH-ZGH", "620982"),
    ("DH-WJXT", "敦煌市卫生健康系统工会", "卫健系统工会", "system_union", "DH-ZGH", "620982"),
    ("DH-SZJG", "敦煌市直机关工会", "市直机关工会", "city_union", "DH-ZGH", "620982"),
    ("DH-JYXT-01", "敦煌市第一中学", "敦煌一中", "school", "DH-JYXT", ""),
    ("DH-JYXT-02", "敦煌市东街小学", "东街小学", "school", "DH-JYXT", ""),
    ("DH-WJXT-01", "敦煌市人民医院", "市医院", "enterprise", "DH-WJXT", ""),
    ("DH-SZJG-01", "敦煌市文化和旅游局机关", "文旅局机关", "enterprise", "DH-SZJG", ""),
    ("DH-ZGH-PX", "敦煌市总工会职工职业技能培训基地", "职工培训基地", "training_station", "DH-ZGH", ""),
]
_UNITS = [("01", "农民工技能培训站", "training_station"), ("02", "农业科技有限公司", "enterprise"),
          ("03", "商贸有限责任公司", "enterprise")]
for _code, _town in zip(TOWN_CODES, TOWNS, strict=True):
    ORGANISATIONS.append((f"DH-{_code}", f"{_town}工会联合会", f"{_town}工会", "town_federation", "DH-ZGH", "620982"))
    for _suffix, _name, _kind in _UNITS:
        ORGANISATIONS.append(
            (f"DH-{_code}-{_suffix}", f"敦煌市{_town}{_name}", f"{_town}{_name[:4]}", _kind, f"DH-{_code}", "")
        )


@dataclass(frozen=True)
class DemoAccount:
    username: str
    full_name: str
    phone: str
    organisation_code: str
    role_code: str
    what: str
    # On the unit's roster as (birth date, ID number serial, person categories); None: not a roster person.
    person: tuple[str, str, tuple[str, ...]] | None = None
    # Printed with the logins only when the account has something to do in the demo today.
    printed: bool = True


ACCOUNTS = [
    DemoAccount("zuweihui", "王组委", "13809370001", "DH", "committee_admin",
                "组委会管理员 committee admin: 比赛管理、表彰、证书 competitions, honours, certificates"),
    DemoAccount("qilizhen", "李乡镇", "13809370002", "DH-QLZ", "town_admin",
                "七里镇工会联合会管理员 town admin: 征集审核 reviews suggestions"),
    DemoAccount("shazhou", "赵沙州", "13809370006", "DH-SZZ", "town_admin", "沙州镇工会联合会管理员 town admin"),
    DemoAccount("danwei", "张单位", "13809370003", "DH-QLZ-02", "unit_admin",
                "单位管理员 unit admin: 人员名册、比赛报名 roster, competition registration",
                ("1980-03-12", "990", ("in_post", "union_cadre"))),
    DemoAccount("zhigong", "陈职工", "13809370004", "DH-QLZ-02", "participant",
                "职工 participant: 我的竞赛、我的培训、我的建议、我的荣誉 contest, trainings, suggestions, honours",
                ("1990-07-15", "991", ("in_post",))),
    # Judges sit at the training base, outside the towns whose entries they score (no one judges their own).
    DemoAccount("pingwei", "刘评委", "13809370005", "DH-ZGH-PX", "judge",
                "评委 judge: 我的评审 scores technical innovations (技术创新成果)"),
    # The printed judge's fellow judges: they have scored already, so results could be published.
    DemoAccount("pingwei2", "马评委", "13809370007", "DH-ZGH-PX", "judge", "评委 judge", printed=False),
    DemoAccount("pingwei3", "杨评委", "13809370008", "DH-ZGH-PX", "judge", "评委 judge", printed=False),
    # The city final's five judges per contestant: the three above and two more.
    DemoAccount("pingwei4", "周评委", "13809370009", "DH-ZGH-PX", "judge", "评委 judge", printed=False),
    DemoAccount("pingwei5", "吴评委", "13809370010", "DH-ZGH-PX", "judge", "评委 judge", printed=False),
]

NOTICE_TITLE = "关于开展%(year)d年职工职业技能素质提升活动的通知"
NOTICE_BODY = (
    "各乡镇工会联合会、系统工会、市直工会:\n"
    "为认真贯彻落实省市工会关于开展职工职业技能素质提升活动的要求,经研究,决定在全市开展职工职业技能素质提升活动。"
    "请各单位按照工作方案要求,于%(start)s至%(end)s征集职工合理化建议,推荐上报优秀技术创新成果,"
    "并及时向市总工会上报活动的内容及进展情况。\n敦煌市职工职业技能素质提升活动组委会办公室"
)
NOTICE_CAMPAIGN = "dunhuang-2024"

_LOADERS: list[Callable[[Any], None]] = []


def register_loader(loader: Callable[[Any], None]) -> None:
    """Another app's demo data, loaded after the organisations and accounts; receives the admin user."""
    _LOADERS.append(loader)


def _notice(admin: Any, notice_services: Any) -> None:
    """The committee's notice, dated by the demo campaign's launch phase (which follows the day of loading)."""
    from suzhi.campaigns.models import Phase

    launch = Phase.objects.filter(campaign__code=NOTICE_CAMPAIGN).order_by("starts_on").first()
    if launch is None:
        return
    title = NOTICE_TITLE % {"year": launch.starts_on.year}
    body = NOTICE_BODY % {"start": f"{launch.starts_on.month}月{launch.starts_on.day}日",
                          "end": f"{launch.ends_on.month}月{launch.ends_on.day}日"}
    committee = Organisation.objects.get(code="DH")
    notice = Notice.objects.filter(organisation=committee, title=title).first()
    if notice is None:
        notice_services.notice_create(actor=admin, organisation_id=committee.pk, title=title, body=body, pinned=True,
                                      publish=True)
    elif notice.body != body:
        notice_services.notice_update(actor=admin, notice_id=notice.pk, body=body)


def load_account_people(admin: Any) -> None:
    """The demo accounts that are people on their unit's roster, added and linked to their accounts (after the
    roster is loaded, before the contest's attempts pick people without an account)."""
    import datetime

    from stdnum.cn import ric

    from suzhi.people.models import Person
    from suzhi.people.services.accounts import person_account_link
    from suzhi.people.services.persons import person_create
    from suzhi.people.validation import dunhuang_region

    for account in ACCOUNTS:
        if account.person is None:
            continue
        born, serial, categories = account.person
        birth = datetime.date.fromisoformat(born)
        body = f"{dunhuang_region(birth)}{birth:%Y%m%d}{serial}"
        id_number = body + ric.calc_check_digit(body + "0")
        person = Person.objects.filter(id_number=id_number).first()
        if person is None:
            organisation = Organisation.objects.get(code=account.organisation_code)
            person = person_create(actor=admin, name=account.full_name, id_number=id_number,
                                   organisation_id=organisation.pk, phone=account.phone, categories=categories,
                                   post="班组长" if account.role_code == "participant" else "工会主席")
        if person.user_id is None:
            person_account_link(actor=admin, person_id=person.pk, username=account.username)


def load_demo(*, admin_username: str = "admin") -> list[tuple[str, str, str]]:
    """Load (or top up) the demo; returns (username, password, what) for the printed logins."""
    from suzhi.core.services import auth as auth_services
    from suzhi.core.services import bootstrap
    from suzhi.core.services import notices as notice_services
    from suzhi.core.services import orgs as org_services
    from suzhi.core.services import users as user_services

    admin = bootstrap.superuser_ensure(username=admin_username, password=DEMO_PASSWORD)
    existing = set(Organisation.objects.values_list("code", flat=True))
    for code, name, short_name, type_code, parent_code, region in ORGANISATIONS:
        if code in existing:
            continue
        parent = Organisation.objects.get(code=parent_code) if parent_code else None
        org_services.org_create(
            actor=admin, parent=parent, code=code, name=name, short_name=short_name,
            org_type_code=type_code, region_code=region,
        )
        existing.add(code)

    for account in ACCOUNTS:
        if User.objects.filter(username=account.username).exists():
            continue
        organisation = Organisation.objects.get(code=account.organisation_code)
        with transaction.atomic():
            user, initial = user_services.user_create(
                actor=admin, username=account.username, full_name=account.full_name,
                organisation_id=organisation.pk, phone=account.phone, role_codes=(account.role_code,),
            )
            # A demo account is ready to use: it sets its own password, as a real first login would.
            assert initial is not None  # generated because none was given
            auth_services.password_change(user=user, old_password=initial, new_password=DEMO_PASSWORD)

    for loader in _LOADERS:
        loader(admin)
    _notice(admin, notice_services)

    logins = [(admin_username, DEMO_PASSWORD, "系统管理员 system administrator (superuser)")]
    logins += [(a.username, DEMO_PASSWORD, a.what) for a in ACCOUNTS if a.printed]
    return logins
