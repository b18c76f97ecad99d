"""Moodle's GIFT question format (https://docs.moodle.org/en/GIFT_format), read into ParsedQuestion items.

Supported: single and multiple choice (with %n% weights and each option's #feedback; answers that are all ~%n%
with no = make a multiple-response question, as in Moodle), true/false in every spelling with its two feedbacks
(the first for a wrong answer, the second for a right one), short answer with several accepted answers (→ fill-in,
also the "missing word" form with the blank inside the stem; the answers' feedback is the feedback for a right
answer, a 0% "*" catch-all's the feedback for a wrong one), essay (empty braces → short answer marked by hand),
::titles::, // comments with their [tag:…] tags, $CATEGORY: lines, the [html] / [markdown] / [plain] / [moodle]
markers ([html] keeps the line breaks of <pre>), the backslash escapes and the #### general feedback
(→ explanation). Matching and numerical questions have no Suzhi type and are reported as errors, as is anything
malformed; one bad question never stops the others. What a question carries that Suzhi cannot keep (a short
answer's partial credit, differing feedback of its accepted answers) is reported as a warning, never dropped
silently.
"""

import html
import re

from django.utils.translation import gettext

from .base import ParsedOption, ParsedQuestion, ParseError, ParseResult, QuestionType

BLANK = "____"

# Characters GIFT lets a writer escape with a backslash so they lose their meaning ("\:" is a plain colon).
_ESCAPABLE = "\\~=#{}:"
_TRUE_FALSE = {"T": True, "TRUE": True, "F": False, "FALSE": False}
_FORMAT_MARKER = re.compile(r"\s*\[(html|markdown|plain|moodle)\]", re.IGNORECASE)
_WEIGHT = re.compile(r"\s*%([^%]*)%")
_NUMBER = re.compile(r"-?\d+(?:\.\d*)?|-?\.\d+")
# Moodle writes the category's context in front of the path; the path starts after it (and after the "top" root
# category that Moodle 3.5+ exports).
_CATEGORY_CONTEXT = re.compile(r"^\$(course|system|cat|module)\$/?", re.IGNORECASE)
_BLOCK_TAG = re.compile(r"</?(br|p|div|li|tr|h[1-6])\b[^>]*>", re.IGNORECASE)
_PRE = re.compile(r"<pre\b[^>]*>(.*?)</pre\s*>", re.IGNORECASE | re.DOTALL)
_TAG_COMMENT = re.compile(r"\[tag:([^\]]*)\]", re.IGNORECASE)


class _Invalid(Exception):
    """A question this parser rejects; carries the message for its ParseError."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class _Escapes:
    """Swaps escaped characters for private-use placeholders while the structure is parsed, then back.

    The placeholders are chosen among code points absent from the text, so a file that happens to contain
    private-use characters is never corrupted."""

    def __init__(self, text: str) -> None:
        present = set(text)
        base = 0xE000
        while any(chr(base + i) in present for i in range(len(_ESCAPABLE))) and base < 0xF8FF - len(_ESCAPABLE):
            base += len(_ESCAPABLE)
        self.to_placeholder = {c: chr(base + i) for i, c in enumerate(_ESCAPABLE)}
        self.from_placeholder = {p: c for c, p in self.to_placeholder.items()}

    def protect(self, text: str) -> str:
        out: list[str] = []
        i = 0
        while i < len(text):
            char = text[i]
            if char == "\\" and i + 1 < len(text):
                nxt = text[i + 1]
                if nxt in self.to_placeholder:
                    out.append(self.to_placeholder[nxt])
                    i += 2
                    continue
                if nxt == "n":
                    out.append("\n")
                    i += 2
                    continue
            out.append(char)
            i += 1
        return "".join(out)

    def restore(self, text: str) -> str:
        return "".join(self.from_placeholder.get(c, c) for c in text)


def _html_to_text(text: str) -> str:
    """Keeps the words of an [html] text: line-breaking tags become line breaks, the rest of the markup goes;
    the text of a <pre> keeps its own line breaks.

    Regular expressions rather than html.parser, which raises on some malformed declarations ("<![x[")."""
    parts: list[str] = []
    position = 0
    for pre in _PRE.finditer(text):
        parts.append(_html_flow_to_text(text[position : pre.start()]))
        inner = re.sub(r"<br\b[^>]*>", "\n", pre.group(1), flags=re.IGNORECASE)
        inner = re.sub(r"</?[A-Za-z!][^>]*>", "", inner).removeprefix("\n")
        parts.append("\n" + html.unescape(inner) + "\n")
        position = pre.end()
    parts.append(_html_flow_to_text(text[position:]))
    return "".join(parts)


def _html_flow_to_text(text: str) -> str:
    text = re.sub(r"\s+", " ", text)  # whitespace in HTML source, line breaks included, is one space on screen
    text = re.sub(r"<!--.*?-->", "", text)
    text = re.sub(r"<(script|style)\b.*?</\1\s*>", "", text, flags=re.IGNORECASE)
    text = _BLOCK_TAG.sub("\n", text)
    text = re.sub(r"</?[A-Za-z!][^>]*>", "", text)
    return re.sub(r" {2,}", " ", html.unescape(text))


def _take_format(text: str, default: str) -> tuple[str, str]:
    match = _FORMAT_MARKER.match(text)
    if match:
        return match.group(1).lower(), text[match.end() :]
    return default, text


def _tidy(text: str) -> str:
    lines = [line.strip() for line in text.split("\n")]
    tidy = re.sub(r"\n{3,}", "\n\n", "\n".join(lines))
    return tidy.strip()


def _category(value: str) -> str:
    value = value.strip()
    context = _CATEGORY_CONTEXT.match(value)
    if context:
        value = value[context.end() :]
    segments = [segment.strip() for segment in value.split("/")]
    segments = [segment for segment in segments if segment]
    if context and segments and segments[0].lower() == "top":
        segments = segments[1:]
    return "/".join(segments)


def _label(text: str, limit: int = 30) -> str:
    words = " ".join(text.split())
    return words if len(words) <= limit else words[:limit] + "…"


class _Block:
    """One question's text (comments and $CATEGORY: lines already removed) and what the parser learns from it."""

    def __init__(self, text: str, line: int, category: str, tags: list[str] | None = None) -> None:
        self.escapes = _Escapes(text)
        self.raw = text
        self.line = line
        self.category = category
        self.tags = tags or []
        self.warnings: list[str] = []
        self.name = ""
        self.format = "moodle"

    def finish(self, text: str, fmt: str | None = None) -> str:
        """Placeholders back to their literal characters, [html] reduced to its text, whitespace tidied."""
        text = self.escapes.restore(text)
        if (fmt or self.format) == "html":
            text = _html_to_text(text)
        return _tidy(text)

    def text_with_format(self, text: str) -> str:
        fmt, text = _take_format(text, self.format)
        return self.finish(text, fmt)

    def label(self) -> str:
        if self.name:
            return self.name
        return _label(self.finish(self.escapes.protect(self.raw)))

    def parse(self) -> ParsedQuestion:
        text = self.escapes.protect(self.raw).strip()
        if text.startswith("::"):
            end = text.find("::", 2)
            if end < 0:
                raise _Invalid(gettext("The question title opened with :: is not closed."))
            self.name = self.finish(text[2:end], "plain")
            text = text[end + 2 :]
        opening = text.find("{")
        if opening < 0:
            if "}" in text:
                raise _Invalid(gettext("The answer braces { } are not balanced."))
            raise _Invalid(gettext("The question has no answer in braces { }."))
        closing = text.find("}", opening + 1)
        if closing < 0 or "}" in text[:opening] or "{" in text[opening + 1 : closing]:
            raise _Invalid(gettext("The answer braces { } are not balanced."))
        after = text[closing + 1 :]
        if "{" in after or "}" in after:
            raise _Invalid(gettext("Only one answer section { } per question is supported."))
        self.format, before = _take_format(text[:opening], self.format)
        body = text[opening + 1 : closing]

        explanation = ""
        general = body.find("####")
        if general >= 0:
            explanation = self.text_with_format(body[general + 4 :])
            body = body[:general]

        question = self._answers(body.strip())
        question.explanation = explanation or question.explanation
        question.name = self.name
        question.category = self.category
        question.tags = list(self.tags)
        question.source_line = self.line

        # The "missing word" form: the braces sit inside the sentence and mark where the blank goes. A blank means
        # nothing for a statement to judge or an essay prompt, so their text is simply joined.
        if after.strip() and question.type in (QuestionType.FILL_IN, QuestionType.SINGLE, QuestionType.MULTIPLE):
            stem = before + BLANK + after
        else:
            stem = before + after
        question.stem = self.finish(stem)
        if not question.stem or question.stem == BLANK:
            raise _Invalid(gettext("The question text is empty."))
        return question

    def _answers(self, body: str) -> ParsedQuestion:
        if not body:
            return ParsedQuestion(type=QuestionType.SHORT_ANSWER, stem="")
        if body.startswith("#"):
            raise _Invalid(gettext("Numerical questions are not supported."))
        head, *feedbacks = body.split("#")
        if head.strip().upper() in _TRUE_FALSE:
            if len(feedbacks) > 2:
                raise _Invalid(gettext("A true/false question takes at most two feedback texts."))
            # GIFT's first feedback is shown to whoever answered wrongly, the second to whoever answered rightly.
            feedbacks += ["", ""]
            return ParsedQuestion(
                type=QuestionType.TRUE_FALSE,
                stem="",
                answer_bool=_TRUE_FALSE[head.strip().upper()],
                feedback_wrong=self.text_with_format(feedbacks[0]),
                feedback_right=self.text_with_format(feedbacks[1]),
            )
        if body[0] not in "=~":
            raise _Invalid(gettext("Every answer must start with = (right) or ~ (wrong)."))

        answers: list[tuple[str, str]] = re.findall(r"([=~])([^=~]*)", body)  # (marker, raw text)

        has_wrong = any(marker == "~" for marker, _ in answers)
        if not has_wrong and any("->" in raw for _, raw in answers):
            raise _Invalid(gettext("Matching questions are not supported."))

        options: list[ParsedOption] = []
        explicit: list[bool] = []
        for marker, raw in answers:
            text, _, feedback = raw.partition("#")
            weight = 1.0 if marker == "=" else 0.0
            match = _WEIGHT.match(text)
            if match:
                weight = self._weight(match.group(1))
                text = text[match.end() :]
            option_text = self.text_with_format(text)
            if not option_text:
                raise _Invalid(gettext("An answer is empty."))
            options.append(ParsedOption(text=option_text, weight=weight, feedback=self.text_with_format(feedback)))
            explicit.append(bool(match))

        if not has_wrong:
            return self._short_answer(options)

        right = [option for option in options if option.correct]
        if not right:
            raise _Invalid(gettext("No answer is marked right."))
        # Moodle makes a question whose answers are all ~ (none =) one where several options may be chosen,
        # however many carry marks: "{~%100%a ~b ~c}" is a multiple-response question with one right option.
        if len(right) == 1 and any(marker == "=" for marker, _raw in answers):
            return ParsedQuestion(type=QuestionType.SINGLE, stem="", options=options)
        if not any(is_explicit for option, is_explicit in zip(options, explicit, strict=True) if option.correct):
            # Several plain "=" answers: each right option carries an equal share of the marks.
            for option in right:
                option.weight = 1.0 / len(right)
        return ParsedQuestion(type=QuestionType.MULTIPLE, stem="", options=options)

    def _short_answer(self, options: list[ParsedOption]) -> ParsedQuestion:
        """Only answers worth full marks are accepted: a Suzhi blank is right or wrong. Their feedback is the
        feedback for a right answer; Moodle's 0% "*" catch-all carries the feedback for a wrong one. What cannot
        be kept (partial credit, an answer's own feedback) is a warning."""
        accepted = [option for option in options if option.weight >= 1.0]
        if not accepted:
            raise _Invalid(gettext("No answer is worth full marks."))
        question = ParsedQuestion(type=QuestionType.FILL_IN, stem="", accepted=[[o.text for o in accepted]])
        right_feedback = list(dict.fromkeys(o.feedback for o in accepted if o.feedback))
        if right_feedback:
            question.feedback_right = right_feedback[0]
        if len(right_feedback) > 1:
            self.warnings.append(gettext(
                "The accepted answers have different feedback; “%(kept)s” is kept for every right answer, "
                "“%(dropped)s” is not."
            ) % {"kept": right_feedback[0], "dropped": "”, “".join(right_feedback[1:])})
        for option in options:
            if option.weight >= 1.0:
                continue
            if option.text == "*" and option.weight <= 0:
                question.feedback_wrong = option.feedback
            elif option.weight > 0:
                self.warnings.append(gettext(
                    "The answer “%(answer)s” is worth %(percent)s%% of the marks; a blank is either right or "
                    "wrong, so it is not accepted."
                ) % {"answer": option.text, "percent": f"{option.weight * 100:g}"})
            elif option.feedback:
                self.warnings.append(gettext(
                    "The feedback for the wrong answer “%(answer)s” is not kept."
                ) % {"answer": option.text})
        return question

    def _weight(self, value: str) -> float:
        value = self.escapes.restore(value).strip()
        if not _NUMBER.fullmatch(value) or not -100 <= float(value) <= 100:
            raise _Invalid(
                gettext("Invalid weight %(weight)s: expected a percentage between -100 and 100.") % {"weight": value}
            )
        return float(value) / 100


def _blocks(text: str) -> list[tuple[int, list[str]]]:
    """Questions are separated by blank lines; each block keeps the line number where it starts."""
    blocks: list[tuple[int, list[str]]] = []
    current: list[str] = []
    start = 0
    for number, line in enumerate(text.split("\n"), start=1):
        if line.strip():
            if not current:
                start = number
            current.append(line)
        elif current:
            blocks.append((start, current))
            current = []
    if current:
        blocks.append((start, current))
    return blocks


def parse_gift(text: str) -> ParseResult:
    result = ParseResult()
    category = ""
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    for start, lines in _blocks(text):
        kept: list[str] = []
        tags: list[str] = []
        first_line = 0
        for offset, line in enumerate(lines):
            stripped = line.strip()
            if stripped.startswith("//"):
                # Moodle writes a question's tags as "// [tag:安全] [tag:消防]" comments in its block.
                for tag in _TAG_COMMENT.findall(stripped):
                    if tag.strip() and tag.strip() not in tags:
                        tags.append(tag.strip())
                continue
            if stripped.startswith("$CATEGORY:"):
                category = _category(stripped.removeprefix("$CATEGORY:"))
                continue
            if not kept:
                first_line = start + offset
            kept.append(line)
        if not kept:
            continue
        block = _Block("\n".join(kept), first_line, category, tags)
        try:
            result.questions.append(block.parse())
        except _Invalid as invalid:
            result.errors.append(ParseError(line=block.line, question=block.label(), message=invalid.message))
            continue
        result.warnings.extend(ParseError(line=block.line, question=block.label(), message=warning)
                               for warning in block.warnings)
    return result
