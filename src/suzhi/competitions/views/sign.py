"""裁判长签字: a judge on an event's panel signs its computed ranking as chief judge. The list of the rankings of
their panels waiting for a signature and of those they signed; one ranking's standings (numbers only when the
judging is blind) with the 签字 button. Organisers sign on the event's page of 比赛管理; a judge who runs nothing
signs here."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from suzhi.competitions.access import settings_of
from suzhi.competitions.display import standing_rows
from suzhi.competitions.selectors.signing import (
    blind,
    ranking_for_chief,
    rankings_signed,
    rankings_to_sign,
    standings_page,
)
from suzhi.competitions.services.rankings import ranking_sign
from suzhi.competitions.states import Step, allowed
from suzhi.core.errors import DomainError, NotFound
from suzhi.core.web import AuthedHttpRequest, require_perm
from suzhi.judging.manifest import SCORE


@never_cache
@require_perm(SCORE)
def sign_list(request: AuthedHttpRequest) -> HttpResponse:
    return render(request, "competitions/sign/list.html", {
        "to_sign": rankings_to_sign(user=request.user), "signed": rankings_signed(user=request.user)})


@never_cache
@require_perm(SCORE)
def sign_ranking(request: AuthedHttpRequest, ranking_id: int) -> HttpResponse:
    """One ranking's standings; POST signs it."""
    ranking = ranking_for_chief(user=request.user, ranking_id=ranking_id)
    if request.method == "POST":
        try:
            ranking_sign(actor=request.user, ranking_id=ranking.pk)
            messages.success(request, _("The ranking is signed."))
        except NotFound:
            raise
        except DomainError as refused:
            messages.error(request, str(refused.message))
        return redirect("competitions:sign", ranking.pk)
    event = settings_of(ranking.activity).event(ranking.event)
    page = standings_page(ranking, page=request.GET.get("page"))
    return render(request, "competitions/sign/ranking.html", {
        "ranking": ranking, "blind": blind(ranking), "page": page, "components": event.components if event else [],
        "rows": standing_rows(list(page.object_list), event) if event else [],
        "can_sign": allowed(Step.SIGN, ranking.state)})
