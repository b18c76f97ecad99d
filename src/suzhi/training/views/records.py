"""Placeholder until the pages land in this session; urlpatterns is filled by the module's author."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
