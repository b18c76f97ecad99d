"""The dashboard (进度看板): targets with progress bars at one organisation, drill-down through the tree,
lagging units, charts, and the target table as Excel."""

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils.translation import gettext as _

from suzhi.campaigns import kinds
from suzhi.campaigns.kinds import Aggregate
from suzhi.campaigns.selectors.campaigns import VIEW, campaign_get
from suzhi.campaigns.selectors.dashboard import dashboard_get, progress_over_time
from suzhi.core.web import AuthedHttpRequest, require_perm, xlsx_download


def _polyline(series: list, width: int = 300, height: int = 60) -> str:
    """SVG points for a cumulative series (drawn server-side: no chart library, nothing fetched)."""
    if not series:
        return ""
    top = max(value for _day, value in series) or 1
    count = len(series)
    points = []
    for index, (_day, value) in enumerate(series):
        x = 0 if count == 1 else round(index * width / (count - 1), 1)
        points.append(f"{x},{round(height - value * height / top, 1)}")
    return " ".join(points)


@require_perm(VIEW)
def dashboard(request: AuthedHttpRequest, campaign_id: int) -> HttpResponse:
    campaign = campaign_get(user=request.user, campaign_id=campaign_id)
    board = dashboard_get(user=request.user, campaign=campaign, org_id=request.GET.get("org"))
    charts = []
    for row in board.rows:
        metric = kinds.metric(row.target.metric)
        if row.target.form in ("total", "per_org") and not (metric and metric.aggregate == Aggregate.PER_PERSON):
            series = progress_over_time(target=row.target, focus=board.focus)
            charts.append({"target": row.target, "points": _polyline(series), "series": series[-1:] or None,
                           "first": series[0][0] if series else None})
    largest = [max((cells[i].value for _org, cells in board.children), default=0) or 1
               for i in range(len(board.rows))]
    children = [
        (org, [(cell, round(100 * cell.value / largest[i], 1)) for i, cell in enumerate(cells)])
        for org, cells in board.children
    ]
    return render(request, "campaigns/dashboard.html", {
        "campaign": campaign, "board": board, "children": children, "charts": charts,
    })


@require_perm(VIEW)
def dashboard_export(request: AuthedHttpRequest, campaign_id: int) -> HttpResponse:
    campaign = campaign_get(user=request.user, campaign_id=campaign_id)
    board = dashboard_get(user=request.user, campaign=campaign, org_id=request.GET.get("org"))
    headers = [_("Organisation")]
    for row in board.rows:
        headers += [row.target.title, _("Threshold")]
    lines = []
    for org, cells in [(board.focus, [row.cell for row in board.rows]), *board.children]:
        line: list = [org.name]
        for row, cell in zip(board.rows, cells, strict=True):
            shown = f"{cell.met}/{cell.measured}" if row.target.form == "per_org" else cell.value
            line += [shown, row.target.threshold]
        lines.append(line)
    return xlsx_download(f"{campaign.code}-targets.xlsx", headers, lines, sheet=_("Targets"))


urlpatterns = [
    path("<int:campaign_id>/dashboard/", dashboard, name="dashboard"),
    path("<int:campaign_id>/dashboard/export.xlsx", dashboard_export, name="dashboard_export"),
]
