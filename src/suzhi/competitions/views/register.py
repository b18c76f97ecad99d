"""比赛报名 (units, REGISTER): the competitions open to the user's units; for one, its event, a search of the unit's
roster by name or pinyin initials, registering a person (or as 列名参赛), the unit's registrations with their
numbers once drawn, withdrawing before the draw, appealing a published result (申诉, views/appeals.py) and the
unit's appeals. The plan's limit and the eligibility refusals are the services' Chinese sentences."""

from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from suzhi.campaigns.eligibility import window
from suzhi.competitions.access import activity_reached, settings_of
from suzhi.competitions.forms.registration import RegisterForm, RegistrationFilterForm
from suzhi.competitions.manifest import REGISTER
from suzhi.competitions.selectors.appeals import unit_appeal_chances, unit_appeals
from suzhi.competitions.selectors.competitions import competitions_open
from suzhi.competitions.selectors.contestants import official_counts, people_to_register, unit_registrations
from suzhi.competitions.services.registration import contestant_register, contestant_withdraw
from suzhi.core.errors import DomainError, NotFound
from suzhi.core.web import AuthedHttpRequest, paginate, require_perm


@require_perm(REGISTER)
def register_list(request: AuthedHttpRequest) -> HttpResponse:
    return render(request, "competitions/register/list.html", paginate(request, competitions_open(user=request.user)))


@require_perm(REGISTER)
def register_activity(request: AuthedHttpRequest, activity_id: int) -> HttpResponse:
    activity = activity_reached(request.user, activity_id, REGISTER)
    settings = settings_of(activity)
    if request.method == "POST":
        form = RegisterForm(request.POST)
        if form.is_valid():
            try:
                contestant = contestant_register(
                    actor=request.user, activity_id=activity.pk, event=form.cleaned_data["event"],
                    person_id=form.cleaned_data["person"], official=not form.cleaned_data["unofficial"])
                messages.success(request, _("%(name)s is registered.") % {"name": contestant.person.name})
            except NotFound:
                raise
            except DomainError as refused:
                messages.error(request, str(refused.message))
        else:
            messages.error(request, _("Choose a person to register."))
        return redirect(f"{reverse('competitions:register', args=[activity.pk])}?"
                        f"{urlencode({'event': request.POST.get('event', ''), 'q': request.POST.get('q', '')})}")
    filters = RegistrationFilterForm(request.GET or None, settings=settings)
    event_key = filters.event_key(settings)
    event = settings.event(event_key)
    first_round = settings.rounds[0]
    query = filters.cleaned_data.get("q", "") if filters.is_bound and filters.is_valid() else ""
    registrations = unit_registrations(user=request.user, activity=activity)
    chances = unit_appeal_chances(user=request.user, activity=activity)
    for contestant in registrations:
        contestant.appeal = chances.get(contestant.pk)  # type: ignore[attr-defined]
    names = {c.organisation_id: c.organisation.name for c in registrations}
    counts = official_counts(user=request.user, activity=activity, event=event_key, round_=first_round.key)
    return render(request, "competitions/register/activity.html", {
        "activity": activity, "settings": settings, "filters": filters, "event": event, "q": query,
        "open": window("register", activity),
        "limit": (event.per_unit if event else None) or settings.per_unit,
        "used": [(names.get(unit, ""), n) for unit, n in counts.items()],
        "people": people_to_register(user=request.user, activity=activity, event=event_key,
                                     round_=first_round.key, q=query) if event else [],
        "registrations": registrations, "titles": {e.key: e.title for e in settings.events},
        "rounds": {r.key: r.title for r in settings.rounds},
        "appeals": unit_appeals(user=request.user, activity=activity)})


@require_POST
@require_perm(REGISTER)
def withdraw(request: AuthedHttpRequest, activity_id: int, contestant_id: int) -> HttpResponse:
    activity = activity_reached(request.user, activity_id, REGISTER)
    try:
        contestant = contestant_withdraw(actor=request.user, contestant_id=contestant_id)
        messages.success(request, _("%(name)s is withdrawn.") % {"name": contestant.person.name})
    except NotFound:
        raise
    except DomainError as refused:
        messages.error(request, str(refused.message))
    return redirect("competitions:register", activity.pk)
