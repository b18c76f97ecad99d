"""Pages of the operation log and the login log, with Excel exports of the same filters."""

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from suzhi.core import oplog_actions
from suzhi.core.errors import NotFound
from suzhi.core.models import Organisation
from suzhi.core.selectors import logs as log_selectors
from suzhi.core.web import AuthedHttpRequest, paginate, require_perm, xlsx_download

# A larger export would hold the request and the worker's memory for minutes; narrow the filter instead.
EXPORT_MAX_ROWS = 100_000
_EXPORT_CHUNK = 2_000


class _DateRangeForm(forms.Form):
    date_from = forms.DateField(
        label=gettext_lazy("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=gettext_lazy("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", _("The end date is before the start date."))
        return data


class OperationLogFilterForm(_DateRangeForm):
    actor = forms.CharField(label=gettext_lazy("Operator"), required=False, max_length=150)
    action = forms.ChoiceField(label=gettext_lazy("Action"), required=False)
    org_code = forms.CharField(label=gettext_lazy("Organisation code"), required=False, max_length=64)
    q = forms.CharField(label=gettext_lazy("Object or summary contains"), required=False, max_length=100)
    # Set by links from other pages (an organisation's "its log"); the form shows the code instead.
    org = forms.IntegerField(required=False, widget=forms.HiddenInput)
    object_type = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        action = self.fields["action"]
        assert isinstance(action, forms.ChoiceField)
        action.choices = [("", _("All actions"))] + [(code, label) for code, label in oplog_actions.choices()]


class LoginLogFilterForm(_DateRangeForm):
    username = forms.CharField(label=gettext_lazy("Username"), required=False, max_length=150)
    success = forms.TypedChoiceField(
        label=gettext_lazy("Result"),
        required=False,
        choices=[("", gettext_lazy("All")), ("1", gettext_lazy("Succeeded")), ("0", gettext_lazy("Failed"))],
        coerce=lambda v: v == "1",
        empty_value=None,
    )
    ip = forms.CharField(label=gettext_lazy("IP address"), required=False, max_length=45)


def _organisation_id(form: OperationLogFilterForm) -> int | None:
    """The organisation filter as an id: from the link's `org` or the code typed into the form."""
    code = form.cleaned_data.get("org_code", "").strip()
    if code:
        found = Organisation.objects.filter(code=code).values_list("pk", flat=True).first()
        if found is None:
            form.add_error("org_code", _("No organisation has the code “%(code)s”.") % {"code": code})
        return found
    return form.cleaned_data.get("org")


def _operation_rows(request: AuthedHttpRequest, form: OperationLogFilterForm) -> Any:
    data = form.cleaned_data
    org_id = _organisation_id(form)
    if form.errors:
        return None
    try:
        return log_selectors.operation_logs_visible(
            user=request.user,
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            actor=data.get("actor", ""),
            action=data.get("action", ""),
            object_type=data.get("object_type", ""),
            org_id=org_id,
            q=data.get("q", ""),
        )
    except NotFound:
        # A typo in a filter is not a missing page: say so next to the field.
        form.add_error("org_code", _("That organisation is outside your data scope."))
        return None


def _too_many(request: AuthedHttpRequest, count: int) -> bool:
    if count <= EXPORT_MAX_ROWS:
        return False
    messages.error(
        request,
        _("%(count)d rows match; at most %(max)d can be exported at once. Narrow the dates or filters.")
        % {"count": count, "max": EXPORT_MAX_ROWS},
    )
    return True


def _stamp() -> str:
    return timezone.localtime().strftime("%Y%m%d-%H%M")


def _export_operations(rows: Any) -> HttpResponse:
    headers = [
        _("Time"), _("Operator"), _("IP address"), _("Organisation"), _("Action"), _("Object type"),
        _("Object ID"), _("Object"), _("Summary"),
    ]
    values = (
        (at, actor, ip, org, oplog_actions.label_for(action), oplog_actions.object_type_label(kind), *rest)
        for at, actor, ip, org, action, kind, *rest in rows.values_list(
            "created_at", "actor_username", "ip", "organisation__name", "action", "object_type", "object_id",
            "object_repr", "summary",
        ).iterator(chunk_size=_EXPORT_CHUNK)
    )
    return xlsx_download(
        _("operation-log-%(stamp)s.xlsx") % {"stamp": _stamp()}, headers, values, sheet=_("Operation log")
    )


def _log_page(request: AuthedHttpRequest, *, form: Any, rows: Any, export: Any, template: str,
              title: str) -> HttpResponse:
    """A log list (操作日志, 登录日志): the filtered rows a page at a time, or all of them as .xlsx (`?export=xlsx`),
    refused with a message past EXPORT_MAX_ROWS."""
    if rows is not None and request.GET.get("export") == "xlsx":
        if not _too_many(request, rows.count()):
            return export(rows)
        params = request.GET.copy()
        params.pop("export", None)
        return redirect(f"{request.path}?{params.urlencode()}")
    context: dict[str, Any] = {"form": form, "export_query": _export_query(request), "log_title": title}
    context.update(paginate(request, rows if rows is not None else []))
    return render(request, template, context)


@require_perm("log.view")
def oplog_list(request: AuthedHttpRequest) -> HttpResponse:
    form = OperationLogFilterForm(request.GET)
    rows = _operation_rows(request, form) if form.is_valid() else None
    return _log_page(request, form=form, rows=rows, export=_export_operations,
                     template="core/logs/operations.html", title=_("Operation log"))


@require_perm("log.view")
def oplog_detail(request: AuthedHttpRequest, log_id: int) -> HttpResponse:
    log = log_selectors.operation_log_get(user=request.user, log_id=log_id)
    return render(
        request,
        "core/logs/operation_detail.html",
        {"log": log, "changes": log_selectors.operation_log_changes(log)},
    )


def _export_logins(rows: Any) -> HttpResponse:
    from suzhi.core.models import LoginLog

    reasons = dict(LoginLog.Reason.choices)
    headers = [
        _("Time"), _("Login account"), _("Name"), _("Organisation"), _("IP address"), _("Channel"),
        _("Success"), _("Result"), _("Browser"),
    ]
    values = (
        (at, username, full_name or "", org or "", ip, channel, _("Yes") if ok else _("No"),
         str(reasons.get(reason, reason)), agent)
        for at, username, full_name, org, ip, channel, ok, reason, agent in rows.values_list(
            "created_at", "username", "user__full_name", "organisation__name", "ip", "channel", "success",
            "reason", "user_agent",
        ).iterator(chunk_size=_EXPORT_CHUNK)
    )
    return xlsx_download(_("login-log-%(stamp)s.xlsx") % {"stamp": _stamp()}, headers, values, sheet=_("Login log"))


@require_perm("log.view")
def loginlog_list(request: AuthedHttpRequest) -> HttpResponse:
    form = LoginLogFilterForm(request.GET)
    rows = None
    if form.is_valid():
        data = form.cleaned_data
        rows = log_selectors.login_logs_visible(
            user=request.user,
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            username=data.get("username", ""),
            success=data.get("success"),
            ip=data.get("ip", ""),
        )
    return _log_page(request, form=form, rows=rows, export=_export_logins, template="core/logs/logins.html",
                     title=_("Login log"))


def _export_query(request: AuthedHttpRequest) -> str:
    params = request.GET.copy()
    for name in ("page", "export"):
        params.pop(name, None)
    params["export"] = "xlsx"
    return params.urlencode()


urlpatterns = [
    path("logs/operations/", oplog_list, name="oplog_list"),
    path("logs/operations/<int:log_id>/", oplog_detail, name="oplog_detail"),
    path("logs/logins/", loginlog_list, name="loginlog_list"),
]
