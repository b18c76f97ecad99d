"""One registration per app (应用清单): everything the platform mounts for an app, declared in one place.

An app's `manifest.py` builds an `AppManifest` (an activity kind builds a `KindManifest`, which is one) and its
`AppConfig.ready()` registers it. Registering hands each part to the registry that owns it: permission codes,
operation-log labels, navigation entries, organisation-usage counters, demo loaders. The app's page URLs and
API routers are mounted by `config/urls.py` and `config/api.py` from here, so adding an app never edits them.

Callables that would import the app's services or views at import time (demo loaders, the URL module, routers)
are given as dotted paths and imported when first needed.
"""

import dataclasses
from collections.abc import Callable, Mapping
from typing import Any

from django.urls import URLPattern, URLResolver, include, path
from django.utils.functional import Promise
from django.utils.module_loading import import_string

from suzhi.core import navigation as menu
from suzhi.core import oplog_actions, org_usage, permissions
from suzhi.core.navigation import NavItem

Label = str | Promise


@dataclasses.dataclass(frozen=True)
class UsageCount:
    """What hangs on an organisation through the app's foreign keys ("app_label.Model.field")."""

    key: str
    label: Label
    fields: tuple[str, ...]


@dataclasses.dataclass(frozen=True)
class ApiMount:
    """A django-ninja router (dotted path "module:attribute" or "module.attribute") under /api/v1/<prefix>."""

    prefix: str
    router: str


@dataclasses.dataclass(frozen=True, kw_only=True)
class AppManifest:
    # Permission codes with their labels, shown grouped under `permission_group` on the role page.
    permission_group: Label = ""
    permissions: tuple[tuple[str, Label], ...] = ()
    # Operation-log labels: action codes, object types ("app.model") and detail keys.
    log_actions: tuple[tuple[str, Label], ...] = ()
    log_object_types: tuple[tuple[str, Label], ...] = ()
    log_details: Mapping[str, Label] = dataclasses.field(default_factory=dict)
    # Menu entries, organisers' (with a permission and a group) and participants' (without).
    navigation: tuple[NavItem, ...] = ()
    # Pages: the module with `urlpatterns` (and `app_name`) mounted at `url_prefix` ("training/").
    urls: str = ""
    url_prefix: str = ""
    api: tuple[ApiMount, ...] = ()
    usage: tuple[UsageCount, ...] = ()
    # Foreign keys to organisations holding figures recomputed from others (removed with the organisation).
    usage_derived: tuple[str, ...] = ()
    # Demo data, loaded after the organisations and accounts in INSTALLED_APPS order (dotted paths).
    demo_loaders: tuple[str, ...] = ()


_URL_MOUNTS: dict[str, tuple[str, str]] = {}  # url_prefix -> (urls module, registering manifest's name)
_API_MOUNTS: dict[str, ApiMount] = {}


def _lazy(dotted: str) -> Callable[..., Any]:
    def call(*args: Any, **kwargs: Any) -> Any:
        return import_string(dotted)(*args, **kwargs)

    call.__name__ = call.__qualname__ = dotted.rsplit(".", 1)[-1]
    call.dotted = dotted  # type: ignore[attr-defined]
    return call


def register_app(manifest: AppManifest, *, name: str) -> None:
    """Hand every part of `manifest` to its registry; `name` says whose it is in error messages."""
    for code, label in manifest.permissions:
        permissions.register(code, label, manifest.permission_group or name)
    for code, label in manifest.log_actions:
        oplog_actions.register(code, label)
    for object_type, label in manifest.log_object_types:
        oplog_actions.register_object_type(object_type, label)
    if manifest.log_details:
        oplog_actions.register_details(manifest.log_details)
    for item in manifest.navigation:
        menu.register(item)
    for usage in manifest.usage:
        org_usage.register(usage.key, usage.label, fields=list(usage.fields))
    if manifest.usage_derived:
        org_usage.register_derived(*manifest.usage_derived)
    if manifest.demo_loaders:
        from suzhi.core import demo  # it reads the models, which are not loaded when manifests are imported

        for loader in manifest.demo_loaders:
            demo.register_loader(_lazy(loader))
    if manifest.urls:
        taken = _URL_MOUNTS.get(manifest.url_prefix)
        if taken and taken[1] != name:
            raise ValueError(f"{name}: the URL prefix {manifest.url_prefix!r} is already mounted by {taken[1]}.")
        _URL_MOUNTS[manifest.url_prefix] = (manifest.urls, name)
    for mount in manifest.api:
        taken_api = _API_MOUNTS.get(mount.prefix)
        if taken_api and taken_api != mount:
            raise ValueError(f"{name}: the API prefix {mount.prefix!r} is already mounted.")
        _API_MOUNTS[mount.prefix] = mount


def unregister_app(manifest: AppManifest) -> None:
    """For tests that register an example app or kind and take it away again."""
    if manifest.urls:
        _URL_MOUNTS.pop(manifest.url_prefix, None)
    for mount in manifest.api:
        _API_MOUNTS.pop(mount.prefix, None)
    for item in manifest.navigation:
        menu.unregister(item.key)
    for code, _label in manifest.permissions:
        permissions.unregister(code)
    for usage in manifest.usage:
        org_usage.unregister(usage.key)


def url_patterns() -> list[URLPattern | URLResolver]:
    """The pages of every registered app, for config/urls.py (the core's catch-all prefix comes after)."""
    return [path(prefix, include(module)) for prefix, (module, _name) in _URL_MOUNTS.items()]


def api_routers() -> list[tuple[str, Any]]:
    """(prefix, router) of every registered app, in registration order, for config/api.py."""
    result = []
    for mount in _API_MOUNTS.values():
        dotted = mount.router.replace(":", ".")
        result.append((mount.prefix, import_string(dotted)))
    return result
