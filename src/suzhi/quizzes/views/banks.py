"""Question-bank pages (题库): banks, their questions with filters, add and edit (each edit a new version), a
question's history, retiring, import with preview and confirmation, the Excel template and the export.

An import waits between preview and confirmation as a staged upload the session holds, like the roster import.
"""

from typing import Any
from urllib.parse import quote

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from suzhi.core import scope
from suzhi.core.errors import NotFound, ValidationFailed
from suzhi.core.uploads import StagedUpload
from suzhi.core.web import AuthedHttpRequest, paginate, require_perm, show_form_error
from suzhi.quizzes.formats.excel import question_sheet_template
from suzhi.quizzes.forms.banks import BankForm, ImportForm, QuestionFilterForm, QuestionForm
from suzhi.quizzes.models import Question, QuestionBank
from suzhi.quizzes.selectors.banks import MANAGE, VIEW, bank_get, banks_visible, question_get, questions_of
from suzhi.quizzes.services import questions as services

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ERRORS_SHOWN = 200
_STAGED = StagedUpload("quizzes")


def _xlsx(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


def _can_manage(user: Any, bank: QuestionBank) -> bool:
    return scope.may_manage(user, MANAGE, bank.organisation)


def _managed_bank(user: Any, bank_id: int) -> QuestionBank:
    bank = bank_get(user=user, bank_id=bank_id)
    return scope.managed(bank, user=user, permission=MANAGE, organisation=bank.organisation)


def _question_of_bank(user: Any, bank_id: int, question_id: int, *, manage: bool = False) -> Question:
    question = question_get(user=user, question_id=question_id)
    if question.bank_id != bank_id or (manage and not _can_manage(user, question.bank)):
        raise NotFound()
    return question


@require_perm(VIEW)
def bank_list(request: AuthedHttpRequest) -> HttpResponse:
    banks = banks_visible(user=request.user).order_by("organisation__path", "name", "id")
    context = paginate(request, banks)
    context["can_create"] = request.user.has_perm(MANAGE)
    return render(request, "quizzes/bank_list.html", context)


@require_perm(MANAGE)
def bank_create(request: AuthedHttpRequest) -> HttpResponse:
    form = BankForm(request.POST or None, user=request.user, initial={"organisation": request.user.organisation_id})
    if request.method == "POST" and form.is_valid():
        try:
            bank = services.bank_create(actor=request.user, organisation_id=form.cleaned_data["organisation"].pk,
                                        name=form.cleaned_data["name"],
                                        description=form.cleaned_data["description"])
        except ValidationFailed as exc:
            show_form_error(form, exc)
        else:
            messages.success(request, _("The question bank “%(name)s” has been created.") % {"name": bank.name})
            return redirect("quizzes:bank_detail", bank_id=bank.pk)
    return render(request, "quizzes/bank_form.html", {"form": form})


@require_perm(VIEW)
def bank_detail(request: AuthedHttpRequest, bank_id: int) -> HttpResponse:
    bank = bank_get(user=request.user, bank_id=bank_id)
    form = QuestionFilterForm(request.GET or None, bank=bank)
    filters = form.cleaned_data if form.is_valid() else {}
    versions = questions_of(bank=bank, type=filters.get("type", ""), category_id=filters.get("category") or None,
                            q=filters.get("q", ""), tag=(filters.get("tag") or "").strip())
    context = paginate(request, versions)
    context.update(bank=bank, form=form, can_manage=_can_manage(request.user, bank))
    return render(request, "quizzes/bank_detail.html", context)


def _show_problems(form: QuestionForm, exc: ValidationFailed) -> None:
    # The service lists every problem of the question; show them all, not only the first.
    problems = [str(d.get("message")) for d in exc.detail if isinstance(d, dict)] if isinstance(exc.detail, list) \
        else []
    for problem in problems or [str(exc.message)]:
        form.add_error(None, problem)


@require_perm(MANAGE)
def question_create(request: AuthedHttpRequest, bank_id: int) -> HttpResponse:
    bank = _managed_bank(request.user, bank_id)
    form = QuestionForm(request.POST or None, initial={"type": request.GET.get("type", "single")})
    if request.method == "POST" and form.is_valid():
        try:
            question = services.question_save(actor=request.user, bank_id=bank.pk, question=form.to_parsed())
        except ValidationFailed as exc:
            _show_problems(form, exc)
        else:
            messages.success(request, _("The question has been added."))
            if request.POST.get("then") == "another":
                return redirect(f"{request.path}?type={form.cleaned_data['type']}")
            return redirect("quizzes:question_detail", bank_id=bank.pk, question_id=question.pk)
    return render(request, "quizzes/question_form.html", {"form": form, "bank": bank, "creating": True})


@require_perm(MANAGE)
def question_edit(request: AuthedHttpRequest, bank_id: int, question_id: int) -> HttpResponse:
    question = _question_of_bank(request.user, bank_id, question_id, manage=True)
    bank = question.bank
    current = question.current
    initial = QuestionForm.initial_from(current) if current else {}
    form = QuestionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.question_save(actor=request.user, bank_id=bank.pk, question=form.to_parsed(),
                                           question_id=question.pk)
        except ValidationFailed as exc:
            _show_problems(form, exc)
        else:
            if saved.current is None or (current is not None and saved.current_id == current.pk):
                messages.info(request, _("Nothing changed; no new version was written."))
            else:
                messages.success(request, _("Saved as version %(n)d.") % {"n": saved.current.number})
            return redirect("quizzes:question_detail", bank_id=bank.pk, question_id=question.pk)
    return render(request, "quizzes/question_form.html",
                  {"form": form, "bank": bank, "question": question, "creating": False})


@require_perm(VIEW)
def question_detail(request: AuthedHttpRequest, bank_id: int, question_id: int) -> HttpResponse:
    question = _question_of_bank(request.user, bank_id, question_id)
    versions = list(question.versions.select_related("category", "created_by").order_by("-number"))
    return render(request, "quizzes/question_detail.html", {
        "bank": question.bank, "question": question, "versions": versions,
        "can_manage": _can_manage(request.user, question.bank),
    })


@require_POST
@require_perm(MANAGE)
def question_retire(request: AuthedHttpRequest, bank_id: int, question_id: int) -> HttpResponse:
    question = _question_of_bank(request.user, bank_id, question_id, manage=True)
    services.question_retire(actor=request.user, bank_id=question.bank_id, question_id=question.pk)
    messages.success(request, _("The question has been retired: new papers no longer use it."))
    return redirect("quizzes:question_detail", bank_id=question.bank_id, question_id=question.pk)


def _import_page(request: AuthedHttpRequest, bank: QuestionBank, form: ImportForm, result: Any = None, *,
                 stage: str = "upload", filename: str = "") -> HttpResponse:
    errors = result.errors if result else []
    return render(request, "quizzes/import.html", {
        "bank": bank, "form": form, "result": result, "stage": stage, "filename": filename,
        "errors": errors[:ERRORS_SHOWN], "errors_truncated": len(errors) > ERRORS_SHOWN,
        "warnings": (result.warnings if result else [])[:ERRORS_SHOWN],
        "skip_invalid": request.POST.get("skip_invalid") == "on",
        "format_label": dict(ImportForm.FORMATS).get(result.format, "") if result else "",
    })


@require_perm(MANAGE)
def question_import(request: AuthedHttpRequest, bank_id: int) -> HttpResponse:
    bank = _managed_bank(request.user, bank_id)
    if request.method != "POST":
        return _import_page(request, bank, ImportForm())
    if request.POST.get("step") == "confirm":
        return _import_confirm(request, bank)
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return _import_page(request, bank, form)
    data, filename = form.payload()
    fmt = form.cleaned_data["format"] or None
    try:
        result = services.questions_import(actor=request.user, bank_id=bank.pk, data=data, filename=filename,
                                           fmt=fmt, dry_run=True)
    except ValidationFailed as exc:
        form.add_error(None, str(exc.message))
        return _import_page(request, bank, form)
    # The detected format is kept so the confirmation reads the file exactly as the preview did.
    _STAGED.store(request, data, filename, bank_id=bank.pk, fmt=result.format)
    return _import_page(request, bank, form, result, stage="preview", filename=filename)


def _import_confirm(request: AuthedHttpRequest, bank: QuestionBank) -> HttpResponse:
    stored = _STAGED.get(request)
    if stored is None or stored[2].get("bank_id") != bank.pk:
        messages.warning(request, _("The uploaded file has expired; please upload it again."))
        return redirect("quizzes:question_import", bank_id=bank.pk)
    data, filename, extra = stored
    try:
        result = services.questions_import(actor=request.user, bank_id=bank.pk, data=data, filename=filename,
                                           fmt=extra.get("fmt"), skip_invalid=request.POST.get("skip_invalid") == "on")
    except ValidationFailed as exc:
        form = ImportForm()
        form.add_error(None, str(exc.message))
        return _import_page(request, bank, form)
    if not result.written and result.errors:
        messages.error(request, _("Nothing was imported: the file has errors. Correct them, or choose to import "
                                  "the valid questions only."))
        return _import_page(request, bank, ImportForm(), result, stage="preview", filename=filename)
    _STAGED.consume(request)
    messages.success(request, _("Import finished: %(created)d questions added, %(unchanged)d already in the bank, "
                                "%(errors)d problems.") % {"created": result.created if result.written else 0,
                                                           "unchanged": result.unchanged,
                                                           "errors": len(result.errors)})
    return _import_page(request, bank, ImportForm(), result, stage="done", filename=filename)


@require_perm(VIEW)
def question_template(request: AuthedHttpRequest) -> HttpResponse:
    return _xlsx(question_sheet_template(), _("question-import-template.xlsx"))


@require_perm(VIEW)
def bank_export(request: AuthedHttpRequest, bank_id: int) -> HttpResponse:
    bank = bank_get(user=request.user, bank_id=bank_id)
    return _xlsx(services.bank_export(bank=bank), f"{bank.name}.xlsx")


urlpatterns = [
    path("", bank_list, name="bank_list"),
    path("banks/new/", bank_create, name="bank_create"),
    path("template/", question_template, name="question_template"),
    path("banks/<int:bank_id>/", bank_detail, name="bank_detail"),
    path("banks/<int:bank_id>/export/", bank_export, name="bank_export"),
    path("banks/<int:bank_id>/import/", question_import, name="question_import"),
    path("banks/<int:bank_id>/questions/new/", question_create, name="question_create"),
    path("banks/<int:bank_id>/questions/<int:question_id>/", question_detail, name="question_detail"),
    path("banks/<int:bank_id>/questions/<int:question_id>/edit/", question_edit, name="question_edit"),
    path("banks/<int:bank_id>/questions/<int:question_id>/retire/", question_retire, name="question_retire"),
]
