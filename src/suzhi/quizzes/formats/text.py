"""The text format teachers paste from Word: numbered stems, lettered options, 答案/解析 lines, section headings.

The words it shares with the Excel template (type names, answer letters, 判断 answers, difficulty words) are in
vocabulary.py; the names other modules took from here are still importable from here.

A SHORT_ANSWER question keeps its reference answer in ``accepted[0][0]`` (empty ``accepted`` when none is given):
it is marked by hand, so the reference answer is what the marker sees, not something matched automatically.
"""

import re
import unicodedata

from django.utils.translation import gettext as _

from suzhi.quizzes.formats.base import ParsedQuestion, ParseError, ParseResult, QuestionType
from suzhi.quizzes.formats.vocabulary import (
    LETTERS,
    check_answer,
    choice_options,
    normalise_word,
    parse_accepted,
    parse_difficulty,
    parse_letters,
    parse_true_false,
    parse_type,
    preview,
)

__all__ = [
    "LETTERS",
    "check_answer",
    "choice_options",
    "parse_accepted",
    "parse_difficulty",
    "parse_letters",
    "parse_question_text",
    "parse_true_false",
    "parse_type",
    "preview",
]


# --- the text format -------------------------------------------------------------------------------------------

_CN_NUMERALS = "一二三四五六七八九十"
_HEADING = re.compile(
    rf"^\s*(?:第?[{_CN_NUMERALS}]+(?:部分|大题)?\s*[、.．:：\s]\s*|[（(][{_CN_NUMERALS}]+[）)]\s*)?"
    r"[【\[]?\s*(?P<word>[^\s（(【】\[\]:：]{2,8}?)\s*[】\]]?\s*(?:[（(][^）)]*[）)])?\s*[:：]?\s*$"
)
_NUMBER = re.compile(
    r"^\s*(?:第\s*(?P<n1>\d+)\s*题\s*[.、．:：]?|[（(]\s*(?P<n2>\d+)\s*[）)]|(?P<n3>\d+)\s*(?:[.、．。]|[)）])(?!\d))"
    r"\s*(?P<rest>.*)$"
)
# An option marker: "A." "A、" "A．" "A:" "A：" or "(A)" "（A）"; full-width letters too.
_MARKER = r"(?:[（(]\s*(?P<p>[A-HＡ-Ｈ])\s*[）)]\s*[.、．:：]?|(?P<l>[A-HＡ-Ｈ])\s*[.、．:：])"
_OPTION_START = re.compile(rf"^\s*{_MARKER}\s*")
# Inside a line only where no Latin letter or digit precedes, so "PPE.B" or "2A." are not cut.
_OPTION_INNER = re.compile(rf"(?<![A-Za-z0-9Ａ-Ｚａ-ｚ]){_MARKER}")
_ANSWER = re.compile(r"^\s*(?:[【\[]\s*(?:正确|参考)?答案\s*[】\]]\s*[:：]?|(?:正确|参考)?答案\s*[:：]|答\s*[:：])\s*")
_EXPLANATION = re.compile(
    r"^\s*(?:[【\[]\s*(?:试题|答案)?(?:解析|分析|解释)\s*[】\]]\s*[:：]?|(?:试题|答案)?(?:解析|分析|解释)\s*[:：])\s*"
)
_EXPLANATION_INLINE = re.compile(
    r"\s*(?:[【\[]\s*(?:试题|答案)?(?:解析|分析|解释)\s*[】\]]\s*[:：]?|(?:试题|答案)?(?:解析|分析|解释)\s*[:：])\s*"
)
_DIFFICULTY = re.compile(r"^\s*(?:[【\[]\s*难度\s*[】\]]\s*[:：]?|难度\s*[:：])\s*")
_CATEGORY = re.compile(r"^\s*(?:[【\[]\s*(?:分类|类别|知识点)\s*[】\]]\s*[:：]?|(?:分类|类别|知识点)\s*[:：])\s*")
_BLANK = re.compile(r"_{2,}|＿{2,}|[（(][\s\u3000]*[）)]")
# An answer written into the stem's brackets, the usual habit of Word papers: "方针是（ A ）。", "（ √ ）".
_ANSWER_IN_STEM = re.compile(r"[（(][\s\u3000]*(?P<a>[A-HＡ-Ｈ](?:[\s、,，]*[A-HＡ-Ｈ])*|[√×✓✔✗✘对错])[\s\u3000]*[）)]")


class _Block:
    def __init__(self, number: str, line: int, qtype: QuestionType | None) -> None:
        self.number = number
        self.line = line
        self.section_type = qtype
        self.stem: list[str] = []
        self.options: list[str] = []
        self.answer: str | None = None
        self.answer_line = 0
        self.explanation: list[str] = []
        self.difficulty: str | None = None
        self.difficulty_line = 0
        self.category = ""
        self.last = "stem"

    def add_options(self, text: str) -> bool:
        """Read option markers from `text`; False when it does not start with the next expected option."""
        start = _OPTION_START.match(text)
        if not start or self._letter(start) != self._next_letter():
            return False
        markers = [start]
        expected = chr(ord(self._next_letter()) + 1)
        for match in _OPTION_INNER.finditer(text, start.end()):
            if self._letter(match) == expected and expected <= LETTERS[-1]:
                markers.append(match)
                expected = chr(ord(expected) + 1)
        for i, match in enumerate(markers):
            end = markers[i + 1].start() if i + 1 < len(markers) else len(text)
            self.options.append(text[match.end() : end].strip())
        self.last = "option"
        return True

    def _next_letter(self) -> str:
        return LETTERS[len(self.options)] if len(self.options) < len(LETTERS) else "?"

    @staticmethod
    def _letter(match: re.Match[str]) -> str:
        return unicodedata.normalize("NFKC", match.group("p") or match.group("l"))

    def set_answer(self, text: str, line: int) -> None:
        inline = _EXPLANATION_INLINE.search(text)
        if inline:
            self.explanation.append(text[inline.end() :].strip())
            text = text[: inline.start()]
            self.last = "explanation"
        else:
            self.last = "answer"
        self.answer = text.strip()
        self.answer_line = line

    def append(self, text: str) -> None:
        if self.last == "stem":
            self.stem.append(text)
        elif self.last == "option":
            self.options[-1] = f"{self.options[-1]} {text}".strip()
        elif self.last == "answer" and self.answer is not None and self.section_type is QuestionType.SHORT_ANSWER:
            # Only a reference answer runs over several lines; after "答案：A" more text is the explanation.
            self.answer = f"{self.answer}\n{text}".strip()
        else:
            self.explanation.append(text)


# "选择题" mixes single and multiple choice: below it each question's type comes from its answer.
_MIXED_HEADINGS = {"选择", "选择题"}


def _heading(line: str) -> tuple[bool, QuestionType | None]:
    """(is a section heading, the type it sets or None to infer)."""
    match = _HEADING.match(line)
    if not match:
        return False, None
    word = normalise_word(match.group("word"))
    if word in _MIXED_HEADINGS:
        return True, None
    qtype = parse_type(word)
    return qtype is not None, qtype


def _infer_type(block: _Block, stem: str) -> QuestionType | None:
    answer = block.answer or ""
    if block.options:
        letters = parse_letters(answer)
        return QuestionType.MULTIPLE if letters and len(letters) > 1 else QuestionType.SINGLE
    if answer and parse_true_false(answer, strict=True) is not None:
        return QuestionType.TRUE_FALSE
    if answer or _BLANK.search(stem):
        return QuestionType.FILL_IN
    return None


def _finish(block: _Block, result: ParseResult) -> None:
    stem = "\n".join(part for part in block.stem if part).strip()
    label = f"{block.number}. {preview(stem)}".strip()
    errors: list[tuple[int, str]] = []
    if not stem:
        errors.append((block.line, _("The question stem is missing.")))
    if block.answer is None and block.section_type is not QuestionType.SHORT_ANSWER:
        # The answer written into the stem's brackets: take it and leave the brackets empty for the paper.
        found = list(_ANSWER_IN_STEM.finditer(stem))
        if found:
            last = found[-1]
            block.answer = last.group("a")
            block.answer_line = block.line
            stem = f"{stem[: last.start()]}（  ）{stem[last.end() :]}"
    qtype = block.section_type or _infer_type(block, stem)
    if qtype is None:
        errors.append((block.line, _("The answer is missing, so the question type cannot be told.")))
    difficulty = None
    if block.difficulty is not None:
        understood, difficulty = parse_difficulty(block.difficulty)
        if not understood:
            errors.append((block.difficulty_line, _(
                "The difficulty “%(value)s” is not understood; use 1–5 or 易, 较易, 中, 较难, 难."
            ) % {"value": block.difficulty}))
    fields: dict[str, object] = {}
    if qtype is not None:
        if qtype in (QuestionType.SINGLE, QuestionType.MULTIPLE) and any(not text for text in block.options):
            errors.append((block.line, _("An option has no text.")))
        answer_text = block.answer or ""
        if qtype is QuestionType.TRUE_FALSE and block.options and parse_letters(answer_text):
            # 判断 written as a choice between "A. 正确" and "B. 错误": the chosen option's text decides.
            letter = parse_letters(answer_text)[0]  # type: ignore[index]
            index = LETTERS.index(letter)
            if index < len(block.options) and parse_true_false(block.options[index]) is not None:
                answer_text = block.options[index]
        fields, message, _kind = check_answer(qtype, answer_text, block.options)
        if message:
            errors.append((block.answer_line or block.line, message))
    if errors:
        for line, message in errors:
            result.errors.append(ParseError(line=line, question=label, message=message))
        return
    assert qtype is not None
    result.questions.append(ParsedQuestion(
        type=qtype,
        stem=stem,
        explanation="\n".join(part for part in block.explanation if part).strip(),
        category=block.category,
        difficulty=difficulty,
        source_line=block.line,
        **fields,  # type: ignore[arg-type]
    ))


def parse_question_text(text: str) -> ParseResult:
    """Questions from pasted text; each faulty question becomes an error naming its number and line."""
    result = ParseResult()
    section: QuestionType | None = None
    block: _Block | None = None
    for line_no, raw in enumerate(str(text or "").splitlines(), start=1):
        line = raw.replace("\u3000", " ").strip()
        if not line:
            continue
        is_heading, heading = _heading(line)
        if is_heading:
            if block is not None:
                _finish(block, result)
                block = None
            section = heading
            continue
        number = _NUMBER.match(line)
        if number:
            if block is not None:
                _finish(block, result)
            block = _Block(number.group("n1") or number.group("n2") or number.group("n3"), line_no, section)
            rest = number.group("rest").strip()
            if rest:
                _read_line(block, rest, line_no)
            continue
        if block is None:
            continue  # a title or an instruction above the first question
        _read_line(block, line, line_no)
    if block is not None:
        _finish(block, result)
    if not result.questions and not result.errors:
        result.errors.append(ParseError(line=0, question="", message=_("No questions were found.")))
    return result


def _read_line(block: _Block, line: str, line_no: int) -> None:
    for pattern, kind in ((_ANSWER, "answer"), (_EXPLANATION, "explanation"), (_DIFFICULTY, "difficulty"),
                          (_CATEGORY, "category")):
        match = pattern.match(line)
        if not match:
            continue
        value = line[match.end() :].strip()
        if kind == "answer":
            block.set_answer(value, line_no)
        elif kind == "explanation":
            block.explanation.append(value)
            block.last = "explanation"
        elif kind == "difficulty":
            block.difficulty = value
            block.difficulty_line = line_no
            block.last = "meta"
        else:
            block.category = value
            block.last = "meta"
        return
    # Options come before the answer; after it, "A、B两项…" is part of the explanation.
    if block.answer is None and block.last in ("stem", "option") and block.add_options(line):
        return
    if block.last == "stem" and not block.options:
        split = _options_after_stem(line)
        if split is not None:
            block.stem.append(line[:split].strip())
            block.add_options(line[split:])
            return
    if block.last == "meta":
        block.last = "explanation"
    block.append(line)


def _options_after_stem(line: str) -> int | None:
    """Where "A." starts in a stem line that carries its options too ("题干（ ）A.甲 B.乙"), if it does."""
    for match in _OPTION_INNER.finditer(line):
        if match.start() == 0 or _Block._letter(match) != "A":
            continue
        if line[match.start() - 1] not in " \t）)。？?：:":
            continue
        following = _OPTION_INNER.search(line, match.end())
        if following and _Block._letter(following) == "B":
            return match.start()
    return None
