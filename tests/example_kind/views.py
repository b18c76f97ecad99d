from django.http import HttpRequest, HttpResponse
from django.template import engines
from django.urls import path

from suzhi.core.web import require_perm
from tests.example_kind.manifest import VIEW
from tests.example_kind.models import ReadingReport
from tests.example_kind.selectors import reports_visible

_PAGE = engines["django"].from_string(
    '{% extends "core/base.html" %}{% block content %}<h1>读书打卡</h1><ul>'
    "{% for r in reports %}<li>{{ r.person.name }} {{ r.pages }}</li>{% endfor %}</ul>{% endblock %}")


@require_perm(VIEW)
def report_list(request: HttpRequest) -> HttpResponse:
    return HttpResponse(_PAGE.render({"reports": reports_visible(user=request.user)}, request))


def my_reports(request: HttpRequest) -> HttpResponse:
    mine = ReadingReport.objects.filter(person__user=request.user) if request.user.is_authenticated else []
    return HttpResponse(_PAGE.render({"reports": mine}, request))


app_name = "reading"
urlpatterns = [path("", report_list, name="report_list"), path("my/", my_reports, name="my_reports")]
