"""One registration per kind: a kind added as its own app, with one line in INSTALLED_APPS, gets its pages, API,
navigation, permissions, usage counters, demo loader, campaign-page link and ranked results. The example kind
(tests/example_kind) is installed in a separate test run, as a deployment would add a kind."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from suzhi.campaigns import kinds
from suzhi.core import manifests, navigation, org_usage, permissions

ROOT = Path(__file__).resolve().parents[2]


def test_an_installed_kind_gets_everything_it_declares():
    env = {**os.environ, "SUZHI_EXTRA_APPS": "tests.example_kind", "DATABASE_URL": "", "SUZHI_TESTING": "1"}
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "tests/example_kind", "tests/core/test_orgs_usage.py", "-q",
         "-p", "no:cacheprovider", "-p", "no:randomly", "-o", "addopts="],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600, check=False)
    tail = result.stdout[-3000:] + result.stderr[-2000:]
    assert result.returncode == 0, tail
    assert "skipped" not in result.stdout.splitlines()[-1], tail
    assert " passed" in result.stdout.splitlines()[-1], tail


def _example(**parts):
    return kinds.KindManifest(code="sample", label="样例", actions={"go": "参加"}, **parts)


def test_registering_hands_each_part_to_its_registry():
    manifest = _example(
        permissions=(("sample.view", "查看样例"),), permission_group="样例",
        navigation=(navigation.NavItem("sample", "样例", "core:home", "sample.view", group=navigation.WORK),),
        usage=(manifests.UsageCount("samples", "样例记录", ("core.User.organisation",)),),
        urls="suzhi.core.urls", url_prefix="sample-prefix/",
        api=(manifests.ApiMount("/sample", "suzhi.core.api.dicts:router"),),
    )
    kinds.register_kind(manifest)
    try:
        assert kinds.kind("sample") is manifest
        assert "sample.view" in permissions.REGISTRY
        assert "core.User.organisation" in org_usage.counted_fields()
        assert ("/sample", manifests.api_routers()[-1][1]) == manifests.api_routers()[-1]
        assert any(str(p.pattern) == "sample-prefix/" for p in manifests.url_patterns())
    finally:
        kinds.unregister_kind("sample")
    assert kinds.kind("sample") is None and "sample.view" not in permissions.REGISTRY
    assert not any(str(p.pattern) == "sample-prefix/" for p in manifests.url_patterns())
    assert "/sample" not in dict(manifests.api_routers())


def test_two_apps_cannot_take_one_url_prefix():
    with pytest.raises(ValueError, match="training/"):
        kinds.register_kind(_example(urls="suzhi.core.urls", url_prefix="training/"))
    assert kinds.kind("sample") is None


def test_a_participant_sees_a_row_of_links_and_an_organiser_a_few_groups(tree):
    menu = navigation.items_for(tree.participant_a)
    assert all("children" not in item for item in menu)
    assert {"training_my", "quizzes_my", "collections_my"} <= {item["key"] for item in menu}
    organiser = navigation.items_for(tree.town_a_admin)
    keys = [item["key"] for item in organiser]
    assert keys[0] == "home" and {navigation.MINE, navigation.WORK, navigation.ORGANISATION} <= set(keys)
    assert len(keys) <= 7  # whatever number of kinds: the groups hold them
    mine = next(item for item in organiser if item["key"] == navigation.MINE)
    assert "training_my" in {child["key"] for child in mine["children"]}
