"""The core's own manifest: its menu entries. Its permission codes (permissions.py), log labels
(oplog_actions.py) and usage counters (org_usage.register_core_counters) are declared where those registries are
defined; its pages and API are mounted by config/urls.py and config/api.py, the core's pages last, at the root."""

from django.utils.translation import gettext_lazy as _

from suzhi.core.manifests import AppManifest
from suzhi.core.navigation import ORGANISATION, SYSTEM, NavItem

MANIFEST = AppManifest(
    navigation=(
        NavItem("home", _("Home"), "core:home", None, 10),
        NavItem("notices", _("Notices"), "core:notice_list", None, 20),
        NavItem("orgs", _("Organisations"), "core:org_tree", "org.view", 30, group=ORGANISATION),
        NavItem("users", _("Users"), "core:user_list", "user.view", 40, group=ORGANISATION),
        NavItem("roles", _("Roles"), "core:role_list", "role.manage", 50, group=ORGANISATION),
        NavItem("notice_manage", _("Publish notices"), "core:notice_manage", "notice.manage", 60, group=SYSTEM),
        NavItem("oplog", _("Operation log"), "core:oplog_list", "log.view", 70, group=SYSTEM),
        NavItem("loginlog", _("Login log"), "core:loginlog_list", "log.view", 80, group=SYSTEM),
        NavItem("dicts", _("Dictionaries"), "core:dict_list", "dict.manage", 90, group=SYSTEM),
        NavItem("params", _("System parameters"), "core:param_list", "dict.manage", 95, group=SYSTEM),
        NavItem("api_docs", _("API"), "api:openapi-view", "user.view", 200, group=SYSTEM),
    ),
)
