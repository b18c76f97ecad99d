import dataclasses
import io

import pytest
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from suzhi.quizzes.formats.base import ParsedOption, ParsedQuestion, ParseResult, QuestionType
from suzhi.quizzes.formats.excel import (
    HEADERS,
    MAX_ROWS,
    parse_question_sheet,
    question_sheet_template,
    questions_to_sheet,
)
from suzhi.quizzes.formats.vocabulary import choice_options
from tests.support import xlsx

HEAD = ["题型", "题干", "选项A", "选项B", "选项C", "选项D", "答案", "解析", "分类", "难度"]


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def csv_bytes(rows, encoding="utf-8"):
    import csv

    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode(encoding)


def parse(rows, head=HEAD):
    return parse_question_sheet(xlsx([head, *rows]), "题库.xlsx")


def one(row, head=HEAD):
    result = parse([row], head)
    assert not result.errors, result.errors
    assert len(result.questions) == 1
    return result.questions[0]


def one_error(row, head=HEAD):
    result = parse([row], head)
    assert not result.questions
    assert len(result.errors) == 1, result.errors
    return result.errors[0]


def test_single_choice():
    q = one(
        ["单选题", "安全生产的方针是（  ）。", "安全第一", "效益优先", "速度第一", "", "A", "见安全生产法", "法规", 2]
    )
    assert q.type is QuestionType.SINGLE
    assert q.stem == "安全生产的方针是（  ）。"
    assert [o.text for o in q.options] == ["安全第一", "效益优先", "速度第一"]
    assert [o.weight for o in q.options] == [1.0, 0.0, 0.0]
    assert q.explanation == "见安全生产法"
    assert q.category == "法规"
    assert q.difficulty == 2
    assert q.source_line == 2


@pytest.mark.parametrize("answer", ["ABD", "A,B,D", "A、B、D", "abd", "ＡＢＤ", "A B D", "A，B，D", "D、B、A"])
def test_multiple_choice_answer_forms(answer):
    q = one(["多选", "防护用品有", "安全帽", "安全带", "手机", "护目镜", answer, "", "", ""])
    assert q.type is QuestionType.MULTIPLE
    assert [o.correct for o in q.options] == [True, True, False, True]
    assert sum(o.weight for o in q.options) == pytest.approx(1.0)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("单选", QuestionType.SINGLE), ("单项选择", QuestionType.SINGLE), ("single", QuestionType.SINGLE),
        ("多选题", QuestionType.MULTIPLE), ("多项选择", QuestionType.MULTIPLE), ("MULTIPLE", QuestionType.MULTIPLE),
        ("判断", QuestionType.TRUE_FALSE), ("true_false", QuestionType.TRUE_FALSE),
        ("填空", QuestionType.FILL_IN), ("fill_in", QuestionType.FILL_IN),
        ("简答", QuestionType.SHORT_ANSWER), ("问答", QuestionType.SHORT_ANSWER),
        ("short_answer", QuestionType.SHORT_ANSWER),
    ],
)
def test_type_names(value, expected):
    answers = {QuestionType.SINGLE: "A", QuestionType.MULTIPLE: "AB", QuestionType.TRUE_FALSE: "对"}
    q = one([value, "题目", "甲", "乙", "", "", answers.get(expected, "答案"), "", "", ""])
    assert q.type is expected


@pytest.mark.parametrize(
    ("answer", "expected"),
    [("对", True), ("错", False), ("正确", True), ("错误", False), ("√", True), ("×", False), ("T", True),
     ("F", False), ("是", True), ("否", False), ("A", True), ("B", False), ("true", True), ("FALSE", False)],
)
def test_true_false_answers(answer, expected):
    q = one(["判断题", "安全帽可以不戴。", "对", "错", "", "", answer, "", "", ""])
    assert q.type is QuestionType.TRUE_FALSE
    assert q.answer_bool is expected
    assert q.options == []


def test_true_false_answer_not_understood():
    error = one_error(["判断", "安全帽可以不戴。", "", "", "", "", "也许", "", "", ""])
    assert error.column == "答案"
    assert error.line == 2
    assert "也许" in error.message


def test_fill_in_blanks_and_alternatives():
    q = one(["填空题", "安全生产方针是____、____。", "", "", "", "", "安全第一/安全为先；预防为主", "", "", ""])
    assert q.type is QuestionType.FILL_IN
    assert q.accepted == [["安全第一", "安全为先"], ["预防为主"]]
    q = one(["填空", "两空", "", "", "", "", "甲;乙|丙 / 丁", "", "", ""])
    assert q.accepted == [["甲"], ["乙"], ["丙", "丁"]]


def test_short_answer_keeps_reference_answer_in_accepted():
    q = one(["简答题", "简述事故报告程序。", "", "", "", "", "立即报告单位负责人。", "", "", ""])
    assert q.type is QuestionType.SHORT_ANSWER
    assert q.accepted == [["立即报告单位负责人。"]]
    q = one(["问答", "谈谈体会。", "", "", "", "", "", "", "", ""])
    assert q.accepted == []


@pytest.mark.parametrize(
    ("value", "expected"),
    [("1", 1), ("5", 5), (3, 3), ("易", 1), ("较易", 2), ("中", 3), ("较难", 4), ("难", 5), ("简单", 1),
     ("一般", 3), ("困难", 5), ("", None)],
)
def test_difficulty(value, expected):
    assert one(["单选", "题", "甲", "乙", "", "", "A", "", "", value]).difficulty == expected


@pytest.mark.parametrize("value", ["6", "0", "2.5", "很奇怪"])
def test_difficulty_not_understood(value):
    error = one_error(["单选", "题", "甲", "乙", "", "", "A", "", "", value])
    assert error.column == "难度"


def test_errors_name_row_and_column():
    rows = [
        ["单选", "", "甲", "乙", "", "", "A", "", "", ""],  # missing stem
        ["连线题", "题干二", "甲", "乙", "", "", "A", "", "", ""],  # unknown type
        ["单选", "题干三", "甲", "乙", "", "", "C", "", "", ""],  # no option C
        ["单选", "题干四", "甲", "乙", "丙", "", "AB", "", "", ""],  # two letters for a single choice
        ["多选", "题干五", "甲", "", "", "", "A", "", "", ""],  # one option only
        ["判断", "题干六", "", "", "", "", "不知道", "", "", ""],  # 判断 answer not understood
        ["单选", "题干七", "甲", "乙", "", "", "", "", "", ""],  # empty answer
        ["填空", "题干八", "", "", "", "", "", "", "", ""],  # empty answer
        ["单选", "题干九", "甲", "", "丙", "", "A", "", "", ""],  # gap in the options
        ["单选", "题干十", "甲", "乙", "", "", "A", "", "", "超难"],  # difficulty
        ["单选", "题干十一", "甲", "乙", "", "", "A+", "", "", ""],  # not letters
    ]
    result = parse(rows)
    assert not result.questions
    found = [(e.line, e.column) for e in result.errors]
    assert found == [
        (2, "题干"), (3, "题型"), (4, "答案"), (5, "答案"), (6, "选项A"), (7, "答案"), (8, "答案"), (9, "答案"),
        (10, "选项B"), (11, "难度"), (12, "答案"),
    ]
    assert result.errors[1].question == "题干二"
    assert "连线题" in result.errors[1].message
    assert "C" in result.errors[2].message
    assert "AB" in result.errors[3].message


def test_bad_rows_do_not_stop_good_ones_and_empty_rows_are_skipped():
    rows = [
        ["单选", "好题一", "甲", "乙", "", "", "A", "", "", ""],
        ["", "", "", "", "", "", "", "", "", ""],
        ["单选", "坏题", "甲", "乙", "", "", "Z", "", "", ""],
        [None, None],
        ["判断", "好题二", "", "", "", "", "错", "", "", ""],
    ]
    result = parse(rows)
    assert [q.stem for q in result.questions] == ["好题一", "好题二"]
    assert [q.source_line for q in result.questions] == [2, 6]
    assert [e.line for e in result.errors] == [4]


def test_header_variants_order_and_title_row():
    head = ["难度", "参考答案", "试题", "题目类型", "选项1", "选项2", "选项3", "答案解析", "试题分类"]
    data = xlsx([
        ["2024年“安康杯”知识竞赛题库"],
        [],
        head,
        ["较难", "B", "灭火器的颜色是", "单项选择题", "蓝色", "红色", "黄色", "常识", "消防"],
    ])
    result = parse_question_sheet(data, "bank.xlsx")
    assert not result.errors
    q = result.questions[0]
    assert q.stem == "灭火器的颜色是"
    assert [o.text for o in q.options] == ["蓝色", "红色", "黄色"]
    assert [o.correct for o in q.options] == [False, True, False]
    assert (q.explanation, q.category, q.difficulty, q.source_line) == ("常识", "消防", 4, 4)


@pytest.mark.parametrize(
    "head",
    [
        ["题型", "题目", "A", "B", "正确答案", "试题解析"],
        ["*题型", "题干（必填）", "选项 A", "选项 B", "答案", "解析"],
        ["Type", "Stem", "Option A", "Option B", "Answer", "Explanation"],
    ],
)
def test_header_spellings(head):
    q = one(["单选", "题", "甲", "乙", "B", "因为"], head)
    assert [o.correct for o in q.options] == [False, True]
    assert q.explanation == "因为"


def test_missing_type_is_inferred():
    head = ["题干", "选项A", "选项B", "选项C", "答案"]
    result = parse([["单", "甲", "乙", "丙", "B"], ["多", "甲", "乙", "丙", "AC"], ["填", "", "", "", "甲/乙"]], head)
    assert [q.type for q in result.questions] == [QuestionType.SINGLE, QuestionType.MULTIPLE, QuestionType.FILL_IN]


def test_no_header_row():
    result = parse_question_sheet(xlsx([["姓名", "身份证号"], ["张三", "1"]]), "x.xlsx")
    assert not result.questions
    assert len(result.errors) == 1
    assert "题干" in result.errors[0].message


def test_header_below_row_ten_is_not_searched():
    rows = [[f"说明{i}"] for i in range(10)] + [HEAD, ["单选", "题", "甲", "乙", "", "", "A"]]
    result = parse_question_sheet(xlsx(rows), "x.xlsx")
    assert not result.questions and len(result.errors) == 1


def test_gbk_and_utf8_csv():
    rows = [HEAD, ["单选题", "安全生产的方针是", "安全第一", "效益优先", "", "", "A", "", "安全/法规", "中"]]
    for encoding in ("gbk", "utf-8", "utf-8-sig"):
        result = parse_question_sheet(csv_bytes(rows, encoding), "题库.csv")
        assert not result.errors, encoding
        assert result.questions[0].stem == "安全生产的方针是"
        assert result.questions[0].category == "安全/法规"
        assert result.questions[0].difficulty == 3


def test_ods_and_xls_suffixes_are_read_by_calamine():
    result = parse_question_sheet(b"not a spreadsheet", "题库.xls")
    assert not result.questions and len(result.errors) == 1
    result = parse_question_sheet(b"x", "题库.docx")
    assert not result.questions and len(result.errors) == 1


def test_too_many_rows_is_one_error():
    rows = [HEAD] + [["判断", f"题{i}", "", "", "", "", "对"] for i in range(MAX_ROWS + 1)]
    result = parse_question_sheet(csv_bytes(rows), "big.csv")
    assert not result.questions
    assert len(result.errors) == 1
    assert str(MAX_ROWS) in result.errors[0].message
    rows.pop()
    assert len(parse_question_sheet(csv_bytes(rows), "big.csv").questions) == MAX_ROWS


def test_empty_sheet():
    result = parse([])
    assert not result.questions and len(result.errors) == 1


def test_template_parses_to_its_examples():
    result = parse_question_sheet(question_sheet_template(), "template.xlsx")
    assert not result.errors
    assert [q.type for q in result.questions] == [QuestionType.SINGLE, QuestionType.FILL_IN]
    assert result.questions[1].accepted == [["119"]]
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(question_sheet_template())).worksheets[0]
    assert [c.value for c in next(sheet.iter_rows(max_row=1))] == HEADERS


def test_export_keeps_formula_like_text_as_text():
    q = ParsedQuestion(type=QuestionType.TRUE_FALSE, stem="=1+1 等于 2", answer_bool=True, source_line=2)
    result = parse_question_sheet(questions_to_sheet([q]), "export.xlsx")
    assert result.questions == [q]


# --- the round trip ----------------------------------------------------------------------------------------------

_ALPHABET = st.sampled_from(list("安全生产预防为主综合治理职工消防abcXYZ019 ,.，。、（）()?？《》-+=*#%"))
text = st.text(_ALPHABET, min_size=1, max_size=30).map(str.strip).filter(bool)
free_text = st.text(_ALPHABET, max_size=30).map(str.strip)
# The template writes fill-in answers as "a/b；c", so accepted answers cannot contain the separators.
answer_text = text.filter(lambda s: not any(ch in s for ch in "/;；|"))
difficulty = st.none() | st.integers(1, 5)


@st.composite
def questions(draw):
    qtype = draw(st.sampled_from(list(QuestionType)))
    q = ParsedQuestion(
        type=qtype,
        stem=draw(text),
        explanation=draw(free_text),
        category=draw(free_text),
        difficulty=draw(difficulty),
    )
    if qtype in (QuestionType.SINGLE, QuestionType.MULTIPLE):
        texts = draw(st.lists(text, min_size=2, max_size=8))
        if qtype is QuestionType.SINGLE:
            correct = [draw(st.integers(0, len(texts) - 1))]
        else:
            correct = draw(st.lists(st.integers(0, len(texts) - 1), min_size=1, unique=True))
        q.options = choice_options(texts, ["ABCDEFGH"[i] for i in correct])
    elif qtype is QuestionType.TRUE_FALSE:
        q.answer_bool = draw(st.booleans())
    elif qtype is QuestionType.FILL_IN:
        q.accepted = draw(st.lists(st.lists(answer_text, min_size=1, max_size=3), min_size=1, max_size=4))
    else:
        q.accepted = draw(st.sampled_from([[], [[draw(text)]]]))
    return q


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(questions(), max_size=6))
def test_round_trip(qs):
    result = parse_question_sheet(questions_to_sheet(qs), "export.xlsx")
    if not qs:
        assert not result.questions
        return
    assert not result.errors
    expected = [dataclasses.replace(q, source_line=i + 2) for i, q in enumerate(qs)]
    assert result.questions == expected


def test_round_trip_weights_are_canonical():
    q = ParsedQuestion(type=QuestionType.MULTIPLE, stem="题", options=[
        ParsedOption("甲", 0.5), ParsedOption("乙", 0.0), ParsedOption("丙", 0.5)])
    assert parse_question_sheet(questions_to_sheet([q]), "x.xlsx").questions[0].options == q.options


# --- never raises --------------------------------------------------------------------------------------------------

cells = st.one_of(
    st.text(max_size=12), st.integers(-5, 10), st.sampled_from(["单选", "多选", "判断", "填空", "简答", "A", "对"])
)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.lists(cells, max_size=12), max_size=8), st.booleans())
def test_never_raises_on_arbitrary_rows(rows, with_header):
    if with_header:
        rows = [HEAD, *rows]
    result = parse_question_sheet(csv_bytes(rows), "x.csv")
    assert all(e.message for e in result.errors)


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=300), st.sampled_from(["x.xlsx", "x.xls", "x.ods", "x.csv", "x.txt", ""]))
def test_never_raises_on_arbitrary_bytes(data, filename):
    result = parse_question_sheet(data, filename)
    assert isinstance(result, ParseResult)
    assert result.errors or not data


def test_damaged_csv_is_an_error():
    result = parse_question_sheet(b'\xe9\xa2\x98\xe5\xb9\xb2\n"' + b"x" * 200000, "x.csv")
    assert not result.questions and len(result.errors) == 1
