"""Grading: a pure function of the answer key, the slot's marks and the saved response, per question type."""

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from suzhi.quizzes.grading import Key, choice_share, grade_response, normalise_text

MARKS = [Decimal("1"), Decimal("2"), Decimal("2.5"), Decimal("3"), Decimal("10")]


def multiple_key(right, n):
    share = 1.0 / len(right)
    return Key(type="multiple", weights=tuple(share if i in right else 0.0 for i in range(n)))


@st.composite
def multiple_cases(draw):
    """A multiple-choice key (2–8 options, at least one right) and a chosen subset of its options."""
    n = draw(st.integers(2, 8))
    right = draw(st.sets(st.integers(0, n - 1), min_size=1, max_size=n))
    chosen = draw(st.sets(st.integers(0, n - 1), max_size=n))
    return multiple_key(right, n), frozenset(right), sorted(chosen)


def grade(key, response, points=Decimal("2"), partial=False):
    return grade_response(key, points, response, partial_multiple=partial)


# Single choice, true/false, short answer.

def test_single_choice_scores_the_right_option_only():
    key = Key(type="single", weights=(0.0, 0.0, 1.0, 0.0))
    assert grade(key, {"choices": [2]}) == Decimal("2.00")
    assert grade(key, {"choices": [1]}) == Decimal("0.00")
    assert grade(key, {"choices": [2, 1]}) == Decimal("0.00")  # two choices on a single-choice question
    assert grade(key, None) == Decimal("0.00")
    assert grade(key, {}) == Decimal("0.00")


def test_single_choice_partly_right_options_and_bad_weights():
    key = Key(type="single", weights=(1.0, 0.5, -0.5, 2.0))
    assert grade(key, {"choices": [1]}) == Decimal("1.00")
    assert grade(key, {"choices": [2]}) == Decimal("0.00")  # a negative weight never takes marks away
    assert grade(key, {"choices": [3]}) == Decimal("2.00")  # never more than the slot's marks


@pytest.mark.parametrize("response", [{"choices": [9]}, {"choices": [-1]}, {"choices": ["0"]}, {"choices": [True]},
                                      {"choices": 0}, {"value": True}, {"choices": [0.0]}])
def test_malformed_choice_responses_earn_nothing(response):
    assert grade(Key(type="single", weights=(1.0, 0.0)), response) == Decimal("0.00")
    assert grade(multiple_key({0, 1}, 3), response, partial=True) == Decimal("0.00")


def test_true_false():
    key = Key(type="true_false", answer_bool=False)
    assert grade(key, {"value": False}) == Decimal("2.00")
    assert grade(key, {"value": True}) == Decimal("0.00")
    assert grade(key, {"value": 0}) == Decimal("0.00")  # not a boolean
    assert grade(key, {"value": None}) == Decimal("0.00")
    assert grade(key, None) == Decimal("0.00")


def test_short_answers_wait_for_a_person():
    assert grade(Key(type="short_answer"), {"text": "要注意安全"}) is None
    assert grade(Key(type="short_answer"), None) is None


def test_the_key_is_read_from_a_version():
    class Version:
        type = "multiple"
        options = [{"text": "甲", "weight": 0.5}, {"text": "乙", "weight": 0}, {"text": "丙", "weight": 0.5}]
        answer_bool = None
        accepted = None
        any_order = False
        case_sensitive = False

    key = Key.of(Version())
    assert key.correct == frozenset({0, 2}) and key.accepted == ()


# Multiple choice: all-or-nothing and partial credit (漏选得部分分).

def test_multiple_choice_examples():
    key = multiple_key({0, 1, 3}, 5)
    assert grade(key, {"choices": [0, 1, 3]}) == Decimal("2.00")
    assert grade(key, {"choices": [0, 1]}) == Decimal("0.00")  # all-or-nothing
    assert grade(key, {"choices": [0, 1]}, partial=True) == Decimal("1.33")
    assert grade(key, {"choices": [0]}, points=Decimal("3"), partial=True) == Decimal("1.00")
    assert grade(key, {"choices": [0, 1, 2]}, partial=True) == Decimal("0.00")  # a wrong option
    assert grade(key, {"choices": [0, 1, 2, 3]}, partial=True) == Decimal("0.00")
    assert grade(key, {"choices": []}, partial=True) == Decimal("0.00")


@settings(max_examples=300, deadline=None)
@given(multiple_cases(), st.sampled_from(MARKS))
def test_partial_credit_properties(case, points):
    key, right, chosen = case
    partial = grade(key, {"choices": chosen}, points, partial=True)
    strict = grade(key, {"choices": chosen}, points, partial=False)
    assert Decimal(0) <= partial <= points
    assert Decimal(0) <= strict <= partial
    if set(chosen) - right:
        assert partial == strict == Decimal("0.00")
    if set(chosen) == right:
        assert partial == strict == points
    else:
        assert strict == Decimal("0.00")
        assert partial < points


@settings(max_examples=300, deadline=None)
@given(multiple_cases(), st.sampled_from(MARKS), st.data())
def test_adding_a_right_option_never_lowers_the_score(case, points, data):
    key, right, chosen = case
    missing = sorted(right - set(chosen))
    if not missing:
        return
    added = data.draw(st.sampled_from(missing))
    before = grade(key, {"choices": chosen}, points, partial=True)
    after = grade(key, {"choices": sorted({*chosen, added})}, points, partial=True)
    assert after >= before
    if not set(chosen) - right:
        assert after > before  # a right option always earns something while no wrong one is chosen


@settings(max_examples=200, deadline=None)
@given(multiple_cases())
def test_choice_share_is_order_free(case):
    key, _right, chosen = case
    assert choice_share(key, frozenset(chosen), partial=True) == choice_share(key, frozenset(reversed(chosen)),
                                                                               partial=True)


# Fill in the blank.

def fill_key(accepted, **flags):
    return Key(type="fill_in", accepted=tuple(tuple(a) for a in accepted), **flags)


def test_fill_in_each_blank_carries_an_equal_share():
    key = fill_key([["安全第一"], ["预防为主"], ["综合治理"]])
    assert grade(key, {"blanks": ["安全第一", "预防为主", "综合治理"]}, Decimal("3")) == Decimal("3.00")
    assert grade(key, {"blanks": ["安全第一", "错", "综合治理"]}, Decimal("3")) == Decimal("2.00")
    assert grade(key, {"blanks": ["安全第一"]}, Decimal("3")) == Decimal("1.00")  # fewer answers than blanks
    assert grade(key, {"blanks": ["安全第一", "预防为主"]}, Decimal("2")) == Decimal("1.33")
    assert grade(key, {"blanks": ["预防为主", "安全第一", "综合治理"]}, Decimal("3")) == Decimal("1.00")  # order counts


def test_fill_in_accepts_any_of_several_answers():
    key = fill_key([["安全第一", "安全至上"]])
    assert grade(key, {"blanks": ["安全至上"]}) == Decimal("2.00")
    assert grade(key, {"blanks": ["安全"]}) == Decimal("0.00")


def test_fill_in_any_order():
    key = fill_key([["安全第一"], ["预防为主"]], any_order=True)
    assert grade(key, {"blanks": ["预防为主", "安全第一"]}) == Decimal("2.00")
    assert grade(key, {"blanks": ["预防为主", ""]}) == Decimal("1.00")
    assert grade(key, {"blanks": ["预防为主", "预防为主"]}) == Decimal("1.00")


def test_fill_in_any_order_counts_a_repeated_answer_once():
    # "Name two of the three": the same right answer written twice is one right answer, not two.
    three = ["安全第一", "预防为主", "综合治理"]
    key = fill_key([three, three], any_order=True)
    assert grade(key, {"blanks": ["预防为主", "综合治理"]}) == Decimal("2.00")
    assert grade(key, {"blanks": ["预防为主", "预防为主"]}) == Decimal("1.00")
    assert grade(key, {"blanks": ["预防为主", " 预防为主 "]}) == Decimal("1.00")


def test_fill_in_any_order_finds_the_best_matching():
    # A greedy match of the first answer to the first blank would leave the second answer without a blank.
    key = fill_key([["甲", "乙"], ["甲"]], any_order=True)
    assert grade(key, {"blanks": ["甲", "乙"]}) == Decimal("2.00")


def test_fill_in_case_rules():
    loose = fill_key([["PPE"]])
    strict = fill_key([["PPE"]], case_sensitive=True)
    assert grade(loose, {"blanks": ["ppe"]}) == Decimal("2.00")
    assert grade(strict, {"blanks": ["ppe"]}) == Decimal("0.00")
    assert grade(strict, {"blanks": ["PPE"]}) == Decimal("2.00")


def test_fill_in_folds_full_width_forms_and_spaces():
    key = fill_key([["PPE"], ["110"], ["hello world"]])
    assert grade(key, {"blanks": ["ＰＰＥ", "１１０", "  Hello \u3000 World "]}, Decimal("3")) == Decimal("3.00")
    strict = fill_key([["PPE"]], case_sensitive=True)
    assert grade(strict, {"blanks": ["ＰＰＥ"]}) == Decimal("2.00")
    assert grade(strict, {"blanks": ["ｐｐｅ"]}) == Decimal("0.00")


@pytest.mark.parametrize("response", [None, {}, {"blanks": "安全第一"}, {"blanks": [1]}, {"text": "安全第一"}])
def test_fill_in_malformed_responses_earn_nothing(response):
    assert grade(fill_key([["安全第一"]]), response) == Decimal("0.00")


def test_fill_in_without_accepted_answers_earns_nothing():
    assert grade(fill_key([]), {"blanks": ["x"]}) == Decimal("0.00")


def test_normalise_text():
    assert normalise_text("  ＡＢＣ　１２ ") == "abc 12"
    assert normalise_text("ＡＢＣ", case_sensitive=True) == "ABC"
    assert normalise_text(None) == ""  # type: ignore[arg-type]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["甲", "乙", "丙", "丁", "", "ＡＢ", "ab"]), min_size=1, max_size=4),
       st.permutations(range(4)), st.booleans())
def test_fill_in_any_order_ignores_the_order_of_answers(given_, order, case_sensitive):
    accepted = [["甲", "ab"], ["乙"], ["丙", "甲"], ["丁"]]
    key = fill_key(accepted, any_order=True, case_sensitive=case_sensitive)
    answers = (given_ + [""] * 4)[:4]
    shuffled = [answers[i] for i in order]
    score = grade(key, {"blanks": answers}, Decimal("4"))
    assert score == grade(key, {"blanks": shuffled}, Decimal("4"))
    assert Decimal(0) <= score <= Decimal(4)
    # Never better than the number of different non-empty answers given.
    distinct = {normalise_text(a, case_sensitive) for a in answers if a}
    assert score <= len(distinct)
