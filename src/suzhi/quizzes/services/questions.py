"""Writes to the question bank (题库): banks, questions as versions, retiring, and imports from the Chinese
Excel template, pasted text and Moodle's GIFT — each previewed first and atomic like the roster import."""

import dataclasses
import re
from pathlib import PurePath
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from suzhi.core import oplog, scope
from suzhi.core.errors import NotFound, ValidationFailed
from suzhi.core.imports import ImportResult
from suzhi.core.models import Organisation, User
from suzhi.core.web import ensure_perm
from suzhi.quizzes.error_codes import QuizErrors
from suzhi.quizzes.formats.base import ParsedOption, ParsedQuestion, ParseResult, QuestionType
from suzhi.quizzes.formats.excel import parse_question_sheet, questions_to_sheet
from suzhi.quizzes.formats.gift import parse_gift
from suzhi.quizzes.formats.text import parse_question_text
from suzhi.quizzes.models import Question, QuestionBank, QuestionCategory, QuestionVersion
from suzhi.quizzes.selectors.banks import MANAGE, access_bank_for_update, questions_of

MAX_FILE_BYTES = 10 * 1024 * 1024
SHEETS = {".xlsx", ".xls", ".ods", ".csv"}
# What only GIFT has: an answer section opening with = ~ # (or T/F, or empty for an essay), a ::title:: or a
# $CATEGORY: line. The Chinese text format has no braces, and a "~" in its text (1~3年) is no sign.
_GIFT_SIGNS = re.compile(
    r"\{\s*(?:[=~#}]|(?:T|F|TRUE|FALSE)\s*[#}])|^[ \t]*::[^\n]*::|^[ \t]*\$CATEGORY:", re.IGNORECASE | re.MULTILINE)


def _invalid(field: str, message: str) -> ValidationFailed:
    return ValidationFailed(message, detail=[{"field": field, "message": message}])


@transaction.atomic
def bank_create(*, actor: User, organisation_id: Any, name: str, description: str = "") -> QuestionBank:
    ensure_perm(actor, MANAGE)
    organisation = Organisation.objects.filter(pk=organisation_id).first()
    if organisation is None or not scope.organisation_in_scope(actor, MANAGE, organisation):
        raise _invalid("organisation_id", _("Choose an organisation you manage."))
    name = " ".join((name or "").split())
    if not name or len(name) > 100:
        raise _invalid("name", _("Give the bank a name of at most %(n)d characters.") % {"n": 100})
    if QuestionBank.objects.filter(organisation=organisation, name=name).exists():
        raise _invalid("name", _("%(org)s already has a bank named “%(name)s”.") % {"org": organisation.name,
                                                                                   "name": name})
    bank = QuestionBank.objects.create(organisation=organisation, name=name, description=description.strip()[:500],
                                       created_by=actor)
    oplog.record(actor=actor, action="quiz.bank_create", obj=bank, summary=name)
    return bank


def version_fields(question: ParsedQuestion) -> dict[str, Any]:
    """The stored form of a parsed question (without its category)."""
    return {
        "type": str(question.type), "stem": question.stem.strip(),
        # An option's feedback is stored only when it has one, so questions without feedback keep their old form.
        "options": [{"text": o.text, "weight": o.weight} | ({"feedback": o.feedback.strip()} if o.feedback.strip()
                                                            else {}) for o in question.options],
        "answer_bool": question.answer_bool, "accepted": question.accepted, "any_order": question.any_order,
        "case_sensitive": question.case_sensitive, "explanation": question.explanation.strip(),
        "difficulty": question.difficulty, "tags": list(question.tags),
        "feedback_right": question.feedback_right.strip(), "feedback_wrong": question.feedback_wrong.strip(),
    }


def as_parsed(version: QuestionVersion) -> ParsedQuestion:
    return ParsedQuestion(
        type=QuestionType(version.type), stem=version.stem,
        options=[ParsedOption(text=o["text"], weight=o["weight"], feedback=o.get("feedback", ""))
                 for o in version.options],
        answer_bool=version.answer_bool, accepted=version.accepted, any_order=version.any_order,
        case_sensitive=version.case_sensitive, explanation=version.explanation,
        category=version.category.path if version.category else "", difficulty=version.difficulty,
        tags=list(version.tags), feedback_right=version.feedback_right, feedback_wrong=version.feedback_wrong,
    )


def question_problems(question: ParsedQuestion) -> list[str]:
    """What makes a question unusable, whatever it came from (a form, a file)."""
    problems = []
    if not question.stem.strip():
        problems.append(_("The question stem is missing."))
    if question.type in (QuestionType.SINGLE, QuestionType.MULTIPLE):
        correct = [o for o in question.options if o.correct]
        if len(question.options) < 2:
            problems.append(_("A choice question needs at least 2 options."))
        elif any(not o.text.strip() for o in question.options):
            problems.append(_("An option has no text."))
        if not correct:
            problems.append(_("No option is marked correct."))
        elif question.type == QuestionType.SINGLE and len(correct) > 1:
            problems.append(_("A single-choice question has exactly one correct option."))
    elif question.type == QuestionType.TRUE_FALSE and question.answer_bool is None:
        problems.append(_("Say whether the statement is true or false."))
    elif question.type == QuestionType.FILL_IN and (
            not question.accepted or any(not any(a.strip() for a in blank) for blank in question.accepted)):
        problems.append(_("Each blank needs at least one accepted answer."))
    if question.difficulty is not None and not 1 <= question.difficulty <= 5:
        problems.append(_("The difficulty is from 1 (easy) to 5 (hard)."))
    return problems


def _category(bank: QuestionBank, path: str, cache: dict[str, QuestionCategory]) -> QuestionCategory | None:
    path = "/".join(part.strip() for part in (path or "").split("/") if part.strip())[:200]
    if not path:
        return None
    if path not in cache:
        cache[path], _created = QuestionCategory.objects.get_or_create(bank=bank, path=path)
    return cache[path]


def _write_version(actor: User, question: Question, parsed: ParsedQuestion, category: QuestionCategory | None,
                   number: int) -> QuestionVersion:
    version = QuestionVersion.objects.create(question=question, number=number, category=category,
                                             created_by=actor, **version_fields(parsed))
    question.current = version
    question.save(update_fields=["current"])
    return version


@transaction.atomic
def question_save(*, actor: User, bank_id: Any, question: ParsedQuestion, question_id: Any = None) -> Question:
    """Add a question, or edit one by writing its next version (attempts keep the version they used).
    Saving it unchanged writes nothing."""
    ensure_perm(actor, MANAGE)
    bank = access_bank_for_update(user=actor, bank_id=bank_id)
    problems = question_problems(question)
    if problems:
        raise ValidationFailed(problems[0], detail=[{"field": "question", "message": p} for p in problems])
    category = _category(bank, question.category, {})
    if question_id is None:
        created = Question.objects.create(bank=bank)
        _write_version(actor, created, question, category, 1)
        oplog.record(actor=actor, action="quiz.question_create", obj=bank, summary=question.stem[:80])
        return created
    stored = Question.objects.select_for_update(of=("self",)).select_related("current__category").filter(
        pk=question_id, bank=bank).first()
    if stored is None:
        raise NotFound()
    current = stored.current
    new_fields = version_fields(question)
    if current is not None and all(getattr(current, k) == v for k, v in new_fields.items()) \
            and current.category_id == (category.pk if category else None):
        return stored
    number = (current.number if current else 0) + 1
    _write_version(actor, stored, question, category, number)
    oplog.record(actor=actor, action="quiz.question_update", obj=bank, after={"question": stored.pk,
                                                                              "version": number},
                 summary=question.stem[:80])
    return stored


@transaction.atomic
def question_retire(*, actor: User, bank_id: Any, question_id: Any) -> None:
    """Take a question out of new papers; its versions stay for the attempts that used them."""
    ensure_perm(actor, MANAGE)
    bank = access_bank_for_update(user=actor, bank_id=bank_id)
    updated = Question.objects.filter(pk=question_id, bank=bank, is_retired=False).update(is_retired=True)
    if updated:
        oplog.record(actor=actor, action="quiz.question_retire", obj=bank, after={"question": question_id})


@dataclasses.dataclass
class QuestionImportResult(ImportResult):
    """The pipeline's result for a question file (spreadsheet, text or GIFT): errors also carry `line` (the row or
    the text's line) and `question`; `warnings` are what imported questions carry that the bank cannot keep."""

    format: str = ""
    warnings: list[dict[str, Any]] = dataclasses.field(default_factory=list)

    @property
    def invalid_rows(self) -> int:  # type: ignore[override]
        return len({e["line"] for e in self.errors if e["line"]})


def _problem(line: int, question: str, column: str, message: str) -> dict[str, Any]:
    return {"row": line, "line": line, "question": question, "column": column, "message": message}


def detect_format(filename: str, data: bytes) -> str:
    name = (filename or "").lower()
    suffix = PurePath(name).suffix
    if suffix in SHEETS:
        return "excel"
    if suffix == ".gift" or name.endswith(".gift.txt"):  # Moodle's own files are named questions.gift.txt
        return "gift"
    return "gift" if _GIFT_SIGNS.search(_decode(data)) else "text"


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("utf-8", errors="replace")


def _decode_gift(data: bytes) -> str:
    """GIFT files are UTF-8 (Moodle reads and writes nothing else), or UTF-16 with its byte order mark. Any other
    bytes are refused: read as GB18030, a Western file (café in Windows-1252) turns into Chinese gibberish."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    else:
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError:
            pass
    raise ValidationFailed(_("The GIFT file is not UTF-8 text. Save it as UTF-8 (in Notepad: Save as, encoding "
                             "UTF-8) and upload it again."), code=QuizErrors.NOT_UTF8)


def _parse(fmt: str, data: bytes, filename: str) -> ParseResult:
    if fmt == "excel":
        return parse_question_sheet(data, filename)
    if fmt == "gift":
        return parse_gift(_decode_gift(data))
    return parse_question_text(_decode(data))


def _key(fields: dict[str, Any], category_path: str) -> str:
    import json

    return json.dumps([fields, category_path], ensure_ascii=False, sort_keys=True)


@transaction.atomic
def questions_import(*, actor: User, bank_id: Any, data: bytes, filename: str, fmt: str | None = None,
                     dry_run: bool = False, skip_invalid: bool = False) -> QuestionImportResult:
    """Import a question file into a bank. Every question is checked first; with any error nothing is written
    unless `skip_invalid`; questions identical to ones in the bank are counted, not added twice."""
    ensure_perm(actor, MANAGE)
    bank = access_bank_for_update(user=actor, bank_id=bank_id)
    if len(data) > MAX_FILE_BYTES:
        raise ValidationFailed(_("The file is larger than %(n)d MB.") % {"n": MAX_FILE_BYTES // (1024 * 1024)},
                               code=QuizErrors.TOO_LARGE)
    fmt = fmt or detect_format(filename, data)
    parsed = _parse(fmt, data, filename)
    result = QuestionImportResult(format=fmt, dry_run=dry_run)
    result.errors = [_problem(e.line, e.question, e.column, e.message) for e in parsed.errors]
    result.warnings = [_problem(w.line, w.question, w.column, w.message) for w in parsed.warnings]
    existing = {_key(version_fields(as_parsed(v)), v.category.path if v.category else "")
                for v in questions_of(bank=bank)}
    valid: list[ParsedQuestion] = []
    for question in parsed.questions:
        problems = question_problems(question)
        if problems:
            result.errors.extend(_problem(question.source_line, question.stem[:30], "", p) for p in problems)
            continue
        key = _key(version_fields(question), "/".join(p.strip() for p in question.category.split("/") if p.strip()))
        if key in existing:  # already in the bank: importing the same file again adds nothing
            result.unchanged += 1
            continue
        valid.append(question)
    result.errors.sort(key=lambda e: e["line"])
    result.created = len(valid)
    result.total_rows = len(parsed.questions) + len({e.line for e in parsed.errors if e.line})
    if dry_run or (result.errors and not skip_invalid) or not valid:
        return result
    categories: dict[str, QuestionCategory] = {}
    for question in valid:
        stored = Question.objects.create(bank=bank)
        _write_version(actor, stored, question, _category(bank, question.category, categories), 1)
    result.written = True
    oplog.record(actor=actor, action="quiz.import", obj=bank,
                 after={"file": filename, "format": fmt, "created": result.created, "unchanged": result.unchanged,
                        "errors": len(result.errors)}, summary=bank.name)
    return result


def bank_export(*, bank: QuestionBank) -> bytes:
    """The bank's current questions in the Chinese Excel template (导出), which imports back."""
    return questions_to_sheet([as_parsed(v) for v in questions_of(bank=bank)])
