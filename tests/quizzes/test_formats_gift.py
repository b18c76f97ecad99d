
import pytest
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from suzhi.quizzes.formats.base import ParsedQuestion, ParseResult, QuestionType
from suzhi.quizzes.formats.gift import BLANK, parse_gift
from tests.conformance import conformance_dir


def _fixture(name: str) -> ParseResult:
    return parse_gift((gift_fixtures() / name).read_text(encoding="utf-8"))


def _by_name(result: ParseResult) -> dict[str, list[ParsedQuestion]]:
    named: dict[str, list[ParsedQuestion]] = {}
    for question in result.questions:
        named.setdefault(question.name, []).append(question)
    return named


def _one(text: str) -> ParsedQuestion:
    result = parse_gift(text)
    assert result.errors == []
    assert len(result.questions) == 1
    return result.questions[0]


def _error(text: str) -> str:
    result = parse_gift(text)
    assert result.questions == []
    assert len(result.errors) == 1
    return result.errors[0].message


# --- the Moodle conformance fixtures -------------------------------------------------------------------------------


def test_fixture_folder_is_the_shared_one():
    assert gift_fixtures().parts[-2:] == ("conformance", "moodle-gift")
    assert (gift_fixtures() / "questions.gift.txt").is_file()


def test_questions_fixture_imports_every_supported_question():
    result = _fixture("questions.gift.txt")
    assert [q.name for q in result.questions] == ["Q8", "Q2", "colours", "Shortanswer", "Q1", "2-08 TSL", "2-08 TSL"]
    assert [q.type for q in result.questions] == [
        QuestionType.SHORT_ANSWER,
        QuestionType.SINGLE,
        QuestionType.MULTIPLE,
        QuestionType.FILL_IN,
        QuestionType.TRUE_FALSE,
        QuestionType.TRUE_FALSE,
        QuestionType.TRUE_FALSE,
    ]
    assert all(q.category == "" for q in result.questions)


def test_questions_fixture_reports_matching_and_numerical_by_name():
    result = _fixture("questions.gift.txt")
    errors = {error.question: error for error in result.errors}
    assert set(errors) == {"Moodle activities", "Q5"}
    assert "not supported" in errors["Moodle activities"].message
    assert "Matching" in errors["Moodle activities"].message
    assert "not supported" in errors["Q5"].message
    assert "Numerical" in errors["Q5"].message
    assert errors["Moodle activities"].line == 5
    assert errors["Q5"].line == 31


def test_essay_q8_is_a_short_answer():
    q8 = _by_name(_fixture("questions.gift.txt"))["Q8"][0]
    assert q8.type == QuestionType.SHORT_ANSWER
    assert q8.stem == "How are you?"
    assert q8.options == [] and q8.accepted == []
    assert q8.source_line == 2


def test_q2_single_choice_with_feedback_and_markers_stripped():
    q2 = _by_name(_fixture("questions.gift.txt"))["Q2"][0]
    assert q2.type == QuestionType.SINGLE
    assert q2.stem == "What's between orange and green in the spectrum?"
    assert [(o.text, o.weight, o.feedback) for o in q2.options] == [
        ("yellow", 1.0, "right; good!"),
        ("red", 0.0, "wrong, it's yellow"),
        ("blue", 0.0, "wrong, it's yellow"),
    ]


def test_colours_weights():
    colours = _by_name(_fixture("questions.gift.txt"))["colours"][0]
    assert colours.type == QuestionType.MULTIPLE
    assert [(o.text, o.weight) for o in colours.options] == [
        ("yellow", 0.5),
        ("red", -1.0),
        ("off-beige", 0.5),
        ("blue", -1.0),
    ]
    assert [o.feedback for o in colours.options] == ["right; good!", "wrong", "right; good!", "wrong"]


def test_shortanswer_accepts_only_the_full_mark_answer():
    question = _by_name(_fixture("questions.gift.txt"))["Shortanswer"][0]
    assert question.type == QuestionType.FILL_IN
    assert question.stem == "Which is the best animal?"
    # "Cat" is worth 50% and "*" is Moodle's 0% catch-all: a Suzhi blank is right or wrong, so neither is accepted.
    assert question.accepted == [["Frog"]]
    assert question.case_sensitive is False


def test_q1_false_with_general_feedback():
    q1 = _by_name(_fixture("questions.gift.txt"))["Q1"][0]
    assert q1.type == QuestionType.TRUE_FALSE
    assert q1.answer_bool is False
    assert q1.stem.startswith("42 is the Absolute Answer to everything.")
    assert q1.explanation == "This is, of course, a Hitchiker's Guide to the Galaxy reference."


def test_true_false_spellings_t_and_true():
    both = _by_name(_fixture("questions.gift.txt"))["2-08 TSL"]
    assert [(q.type, q.answer_bool, q.stem) for q in both] == [
        (QuestionType.TRUE_FALSE, True, "TSL is blablabla."),
        (QuestionType.TRUE_FALSE, True, "TSL is blablabla."),
    ]


def test_category_fixture():
    result = _fixture("questions_in_category.gift.txt")
    named = _by_name(result)
    assert list(named) == ["Greeting", "Moodle user", "Moodle acronym"]
    assert all(q.category == "Default for New Features" for q in result.questions)
    assert [(e.question, e.line) for e in result.errors] == [("Moodle activities", 5)]
    assert "not supported" in result.errors[0].message


def test_greeting_html_stripped_and_escapes_literal():
    greeting = _by_name(_fixture("questions_in_category.gift.txt"))["Greeting"][0]
    assert greeting.type == QuestionType.SINGLE
    # [html]: the markup goes, "\:" is a plain colon, the two <br /> are a paragraph break.
    assert greeting.stem == "Listen to this greeting:\n\nWhat language is being spoken?"
    assert [(o.text, o.correct) for o in greeting.options] == [
        ("English", False),
        ("French", True),
        ("German", False),
        ("Spanish", False),
    ]
    assert greeting.options[1].feedback == "Yes, well done!"


def test_moodle_user_fill_in():
    question = _by_name(_fixture("questions_in_category.gift.txt"))["Moodle user"][0]
    assert question.type == QuestionType.FILL_IN
    assert question.stem == "Anyone who uses Moodle is a ..."
    assert question.accepted == [["Moodler"]]


def test_moodle_acronym_true_with_html_and_escaped_colon():
    question = _by_name(_fixture("questions_in_category.gift.txt"))["Moodle acronym"][0]
    assert question.type == QuestionType.TRUE_FALSE
    assert question.answer_bool is True
    assert question.stem == "Moodle is an acronym for Modular Object-Oriented Dynamic Learning Environment."
    assert "<" not in question.stem and "[html]" not in question.stem


# --- own cases -----------------------------------------------------------------------------------------------------


def test_escapes_are_literal_characters():
    question = _one(r"Is 1 \= 1 \{really\} \~ \# \: \\ ok?{=yes\=sure ~no\#way}")
    assert question.stem == r"Is 1 = 1 {really} ~ # : \ ok?"
    assert [o.text for o in question.options] == ["yes=sure", "no#way"]


def test_escaped_newline():
    assert _one(r"First line\nsecond line{T}").stem == "First line\nsecond line"


def test_title_comments_and_feedback():
    text = """// a comment line
::Capital\\: France:: The capital of France?
// another comment in the middle
{=Paris#Right ~Lyon#No, that is Lyon.####Paris has been the capital since 987.}
"""
    question = _one(text)
    assert question.name == "Capital: France"
    assert question.stem == "The capital of France?"
    assert [(o.text, o.feedback) for o in question.options] == [("Paris", "Right"), ("Lyon", "No, that is Lyon.")]
    assert question.explanation == "Paris has been the capital since 987."
    assert question.source_line == 2


def test_true_false_feedbacks_and_spellings():
    for answer, expected in [("T", True), ("TRUE", True), ("F", False), ("FALSE", False), ("false", False)]:
        question = _one(f"The sun is a star.{{{answer}}}")
        assert question.type == QuestionType.TRUE_FALSE
        assert question.answer_bool is expected
    # The first feedback is the one shown for a wrong answer, the second the one for a right answer; both are kept.
    question = _one("The sun is a planet.{F#It is a star.#Right.}")
    assert question.answer_bool is False
    assert (question.feedback_wrong, question.feedback_right, question.explanation) == ("It is a star.", "Right.", "")


def test_short_answer_several_accepted():
    question = _one("Two plus two?{=four =4 =%100%Four}")
    assert question.type == QuestionType.FILL_IN
    assert question.accepted == [["four", "4", "Four"]]


def test_blank_inside_the_stem():
    question = _one("The capital of France is {=Paris =paris} today.")
    assert question.type == QuestionType.FILL_IN
    assert question.stem == f"The capital of France is {BLANK} today."
    assert question.accepted == [["Paris", "paris"]]
    choice = _one("Grant is {~buried =entombed ~living} in Grant's tomb.")
    assert choice.type == QuestionType.SINGLE
    assert choice.stem == f"Grant is {BLANK} in Grant's tomb."


def test_several_equals_among_wrong_is_multiple_with_equal_shares():
    question = _one("Which are primes?{=2 =3 ~4 ~6}")
    assert question.type == QuestionType.MULTIPLE
    assert [(o.text, o.weight) for o in question.options] == [("2", 0.5), ("3", 0.5), ("4", 0.0), ("6", 0.0)]


def test_category_prefixes_and_later_categories():
    text = """$CATEGORY: $course$/top/安全生产/法律法规

Q one?{T}

$CATEGORY: $system$/消防

Q two?{F}

$CATEGORY: 交通安全/ 道路 /

Q three?{T}
"""
    result = parse_gift(text)
    assert result.errors == []
    assert [q.category for q in result.questions] == ["安全生产/法律法规", "消防", "交通安全/道路"]


def test_chinese_question_and_markdown_marker():
    question = _one("::安全::[markdown]安全生产法自哪一年起施行？{=2002年 ~1998年 ~2010年}")
    assert question.stem == "安全生产法自哪一年起施行？"
    assert question.options[0].text == "2002年" and question.options[0].correct


def test_plain_text_keeps_angle_brackets():
    question = _one("Is 3 < 5 and <b> a tag?{T}")
    assert question.stem == "Is 3 < 5 and <b> a tag?"


def test_windows_line_endings_and_bom():
    result = parse_gift("\ufeff::A::One?{T}\r\n\r\n::B::Two?{F}\r\n")
    assert [(q.name, q.answer_bool, q.source_line) for q in result.questions] == [("A", True, 1), ("B", False, 3)]


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("No braces at all.", "no answer"),
        ("Unclosed {=a ~b", "not balanced"),
        ("Closed first } then {=a}", "not balanced"),
        ("Nested {=a {=b} ~c}", "not balanced"),
        ("Two {=a ~b} sections {=c ~d}", "one answer section"),
        ("::Unclosed title {T}", "not closed"),
        ("Garbage {a ~b}", "must start with"),
        ("No right {~a ~b}", "right"),
        ("Bad weight {~%abc%a =b}", "Invalid weight"),
        ("Too big weight {~%150%a =b}", "Invalid weight"),
        ("Empty option {=a ~}", "empty"),
        ("Only partial {=%50%a}", "full marks"),
        ("{T}", "empty"),
        ("TF {T#a#b#c}", "at most two"),
        ("How far? {#3:1}", "not supported"),
        ("Match {=a -> 1 =b -> 2}", "not supported"),
    ],
)
def test_malformed_questions_are_reported(text, fragment):
    assert fragment in _error(text)


def test_parser_goes_on_after_errors():
    text = """::bad one:: Unclosed {=a ~b

::good:: Fine?{T}

::also bad:: {~a ~b}

Another fine one {=x ~y}
"""
    result = parse_gift(text)
    assert [q.name or q.stem for q in result.questions] == ["good", "Another fine one"]
    assert [(e.question, e.line) for e in result.errors] == [("bad one", 1), ("also bad", 5)]


def test_error_without_title_names_the_start_of_the_stem():
    result = parse_gift("A rather long question text that goes on and on {~a ~b}")
    assert result.errors[0].question.startswith("A rather long question text")
    assert len(result.errors[0].question) <= 31


def test_html_question_markup_entities_and_inherited_format():
    question = _one("[html]<p>Is 3 &lt; 5?</p>\n<p>Pick <i>one</i>.</p>{=<b>yes</b> ~[plain]<no>}")
    assert question.stem == "Is 3 < 5?\n\nPick one."
    # Answers inherit the question's [html] unless they carry their own marker.
    assert [o.text for o in question.options] == ["yes", "<no>"]


def test_malformed_html_does_not_raise():
    # The standard library's html.parser raises on "<![foo["; an unclosed tag stays as text.
    question = _one("[html]<![foo[ x ]]>odd <!-- x --> markup<br><a href='{T}")
    assert question.stem == "odd markup\n<a href='"


def test_private_use_characters_survive():
    question = _one("Symbol \ue000 and \ue003?{=\ue001 ~x}")
    assert question.stem == "Symbol \ue000 and \ue003?"
    assert question.options[0].text == "\ue001"


_GIFT_ALPHABET = st.sampled_from(
    [*"{}=~#%:\\-> \n\t[]/$abcT1<>!&;\ue000", "::", "####", "[html]", "$CATEGORY:", "//", "<![x[", "<br>", "\\n"]
)


@settings(max_examples=300, deadline=None)
@given(st.text() | st.lists(_GIFT_ALPHABET, max_size=60).map("".join))
def test_parsing_never_raises(text):
    result = parse_gift(text)
    assert isinstance(result, ParseResult)
    for question in result.questions:
        assert question.stem
        assert question.type in QuestionType


def test_chinese_messages():
    with translation.override("zh-hans"):
        result = parse_gift("::Moodle activities:: Match {=a -> b =c -> d}")
    assert result.errors[0].message == "不支持匹配题。"


# --- issue 14: more of what Moodle's importer does --------------------------------------------------------------


def test_q1_keeps_both_true_false_feedbacks():
    q1 = _by_name(_fixture("questions.gift.txt"))["Q1"][0]
    assert q1.feedback_wrong == "42 is the Ultimate Answer."
    assert q1.feedback_right == "You gave the right answer."


def test_shortanswer_keeps_its_feedback_and_reports_the_partial_answer():
    result = _fixture("questions.gift.txt")
    question = _by_name(result)["Shortanswer"][0]
    assert (question.feedback_right, question.feedback_wrong) == ("Good!", "Completely wrong")
    assert [(w.question, w.line) for w in result.warnings] == [("Shortanswer", 34)]
    assert "Cat" in result.warnings[0].message and "50%" in result.warnings[0].message


@pytest.mark.parametrize("text", [
    "Which are warm?{~%100%red ~blue ~green}",
    "Which are warm?{~%50%red ~%50%orange ~%-100%blue}",
])
def test_answers_all_weighted_with_no_equals_are_multiple_response(text):
    question = _one(text)
    assert question.type == QuestionType.MULTIPLE
    assert [o.correct for o in question.options][:2] in ([True, False], [True, True])


def test_one_equals_among_wrong_stays_single_choice():
    assert _one("Which is warm?{=red ~%0%blue ~green}").type == QuestionType.SINGLE


def test_tag_comments_become_tags():
    text = """// question: 12 name: fire
// [id:F-1] [tag:消防] [tag: safety ]
::fire:: Dial?{=119 ~110}

// [tag:other]

::plain:: Dial?{T}
"""
    result = parse_gift(text)
    assert [(q.name, q.tags) for q in result.questions] == [("fire", ["消防", "safety"]), ("plain", [])]


def test_html_pre_keeps_its_line_breaks():
    question = _one("[html]<p>What does this print?</p><pre>x = 1\nif x:\n    print(x &lt; 2)</pre>{=True ~False ~1}")
    assert question.stem == "What does this print?\n\nx = 1\nif x:\nprint(x < 2)"
    source = "[html]Run:<pre>\nfor i in range(2):\n  print(i)\n</pre>done{T}"
    assert _one(source).stem == "Run:\nfor i in range(2):\nprint(i)\n\ndone"


def test_option_feedback_is_kept_for_every_option():
    question = _one("Capital?{=Paris#Right. ~Lyon#No, that is Lyon. ~Nice}")
    assert [(o.text, o.feedback) for o in question.options] == [
        ("Paris", "Right."), ("Lyon", "No, that is Lyon."), ("Nice", "")]


def test_short_answer_feedback_that_cannot_be_kept_is_a_warning():
    result = parse_gift("Two?{=two#Yes =2#Yes, as a digit =%0%three#No, three is one more =%0%*#Count again}")
    assert result.errors == []
    question = result.questions[0]
    assert question.accepted == [["two", "2"]]
    assert (question.feedback_right, question.feedback_wrong) == ("Yes", "Count again")
    messages = [w.message for w in result.warnings]
    assert len(messages) == 2
    assert "Yes, as a digit" in messages[0] and "“Yes”" in messages[0]
    assert "three" in messages[1]


def test_chinese_warning():
    with translation.override("zh-hans"):
        result = parse_gift("::猫::最好的动物？{=青蛙 =%50%猫}")
    assert "猫" in result.warnings[0].message and "50%" in result.warnings[0].message
    assert "不计" in result.warnings[0].message or "不作为" in result.warnings[0].message


def gift_fixtures():
    return conformance_dir("moodle-gift")
