"""The demo's honours: the 酒泉 recommendations entered by hand and confirmed, the demo participant among them, so
the roll and 我的荣誉 show something; loading again adds nothing."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from suzhi.core import demo
from suzhi.core.models import User
from suzhi.honours.models import Honour

pytestmark = pytest.mark.django_db


def test_the_loader_is_registered():
    assert "load_honours_demo" in [loader.__name__ for loader in demo._LOADERS]


def test_demo_honours_on_the_roll(client):
    call_command("demo")
    honours = Honour.objects.filter(campaign__code="dunhuang-2024")
    jiuquan = honours.filter(rule_key="jiuquan-stars")
    assert jiuquan.count() == 6 and set(jiuquan.values_list("state", flat=True)) == {"confirmed"}
    assert set(jiuquan.values_list("recommend_to", flat=True)) == {"酒泉市总工会"}
    assert not honours.exclude(state="confirmed").exists()
    # The city final's stars from its published ranking, each with a 荣誉证书 that verifies
    stars = honours.filter(rule_key="city-stars")
    assert stars.count() == 9 and set(stars.values_list("title", flat=True)) == {"敦煌市技术标兵"}
    from suzhi.certificates.models import Certificate

    certificates = Certificate.objects.filter(kind="honour")
    assert certificates.count() == 9
    assert client.get(reverse("certificates:verify", args=[certificates.first().code])).status_code == 200
    worker = User.objects.get(username="zhigong")
    client.force_login(worker)
    assert client.get(reverse("honours:mine")).content.count(b"data-honour=") == 1
    total = honours.count()
    call_command("demo")
    assert Honour.objects.count() == total
