from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.templatetags.static import static
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


def favicon(request: HttpRequest) -> HttpResponse:
    """/favicon.ico, which browsers and feed readers ask for on their own: the icon the pages link to.

    Not a permanent redirect: the static file's name changes with its content in production.
    """
    return HttpResponseRedirect(static("core/favicon.ico"))


urlpatterns = [
    path("", home, name="home"),
    path("favicon.ico", favicon, name="favicon"),
    path("i18n/setlang/", set_language, name="set_language"),
]
