"""The honours part of `make demo`: the Dunhuang campaign's rules applied to what the demo holds, so the honours
roll (光荣榜) shows something. The units award is proposed from the stored target values; the 酒泉 recommendation
is entered by hand, as its results come from outside (陈职工, the demo participant, among them, so 我的荣誉 shows
one); the city contest's stars come from its published ranking. Everything found is confirmed, and the city
contest's stars get their 荣誉证书 (whose codes verify on the public page)."""

import logging
from typing import Any

from suzhi.campaigns.models import Campaign
from suzhi.core.errors import DomainError
from suzhi.honours.models import Honour
from suzhi.honours.services.certificates import honours_certify
from suzhi.honours.services.honours import honour_add, honours_confirm, honours_propose
from suzhi.people.models import Person

CAMPAIGN = "dunhuang-2024"
PARTICIPANT = "zhigong"
logger = logging.getLogger(__name__)

# (title, basis) of the hand-entered 酒泉 results: three places of each 工种.
JIUQUAN = [("酒泉市技术标兵", "酒泉市职工技能大赛 计算机操作 第%d名"),
           ("酒泉市服务明星", "酒泉市职工技能大赛 汽车驾驶 第%d名")]


def _jiuquan_people() -> list[Person]:
    """Six people of different units, the demo participant first."""
    people = list(Person.objects.filter(user__username=PARTICIPANT, is_active=True)[:1])
    units = {p.organisation_id for p in people}
    for person in Person.objects.filter(is_active=True).order_by("pk").iterator():
        if len(people) >= 6:
            break
        if person.organisation_id not in units:
            units.add(person.organisation_id)
            people.append(person)
    return people


def load_honours_demo(admin: Any) -> None:
    campaign = Campaign.objects.filter(code=CAMPAIGN).first()
    if campaign is None or Honour.objects.filter(campaign=campaign).exists():
        return
    for rule_key in ("city-stars", "units"):
        try:
            honours_propose(actor=admin, campaign_id=campaign.pk, rule_key=rule_key)
        except DomainError as refused:  # a rule the plan no longer has
            logger.info("demo honours: %s not proposed (%s)", rule_key, refused.code)
    for index, person in enumerate(_jiuquan_people()):
        title, basis = JIUQUAN[index % 2]
        place = index // 2 + 1
        honour_add(actor=admin, campaign_id=campaign.pk, rule_key="jiuquan-stars", person_id=person.pk, title=title,
                   basis=basis % place, position=place, reason="酒泉市总工会公布的比赛成绩，手工录入")
    for rule_key in ("city-stars", "jiuquan-stars", "units"):
        if Honour.objects.filter(campaign=campaign, rule_key=rule_key, state="proposed").exists():
            honours_confirm(actor=admin, campaign_id=campaign.pk, rule_key=rule_key)
    if Honour.objects.filter(campaign=campaign, rule_key="city-stars", state="confirmed").exists():
        honours_certify(actor=admin, campaign_id=campaign.pk, rule_key="city-stars")
    logger.info("demo honours loaded: %d", Honour.objects.filter(campaign=campaign).count())
