"""The plan as an outline of blocks: the one reading of a `Plan` that the HTML, PDF and DOCX outputs all lay out,
so the three cannot say different things.

The chapters follow the seed's plan 1: 一、总体目标 (with the targets), 二、活动内容及形式 (sections and activities),
三、奖励办法, 四、时间安排 (the phases), 五、工作要求. Empty chapters are left out and the numbering closes up.

The document's fixed wording is Chinese whatever the interface language: the official document (公文) is a Chinese
text under GB/T 9704, like its numbering and its dates, and it is sent upward as such. The wording is kept in
`WORDING` so it is in one place.
"""

import dataclasses
import datetime
import math
from collections.abc import Iterable
from typing import Literal

from suzhi.campaigns.plan.schema import Plan, Reporting

BlockKind = Literal["title", "meta", "heading", "paragraph"]

WORDING = {
    "goals": "总体目标",
    "activities": "活动内容及形式",
    "other_activities": "其他活动",
    "awards": "奖励办法",
    "phases": "时间安排",
    "requirements": "工作要求",
}

# How often and when reports go upward, as the sentence in 工作要求 says it.
CADENCE_WORDING = {
    "weekly": "每周",
    "monthly": "每月",
    "per_phase": "在每个阶段结束时",
    "once": "在活动结束后",
}

# A run-in heading already ending in one of these is not given another full stop.
CLOSING_PUNCTUATION = "。！？；：…!?;:."

_DIGITS = "零一二三四五六七八九"


@dataclasses.dataclass(frozen=True)
class Block:
    """One line of the document.

    `level` is the heading level (1 一、, 2 （一）, 3 1., 4 （1）) of a heading, or of the number a paragraph
    starts with. A paragraph may start with `number` and a run-in heading `lead` before its `text`.
    """

    kind: BlockKind
    text: str = ""
    level: int = 0
    number: str = ""
    lead: str = ""
    lines: tuple[str, ...] = ()  # the title's lines, where it is broken

    @property
    def full_text(self) -> str:
        return f"{self.number}{self.lead}{self.text}"


def chinese_numeral(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 99 → 九十九; larger numbers in digits (no plan has 100 chapters)."""
    if not 0 < n < 100:
        return str(n)
    tens, units = divmod(n, 10)
    if tens == 0:
        return _DIGITS[units]
    return ("" if tens == 1 else _DIGITS[tens]) + "十" + (_DIGITS[units] if units else "")


def heading_number(level: int, n: int) -> str:
    """The GB/T 9704 structure numbers: 一、 （一） 1. （1）, with full-width brackets as the standard writes them."""
    if level == 1:
        return f"{chinese_numeral(n)}、"
    if level == 2:
        return f"（{chinese_numeral(n)}）"
    if level == 3:
        return f"{n}."
    if level == 4:
        return f"（{n}）"
    raise ValueError(f"no heading level {level}")


def format_date(day: datetime.date, *, with_year: bool = False) -> str:
    return f"{day.year}年{day.month}月{day.day}日" if with_year else f"{day.month}月{day.day}日"


def format_date_range(start: datetime.date, end: datetime.date, *, year: int | None = None) -> str:
    """A phase's dates as the seed writes them: 4月10日至20日 in one month, 4月20日至5月31日 across months.

    Years are written only when the range crosses a year or lies outside `year` (the plan's year).
    """
    if end < start:
        raise ValueError("end before start")
    if start.year != end.year:
        return f"{format_date(start, with_year=True)}至{format_date(end, with_year=True)}"
    with_year = year is not None and start.year != year
    first = format_date(start, with_year=with_year)
    if start == end:
        return first
    if start.month == end.month:
        return f"{first}至{end.day}日"
    return f"{first}至{end.month}月{end.day}日"


def paragraphs(text: str) -> list[str]:
    """A text field's paragraphs: one per non-blank line."""
    return [line.strip() for line in text.splitlines() if line.strip()]


# The title (22pt) gets about 20 characters a line in the 156 mm text block.
TITLE_LINE_EMS = 20
_NO_LINE_START = "，。、；：！？）》〉」』”’〕】…—,.;:!?)"
_NO_LINE_END = "（《〈「『“‘〔【("


def _width(text: str) -> float:
    return sum(0.5 if ord(char) < 0x2E80 and char not in "—…“”‘’" else 1.0 for char in text)


def title_lines(title: str, *, ems: int = TITLE_LINE_EMS) -> tuple[str, ...]:
    """The title broken into lines of even length, the upper ones no shorter (GB/T 9704's 梯形 title), never inside
    a run of Latin letters or digits nor before closing / after opening punctuation. A title written with line
    breaks keeps them: only its author can break it by meaning."""
    if "\n" in title:
        return tuple(line.strip() for line in title.splitlines() if line.strip())
    total = _width(title)
    if total <= ems:
        return (title,)
    tokens: list[str] = []
    for char in title:
        glued = tokens and (
            (char.isascii() and char.isalnum() and tokens[-1][-1].isascii() and tokens[-1][-1].isalnum())
            or char in _NO_LINE_START
            or tokens[-1][-1] in _NO_LINE_END
        )
        if glued:
            tokens[-1] += char
        else:
            tokens.append(char)
    limit = math.ceil(total / math.ceil(total / ems))
    lines: list[str] = [""]
    for token in tokens:
        if lines[-1] and _width(lines[-1]) + _width(token) > limit:
            lines.append("")
        lines[-1] += token
    return tuple(lines)


def _sentence(text: str) -> str:
    return text if not text or text.endswith(tuple(CLOSING_PUNCTUATION)) else f"{text}。"


class _Numbering:
    """Counters per level; a new heading of one level restarts the levels below it."""

    def __init__(self) -> None:
        self.counts = [0, 0, 0, 0, 0]

    def next(self, level: int) -> str:
        self.counts[level] += 1
        for below in range(level + 1, len(self.counts)):
            self.counts[below] = 0
        return heading_number(level, self.counts[level])


def _numbered_text(numbering: _Numbering, level: int, text: str, *, lead: str = "") -> list[Block]:
    """A numbered item: its first paragraph carries the number (and run-in heading), the rest follow plainly."""
    parts = paragraphs(text)
    first = parts[0] if parts else ""
    if lead:
        lead = _sentence(lead) if first else lead
    blocks = [Block("paragraph", first, level=level, number=numbering.next(level), lead=lead)]
    blocks.extend(Block("paragraph", part) for part in parts[1:])
    return blocks


def _plain(text: str) -> list[Block]:
    return [Block("paragraph", part) for part in paragraphs(text)]


def _goals(plan: Plan, numbering: _Numbering) -> list[Block]:
    blocks = _plain(plan.goals)
    for target in plan.targets:
        blocks += _numbered_text(numbering, 2, _sentence(target.text or target.title))
    return blocks


def _activities(plan: Plan, numbering: _Numbering) -> list[Block]:
    section_keys = {section.key for section in plan.sections}
    by_section: dict[str | None, list] = {}
    for activity in plan.activities:
        key = activity.section if activity.section in section_keys else None
        by_section.setdefault(key, []).append(activity)

    def activity_blocks(activities: Iterable) -> list[Block]:
        blocks: list[Block] = []
        for activity in activities:
            blocks += _numbered_text(numbering, 3, activity.description, lead=activity.title)
        return blocks

    blocks: list[Block] = []
    unsectioned = by_section.get(None, [])
    if not plan.sections:
        return activity_blocks(unsectioned)
    for section in plan.sections:
        blocks.append(Block("heading", section.title, level=2, number=numbering.next(2)))
        blocks += _plain(section.description)
        blocks += activity_blocks(by_section.get(section.key, []))
    if unsectioned:
        blocks.append(Block("heading", WORDING["other_activities"], level=2, number=numbering.next(2)))
        blocks += activity_blocks(unsectioned)
    return blocks


def _awards(plan: Plan, numbering: _Numbering) -> list[Block]:
    blocks: list[Block] = []
    for award in plan.awards:
        blocks += _numbered_text(numbering, 2, _sentence(award.text or award.title))
    return blocks


def _phases(plan: Plan, numbering: _Numbering) -> list[Block]:
    blocks: list[Block] = []
    for phase in plan.phases:
        dates = format_date_range(phase.start, phase.end, year=plan.year)
        parts = paragraphs(phase.description) or [phase.title]
        blocks.append(Block("paragraph", f"{dates}，{_sentence(parts[0])}", level=2, number=numbering.next(2)))
        blocks += [Block("paragraph", part) for part in parts[1:]]
    return blocks


def _committee_sentence(plan: Plan) -> str:
    committee = plan.committee
    if committee is None:
        return ""
    details = []
    if committee.members:
        details.append(f"组委会由{'、'.join(committee.members)}等部门组成")
    if committee.office:
        office = committee.office
        details.append(office if office.startswith("办公室") else f"办公室设在{office}")
    aside = f"（{'，'.join(details)}）" if details else ""
    return f"各项活动由{committee.name}组织实施{aside}。"


def _reporting_sentence(plan: Plan, reporting: Reporting) -> str:
    if reporting.text:
        return reporting.text
    receiver = reporting.to or (f"{plan.committee.name}办公室" if plan.committee else "主办单位")
    return f"各单位要{CADENCE_WORDING[reporting.cadence]}向{receiver}上报活动的内容及进展情况，做好信息反馈工作。"


def _requirements(plan: Plan, numbering: _Numbering) -> list[Block]:
    requirements = plan.requirements
    # The seed's order: who runs it, how each level organises, publicity, then reporting upward ("同时，要及时…").
    texts = [_committee_sentence(plan), requirements.organisation, requirements.publicity]
    if requirements.reporting is not None:
        texts.append(_reporting_sentence(plan, requirements.reporting))
    texts += requirements.other
    blocks: list[Block] = []
    for text in texts:
        blocks += _plain(text)
    return blocks


CHAPTERS = (
    ("goals", _goals),
    ("activities", _activities),
    ("awards", _awards),
    ("phases", _phases),
    ("requirements", _requirements),
)


def build_outline(plan: Plan) -> list[Block]:
    """The document as blocks: title, the issued-by and document-number line, then the numbered chapters."""
    blocks = [Block("title", "".join(title_lines(plan.title)), lines=title_lines(plan.title))]
    meta = "　".join(part for part in (plan.issued_by, plan.doc_number) if part)
    if meta:
        blocks.append(Block("meta", meta))
    numbering = _Numbering()
    for key, build in CHAPTERS:
        # Build the body with a scratch numbering first: a chapter with nothing in it must not use up a number.
        if not build(plan, _Numbering()):
            continue
        number = numbering.next(1)
        blocks.append(Block("heading", WORDING[key], level=1, number=number))
        blocks += build(plan, numbering)
    return blocks
