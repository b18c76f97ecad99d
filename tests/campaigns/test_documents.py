"""The plan as an official document: one outline, laid out as HTML, DOCX and PDF in the GB/T 9704 layout."""

import datetime
import io
import re

import pytest
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from hypothesis import given
from hypothesis import strategies as st
from pypdf import PdfReader

from suzhi.campaigns.documents import document_filename, fonts, render_plan
from suzhi.campaigns.documents.outline import (
    build_outline,
    chinese_numeral,
    format_date_range,
    heading_number,
    title_lines,
)
from suzhi.campaigns.plan.schema import Plan

PLAN = {
    "code": "dunhuang",
    "title": "敦煌市职工职业技能素质提升活动实施方案",
    "year": 2024,
    "organiser": "DH",
    "issued_by": "敦煌市总工会",
    "doc_number": "敦工发〔2024〕5号",
    "committee": {
        "name": "敦煌市职工职业技能素质提升活动组委会",
        "members": ["市总工会", "市人社局", "市工信局", "市科技局"],
        "office": "市总工会",
    },
    "goals": "认真贯彻落实省市工会关于开展职工职业技能素质提升活动的要求。\n\n"
             "以职工素质培训为抓手，普遍提高职工基础技能水平。",
    "sections": [
        {"key": "training", "title": "深入开展职工素质提升培训活动"},
        {"key": "collection", "title": "广泛开展职工合理化建议及优秀技术成果征集活动",
         "description": "各级工会组织要动员广大职工献计献策。"},
    ],
    "phases": [
        {"key": "collect", "title": "征集推荐", "start": "2024-04-10", "end": "2024-04-20",
         "description": "各企事业单位征集职工合理化建议，技能比赛、职工素质培训等活动全面展开"},
        {"key": "grassroots", "title": "基层比赛与培训", "start": "2024-04-20", "end": "2024-05-31"},
    ],
    "activities": [
        {"key": "skills", "kind": "training", "title": "开展职工技能培训活动", "section": "training",
         "description": "要充分发挥各乡镇农民工技能培训站的作用。\n年内各培训站培训下岗职工、农民工不少于300人。"},
        {"key": "advice", "kind": "collection", "title": "广泛征集职工合理化建议", "section": "collection",
         "description": "发动职工群众献计献策。"},
        {"key": "contest", "kind": "competition", "title": "全市职工技能大赛",
         "description": "市总工会组织开展全市计算机操作、汽车驾驶等项目的职工技能大赛。"},
    ],
    "targets": [
        {"key": "stations", "title": "各培训站培训不少于300人", "text": "年内各培训站培训下岗职工、农民工不少于300人",
         "metric": "training.people", "form": "per_org", "threshold": 300, "per_org_types": ["training_station"],
         "deadline": "grassroots"},
    ],
    "awards": [
        {"key": "top10", "title": "技术标兵", "activity": "contest", "top": 10,
         "text": "参加全市职工技能大赛，并获比赛前10名的选手，将授予“敦煌市技术标兵”称号。",
         "titles": ["敦煌市技术标兵"]},
        {"key": "units", "title": "先进单位", "recipient": "organisation",
         "text": "对发动面广、组织有力的单位，将给予表彰奖励"},
    ],
    "requirements": {
        "organisation": "各乡镇工会联合会、系统工会、市直工会也要成立工作组。",
        "reporting": {"cadence": "monthly", "to": "市总工会"},
        "publicity": "各级工会要充分利用各种传媒手段，大力宣传活动的成效。",
    },
}


def make_plan(**changes) -> Plan:
    return Plan.model_validate({**PLAN, **changes})


def visible_text(html: str) -> str:
    return re.sub(r"<[^>]+>", "", html)


@pytest.fixture(scope="module")
def plan() -> Plan:
    return make_plan()


@pytest.fixture(scope="module")
def html(plan) -> str:
    return render_plan(plan, "html").decode("utf-8")


@pytest.fixture(scope="module")
def docx_document(plan):
    return Document(io.BytesIO(render_plan(plan, "docx")))


@pytest.fixture(scope="module")
def pdf(plan) -> PdfReader:
    return PdfReader(io.BytesIO(render_plan(plan, "pdf")))


# The outline


def test_outline_chapters_in_the_seed_order(plan):
    headings = [b.full_text for b in build_outline(plan) if b.kind == "heading" and b.level == 1]
    assert headings == ["一、总体目标", "二、活动内容及形式", "三、奖励办法", "四、时间安排", "五、工作要求"]


def test_outline_sections_activities_and_the_unsectioned_part(plan):
    lines = [b.full_text for b in build_outline(plan)]
    start, end = lines.index("二、活动内容及形式"), lines.index("三、奖励办法")
    assert lines[start + 1:end] == [
        "（一）深入开展职工素质提升培训活动",
        "1.开展职工技能培训活动。要充分发挥各乡镇农民工技能培训站的作用。",
        "年内各培训站培训下岗职工、农民工不少于300人。",
        "（二）广泛开展职工合理化建议及优秀技术成果征集活动",
        "各级工会组织要动员广大职工献计献策。",
        "1.广泛征集职工合理化建议。发动职工群众献计献策。",
        "（三）其他活动",
        "1.全市职工技能大赛。市总工会组织开展全市计算机操作、汽车驾驶等项目的职工技能大赛。",
    ]


def test_outline_targets_under_goals_and_the_requirements(plan):
    lines = [b.full_text for b in build_outline(plan)]
    assert lines[:3] == ["敦煌市职工职业技能素质提升活动实施方案", "敦煌市总工会　敦工发〔2024〕5号", "一、总体目标"]
    assert "（一）年内各培训站培训下岗职工、农民工不少于300人。" in lines
    assert "（二）对发动面广、组织有力的单位，将给予表彰奖励。" in lines  # a full stop is added, not doubled
    assert lines[lines.index("五、工作要求") + 1:] == [
        "各项活动由敦煌市职工职业技能素质提升活动组委会组织实施（组委会由市总工会、市人社局、市工信局、市科技局等部门组成，"
        "办公室设在市总工会）。",
        "各乡镇工会联合会、系统工会、市直工会也要成立工作组。",
        "各级工会要充分利用各种传媒手段，大力宣传活动的成效。",
        "各单位要每月向市总工会上报活动的内容及进展情况，做好信息反馈工作。",
    ]


def test_empty_chapters_are_left_out_and_numbering_closes_up():
    plan = make_plan(awards=[], targets=[], goals="", committee=None, requirements={})
    blocks = build_outline(plan)
    headings = [b.full_text for b in blocks if b.kind == "heading" and b.level == 1]
    assert headings == ["一、活动内容及形式", "二、时间安排"]


def test_activities_without_sections_are_numbered_directly_under_the_chapter():
    activities = [{**a, "section": None} for a in PLAN["activities"]]
    lines = [b.full_text for b in build_outline(make_plan(sections=[], activities=activities))]
    start = lines.index("二、活动内容及形式")
    assert [line[:2] for line in lines[start + 1:start + 5]] == ["1.", "年内", "2.", "3."]


def test_the_reporting_sentence_is_the_plans_own_when_given():
    plan = make_plan(requirements={"reporting": {"cadence": "weekly", "text": "每周五前报送进展。"}})
    assert "每周五前报送进展。" in [b.full_text for b in build_outline(plan)]


def test_the_outline_is_restarted_for_each_section(plan):
    numbers = [b.number for b in build_outline(plan) if b.level == 3]
    assert numbers == ["1.", "1.", "1."]


@pytest.mark.parametrize(
    ("n", "numeral"), [(1, "一"), (9, "九"), (10, "十"), (11, "十一"), (20, "二十"), (21, "二十一"), (99, "九十九")]
)
def test_chinese_numerals(n, numeral):
    assert chinese_numeral(n) == numeral


def test_heading_numbers_of_the_four_levels():
    assert [heading_number(level, 2) for level in (1, 2, 3, 4)] == ["二、", "（二）", "2.", "（2）"]


@pytest.mark.parametrize(
    ("title", "lines"),
    [
        ("敦煌市职工职业技能素质提升活动实施方案", ("敦煌市职工职业技能素质提升活动实施方案",)),
        ("敦煌市2024年职工职业技能素质提升活动工作方案", ("敦煌市2024年职工职业技", "能素质提升活动工作方案")),
        ("关于印发《敦煌市职工职业技能素质提升活动工作方案》的通知",
         ("关于印发《敦煌市职工职业技能", "素质提升活动工作方案》的通知")),
        ("乡镇全民素质提升工作方案\n（2024年）", ("乡镇全民素质提升工作方案", "（2024年）")),
    ],
)
def test_long_titles_are_broken_into_even_lines(title, lines):
    assert title_lines(title) == lines


@given(st.text(alphabet="职工素质提升活动方案2024《》（），、abc", min_size=1, max_size=80))
def test_title_lines_keep_every_character_and_fit(title):
    lines = title_lines(title.strip() or "方案")
    assert "".join(lines) == (title.strip() or "方案")
    for line in lines:
        assert line[0] not in "，、）》" or line is lines[0]
        assert line[-1] not in "（《" or line is lines[-1]


# Dates


@pytest.mark.parametrize(
    ("start", "end", "text"),
    [
        ((2024, 4, 10), (2024, 4, 20), "4月10日至20日"),
        ((2024, 4, 20), (2024, 5, 31), "4月20日至5月31日"),
        ((2024, 6, 1), (2024, 6, 30), "6月1日至30日"),
        ((2024, 7, 1), (2024, 7, 1), "7月1日"),
        ((2024, 12, 20), (2025, 1, 10), "2024年12月20日至2025年1月10日"),
        ((2025, 3, 1), (2025, 3, 5), "2025年3月1日至5日"),  # outside the plan's year
    ],
)
def test_date_ranges(start, end, text):
    assert format_date_range(datetime.date(*start), datetime.date(*end), year=2024) == text


@given(
    start=st.dates(min_value=datetime.date(2000, 1, 1), max_value=datetime.date(2100, 12, 31)),
    days=st.integers(min_value=0, max_value=800),
)
def test_date_ranges_read_back(start, days):
    end = start + datetime.timedelta(days=days)
    if end.year > 2100:
        return
    text = format_date_range(start, end, year=start.year)
    first, _, last = text.partition("至")
    assert first.endswith(f"{start.month}月{start.day}日")
    assert (start.year != end.year) == first.startswith(f"{start.year}年")
    if start == end:
        assert last == ""
    elif start.year != end.year:
        assert last == f"{end.year}年{end.month}月{end.day}日"
    elif start.month == end.month:
        assert last == f"{end.day}日"
    else:
        assert last == f"{end.month}月{end.day}日"


# Fonts


@pytest.mark.parametrize(
    ("families", "role", "font"),
    [
        (frozenset({"仿宋_GB2312", "Noto Serif CJK SC"}), "body", "仿宋_GB2312"),
        (frozenset({"FangSong", "Noto Serif CJK SC"}), "body", "FangSong"),
        (frozenset({"Noto Serif CJK SC", "Noto Sans CJK SC"}), "body", "Noto Serif CJK SC"),
        (frozenset({"Noto Serif CJK SC", "Noto Sans CJK SC"}), "heading1", "Noto Sans CJK SC"),
        (frozenset({"SimHei"}), "heading1", "SimHei"),
        (None, "body", "仿宋_GB2312"),
        (None, "title", "方正小标宋简体"),
    ],
)
def test_official_fonts_when_installed_else_noto(monkeypatch, families, role, font):
    monkeypatch.setattr(fonts, "installed_families", lambda: families)
    assert fonts.font_for(role) == font


def test_installed_families_lists_this_machines_fonts():
    families = fonts.installed_families()
    if families is None:
        pytest.skip("no fontconfig here")
    assert "Noto Serif CJK SC" in families


# HTML


def test_html_numbering_in_order(html):
    text = visible_text(html)
    markers = ("一、总体目标", "二、活动内容及形式", "（一）深入开展", "1.开展职工技能培训")
    positions = [text.index(marker) for marker in markers]
    assert positions == sorted(positions)
    assert text.index("三、奖励办法") < text.index("四、时间安排") < text.index("五、工作要求")


def test_html_schedule_lines(html):
    text = visible_text(html)
    assert "（一）4月10日至20日，各企事业单位征集职工合理化建议，技能比赛、职工素质培训等活动全面展开。" in text
    assert "（二）4月20日至5月31日，基层比赛与培训。" in text


def test_html_print_layout_and_no_external_resources(html):
    assert "size: A4" in html
    assert "margin: 37mm 26mm 35mm 28mm" in html
    assert "counter(page)" in html
    assert '"仿宋_GB2312"' in html and '"Noto Serif CJK SC"' in html
    assert not re.search(r"(src|href)=|url\(|@import|https?://", html)


def test_html_escapes_the_plan_text():
    html = render_plan(make_plan(title="方案<script>alert(1)</script>"), "html").decode("utf-8")
    assert "<script>" not in html
    assert "&lt;script&gt;" in html


# DOCX


def test_docx_page_is_a4_with_the_gbt_9704_margins(docx_document):
    section = docx_document.sections[0]
    tolerance = Mm(0.1)
    for measured, expected in [
        (section.page_width, Mm(210)), (section.page_height, Mm(297)),
        (section.top_margin, Mm(37)), (section.bottom_margin, Mm(35)),
        (section.left_margin, Mm(28)), (section.right_margin, Mm(26)),
    ]:
        assert abs(measured - expected) < tolerance


def test_docx_title_centred_and_large(docx_document):
    title = docx_document.paragraphs[0]
    assert title.text.replace("\n", "") == PLAN["title"]
    assert (title.alignment or title.style.paragraph_format.alignment) == WD_ALIGN_PARAGRAPH.CENTER
    assert {run.font.size for run in title.runs} == {Pt(22)}


def test_docx_body_is_16pt_with_east_asian_fonts_and_a_two_character_indent(docx_document):
    body = [p for p in docx_document.paragraphs if p.style.name == "Normal" and p.text]
    assert body
    runs = [run for paragraph in body for run in paragraph.runs]
    assert {run.font.size for run in runs} == {Pt(16)}
    east_asian = {run._element.rPr.rFonts.get(qn("w:eastAsia")) for run in runs}
    assert east_asian <= set(fonts.CANDIDATES["body"] + fonts.CANDIDATES["heading2"])
    assert None not in east_asian
    normal = docx_document.styles["Normal"]
    assert normal.element.rPr.rFonts.get(qn("w:eastAsia"))
    assert normal.paragraph_format.first_line_indent == Pt(32)
    assert normal.element.pPr.ind.get(qn("w:firstLineChars")) == "200"


def test_docx_headings_and_awards(docx_document):
    texts = [(p.style.name, p.text) for p in docx_document.paragraphs]
    assert ("Plan Heading 1", "三、奖励办法") in texts
    assert ("Plan Heading 1", "四、时间安排") in texts
    assert ("Plan Heading 2", "（一）深入开展职工素质提升培训活动") in texts
    schedule = "（一）4月10日至20日，各企事业单位征集职工合理化建议，技能比赛、职工素质培训等活动全面展开。"
    assert ("Normal", schedule) in texts
    heading = next(p for p in docx_document.paragraphs if p.text == "一、总体目标")
    assert heading.runs[0]._element.rPr.rFonts.get(qn("w:eastAsia")) in fonts.CANDIDATES["heading1"]


def test_docx_footer_has_a_centred_page_field(docx_document):
    footer = docx_document.sections[0].footer
    paragraph = footer.paragraphs[0]
    assert paragraph.alignment == WD_ALIGN_PARAGRAPH.CENTER
    instructions = [node.text.strip() for node in footer._element.iter(qn("w:instrText"))]
    assert instructions == ["PAGE"]
    assert paragraph.text.startswith("— ") and paragraph.text.endswith(" —")


def test_docx_properties(docx_document):
    assert docx_document.core_properties.title == PLAN["title"]
    assert docx_document.core_properties.author == "敦煌市总工会"


# PDF


def test_pdf_is_a4_with_chinese_text(pdf):
    assert len(pdf.pages) >= 1
    for page in pdf.pages:
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        assert abs(width - 595.28) < 1 and abs(height - 841.89) < 1
    text = "".join(page.extract_text() for page in pdf.pages)
    for phrase in ("敦煌市职工职业技能素质提升活动实施方案", "奖励办法", "时间安排", "4月10日至20日"):
        assert phrase in text
    assert "— 1 —" in text
    assert pdf.metadata.title == PLAN["title"]


# Formats and names


def test_document_filenames():
    assert document_filename(make_plan(), "docx") == "dunhuang-2024.docx"
    assert document_filename(make_plan(code="dunhuang-2024"), "pdf") == "dunhuang-2024.pdf"


def test_unknown_format_is_refused(plan):
    with pytest.raises(ValueError, match="odt"):
        render_plan(plan, "odt")
    with pytest.raises(ValueError, match="odt"):
        document_filename(plan, "odt")
