"""The common Chinese question template (题型, 题干, 选项A…选项H, 答案, 解析, 分类, 难度, and the optional 标签,
答对反馈, 答错反馈, 选项反馈): import, template and export.

The template's headers and type names are written in Chinese whatever the interface language: this is the layout
clerks already use with other quiz tools, and the parser reads both Chinese and English headers anyway.
Fill-in answers are written as "alt1/alt2；blank2", so an accepted answer containing "/", "；", ";" or "|" does
not survive an export; any_order, case_sensitive, name and unequal option weights (GIFT's %50%) are not carried by
the template: the correct options of an imported question share its marks equally. Tags are written "a, b"; the
options' feedback one line per option, "A：feedback".
"""

import csv
import re
from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext as _

from suzhi.core.errors import DomainError
from suzhi.core.excel import cell_text
from suzhi.core.imports import Column, Columns, read_sheet, template_xlsx
from suzhi.quizzes.formats.base import ParsedQuestion, ParseError, ParseResult, QuestionType
from suzhi.quizzes.formats.vocabulary import (
    LETTERS,
    check_answer,
    parse_difficulty,
    parse_letters,
    parse_type,
    preview,
)

__all__ = ["MAX_ROWS", "parse_question_sheet", "question_sheet_template", "questions_to_sheet"]

MAX_ROWS = 5000
HEADER_SEARCH_ROWS = 10

TYPE_LABELS = {
    QuestionType.SINGLE: "单选题",
    QuestionType.MULTIPLE: "多选题",
    QuestionType.TRUE_FALSE: "判断题",
    QuestionType.FILL_IN: "填空题",
    QuestionType.SHORT_ANSWER: "简答题",
}
OPTION_HEADERS = [f"选项{letter}" for letter in LETTERS]
_OPTION_FEEDBACK = re.compile(r"^\s*([A-Ha-h])\s*[:：.．、]\s*(.*)$")

_VARIANTS: dict[str, tuple[str, ...]] = {
    "type": ("题型", "题目类型", "试题类型", "类型", "type", "questiontype"),
    "stem": ("题干", "题目", "试题", "题目内容", "试题内容", "题干内容", "问题", "stem", "question"),
    "answer": ("答案", "正确答案", "参考答案", "标准答案", "answer", "correctanswer"),
    "explanation": ("解析", "试题解析", "答案解析", "题目解析", "explanation", "analysis"),
    "category": ("分类", "试题分类", "题目分类", "类别", "知识点", "category"),
    "difficulty": ("难度", "难易程度", "难易度", "试题难度", "difficulty"),
    "tags": ("标签", "tags"),
    "feedback_right": ("答对反馈", "正确反馈", "feedbackright"),
    "feedback_wrong": ("答错反馈", "错误反馈", "feedbackwrong"),
    "option_feedback": ("选项反馈", "optionfeedback"),
}
COLUMNS = Columns((
    Column("type", "题型", variants=_VARIANTS["type"], choices=tuple(TYPE_LABELS.values())),
    Column("stem", "题干", required=True, variants=_VARIANTS["stem"]),
    *(Column(f"option{i}", header, variants=(f"选项{i + 1}", letter, f"option{letter}", f"option{i + 1}"))
      for i, (letter, header) in enumerate(zip(LETTERS, OPTION_HEADERS, strict=True))),
    *(Column(key, variants[0], variants=variants) for key, variants in _VARIANTS.items()
      if key not in ("type", "stem")),
))
HEADERS = COLUMNS.labels
_DEFAULT_TITLES = {column.key: str(column.label) for column in COLUMNS}
_WIDTHS = {"stem": 50, "explanation": 40, "answer": 16, "category": 20, "feedback_right": 24, "feedback_wrong": 24,
           "option_feedback": 30}


def parse_question_sheet(data: bytes, filename: str) -> ParseResult:
    """Questions from a spreadsheet in the Chinese template; one error per faulty cell, naming row and column."""
    result = ParseResult()
    try:
        sheet = read_sheet(data, filename, COLUMNS, max_rows=MAX_ROWS, search_rows=HEADER_SEARCH_ROWS)
    except DomainError as exc:  # not a spreadsheet, empty, no header row, too many rows
        result.errors.append(ParseError(line=0, question="", message=str(exc.message)))
        return result
    except csv.Error:  # a CSV with a damaged quote or a field over the csv module's size limit
        result.errors.append(ParseError(line=0, question="", message=_(
            "“%(name)s” could not be read as a spreadsheet; it may be damaged."
        ) % {"name": filename}))
        return result
    columns, titles = sheet.positions, sheet.titles

    def cell(row: list[Any], key: str) -> str:
        col = columns.get(key)
        return cell_text(row[col]) if col is not None else ""

    option_keys = [f"option{i}" for i in range(len(LETTERS)) if f"option{i}" in columns]
    for line, row in zip(sheet.numbers, sheet.rows, strict=True):
        _parse_row(row, line, cell, titles, option_keys, result)
    if not result.questions and not result.errors:
        result.errors.append(ParseError(line=0, question="", message=_("No questions were found.")))
    return result


def _parse_row(
    row: list[Any],
    line: int,
    cell: Callable[[list[Any], str], str],
    titles: dict[str, str],
    option_keys: list[str],
    result: ParseResult,
) -> None:
    stem = cell(row, "stem")
    label = preview(stem)
    errors: list[tuple[str, str]] = []

    def error(key: str, message: str) -> None:
        errors.append((titles.get(key) or _DEFAULT_TITLES.get(key, ""), message))

    if not stem:
        error("stem", _("The question stem is missing."))
    texts = [cell(row, key) for key in option_keys]
    while texts and not texts[-1]:
        texts.pop()
    gap = next((i for i, text in enumerate(texts) if not text), None)
    type_text = cell(row, "type")
    answer = cell(row, "answer")
    qtype = parse_type(type_text) if type_text else _infer(texts, answer)
    if qtype is None:
        if type_text:
            error("type", _("The question type “%(value)s” is not known; use 单选, 多选, 判断, 填空 or 简答.") % {
                "value": type_text
            })
        else:
            error("answer", _("The answer is empty."))
    understood, difficulty = parse_difficulty(cell(row, "difficulty"))
    if not understood:
        error("difficulty", _("The difficulty “%(value)s” is not understood; use 1–5 or 易, 较易, 中, 较难, 难.") % {
            "value": cell(row, "difficulty")
        })
    fields: dict[str, object] = {}
    if qtype is not None:
        choice = qtype in (QuestionType.SINGLE, QuestionType.MULTIPLE)
        if choice and gap is not None:
            error(option_keys[gap], _("Option %(letter)s is empty, but a later option is filled.") % {
                "letter": LETTERS[int(option_keys[gap][6:])]
            })
        else:
            fields, message, kind = check_answer(qtype, answer, texts if choice else [])
            if message:
                error("option0" if kind == "options" else "answer", message)
    option_feedback: dict[int, str] = {}
    for text in filter(None, (part.strip() for part in cell(row, "option_feedback").split("\n"))):
        match = _OPTION_FEEDBACK.match(text)
        index = LETTERS.index(match.group(1).upper()) if match else -1
        if index < 0 or index >= len(texts):
            error("option_feedback", _("“%(value)s” is not the feedback of an option; write one line per option, "
                                       "like A：反馈.") % {"value": text})
        else:
            option_feedback[index] = match.group(2).strip() if match else ""
    if errors:
        for column, message in errors:
            result.errors.append(ParseError(line=line, question=label, message=message, column=column))
        return
    assert qtype is not None
    question = ParsedQuestion(
        type=qtype,
        stem=stem,
        explanation=cell(row, "explanation"),
        category=cell(row, "category"),
        difficulty=difficulty,
        tags=[tag.strip() for tag in cell(row, "tags").replace("，", ",").split(",") if tag.strip()],
        feedback_right=cell(row, "feedback_right"),
        feedback_wrong=cell(row, "feedback_wrong"),
        source_line=line,
        **fields,  # type: ignore[arg-type]
    )
    for index, text in option_feedback.items():
        if index < len(question.options):
            question.options[index].feedback = text
    result.questions.append(question)


def _infer(texts: list[str], answer: str) -> QuestionType | None:
    """An empty 题型 cell: options make it a choice (one letter single, more multiple), else fill-in."""
    if not answer:
        return None
    if texts:
        letters = parse_letters(answer)
        return QuestionType.MULTIPLE if letters and len(letters) > 1 else QuestionType.SINGLE
    return QuestionType.FILL_IN


def _answer_text(question: ParsedQuestion) -> str:
    if question.type in (QuestionType.SINGLE, QuestionType.MULTIPLE):
        return "".join(LETTERS[i] for i, option in enumerate(question.options) if option.correct)
    if question.type is QuestionType.TRUE_FALSE:
        return "" if question.answer_bool is None else ("对" if question.answer_bool else "错")
    if question.type is QuestionType.SHORT_ANSWER:
        return question.accepted[0][0] if question.accepted and question.accepted[0] else ""
    return "；".join("/".join(alternatives) for alternatives in question.accepted)


def _row(question: ParsedQuestion) -> list[Any]:
    options = [option.text for option in question.options][: len(LETTERS)]
    options += [""] * (len(LETTERS) - len(options))
    return [
        TYPE_LABELS[QuestionType(question.type)],
        question.stem,
        *options,
        _answer_text(question),
        question.explanation,
        question.category,
        question.difficulty if question.difficulty is not None else "",
        ", ".join(question.tags),
        question.feedback_right,
        question.feedback_wrong,
        "\n".join(f"{LETTERS[i]}：{option.feedback}" for i, option in enumerate(question.options[: len(LETTERS)])
                  if option.feedback),
    ]


def _workbook(rows: list[list[Any]]) -> bytes:
    # Through the pipeline's template writer: the cells go through xlsx_cell, so a stem such as "=1+1" stays text
    # (never a formula run by whoever opens it); the type column offers its dropdown.
    return template_xlsx(COLUMNS, sheet_title=str(_("Questions")), rows=rows, widths=_WIDTHS)


def question_sheet_template() -> bytes:
    """An .xlsx with the template's headers and two example rows to overwrite."""
    examples: list[list[Any]] = [
        ["单选题", "我国安全生产工作的方针是（  ）。", "安全第一、预防为主、综合治理", "安全为了生产，生产必须安全",
         "以人为本、安全发展", "管生产必须管安全", "", "", "", "", "A", "见《中华人民共和国安全生产法》第三条。",
         "安全生产/法律法规", 1, "", "", "", ""],
        ["填空题", "发现火情应立即拨打火警电话____。", "", "", "", "", "", "", "", "", "119",
         "多个空用“；”分隔，一个空的几种答案用“/”分隔。", "消防安全", "易", "", "", "", ""],
    ]
    return _workbook(examples)


def questions_to_sheet(questions: list[ParsedQuestion]) -> bytes:
    """The questions in the import template, so an exported bank can be edited and imported again."""
    return _workbook([_row(question) for question in questions])
