"""Recomputations of one thing are spaced out: the second waits until the spacing has passed."""

import pytest
from django.test import override_settings

from suzhi.core import tasks


@pytest.fixture
def clock(monkeypatch):
    now = {"t": 1000.0}
    slept = []

    def sleep(seconds):
        slept.append(seconds)
        now["t"] += seconds

    monkeypatch.setattr("time.time", lambda: now["t"])
    monkeypatch.setattr("time.sleep", sleep)
    return now, slept


@override_settings(SUZHI_REFRESH_MIN_SECONDS=20)
def test_a_second_run_waits_for_the_spacing_and_others_do_not(clock):
    now, slept = clock
    tasks.space_out("quiz-results:1")
    assert slept == []
    now["t"] += 5
    tasks.space_out("quiz-results:1")
    assert slept == [15]
    tasks.space_out("quiz-results:2")  # another contest: its own spacing
    assert slept == [15]
    now["t"] += 30
    tasks.space_out("quiz-results:1")
    assert slept == [15]


@override_settings(SUZHI_REFRESH_MIN_SECONDS=0)
def test_no_spacing_when_set_to_zero(clock):
    _now, slept = clock
    tasks.space_out("campaign-targets:1")
    tasks.space_out("campaign-targets:1")
    assert slept == []
