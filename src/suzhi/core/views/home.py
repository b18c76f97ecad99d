from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import path
from django.views.i18n import set_language

from suzhi.core import todos
from suzhi.core.selectors.notices import notices_for_user
from suzhi.core.web import AuthedHttpRequest


@login_required
def home(request: AuthedHttpRequest) -> HttpResponse:
    notices = list(notices_for_user(user=request.user)[:10])
    return render(
        request,
        "core/home.html",
        {"notices": notices, "todos": todos.todos_for(request.user)},
    )


urlpatterns = [
    path("", home, name="home"),
    path("i18n/setlang/", set_language, name="set_language"),
]
