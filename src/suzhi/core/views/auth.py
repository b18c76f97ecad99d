from django.contrib import messages
from django.contrib.auth import login, logout, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from suzhi.core.errors import DomainError
from suzhi.core.forms.auth import LoginForm, PasswordChangeForm
from suzhi.core.services import auth as auth_services
from suzhi.core.web import AuthedHttpRequest


def _safe_next(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return default


@sensitive_post_parameters("password")
@csrf_protect
@never_cache
def login_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect(_safe_next(request, reverse("core:home")))
    form = LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = auth_services.login_attempt(
                login=form.cleaned_data["login"], password=form.cleaned_data["password"]
            )
        except DomainError as exc:
            form.add_error(None, str(exc.message))
        else:
            login(request, user)
            if user.must_change_password:
                messages.warning(request, _("Please set your own password before continuing."))
                return redirect("core:password_change")
            return redirect(_safe_next(request, reverse("core:home")))
    return render(request, "core/auth/login.html", {"form": form, "next": request.GET.get("next", "")})


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        auth_services.logout_record(user=request.user)
    logout(request)
    return redirect("core:login")


@sensitive_post_parameters("old_password", "new_password", "new_password_again")
@login_required
def password_change_view(request: AuthedHttpRequest) -> HttpResponse:
    form = PasswordChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            auth_services.password_change(
                user=request.user,
                old_password=form.cleaned_data["old_password"],
                new_password=form.cleaned_data["new_password"],
            )
        except DomainError as exc:
            fields = {d.get("field") for d in (exc.detail or []) if isinstance(d, dict)}
            field = next((f for f in fields if f in form.fields), None)
            form.add_error(field, str(exc.message))
        else:
            update_session_auth_hash(request, request.user)
            messages.success(request, _("Your password has been changed."))
            return redirect(_safe_next(request, reverse("core:home")))
    return render(
        request,
        "core/auth/password_change.html",
        {"form": form, "forced": request.user.must_change_password, "next": request.GET.get("next", "")},
    )


urlpatterns = [
    path("login/", login_view, name="login"),
    path("logout/", logout_view, name="logout"),
    path("password/", password_change_view, name="password_change"),
]
