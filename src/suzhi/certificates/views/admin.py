"""The issuer's administrators' pages: the certificates their scope covers, one certificate with its revocation,
single and batch PDFs, and the wording of a campaign's 荣誉证书. Outside the scope everything is a 404."""

from urllib.parse import quote

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from suzhi.certificates.forms.certificates import CertificateFilterForm, RevokeForm, TemplateForm
from suzhi.certificates.manifest import MANAGE
from suzhi.certificates.models import CertificateTemplate
from suzhi.certificates.render import certificate_pdf, certificates_pdf
from suzhi.certificates.selectors.certificates import (
    certificate_get,
    certificates_selected,
    certificates_visible,
    edits_default_template,
    template_campaigns,
)
from suzhi.certificates.services.revoke import certificate_revoke
from suzhi.certificates.services.templates import certificate_template_save, template_campaign
from suzhi.certificates.sources import kind_label
from suzhi.certificates.wording import PLACEHOLDERS, wording_for
from suzhi.core.errors import Conflict, ValidationFailed
from suzhi.core.web import AuthedHttpRequest, paginate, require_perm, show_form_error


def base_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/").rstrip("/")


def pdf_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f"inline; filename*=UTF-8''{quote(filename)}"
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
@require_perm(MANAGE)
def certificate_list(request: AuthedHttpRequest) -> HttpResponse:
    form = CertificateFilterForm(request.GET or None, user=request.user)
    filters = form.cleaned_data if form.is_valid() else {}
    issuer = filters.get("issuer")
    qs = certificates_visible(user=request.user, q=filters.get("q", ""), state=filters.get("state", ""),
                              issuer_id=issuer.pk if issuer else None)
    context = paginate(request, qs, per_page=50)
    for certificate in context["page_obj"].object_list:
        certificate.kind_label = kind_label(certificate.kind)  # type: ignore[attr-defined]
    return render(request, "certificates/list.html", {
        **context, "form": form, "template_campaigns": template_campaigns(user=request.user)[:200],
        "edits_default": edits_default_template(request.user)})


@require_http_methods(["GET", "POST"])
@require_perm(MANAGE)
def certificate_detail(request: AuthedHttpRequest, certificate_id: int) -> HttpResponse:
    certificate = certificate_get(user=request.user, certificate_id=certificate_id)
    form = RevokeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            certificate_revoke(actor=request.user, certificate_id=certificate.pk, reason=form.cleaned_data["reason"])
        except (ValidationFailed, Conflict) as exc:
            show_form_error(form, exc)
        else:
            messages.success(request, _("Certificate %(number)s is revoked.") % {"number": certificate.number})
            return redirect("certificates:certificate_detail", certificate.pk)
    return render(request, "certificates/detail.html", {
        "certificate": certificate, "kind_label": kind_label(certificate.kind), "form": form,
        "text": certificate.fields.get("text") or {}})


@require_GET
@require_perm(MANAGE)
def certificate_download(request: AuthedHttpRequest, certificate_id: int) -> HttpResponse:
    certificate = certificate_get(user=request.user, certificate_id=certificate_id)
    return pdf_response(certificate_pdf(certificate, base_url=base_url(request)),
                        f"{certificate.title}-{certificate.number}.pdf")


@require_POST
@require_perm(MANAGE)
def certificates_download(request: AuthedHttpRequest) -> HttpResponse:
    """The certificates ticked on the list, as one PDF in the order of the list."""
    selected = certificates_selected(user=request.user, ids=request.POST.getlist("ids"))
    if not selected:
        messages.error(request, _("Tick the certificates to print first."))
        return redirect("certificates:certificate_list")
    return pdf_response(certificates_pdf(selected, base_url=base_url(request)), _("certificates") + ".pdf")


@require_http_methods(["GET", "POST"])
@require_perm(MANAGE)
def template_edit(request: AuthedHttpRequest) -> HttpResponse:
    """?campaign=<id>: that campaign's wording (its administrators); without: the platform's default."""
    campaign_id = request.GET.get("campaign") or None
    campaign = template_campaign(actor=request.user, campaign_id=campaign_id)
    wording = wording_for(campaign.pk if campaign else None)
    help_text = _("Placeholders: %(list)s.") % {
        "list": "；".join(f"{{{key}}} {label}" for key, label in PLACEHOLDERS.items())}
    form = TemplateForm(request.POST or None, help_text=help_text, initial={
        "heading": wording.heading, "body": wording.body, "closing": wording.closing, "signature": wording.signature})
    if request.method == "POST" and form.is_valid():
        try:
            certificate_template_save(actor=request.user, campaign_id=campaign.pk if campaign else None,
                                      **form.cleaned_data)
        except ValidationFailed as exc:
            show_form_error(form, exc)
        else:
            messages.success(request, _("The certificate template is saved."))
            return redirect(request.get_full_path())
    return render(request, "certificates/template.html", {
        "form": form, "campaign": campaign,
        "saved": CertificateTemplate.objects.filter(campaign=campaign).exists() if campaign else None})


