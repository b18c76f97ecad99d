"""Opening accounts in bulk (批量开通账号) from the roster list: for the people ticked, or everyone without an account
in the filtered organisation; the result page gives the counts and the activation sheet to print."""

from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from suzhi.core.errors import PermissionDenied, ValidationFailed
from suzhi.core.web import AuthedHttpRequest, require_perm
from suzhi.people.selectors.persons import MANAGE
from suzhi.people.services.accounts import accounts_create_for_people, activation_codes_reissue


def activate_url(request: AuthedHttpRequest) -> str:
    """The absolute address of the activation page, printed on the sheet and carried by its QR codes."""
    return request.build_absolute_uri(reverse("core:activate"))


@never_cache
@require_POST
@require_perm(MANAGE)
def accounts_create(request: AuthedHttpRequest) -> HttpResponse:
    everyone = request.POST.get("all") == "1"
    org_id = request.POST.get("org", "").strip() or request.user.organisation_id
    back = reverse("people:person_list") + (f"?{urlencode({'org': org_id})}" if everyone and org_id else "")
    if not request.user.has_perm("user.manage"):
        raise PermissionDenied()
    try:
        if everyone:
            batch = accounts_create_for_people(actor=request.user, activate_url=activate_url(request),
                                               org_id=org_id, all_in_org=True)
        else:
            batch = accounts_create_for_people(actor=request.user, activate_url=activate_url(request),
                                               person_ids=request.POST.getlist("person_ids"))
    except ValidationFailed as exc:
        messages.error(request, str(exc.message))
        return redirect(back)
    return render(request, "people/accounts/result.html", {"batch": batch, "everyone": everyone, "back": back})


@never_cache
@require_POST
@require_perm(MANAGE)
def accounts_reissue(request: AuthedHttpRequest) -> HttpResponse:
    """New codes on a new sheet for the ticked people whose account is not activated yet."""
    if not request.user.has_perm("user.manage"):
        raise PermissionDenied()
    back = reverse("people:person_list")
    try:
        batch = activation_codes_reissue(actor=request.user, activate_url=activate_url(request),
                                         person_ids=request.POST.getlist("person_ids"))
    except ValidationFailed as exc:
        messages.error(request, str(exc.message))
        return redirect(back)
    return render(request, "people/accounts/result.html", {"batch": batch, "reissue": True, "back": back})


urlpatterns = [
    path("accounts/create/", accounts_create, name="accounts_create"),
    path("accounts/reissue/", accounts_reissue, name="accounts_reissue"),
]
