"""Pages of notices (通知公告): reading one's own, and managing those of one's organisations."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from suzhi.core.errors import Conflict, NotFound, ValidationFailed
from suzhi.core.forms.notices import NoticeForm
from suzhi.core.models import Notice
from suzhi.core.selectors import notices as notice_selectors
from suzhi.core.services import notices as notice_services
from suzhi.core.web import AuthedHttpRequest, paginate, require_perm, show_form_error


@login_required
def notice_list(request: AuthedHttpRequest) -> HttpResponse:
    notices = notice_selectors.notices_for_user(user=request.user)
    unread_only = request.GET.get("unread") == "1"
    if unread_only:
        notices = notices.exclude(reads__user=request.user)
    context: dict[str, Any] = {"unread_only": unread_only}
    context.update(paginate(request, notices))
    return render(request, "core/notices/list.html", context)


@login_required
def notice_detail(request: AuthedHttpRequest, notice_id: int) -> HttpResponse:
    notice = notice_selectors.notice_for_reader(user=request.user, notice_id=notice_id)
    if not getattr(notice, "is_read", False):
        notice_services.notice_mark_read(user=request.user, notice_id=notice.pk)
    return render(
        request,
        "core/notices/detail.html",
        {"notice": notice, "can_manage": notice_selectors.can_manage(user=request.user, notice=notice)},
    )


@require_perm("notice.manage")
def notice_manage(request: AuthedHttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    if status not in Notice.Status.values:
        status = ""
    q = request.GET.get("q", "")[:100]
    notices = notice_selectors.notices_manageable(user=request.user, status=status, q=q)
    context: dict[str, Any] = {"status": status, "q": q, "statuses": Notice.Status.choices}
    context.update(paginate(request, notices))
    return render(request, "core/notices/manage.html", context)


@require_perm("notice.manage")
def notice_create(request: AuthedHttpRequest) -> HttpResponse:
    form = NoticeForm(
        request.POST or None,
        organisations=notice_selectors.notice_target_orgs(user=request.user),
        initial={"organisation": request.user.organisation_id},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            notice = notice_services.notice_create(
                actor=request.user,
                organisation_id=data["organisation"].pk,
                title=data["title"],
                body=data["body"],
                pinned=data["pinned"],
                publish=request.POST.get("action") == "publish",
            )
        except ValidationFailed as exc:
            show_form_error(form, exc)
        except NotFound:
            form.add_error("organisation", _("You cannot publish to that organisation."))
        else:
            if notice.status == Notice.Status.PUBLISHED:
                messages.success(request, _("Notice “%(title)s” published.") % {"title": notice.title})
            else:
                messages.success(request, _("Draft “%(title)s” saved.") % {"title": notice.title})
            return redirect("core:notice_manage")
    return render(request, "core/notices/form.html", {"form": form, "notice": None})


@require_perm("notice.manage")
def notice_edit(request: AuthedHttpRequest, notice_id: int) -> HttpResponse:
    notice = notice_selectors.notices_manageable(user=request.user).filter(pk=notice_id).first()
    if notice is None:
        raise NotFound()
    form = NoticeForm(
        request.POST or None,
        organisations=notice_selectors.notice_target_orgs(user=request.user),
        initial=NoticeForm.initial_for(notice),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            notice = notice_services.notice_update(
                actor=request.user,
                notice_id=notice.pk,
                title=data["title"],
                body=data["body"],
                pinned=data["pinned"],
                organisation_id=data["organisation"].pk,
            )
        except ValidationFailed as exc:
            show_form_error(form, exc)
        except Conflict as exc:
            form.add_error(None, str(exc.message))
        else:
            messages.success(request, _("Notice “%(title)s” saved.") % {"title": notice.title})
            return redirect("core:notice_manage")
    return render(request, "core/notices/form.html", {"form": form, "notice": notice})


def _transition(request: AuthedHttpRequest, service: Any, notice_id: int, done: str) -> HttpResponse:
    try:
        notice = service(actor=request.user, notice_id=notice_id)
    except Conflict as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, done % {"title": notice.title})
    return redirect("core:notice_manage")


@require_POST
@require_perm("notice.manage")
def notice_publish(request: AuthedHttpRequest, notice_id: int) -> HttpResponse:
    return _transition(request, notice_services.notice_publish, notice_id, _("Notice “%(title)s” published."))


@require_POST
@require_perm("notice.manage")
def notice_withdraw(request: AuthedHttpRequest, notice_id: int) -> HttpResponse:
    return _transition(request, notice_services.notice_withdraw, notice_id, _("Notice “%(title)s” withdrawn."))


urlpatterns = [
    path("notices/", notice_list, name="notice_list"),
    path("notices/manage/", notice_manage, name="notice_manage"),
    path("notices/new/", notice_create, name="notice_create"),
    path("notices/<int:notice_id>/", notice_detail, name="notice_detail"),
    path("notices/<int:notice_id>/edit/", notice_edit, name="notice_edit"),
    path("notices/<int:notice_id>/publish/", notice_publish, name="notice_publish"),
    path("notices/<int:notice_id>/withdraw/", notice_withdraw, name="notice_withdraw"),
]
