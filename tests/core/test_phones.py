"""The one phone normaliser (suzhi.core.phones): accounts, rosters and organisations' contact numbers."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from suzhi.core.phones import is_mobile, is_phone, normalise_mobile, normalise_phone
from suzhi.people import validation

FULL_WIDTH = {str(d): chr(0xFF10 + d) for d in range(10)}
PREFIXES = ["", "+86", "0086", "86", "+86 ", "+86-", "0086 ", "＋８６", "(+86)"]
SEPARATORS = ["", " ", "-", "\u3000", "－", "  "]


@st.composite
def typed_mobiles(draw):
    """A mobile number as someone might type or paste it, with the 11 digits it stands for."""
    digits = "1" + draw(st.sampled_from("3456789")) + "".join(draw(st.lists(st.sampled_from("0123456789"),
                                                                               min_size=9, max_size=9)))
    shown = [FULL_WIDTH[ch] if draw(st.booleans()) else ch for ch in digits]
    groups = [shown[:3], shown[3:7], shown[7:]]
    sep = draw(st.sampled_from(SEPARATORS))
    text = draw(st.sampled_from(PREFIXES)) + sep.join("".join(g) for g in groups)
    if draw(st.booleans()):
        text = draw(st.sampled_from([" ", "\t", "\u3000"])) + text + " "
    return text, digits


def is_mobile_by_hand(text: str) -> bool:
    """An independent reading of the rule, without regular expressions."""
    return len(text) == 11 and text[0] == "1" and text[1] in "3456789" and all(ch in "0123456789" for ch in text)


@given(typed_mobiles())
def test_a_typed_mobile_comes_back_as_its_11_digits(case):
    text, digits = case
    assert normalise_mobile(text) == digits
    assert is_mobile(normalise_mobile(text))
    assert normalise_phone(text) == digits and is_phone(normalise_phone(text))
    assert validation.clean_phone(text) == digits


@given(st.text(alphabet="0123456789０１２３４５６７８９ -+()", max_size=18))
def test_only_what_the_rule_allows_is_a_mobile(text):
    normalised = normalise_mobile(text)
    assert is_mobile(normalised) == is_mobile_by_hand(normalised)
    if is_mobile(normalised):
        # Every digit kept is one that was typed, in order: at most a country prefix in front is dropped.
        typed = "".join(ch for ch in text if ch.isdigit())
        typed = "".join(str(int(ch)) for ch in typed)
        assert typed.endswith(normalised) and typed[: -11] in ("", "86", "0086")


@pytest.mark.parametrize("raw", [
    "12800138000", "1380013800", "138001380001", "0937-8822334", "abc", "+87 13800138000", "8713800138000",
    "١٣٨٠٠١٣٨٠٠٠",
])
def test_not_mobiles(raw):
    assert not is_mobile(normalise_mobile(raw))


@pytest.mark.parametrize(("raw", "clean"), [
    ("0086 139（0000）0001", "13900000001"), ("8613900000001", "13900000001"), (13900000001.0, "13900000001"),
    (None, ""), ("", ""),
])
def test_normalise_mobile_examples(raw, clean):
    assert normalise_mobile(raw) == clean


@pytest.mark.parametrize(("raw", "clean"), [
    ("0937-8812345", "0937-8812345"), ("09378812345", "09378812345"), ("010-12345678-123", "010-12345678-123"),
    (" 0937 8812345 ", "09378812345"), ("+86 0937-8812345", "0937-8812345"),
    ("０９３７－８８１２３４５", "0937-8812345"),
    ("138 0937 0001", "13809370001"), ("138-0937-0001", "13809370001"),
])
def test_contact_numbers_keep_landlines(raw, clean):
    assert normalise_phone(raw) == clean
    assert is_phone(clean)


@pytest.mark.parametrize("raw", ["12345", "937-8812345", "0937-88", "0937-8812345-1234567"])
def test_not_contact_numbers(raw):
    assert not is_phone(normalise_phone(raw))


def test_a_landline_is_no_mobile():
    """A person's or an account's number takes text messages: a landline is refused there."""
    assert not is_mobile(normalise_mobile("0937-8812345"))
    with pytest.raises(validation.InvalidValue):
        validation.clean_phone("0937-8812345")
