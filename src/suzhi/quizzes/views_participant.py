"""The participant's contest pages (phone first): my contests, the attempt page, the result."""

from django.urls import path  # noqa: F401 - filled in by the participant pages

urlpatterns: list = []


def register_navigation() -> None:
    pass
