"""The question bank over the API (/api/v1/quizzes): banks, questions as versions, retiring, import and export,
through the same selectors and services as the pages."""

import datetime
import json
from typing import Any, Literal
from urllib.parse import quote

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.responses import Status
from pydantic import ValidationError as PydanticValidationError

from suzhi.core.api.base import ErrorOut, current_user, page_slice
from suzhi.core.api.imports import ImportErrorOut, ImportOut, import_out
from suzhi.core.errors import NotFound, ValidationFailed
from suzhi.core.web import ensure_perm
from suzhi.quizzes.formats.base import ParsedOption, ParsedQuestion, QuestionType
from suzhi.quizzes.models import Question, QuestionVersion
from suzhi.quizzes.selectors.banks import MANAGE, VIEW, bank_get, banks_visible, question_get, questions_of
from suzhi.quizzes.services import questions as services

router = Router(tags=["quizzes"])

ERRORS: dict[int, Any] = {403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}
READ_ERRORS: dict[int, Any] = {403: ErrorOut, 404: ErrorOut}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
Format = Literal["excel", "text", "gift"]


class OrgRef(Schema):
    id: int
    code: str
    name: str


class BankOut(Schema):
    id: int
    name: str
    description: str
    organisation: OrgRef
    question_count: int
    created_at: datetime.datetime

    @staticmethod
    def resolve_question_count(obj: Any) -> int:
        return getattr(obj, "question_count", 0)


class BankPage(Schema):
    items: list[BankOut]
    count: int


class BankIn(Schema):
    organisation_id: int
    name: str
    description: str = ""


class OptionIO(Schema):
    text: str
    # The share of the marks the option carries when chosen: > 0 for a correct option.
    weight: float = 0.0
    # Shown to whoever chose the option, with the results.
    feedback: str = ""


class QuestionIn(Schema):
    type: QuestionType
    stem: str
    options: list[OptionIO] = []
    answer_bool: bool | None = None
    accepted: list[list[str]] = []
    any_order: bool = False
    case_sensitive: bool = False
    explanation: str = ""
    difficulty: int | None = None
    category: str = ""
    tags: list[str] = []
    feedback_right: str = ""
    feedback_wrong: str = ""


class VersionOut(Schema):
    number: int
    type: str
    stem: str
    options: list[OptionIO]
    answer_bool: bool | None
    accepted: list[list[str]]
    any_order: bool
    case_sensitive: bool
    explanation: str
    difficulty: int | None
    category: str
    tags: list[str]
    feedback_right: str
    feedback_wrong: str
    created_at: datetime.datetime

    @staticmethod
    def resolve_category(obj: Any) -> str:
        if isinstance(obj, dict):  # already shaped by _question_out
            return obj["category"]
        return obj.category.path if obj.category else ""


class QuestionOut(VersionOut):
    id: int
    bank_id: int
    is_retired: bool
    version: int


class QuestionPage(Schema):
    items: list[QuestionOut]
    count: int


class QuestionImportErrorOut(ImportErrorOut):
    line: int = Field(description="The spreadsheet row or the text's line (as `row`); 0 for the whole file")
    question: str


class QuestionImportOut(ImportOut):
    format: str
    errors: list[QuestionImportErrorOut]
    warnings: list[QuestionImportErrorOut]  # what imported questions carry that the bank cannot keep


class ImportTextIn(Schema):
    text: str
    format: Format | None = None
    dry_run: bool | None = None
    skip_invalid: bool | None = None


def _question_out(version: QuestionVersion, question: Question) -> dict[str, Any]:
    return {
        "id": question.pk, "bank_id": question.bank_id, "is_retired": question.is_retired,
        "version": version.number, "number": version.number, "type": version.type, "stem": version.stem,
        "options": version.options, "answer_bool": version.answer_bool, "accepted": version.accepted,
        "any_order": version.any_order, "case_sensitive": version.case_sensitive,
        "explanation": version.explanation, "difficulty": version.difficulty,
        "category": version.category.path if version.category else "", "tags": version.tags,
        "feedback_right": version.feedback_right, "feedback_wrong": version.feedback_wrong,
        "created_at": version.created_at,
    }


def _parsed(payload: QuestionIn) -> ParsedQuestion:
    return ParsedQuestion(
        type=payload.type, stem=payload.stem,
        options=[ParsedOption(o.text, o.weight, o.feedback) for o in payload.options],
        answer_bool=payload.answer_bool, accepted=payload.accepted, any_order=payload.any_order,
        case_sensitive=payload.case_sensitive, explanation=payload.explanation, difficulty=payload.difficulty,
        category=payload.category, tags=payload.tags, feedback_right=payload.feedback_right,
        feedback_wrong=payload.feedback_wrong,
    )


def _question_in_bank(user: Any, bank_id: int, question_id: int) -> Question:
    question = question_get(user=user, question_id=question_id)
    if question.bank_id != bank_id:
        raise NotFound()
    return question


def _question_response(user: Any, bank_id: int, question_id: int) -> dict[str, Any]:
    question = _question_in_bank(user, bank_id, question_id)
    if question.current_id is None:
        raise NotFound()
    version = QuestionVersion.objects.select_related("category").get(pk=question.current_id)
    return _question_out(version, question)


@router.get("/banks", response={200: BankPage, 403: ErrorOut}, summary="Question banks the caller sees")
def bank_list(request: HttpRequest, page: int = 1, page_size: int = 20):
    """Banks of the caller's organisations and those below, and the banks above them that papers may draw on."""
    user = current_user(request)
    ensure_perm(user, VIEW)
    banks = banks_visible(user=user).order_by("organisation__path", "name", "id")
    rows_on_page = page_slice(page, page_size)
    return {"items": list(banks[rows_on_page]), "count": banks.count()}


@router.post("/banks", response={201: BankOut, **ERRORS}, summary="Create a question bank")
def bank_create(request: HttpRequest, payload: BankIn):
    user = current_user(request)
    bank = services.bank_create(actor=user, organisation_id=payload.organisation_id, name=payload.name,
                                description=payload.description)
    return Status(201, bank_get(user=user, bank_id=bank.pk))


@router.get("/banks/{bank_id}", response={200: BankOut, **READ_ERRORS}, summary="One question bank")
def bank_detail(request: HttpRequest, bank_id: int):
    user = current_user(request)
    ensure_perm(user, VIEW)
    return bank_get(user=user, bank_id=bank_id)


@router.get("/banks/{bank_id}/questions", response={200: QuestionPage, **READ_ERRORS},
            summary="Current versions of a bank's questions")
def question_list(request: HttpRequest, bank_id: int, type: QuestionType | None = None,
                  category_id: int | None = None, q: str = "", include_retired: bool = False, page: int = 1,
                  page_size: int = 20):
    user = current_user(request)
    ensure_perm(user, VIEW)
    bank = bank_get(user=user, bank_id=bank_id)
    versions = questions_of(bank=bank, type=str(type or ""), category_id=category_id, q=q,
                            include_retired=include_retired)
    rows_on_page = page_slice(page, page_size)
    return {"items": [_question_out(v, v.question) for v in versions[rows_on_page]],
            "count": versions.count()}


@router.post("/banks/{bank_id}/questions", response={201: QuestionOut, **ERRORS}, summary="Add a question")
def question_create(request: HttpRequest, bank_id: int, payload: QuestionIn):
    """Option weights are shares of the marks: 1 for a single choice's correct option, fractions for the correct
    options of a multiple choice, 0 for wrong ones."""
    user = current_user(request)
    question = services.question_save(actor=user, bank_id=bank_id, question=_parsed(payload))
    return Status(201, _question_response(user, bank_id, question.pk))


@router.get("/banks/{bank_id}/questions/{question_id}", response={200: QuestionOut, **READ_ERRORS},
            summary="One question (its current version)")
def question_detail(request: HttpRequest, bank_id: int, question_id: int):
    user = current_user(request)
    ensure_perm(user, VIEW)
    return _question_response(user, bank_id, question_id)


@router.put("/banks/{bank_id}/questions/{question_id}", response={200: QuestionOut, **ERRORS},
            summary="Edit a question (writes its next version)")
def question_update(request: HttpRequest, bank_id: int, question_id: int, payload: QuestionIn):
    """Attempts keep the version they used; sending the question unchanged writes nothing."""
    user = current_user(request)
    services.question_save(actor=user, bank_id=bank_id, question=_parsed(payload), question_id=question_id)
    return _question_response(user, bank_id, question_id)


@router.post("/banks/{bank_id}/questions/{question_id}/retire", response={200: QuestionOut, **ERRORS},
             summary="Retire a question")
def question_retire(request: HttpRequest, bank_id: int, question_id: int):
    """New papers no longer use it; its versions stay for the attempts that did."""
    user = current_user(request)
    _question_in_bank(user, bank_id, question_id)
    services.question_retire(actor=user, bank_id=bank_id, question_id=question_id)
    return _question_response(user, bank_id, question_id)


@router.get("/banks/{bank_id}/questions/{question_id}/versions", response={200: list[VersionOut], **READ_ERRORS},
            summary="Every version of a question, newest first")
def question_versions(request: HttpRequest, bank_id: int, question_id: int):
    user = current_user(request)
    ensure_perm(user, VIEW)
    question = _question_in_bank(user, bank_id, question_id)
    return list(question.versions.select_related("category").order_by("-number"))


def _import_input(request: HttpRequest, fmt: str | None, dry_run: bool,
                  skip_invalid: bool) -> tuple[bytes, str, str | None, bool, bool]:
    if request.content_type and request.content_type.startswith("multipart/"):
        upload = request.FILES.get("file")
        if upload is None:
            raise ValidationFailed(_("Send the file in the “file” field."),
                                   detail=[{"field": "file", "message": _("This field is required.")}])
        return upload.read(), upload.name or "upload", fmt, dry_run, skip_invalid
    try:
        body = ImportTextIn.model_validate(json.loads(request.body or b"{}"))
    except (ValueError, PydanticValidationError) as exc:
        raise ValidationFailed(_("Send a multipart file, or JSON with the questions in “text”."),
                               detail=[{"field": "text", "message": str(exc)[:500]}]) from None
    return (body.text.encode("utf-8"), "pasted.txt", body.format or fmt,
            dry_run if body.dry_run is None else body.dry_run,
            skip_invalid if body.skip_invalid is None else body.skip_invalid)


# The body is read by hand (a file or JSON text), so its two shapes are described to OpenAPI here.
IMPORT_BODY = {"requestBody": {"required": True, "content": {
    "multipart/form-data": {"schema": {"type": "object", "required": ["file"],
                                       "properties": {"file": {"type": "string", "format": "binary"}}}},
    "application/json": {"schema": ImportTextIn.model_json_schema()},
}}}


@router.post("/banks/{bank_id}/import", response={200: QuestionImportOut, **ERRORS}, summary="Import questions",
             openapi_extra=IMPORT_BODY)
def question_import(request: HttpRequest, bank_id: int, format: Format | None = None, dry_run: bool = False,
                    skip_invalid: bool = False):
    """Either a multipart upload (field `file`: the Excel template, text or GIFT) or a JSON body
    `{"text": "...", "format": "text"|"gift", "dry_run": bool, "skip_invalid": bool}`. The format is detected
    when not given. With any error nothing is written unless `skip_invalid`; `dry_run` only checks."""
    user = current_user(request)
    ensure_perm(user, MANAGE)
    # The bank first: another organisation's bank answers 404 whatever the body.
    bank_get(user=user, bank_id=bank_id)
    data, filename, fmt, dry_run, skip_invalid = _import_input(request, format, dry_run, skip_invalid)
    result = services.questions_import(actor=user, bank_id=bank_id, data=data, filename=filename, fmt=fmt,
                                       dry_run=dry_run, skip_invalid=skip_invalid)
    return import_out(result, format=result.format, warnings=result.warnings)


@router.get("/banks/{bank_id}/export", response={200: None, **READ_ERRORS},
            summary="The bank's current questions in the Excel template")
def bank_export(request: HttpRequest, bank_id: int):
    user = current_user(request)
    ensure_perm(user, VIEW)
    bank = bank_get(user=user, bank_id=bank_id)
    response = HttpResponse(services.bank_export(bank=bank), content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(bank.name + '.xlsx')}"
    return response
