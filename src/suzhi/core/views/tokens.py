"""The caller's own API tokens (接口令牌): create one (the key is shown once), list, revoke."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from suzhi.core.errors import ValidationFailed
from suzhi.core.forms.users import TokenCreateForm
from suzhi.core.selectors import tokens as token_selectors
from suzhi.core.services import auth as auth_services
from suzhi.core.web import AuthedHttpRequest, show_form_error


@never_cache
@login_required
def token_list(request: AuthedHttpRequest) -> HttpResponse:
    form = TokenCreateForm(request.POST or None)
    new_token = new_key = None
    if request.method == "POST" and form.is_valid():
        try:
            new_token, new_key = auth_services.api_token_create(
                user=request.user, name=form.cleaned_data["name"], days=form.cleaned_data["days"]
            )
        except ValidationFailed as exc:
            show_form_error(form, exc)
        else:
            # The key is rendered into this one response and never again; a fresh form for the next one.
            form = TokenCreateForm()
    tokens = token_selectors.api_tokens_of(user=request.user)
    return render(
        request,
        "core/tokens/list.html",
        {
            "form": form,
            "tokens": tokens,
            "new_token": new_token,
            "new_key": new_key,
        },
    )


@require_POST
@login_required
def token_revoke(request: AuthedHttpRequest, token_id: int) -> HttpResponse:
    token = auth_services.api_token_revoke(user=request.user, token_id=token_id)
    messages.success(request, _("The token “%(name)s” has been revoked.") % {"name": token.name})
    return redirect("core:token_list")


urlpatterns = [
    path("tokens/", token_list, name="token_list"),
    path("tokens/<int:token_id>/revoke/", token_revoke, name="token_revoke"),
]
