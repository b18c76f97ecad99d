"""Organiser pages for contests: list, set up, publish, live participation, results, item analysis, marking."""

from django.urls import path  # noqa: F401 - filled in by the organiser pages

urlpatterns: list = []


def register_navigation() -> None:
    pass
