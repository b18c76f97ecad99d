"""The honours pages (phone first): the campaigns, a campaign's award rules with 生成建议名单, a rule's list with
add, remove (each with a reason) and 确认, the honours roll (光荣榜) with its Excel export, and 我的荣誉. Thin: the
services decide, the selectors read."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from suzhi.certificates.render import certificates_pdf as render_certificates
from suzhi.core.errors import DomainError, NotFound
from suzhi.core.files.serving import content_disposition, safe_download_name
from suzhi.core.web import AuthedHttpRequest, require_perm
from suzhi.honours.forms.honours import AddForm, ReasonForm, RollFilterForm
from suzhi.honours.manifest import MANAGE, VIEW
from suzhi.honours.rules import summary
from suzhi.honours.selectors import honours as selectors
from suzhi.honours.selectors.certificates import certificates_of, rule_certificates
from suzhi.honours.services import certificates as certify_services
from suzhi.honours.services import honours as services
from suzhi.honours.services.exports import roll_export_logged

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _refused(request: AuthedHttpRequest, error: DomainError) -> None:
    if isinstance(error, NotFound):
        raise error
    messages.error(request, str(error.message))


@require_perm(VIEW)
def campaigns(request: AuthedHttpRequest) -> HttpResponse:
    """表彰: the campaigns the user sees, each with its roll and, for those who manage it, its award rules."""
    rows = [(c, selectors.may_manage_campaign(request.user, c)) for c in selectors.honour_campaigns(user=request.user)]
    return render(request, "honours/campaigns.html", {"rows": rows})


@require_perm(MANAGE)
def rules(request: AuthedHttpRequest, campaign_id: int) -> HttpResponse:
    campaign = selectors.managed_campaign_get(user=request.user, campaign_id=campaign_id)
    return render(request, "honours/rules.html", {"campaign": campaign,
                                                  "rows": selectors.rule_rows(campaign=campaign)})


@require_POST
@require_perm(MANAGE)
def propose(request: AuthedHttpRequest, campaign_id: int, rule_key: str) -> HttpResponse:
    try:
        made = services.honours_propose(actor=request.user, campaign_id=campaign_id, rule_key=rule_key)
        if made:
            messages.success(request, _("%(n)d recipients proposed.") % {"n": len(made)})
        else:
            messages.info(request, _("No new recipients: the results the rule reads are not published yet, nobody "
                                     "meets it, or everyone who does is already on the list."))
    except DomainError as refused:
        _refused(request, refused)
    return redirect("honours:proposal", campaign_id, rule_key)


@require_perm(MANAGE)
def proposal(request: AuthedHttpRequest, campaign_id: int, rule_key: str) -> HttpResponse:
    """建议名单: the rule's honours in every state, with the forms to add, remove and confirm."""
    campaign, _index, rule, honours = selectors.rule_honours(user=request.user, campaign_id=campaign_id,
                                                             rule_key=rule_key)
    form = AddForm(request.POST or None, campaign=campaign, rule=rule)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.honour_add(
                actor=request.user, campaign_id=campaign.pk, rule_key=rule.key, reason=data["reason"],
                title=data["title"], person_id=form.person.pk if form.person else None,
                organisation_id=None if form.person else data["organisation"].pk, basis=data["basis"],
                position=data["position"])
            messages.success(request, _("Recipient added."))
            return redirect("honours:proposal", campaign.pk, rule.key)
        except DomainError as refused:
            _refused(request, refused)
    return render(request, "honours/proposal.html", {
        "campaign": campaign, "rule": rule, "honours": honours, "form": form, "summary": " · ".join(summary(rule)),
        "proposed": sum(1 for h in honours if h.state == "proposed"), "remove_form": ReasonForm(),
        "confirmed": sum(1 for h in honours if h.state == "confirmed"), "rows": (rows := _with_certificates(honours)),
        "has_certificates": any(certificate for _h, certificate in rows)})


def _with_certificates(honours: list[Any]) -> list[tuple[Any, Any]]:
    issued = certificates_of(h for h in honours if h.state == "confirmed")
    return [(h, issued.get(h.pk)) for h in honours]


@require_POST
@require_perm(MANAGE)
def remove(request: AuthedHttpRequest, honour_id: int) -> HttpResponse:
    form = ReasonForm(request.POST)
    honour = None
    try:
        honour = services.honour_remove(actor=request.user, honour_id=honour_id,
                                        reason=form.data.get("reason", ""))
        messages.success(request, _("%(name)s removed.") % {"name": honour.name})
    except DomainError as refused:
        _refused(request, refused)
    if honour is None:
        found = selectors.honour_detail(user=request.user, honour_id=honour_id)
        return redirect("honours:proposal", found.campaign_id, found.rule_key)
    return redirect("honours:proposal", honour.campaign_id, honour.rule_key)


@require_POST
@require_perm(MANAGE)
def confirm(request: AuthedHttpRequest, campaign_id: int, rule_key: str) -> HttpResponse:
    try:
        done = services.honours_confirm(actor=request.user, campaign_id=campaign_id, rule_key=rule_key)
        messages.success(request, _("%(n)d honours confirmed; they are on the honours roll.") % {"n": done})
    except DomainError as refused:
        _refused(request, refused)
    return redirect("honours:proposal", campaign_id, rule_key)


@require_POST
@require_perm(MANAGE)
def certify(request: AuthedHttpRequest, campaign_id: int, rule_key: str) -> HttpResponse:
    """颁发荣誉证书: a certificate for every confirmed honour of the rule that has none."""
    try:
        issued = certify_services.honours_certify(actor=request.user, campaign_id=campaign_id, rule_key=rule_key)
        messages.success(request, _("%(n)d certificates of honour ready.") % {"n": len(issued)})
    except DomainError as refused:
        _refused(request, refused)
    return redirect("honours:proposal", campaign_id, rule_key)


@require_perm(MANAGE)
def certificates_pdf(request: AuthedHttpRequest, campaign_id: int, rule_key: str) -> HttpResponse:
    """The rule's certificates as one PDF to print, a page each."""
    campaign, rule, issued = rule_certificates(user=request.user, campaign_id=campaign_id, rule_key=rule_key)
    if not issued:
        raise NotFound()
    body = render_certificates(issued, base_url=request.build_absolute_uri("/"))
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition(
        safe_download_name(f"{campaign.title}-{rule.title}-荣誉证书", "pdf"), attachment=False)
    return response


@require_perm(VIEW)
def roll(request: AuthedHttpRequest, campaign_id: int) -> HttpResponse:
    """光荣榜: the confirmed honours in the viewer's organisations (?organisation= narrows to one and below)."""
    found = selectors.roll(user=request.user, campaign_id=campaign_id, org_id=request.GET.get("organisation"))
    picked = {"organisation": found.focus.pk} if found.focus else None
    return render(request, "honours/roll.html", {
        "roll": found, "may_manage": selectors.may_manage_campaign(request.user, found.campaign),
        "filter": RollFilterForm(initial=picked, user=request.user, campaign=found.campaign),
        "query": request.GET.urlencode()})


@require_perm(VIEW)
def roll_xlsx(request: AuthedHttpRequest, campaign_id: int) -> HttpResponse:
    try:
        export = roll_export_logged(actor=request.user, campaign_id=campaign_id,
                                    org_id=request.GET.get("organisation"))
    except DomainError as refused:
        _refused(request, refused)
        return redirect(f"{reverse('honours:roll', args=[campaign_id])}?{request.GET.urlencode()}")
    return xlsx_response(export.content, export.filename)


def xlsx_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = content_disposition(safe_download_name(filename, "xlsx"))
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def mine(request: AuthedHttpRequest) -> HttpResponse:
    """我的荣誉: the participant's confirmed honours."""
    return render(request, "honours/mine.html", {"honours": selectors.my_honours(user=request.user)})


app_name = "honours"
