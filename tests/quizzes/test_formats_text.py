import pytest
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from suzhi.quizzes.formats.base import ParseResult, QuestionType
from suzhi.quizzes.formats.text import parse_question_text


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def one(text):
    result = parse_question_text(text)
    assert not result.errors, result.errors
    assert len(result.questions) == 1, result.questions
    return result.questions[0]


@pytest.mark.parametrize("number", ["1.", "1、", "1．", "（1）", "(1)", "第1题", "第 1 题：", "1)", "１．"])
def test_stem_numbering(number):
    q = one(f"{number}安全生产的方针是（  ）。\nA.安全第一\nB.效益优先\n答案：A")
    assert q.stem == "安全生产的方针是（  ）。"
    assert q.type is QuestionType.SINGLE


@pytest.mark.parametrize("marker", ["{}.", "{}、", "{}．", "{}:", "{}：", "({})", "（{}）", "{} ."])
def test_option_markers_on_their_own_lines(marker):
    lines = [marker.format(letter) + text for letter, text in zip("ABCD", ["甲", "乙", "丙", "丁"], strict=True)]
    q = one("1. 题干\n" + "\n".join(lines) + "\n答案：C")
    assert [o.text for o in q.options] == ["甲", "乙", "丙", "丁"]
    assert [o.correct for o in q.options] == [False, False, True, False]


def test_options_on_one_line_and_two_lines():
    q = one("1. 题干\nA．安全第一  B．效益优先  C．速度第一  D．以人为本\n答案：D")
    assert [o.text for o in q.options] == ["安全第一", "效益优先", "速度第一", "以人为本"]
    q = one("1. 题干\nA、维生素C。B、铁\nC、钙D、锌\n答案：B")
    assert [o.text for o in q.options] == ["维生素C。", "铁", "钙", "锌"]


def test_options_on_the_stem_line():
    q = one("1. 安全色中表示禁止的是（  ） A．红色 B．黄色 C．蓝色\n答案：A")
    assert q.stem == "安全色中表示禁止的是（  ）"
    assert [o.text for o in q.options] == ["红色", "黄色", "蓝色"]
    q = one("1. 缺乏维生素A.会怎样？\n答案：夜盲症")
    assert q.type is QuestionType.FILL_IN and q.stem == "缺乏维生素A.会怎样？"


def test_option_text_running_over_two_lines():
    q = one("1. 题干\nA. 第一行\n接着写\nB. 乙\n答案：A")
    assert q.options[0].text == "第一行 接着写"


def test_stem_over_several_lines():
    q = one("1. 第一行\n第二行：\nA. 甲\nB. 乙\n答案：B")
    assert q.stem == "第一行\n第二行："


@pytest.mark.parametrize("label", ["答案:", "答案：", "【答案】", "正确答案：", "参考答案：", "答案 ："])
def test_answer_labels(label):
    assert one(f"1. 题\nA. 甲\nB. 乙\n{label}B").options[1].correct


@pytest.mark.parametrize("label", ["解析:", "解析：", "【解析】", "答案解析：", "【试题解析】"])
def test_explanation_labels(label):
    q = one(f"1. 题\nA. 甲\nB. 乙\n答案：B\n{label}因为乙对。\n第二行理由。")
    assert q.explanation == "因为乙对。\n第二行理由。"


def test_answer_and_explanation_on_one_line():
    q = one("1. 题\nA. 甲\nB. 乙\n【答案】B【解析】因为乙对。")
    assert q.options[1].correct
    assert q.explanation == "因为乙对。"
    q = one("1. 题\nA. 甲\nB. 乙\n答案：A  解析：甲对。")
    assert q.explanation == "甲对。"


def test_difficulty_and_category():
    q = one("1. 题\nA. 甲\nB. 乙\n答案：A\n难度：较难\n分类：安全生产/法律法规")
    assert q.difficulty == 4
    assert q.category == "安全生产/法律法规"


def test_difficulty_not_understood_names_question_and_line():
    result = parse_question_text("1. 题\nA. 甲\nB. 乙\n答案：A\n难度：超级难")
    assert not result.questions
    assert [(e.line, e.question) for e in result.errors] == [(5, "1. 题")]


def test_section_headings_set_the_type():
    text = """一、单选题（每题2分，共10分）
1. 单选一
A. 甲 B. 乙
答案：A
二、多选题
1. 多选只有一个正确项
A. 甲 B. 乙 C. 丙
答案：C
三、判断题（正确的打√，错误的打×）
1. 判断一
答案：√
2. 判断写成选项
A. 正确 B. 错误
答案：B
四、填空题
1. 填空一
答案：安全第一
五、简答题
1. 简答一
答案：第一行
第二行
"""
    result = parse_question_text(text)
    assert not result.errors, result.errors
    types = [q.type for q in result.questions]
    assert types == [QuestionType.SINGLE, QuestionType.MULTIPLE, QuestionType.TRUE_FALSE, QuestionType.TRUE_FALSE,
                     QuestionType.FILL_IN, QuestionType.SHORT_ANSWER]
    assert result.questions[1].options[2].weight == 1.0
    assert result.questions[2].answer_bool is True
    assert result.questions[3].answer_bool is False
    assert result.questions[3].options == []
    assert result.questions[5].accepted == [["第一行\n第二行"]]


@pytest.mark.parametrize("heading", ["第一部分 单项选择题", "【单选题】", "一．单选题：", "（一）单选题", "单选题"])
def test_heading_forms(heading):
    result = parse_question_text(f"{heading}\n1. 题\n答案：A\nA. 甲\nB. 乙")
    # The heading makes it single choice; the answer before the options is a mistake the parser reports.
    assert not result.questions
    result = parse_question_text(f"{heading}\n1. 题\nA. 甲\nB. 乙\n答案：B")
    assert result.questions[0].type is QuestionType.SINGLE


def test_mixed_choice_heading_infers_each_question():
    result = parse_question_text("一、选择题\n1. 单\nA. 甲 B. 乙\n答案：A\n2. 多\nA. 甲 B. 乙\n答案：AB")
    assert [q.type for q in result.questions] == [QuestionType.SINGLE, QuestionType.MULTIPLE]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1. 题\nA. 甲\nB. 乙\n答案：B", QuestionType.SINGLE),
        ("1. 题\nA. 甲\nB. 乙\nC. 丙\n答案：A、C", QuestionType.MULTIPLE),
        ("1. 安全帽可以不戴。\n答案：错", QuestionType.TRUE_FALSE),
        ("1. 安全帽可以不戴。\n答案：×", QuestionType.TRUE_FALSE),
        ("1. 火警电话是多少\n答案：119", QuestionType.FILL_IN),
        ("1. 一楼是第几层\n答案：1", QuestionType.FILL_IN),
        ("1. 维生素（ ）缺乏会夜盲\n答案：A", QuestionType.FILL_IN),
        ("1. 是不是\n答案：是", QuestionType.FILL_IN),
        ("1. 火警电话是____。\n答案：119", QuestionType.FILL_IN),
        ("1. 火警电话是（ ）。\n答案：119", QuestionType.FILL_IN),
    ],
)
def test_type_inferred_without_heading(text, expected):
    assert one(text).type is expected


def test_blank_without_answer_is_fill_in_with_an_error():
    result = parse_question_text("1. 火警电话是____。")
    assert not result.questions
    assert len(result.errors) == 1


def test_fill_in_blanks_and_alternatives():
    q = one("1. 安全生产方针是____、____、综合治理。\n答案：安全第一/安全为先；预防为主")
    assert q.accepted == [["安全第一", "安全为先"], ["预防为主"]]


def test_answer_written_in_the_stem_brackets():
    q = one("1. 我国安全生产的方针是（ A ）。\nA. 安全第一\nB. 效益优先")
    assert q.options[0].correct
    assert q.stem == "我国安全生产的方针是（  ）。"
    q = one("1. 防护用品有（ABD）\nA. 甲\nB. 乙\nC. 丙\nD. 丁")
    assert q.type is QuestionType.MULTIPLE
    q = one("1. 安全帽可以不戴。（ × ）")
    assert q.type is QuestionType.TRUE_FALSE and q.answer_bool is False


def test_after_the_answer_lettered_lines_belong_to_the_explanation():
    q = one("1. 题\nA. 甲\nB. 乙\n答案：A\n解析：\nB、乙是错的。")
    assert len(q.options) == 2
    assert q.explanation == "B、乙是错的。"


def test_errors_name_the_question_number_and_line():
    text = """前言：请认真作答。
1. 好题
A. 甲
B. 乙
答案：A
2. 答案超出选项
A. 甲
B. 乙
答案：C
3. 单选两个答案
A. 甲
B. 乙
C. 丙
答案：AB
4. 只有一个选项的多选
A. 甲
答案：A
5. 没有答案的单选
A. 甲
B. 乙
6.
A. 甲
B. 乙
答案：A
7. 判断不清
答案：也许吧
8. 没有答案也没有空
"""
    result = parse_question_text(text)
    # Without a heading two letters make a multiple choice and "也许吧" a fill-in answer.
    assert [q.stem for q in result.questions] == ["好题", "单选两个答案", "判断不清"]
    assert [q.type for q in result.questions][1:] == [QuestionType.MULTIPLE, QuestionType.FILL_IN]
    assert [(e.line, e.question.split(".")[0]) for e in result.errors] == [
        (9, "2"), (17, "4"), (18, "5"), (21, "6"), (27, "8"),
    ]
    assert "C" in result.errors[0].message


def test_single_choice_heading_with_two_letters():
    result = parse_question_text("一、单选题\n1. 单选两个答案\nA. 甲\nB. 乙\n答案：AB")
    assert not result.questions
    assert [(e.line, e.question) for e in result.errors] == [(5, "1. 单选两个答案")]
    assert "AB" in result.errors[0].message


def test_true_false_heading_with_unclear_answer():
    result = parse_question_text("三、判断题\n1. 判断不清\n答案：也许吧")
    assert not result.questions
    assert result.errors[0].line == 3
    assert "也许吧" in result.errors[0].message


def test_option_without_text():
    result = parse_question_text("1. 题\nA.\nB. 乙\n答案：B")
    assert not result.questions
    assert [(e.line, e.question) for e in result.errors] == [(1, "1. 题")]


def test_nothing_found():
    for text in ("", "   \n\n", "只是一段说明文字"):
        result = parse_question_text(text)
        assert not result.questions
        assert len(result.errors) == 1


def test_windows_line_ends_and_full_width_spaces():
    q = one("1.\u3000题干\r\nA．甲\r\nB．乙\r\n答案：B\r\n")
    assert q.stem == "题干"
    assert q.options[1].correct


ANKANG = """2024年全市“安康杯”安全生产知识竞赛试题

一、单项选择题（每题2分，共16分）
1．《中华人民共和国安全生产法》规定，安全生产工作坚持（  ）的方针。
A．安全第一、预防为主、综合治理    B．以人为本、安全发展
C．管行业必须管安全              D．生产经营单位负主体责任
答案：A
解析：见《安全生产法》第三条。
2、生产经营单位的主要负责人对本单位的安全生产工作（  ）负责。
A、部分  B、全面  C、直接  D、间接
【答案】B
3．从业人员发现直接危及人身安全的紧急情况时，有权（  ）。
A．继续作业
B．停止作业或者在采取可能的应急措施后撤离作业场所
C．等待领导指示
D．上报后继续作业
答案：B
难度：易
4．发生火灾时，应拨打的火警电话是（ C ）。
A．110   B．120   C．119   D．122
5．使用灭火器扑救初起火灾时，应对准（  ）喷射。
A．火焰上部  B．火焰中部  C．火焰根部  D．烟雾
答案：C
解析：对准火焰根部才能有效灭火。
6．“安康杯”竞赛活动的主题是（  ）。
A．安全、健康  B．质量、效益  C．创新、发展  D．团结、奋进
答案：A
分类：安康杯/竞赛常识
7．特种作业人员必须（  ），方可上岗作业。
A．经过领导同意
B．取得相应资格
C．工作满三年
D．签订劳动合同
答案：B
8．安全色中表示禁止、停止的颜色是（  ）。
A．红色  B．黄色  C．蓝色  D．绿色
答案：A

二、多项选择题（每题3分，共12分）
9．劳动防护用品包括（  ）。
A．安全帽  B．安全带  C．防护眼镜  D．手机
答案：ABC
10．事故调查处理应当坚持“四不放过”原则，包括（  ）。
A．事故原因未查清不放过
B．责任人员未处理不放过
C．整改措施未落实不放过
D．有关人员未受到教育不放过
答案：A、B、C、D
解析：“四不放过”缺一不可。
11．下列属于易燃易爆物品的有（  ）。
A．汽油  B．液化石油气  C．食盐  D．酒精
答案：A,B,D
12．职工在生产劳动中享有的安全生产权利有（  ）。
A．知情权  B．建议权  C．拒绝违章指挥权  D．随意离岗权
答案：ABC
难度：中

三、判断题（正确的打“√”，错误的打“×”）
13．安全帽只要戴上就行，不必系紧下颏带。（  ）
答案：×
14．生产经营单位不得因从业人员拒绝违章指挥而降低其工资。（  ）
答案：√
15．发现有人触电，应立即用手将其拉开。（ × ）
16．安全生产责任制是最基本的安全管理制度。
答案：正确

四、填空题
17．安全生产工作应当以人为本，坚持______、______理念。
答案：人民至上；生命至上
18．我国的火警电话是______。
答案：119
19．劳动防护用品分为一般劳动防护用品和______劳动防护用品。
答案：特种/特殊

五、简答题
20．简述发生生产安全事故后，事故现场有关人员应当怎样做。
答案：事故现场有关人员应当立即报告本单位负责人；
单位负责人接到报告后，应当迅速采取有效措施，组织抢救，防止事故扩大。
解析：见《生产安全事故报告和调查处理条例》第九条。
"""


def test_realistic_ankang_paper_parses_fully():
    result = parse_question_text(ANKANG)
    assert not result.errors, result.errors
    qs = result.questions
    assert len(qs) == 20
    assert [q.type for q in qs] == (
        [QuestionType.SINGLE] * 8 + [QuestionType.MULTIPLE] * 4 + [QuestionType.TRUE_FALSE] * 4
        + [QuestionType.FILL_IN] * 3 + [QuestionType.SHORT_ANSWER]
    )
    assert all(len(q.options) == 4 for q in qs[:12])
    correct = ["".join("ABCD"[i] for i, o in enumerate(q.options) if o.correct) for q in qs[:12]]
    assert correct == ["A", "B", "B", "C", "C", "A", "B", "A", "ABC", "ABCD", "ABD", "ABC"]
    assert qs[2].options[1].text == "停止作业或者在采取可能的应急措施后撤离作业场所"
    assert qs[3].stem == "发生火灾时，应拨打的火警电话是（  ）。"
    assert qs[0].explanation == "见《安全生产法》第三条。"
    assert qs[2].difficulty == 1 and qs[11].difficulty == 3
    assert qs[5].category == "安康杯/竞赛常识"
    assert [q.answer_bool for q in qs[12:16]] == [False, True, False, True]
    assert qs[16].accepted == [["人民至上"], ["生命至上"]]
    assert qs[18].accepted == [["特种", "特殊"]]
    assert qs[19].accepted[0][0].startswith("事故现场有关人员应当立即报告本单位负责人；\n单位负责人")
    assert qs[19].explanation.startswith("见《生产安全事故报告")
    assert qs[0].source_line == 4 and qs[19].source_line == ANKANG.splitlines().index(
        "20．简述发生生产安全事故后，事故现场有关人员应当怎样做。") + 1


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=400))
def test_never_raises_on_arbitrary_text(text):
    assert isinstance(parse_question_text(text), ParseResult)


_PIECES = st.sampled_from([
    "1.", "2、", "（3）", "第4题", "A.", "B、", "(C)", "D：", "答案：", "【答案】", "解析：", "【解析】",
    "难度：", "分类：", "一、单选题", "二、多选题", "三、判断题", "四、填空题", "五、简答题", "选择题",
    "AB", "√", "×", "对", "____", "（ ）",
    "（ A ）", "\n", "\n", "\n", " ", "甲", "乙", "；", "/", "|", "9", "中",
])


@settings(max_examples=500, deadline=None)
@given(st.lists(_PIECES, max_size=60))
def test_never_raises_on_format_like_text(pieces):
    result = parse_question_text("".join(pieces))
    for q in result.questions:
        assert q.stem
        if q.type in (QuestionType.SINGLE, QuestionType.MULTIPLE):
            assert len(q.options) >= 2 and any(o.correct for o in q.options)
    assert all(e.message for e in result.errors)
