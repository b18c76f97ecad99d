"""我的比赛: the participant's own registrations, numbers, and published places and totals."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from suzhi.competitions.selectors.contestants import my_entries
from suzhi.core.web import AuthedHttpRequest


@login_required
def my_competitions(request: AuthedHttpRequest) -> HttpResponse:
    return render(request, "competitions/mine.html", {"entries": my_entries(user=request.user)})
