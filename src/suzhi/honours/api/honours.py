"""The honours API (/api/v1/honours): the same operations as the pages. Thin: services decide, selectors read;
another organisation's campaign or honour answers 404."""

import datetime
import decimal

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from ninja import Router, Schema
from ninja.responses import Status

from suzhi.certificates.render import certificates_pdf as render_certificates
from suzhi.core.api.base import ErrorOut, current_user
from suzhi.core.errors import NotFound
from suzhi.core.web import ensure_perm
from suzhi.honours.manifest import MANAGE, VIEW
from suzhi.honours.models import Honour
from suzhi.honours.selectors import honours as selectors
from suzhi.honours.selectors.certificates import rule_certificates
from suzhi.honours.services import certificates as certify_services
from suzhi.honours.services import honours as services
from suzhi.honours.services.exports import roll_export_logged
from suzhi.honours.views.pages import xlsx_response

router = Router(tags=["表彰"])


class ChangeOut(Schema):
    action: str
    before: str
    after: str
    reason: str
    actor: str
    at: datetime.datetime


class HonourOut(Schema):
    id: int
    campaign: int
    rule: str
    person: int | None
    organisation: int
    organisation_name: str
    name: str
    title: str
    basis: str
    position: int | None
    score: decimal.Decimal | None
    tied: bool
    recommend_to: str
    state: str
    origin: str
    reason: str
    confirmed_at: datetime.datetime | None


class HonourDetailOut(HonourOut):
    certificate_text: str
    history: list[ChangeOut]


class RuleOut(Schema):
    key: str
    title: str
    text: str
    basis: str
    recipient: str
    titles: list[str]
    recommend_to: str
    proposed: int
    confirmed: int


class AddIn(Schema):
    reason: str
    title: str = ""
    person: int | None = None
    organisation: int | None = None
    basis: str = ""
    position: int | None = None


class ReasonIn(Schema):
    reason: str


class ConfirmedOut(Schema):
    confirmed: int


def _out(h: Honour) -> HonourOut:
    return HonourOut(id=h.pk, campaign=h.campaign_id, rule=h.rule_key, person=h.person_id,
                     organisation=h.organisation_id, organisation_name=h.organisation.name, name=h.name,
                     title=h.title, basis=h.basis, position=h.position, score=h.score, tied=h.tied,
                     recommend_to=h.recommend_to, state=h.state, origin=h.origin, reason=h.reason,
                     confirmed_at=h.confirmed_at)


def _detail(h: Honour) -> HonourDetailOut:
    history = [ChangeOut(action=c.action, before=c.before, after=c.after, reason=c.reason,
                         actor=c.actor.username if c.actor else "", at=c.at) for c in h.changes.all()]
    return HonourDetailOut(**_out(h).model_dump(), certificate_text=h.certificate_text(), history=history)


@router.get("/mine", response=list[HonourOut])
def mine(request: HttpRequest) -> list[HonourOut]:
    """我的荣誉: the caller's own confirmed honours (none when the account is not a person's)."""
    return [_out(h) for h in selectors.my_honours(user=current_user(request))]


@router.get("/campaigns/{campaign_id}/rules", response={200: list[RuleOut], 403: ErrorOut, 404: ErrorOut})
def rules(request: HttpRequest, campaign_id: int) -> list[RuleOut]:
    """The campaign's award rules with how many honours each has proposed and confirmed (its organiser's admins)."""
    user = current_user(request)
    ensure_perm(user, MANAGE)
    campaign = selectors.managed_campaign_get(user=user, campaign_id=campaign_id)
    return [RuleOut(key=r.rule.key, title=r.rule.title, text=r.rule.text, basis=r.rule.basis,
                    recipient=r.rule.recipient, titles=r.rule.titles, recommend_to=r.rule.recommend_to,
                    proposed=r.proposed, confirmed=r.confirmed) for r in selectors.rule_rows(campaign=campaign)]


@router.get("/campaigns/{campaign_id}/rules/{rule_key}/honours",
            response={200: list[HonourOut], 403: ErrorOut, 404: ErrorOut})
def rule_list(request: HttpRequest, campaign_id: int, rule_key: str) -> list[HonourOut]:
    """The rule's honours in every state (proposed, confirmed, removed)."""
    user = current_user(request)
    ensure_perm(user, MANAGE)
    _campaign, _index, _rule, honours = selectors.rule_honours(user=user, campaign_id=campaign_id,
                                                               rule_key=rule_key)
    return [_out(h) for h in honours]


@router.post("/campaigns/{campaign_id}/rules/{rule_key}/propose",
             response={200: list[HonourOut], 403: ErrorOut, 404: ErrorOut, 409: ErrorOut})
def propose(request: HttpRequest, campaign_id: int, rule_key: str) -> list[HonourOut]:
    """生成建议名单: apply the rule, replacing its unconfirmed proposals; the new proposals."""
    user = current_user(request)
    ensure_perm(user, MANAGE)
    made = services.honours_propose(actor=user, campaign_id=campaign_id, rule_key=rule_key)
    by_pk = {h.pk: h for h in Honour.objects.filter(pk__in=[h.pk for h in made]).select_related("organisation")}
    return [_out(by_pk[h.pk]) for h in made]


@router.post("/campaigns/{campaign_id}/rules/{rule_key}/honours",
             response={201: HonourDetailOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut})
def add(request: HttpRequest, campaign_id: int, rule_key: str, payload: AddIn) -> Status:
    """Add a recipient by hand (person id, or organisation id for an award to units), with the reason."""
    user = current_user(request)
    ensure_perm(user, MANAGE)
    honour = services.honour_add(actor=user, campaign_id=campaign_id, rule_key=rule_key, reason=payload.reason,
                                 title=payload.title, person_id=payload.person, organisation_id=payload.organisation,
                                 basis=payload.basis, position=payload.position)
    return Status(201, _detail(selectors.honour_detail(user=user, honour_id=honour.pk)))


@router.post("/campaigns/{campaign_id}/rules/{rule_key}/confirm",
             response={200: ConfirmedOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut})
def confirm(request: HttpRequest, campaign_id: int, rule_key: str) -> ConfirmedOut:
    """确认: every proposed honour of the rule joins the honours roll."""
    user = current_user(request)
    ensure_perm(user, MANAGE)
    return ConfirmedOut(confirmed=services.honours_confirm(actor=user, campaign_id=campaign_id, rule_key=rule_key))


class CertificateOut(Schema):
    honour_id: int
    number: str
    code: str
    verify_url: str


@router.post("/campaigns/{campaign_id}/rules/{rule_key}/certificates",
             response={200: list[CertificateOut], 403: ErrorOut, 404: ErrorOut, 409: ErrorOut})
def certify(request: HttpRequest, campaign_id: int, rule_key: str) -> list[CertificateOut]:
    """颁发荣誉证书: a certificate for every confirmed honour of the rule (those issued already handed back)."""
    user = current_user(request)
    ensure_perm(user, MANAGE)
    issued = certify_services.honours_certify(actor=user, campaign_id=campaign_id, rule_key=rule_key)
    return [CertificateOut(honour_id=int(c.source_key), number=c.number, code=c.code,
                           verify_url=reverse("certificates:verify", args=[c.code])) for c in issued]


@router.get("/campaigns/{campaign_id}/rules/{rule_key}/certificates.pdf", response={200: None, 403: ErrorOut,
                                                                                      404: ErrorOut})
def certificates_pdf(request: HttpRequest, campaign_id: int, rule_key: str) -> HttpResponse:
    """The rule's certificates as one PDF, a page each."""
    user = current_user(request)
    ensure_perm(user, MANAGE)
    _campaign, _rule, issued = rule_certificates(user=user, campaign_id=campaign_id, rule_key=rule_key)
    if not issued:
        raise NotFound()
    return HttpResponse(render_certificates(issued, base_url=request.build_absolute_uri("/")),
                        content_type="application/pdf")


@router.post("/{honour_id}/remove", response={200: HonourDetailOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut,
                                              422: ErrorOut})
def remove(request: HttpRequest, honour_id: int, payload: ReasonIn) -> HonourDetailOut:
    user = current_user(request)
    ensure_perm(user, MANAGE)
    services.honour_remove(actor=user, honour_id=honour_id, reason=payload.reason)
    return _detail(selectors.honour_detail(user=user, honour_id=honour_id))


@router.get("/{honour_id}", response={200: HonourDetailOut, 404: ErrorOut})
def detail(request: HttpRequest, honour_id: int) -> HonourDetailOut:
    """One honour with its history and certificate sentence."""
    return _detail(selectors.honour_detail(user=current_user(request), honour_id=honour_id))


@router.get("/campaigns/{campaign_id}/roll", response={200: list[HonourOut], 403: ErrorOut, 404: ErrorOut})
def roll(request: HttpRequest, campaign_id: int, organisation: int | None = None) -> list[HonourOut]:
    """光荣榜: the confirmed honours in the caller's organisations (within `organisation` and below it)."""
    user = current_user(request)
    ensure_perm(user, VIEW)
    found = selectors.roll(user=user, campaign_id=campaign_id, org_id=organisation)
    return [_out(h) for _rule, _title, honours in found.groups for h in honours]


@router.get("/campaigns/{campaign_id}/roll.xlsx", response={403: ErrorOut, 404: ErrorOut, 422: ErrorOut})
def roll_xlsx(request: HttpRequest, campaign_id: int, organisation: int | None = None) -> HttpResponse:
    """The honours roll as .xlsx (names and units only; cells never formulas)."""
    user = current_user(request)
    ensure_perm(user, VIEW)
    export = roll_export_logged(actor=user, campaign_id=campaign_id, org_id=organisation)
    return xlsx_response(export.content, export.filename)


