"""Paper score sheets (纸质评分表): at a contest judges often score on paper and the secretary types the sheets
into a spreadsheet. Its columns are the entry's code (编号, the blind label), the judge (评委: name and username)
and one column per criterion of the rubric with its range; no column ever names an author or an organisation.
No database here: the open sheets come from selectors/paper.py, the import is services/paper.py."""

import re
import unicodedata
from collections.abc import Sequence
from typing import Any

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from suzhi.core.imports import Column, Columns, template_xlsx
from suzhi.judging.rubric import Criterion, JudgingSettings

CODE = "code"
JUDGE = "judge"
CODE_VARIANTS = ("编号", "作品编号", "参评编号", "盲评编号", "评审编号", "code", "label")
JUDGE_VARIANTS = ("评委", "评委姓名", "评审专家", "专家", "judge")
# "王评委（wang01）": the username in brackets at the end, half- or full-width.
_USERNAME = re.compile(r"^(?P<name>.*?)\s*[(（]\s*(?P<username>[^()（）]+?)\s*[)）]\s*$")


def score_column(criterion_key: str) -> str:
    """A criterion's column key: plan keys hold no colon, so no criterion can take 编号's or 评委's key."""
    return f"score:{criterion_key}"


def criterion_header(criterion: Criterion) -> str:
    """技术水平(0-30): the label with the range, so the secretary sees what the paper allows."""
    return f"{criterion.label}(0-{criterion.max_score:g})"


def sheet_columns(rules: JudgingSettings) -> Columns:
    """编号, 评委, then the rubric's criteria; a criterion's column is also found by its label alone or its key."""
    return Columns([
        Column(CODE, pgettext_lazy("paper sheet", "Code"), required=True, variants=CODE_VARIANTS),
        Column(JUDGE, _("Judge"), required=True, variants=JUDGE_VARIANTS),
        *(Column(score_column(c.key), criterion_header(c), variants=(c.label, c.key)) for c in rules.rubric),
    ])


def judge_cell(name: str, username: str) -> str:
    return f"{name}（{username}）" if name and name != username else username


def judge_of_cell(text: str) -> tuple[str, str]:
    """(name, username) as a judge cell gives them; either may be empty: a cell with no brackets is a name or
    a username, the caller tries both."""
    text = unicodedata.normalize("NFKC", text).strip()
    found = _USERNAME.match(text)
    if found:
        return found["name"], found["username"]
    return text, ""


def code_of_cell(text: str) -> str:
    """An entry's code as typed: half-width, upper case, without spaces ("k－0427 " is K-0427)."""
    return re.sub(r"\s", "", unicodedata.normalize("NFKC", text)).upper()


def sheets_template_xlsx(rules: JudgingSettings, rows: Sequence[tuple[str, str]], *, title: str) -> bytes:
    """The template: a row per open sheet, (code, judge cell), the score cells left blank for the paper's."""
    blank: list[Any] = [""] * len(rules.rubric)
    widths = {CODE: 12, JUDGE: 24, **{score_column(c.key): max(12, len(criterion_header(c)) * 2) for c in rules.rubric}}
    return template_xlsx(sheet_columns(rules), sheet_title=title[:31],
                         rows=[[code, judge, *blank] for code, judge in rows], widths=widths)


def template_filename(activity_title: str, category: str | None) -> str:
    parts = [activity_title, category or "", str(_("paper score sheets"))]
    return "-".join(p for p in parts if p) + ".xlsx"
