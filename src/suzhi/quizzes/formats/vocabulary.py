"""The vocabulary the question formats share (the Excel template and the pasted text): type names, answer
letters, 判断 answers, difficulty words, accepted answers of blanks, and the check of an answer against its
question type. Nothing but the standard library and gettext.

A SHORT_ANSWER question keeps its reference answer in ``accepted[0][0]`` (empty ``accepted`` when none is given):
it is marked by hand, so the reference answer is what the marker sees, not something matched automatically.
"""

import re
import unicodedata

from django.utils.translation import gettext as _

from suzhi.quizzes.formats.base import ParsedOption, QuestionType

LETTERS = "ABCDEFGH"
STEM_PREVIEW = 30

# Keys are compared after normalise_word (NFKC, no spaces, lower case), so "单项选择题" and "Single" both land here.
_TYPE_WORDS: dict[str, QuestionType] = {}
for _words, _type in (
    (("单选", "单选题", "单项选择", "单项选择题", "单项选择题目"), QuestionType.SINGLE),
    (("多选", "多选题", "多项选择", "多项选择题", "不定项选择", "不定项选择题", "不定项"), QuestionType.MULTIPLE),
    (("判断", "判断题", "是非题", "是非", "判断正误"), QuestionType.TRUE_FALSE),
    (("填空", "填空题"), QuestionType.FILL_IN),
    (("简答", "简答题", "问答", "问答题", "论述", "论述题", "主观题"), QuestionType.SHORT_ANSWER),
):
    for _word in _words:
        _TYPE_WORDS[_word] = _type
for _type in QuestionType:
    _TYPE_WORDS[_type.value] = _type
    _TYPE_WORDS[_type.value.replace("_", "")] = _type
_TYPE_WORDS.update({
    "singlechoice": QuestionType.SINGLE,
    "multiplechoice": QuestionType.MULTIPLE,
    "truefalse": QuestionType.TRUE_FALSE,
    "fillin": QuestionType.FILL_IN,
    "shortanswer": QuestionType.SHORT_ANSWER,
    "essay": QuestionType.SHORT_ANSWER,
})

_TRUE_WORDS = {"对", "正确", "√", "✓", "✔", "t", "true", "是", "a", "y", "yes", "对的", "正确的", "1"}
_FALSE_WORDS = {"错", "错误", "×", "✗", "✘", "x", "f", "false", "否", "b", "n", "no", "错的", "错误的", "0", "不对"}

_DIFFICULTY_WORDS = {
    "易": 1, "容易": 1, "简单": 1, "较易": 2, "较容易": 2, "较简单": 2, "中": 3, "中等": 3, "一般": 3, "适中": 3,
    "较难": 4, "难": 5, "困难": 5, "很难": 5,
}

_LETTER_SEPARATORS = re.compile(r"[\s,，、;；/|.。]+")
_BLANK_SEPARATORS = re.compile(r"[；;|]")


def normalise_word(value: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", value)).lower()


def parse_type(value: str) -> QuestionType | None:
    """A 题型 cell or heading word; None when not understood."""
    return _TYPE_WORDS.get(normalise_word(value))


def parse_letters(value: str) -> list[str] | None:
    """Option letters from "A", "ABD", "A,B,D", "A、B", "ａｂ"; None when anything else is in the cell."""
    text = _LETTER_SEPARATORS.sub("", unicodedata.normalize("NFKC", value)).upper()
    if not text or any(ch not in LETTERS for ch in text):
        return None
    return sorted(set(text), key=LETTERS.index)


# Answers that make an untyped question a 判断题; "1", "A" or "T" could as well be a fill-in answer.
_UNAMBIGUOUS_TRUE_FALSE = {"对", "正确", "√", "✓", "✔", "对的", "正确的", "错", "错误", "×", "✗", "✘", "错的", "错误的",
                           "不对", "true", "false"}


def parse_true_false(value: str, *, strict: bool = False) -> bool | None:
    """对/错, 正确/错误, √/×, T/F, 是/否, A/B (A = 对); None when not understood.

    `strict` accepts only the words that cannot be anything but a true/false answer.
    """
    text = normalise_word(value).rstrip("。.")
    if strict and text not in _UNAMBIGUOUS_TRUE_FALSE:
        return None
    if text in _TRUE_WORDS:
        return True
    if text in _FALSE_WORDS:
        return False
    return None


def parse_difficulty(value: str) -> tuple[bool, int | None]:
    """(understood, 1..5 or None for empty): digits 1–5, 易/较易/中/较难/难, 简单/一般/困难."""
    text = normalise_word(value)
    if not text:
        return True, None
    if text in _DIFFICULTY_WORDS:
        return True, _DIFFICULTY_WORDS[text]
    try:
        number = float(text)
    except ValueError:
        return False, None
    if number.is_integer() and 1 <= number <= 5:
        return True, int(number)
    return False, None


def parse_accepted(value: str) -> list[list[str]]:
    """Fill-in answers: blanks separated by "；", ";" or "|", alternatives by "/": "安全第一/安全为先；预防为主"."""
    blanks = []
    for part in _BLANK_SEPARATORS.split(value):
        alternatives = [alt.strip() for alt in part.split("/") if alt.strip()]
        if alternatives:
            blanks.append(alternatives)
    return blanks


def choice_options(texts: list[str], letters: list[str]) -> list[ParsedOption]:
    """Options with their weights: the correct ones share the marks equally, wrong ones carry 0."""
    share = 1.0 / len(letters) if letters else 0.0
    return [ParsedOption(text=text, weight=share if LETTERS[i] in letters else 0.0) for i, text in enumerate(texts)]


def check_answer(
    qtype: QuestionType, answer: str, options: list[str]
) -> tuple[dict[str, object], str, str]:
    """Turn an answer text into the question's answer fields for `qtype`.

    Returns (fields, error message, "") or ({}, message, kind) on error; kind names the faulty part ("answer" or
    "options") so spreadsheets can point at the right column.
    """
    answer = answer.strip()
    if qtype in (QuestionType.SINGLE, QuestionType.MULTIPLE):
        if len(options) < 2:
            if qtype is QuestionType.SINGLE:
                return {}, _("A single-choice question needs at least 2 options."), "options"
            return {}, _("A multiple-choice question needs at least 2 options."), "options"
        if not answer:
            return {}, _("The answer is empty."), "answer"
        letters = parse_letters(answer)
        if letters is None:
            return {}, _("The answer “%(value)s” is not a list of option letters (A–H).") % {"value": answer}, "answer"
        missing = [letter for letter in letters if LETTERS.index(letter) >= len(options)]
        if missing:
            return {}, _("The answer names option %(letter)s, but there is no such option.") % {
                "letter": missing[0]
            }, "answer"
        if qtype is QuestionType.SINGLE and len(letters) > 1:
            return {}, _("A single-choice question has one correct option, but the answer is “%(value)s”.") % {
                "value": answer
            }, "answer"
        return {"options": choice_options(options, letters)}, "", ""
    if qtype is QuestionType.TRUE_FALSE:
        if not answer:
            return {}, _("The answer is empty."), "answer"
        value = parse_true_false(answer)
        if value is None:
            return {}, _("The true/false answer “%(value)s” is not understood; use 对 or 错.") % {
                "value": answer
            }, "answer"
        return {"answer_bool": value}, "", ""
    if qtype is QuestionType.FILL_IN:
        accepted = parse_accepted(answer)
        if not accepted:
            return {}, _("The answer is empty."), "answer"
        return {"accepted": accepted}, "", ""
    return {"accepted": [[answer]] if answer else []}, "", ""


def preview(stem: str) -> str:
    stem = " ".join(stem.split())
    return stem if len(stem) <= STEM_PREVIEW else stem[:STEM_PREVIEW] + "…"
