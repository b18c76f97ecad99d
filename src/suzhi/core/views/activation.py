"""Activating an account (激活账号), public: the person types the code from their activation sheet (or scans its QR
code, which opens /activate/<code>/) and sets their own password; they are then logged in."""

from django.contrib import messages
from django.contrib.auth import login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters

from suzhi.core.codes import format_code, normalise_code
from suzhi.core.errors import AccountLocked, DomainError
from suzhi.core.forms.activation import ActivationForm
from suzhi.core.services import activation as services

TEMPLATE = "core/auth/activate.html"
BACKEND = "suzhi.core.auth_backend.UsernameOrPhoneBackend"


@sensitive_post_parameters("code", "password", "password_again")
@csrf_protect
@never_cache
def activate_view(request: HttpRequest, code: str = "") -> HttpResponse:
    initial = {"code": format_code(normalise_code(code))} if code else {}
    form = ActivationForm(request.POST or None, initial=initial)
    status, problem = 200, ""
    if request.method == "POST":
        if form.is_valid():
            try:
                user = services.account_activate(code=form.cleaned_data["code"],
                                                 password=form.cleaned_data["password"])
            except AccountLocked as exc:
                form.add_error(None, str(exc.message))
                status = 429
            except DomainError as exc:
                fields = {item.get("field") for item in exc.detail or [] if isinstance(item, dict)}
                form.add_error("code" if "code" in fields else "password", str(exc.message))
            else:
                login(request, user, backend=BACKEND)
                messages.success(request, _("Your account is active. Welcome!"))
                return redirect("core:home")
    elif code:
        # Scanned from the sheet: say at once when the code cannot be used, before a password is typed.
        try:
            state = services.activation_code_check(code=code)
        except AccountLocked as exc:
            problem, status = str(exc.message), 429
        else:
            problem = state.refusal or ""
    return render(request, TEMPLATE, {"form": form, "problem": problem}, status=status)


urlpatterns = [
    path("activate/", activate_view, name="activate"),
    path("activate/<str:code>/", activate_view, name="activate_code"),
]
