"""Each normalisation rule and each error of suzhi.people.validation."""

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum.cn import ric

from suzhi.people import validation as v
from suzhi.people.validation import InvalidValue, check_resident_id


@pytest.fixture(autouse=True)
def _english():
    """Messages are asserted by their English source text; the Chinese ones live in the .po file."""
    from django.utils import translation

    with translation.override("en"):
        yield


def valid_id(body17: str) -> str:
    return body17 + ric.calc_check_digit(body17 + "0")  # stdnum wants the number with a check-digit slot


MALE = valid_id("11010119850309001")  # sequence 001: odd, male
FEMALE = valid_id("11010119850309002")


@pytest.mark.parametrize(("raw", "clean"), [
    ("  张三  ", "张三"), ("张\u3000三", "张三"), ("张 三", "张三"), (" John   Smith ", "John Smith"),
    ("ＡＢＣ", "ABC"), (None, ""),
])
def test_clean_name(raw, clean):
    assert v.clean_name(raw) == clean


@pytest.mark.parametrize(("raw", "clean"), [
    ("ａｂ１２", "ab12"), ("  a \u3000 b ", "a b"), (12.0, "12"), (None, ""), (7, "7"),
])
def test_clean_text(raw, clean):
    assert v.clean_text(raw) == clean


def test_clean_id_number_normalises():
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in MALE)
    assert v.clean_id_number(full_width) == MALE
    assert v.clean_id_number(f" {MALE[:6]} {MALE[6:14]} {MALE[14:]} ") == MALE
    assert v.clean_id_number("11010119900101123x") == "11010119900101123X"
    assert v.clean_id_number(123456789012.0) == "123456789012"


@pytest.mark.parametrize("raw", ["6.20982E+17", "6.20982e17", "1E+17", 6.20982198501011e17, 1.5])
def test_scientific_notation_and_lost_digits_are_errors(raw):
    with pytest.raises(v.InvalidValue, match="Excel"):
        v.clean_id_number(raw)


def test_check_resident_id_derives_birth_and_gender():
    male, female = v.check_resident_id(MALE), v.check_resident_id(FEMALE)
    assert (male.birth_date, male.gender) == (datetime.date(1985, 3, 9), "M")
    assert female.gender == "F" and female.number == FEMALE


@pytest.mark.parametrize(("number", "words"), [
    (MALE[:-1], "18"),                                                     # length
    (MALE[:-1] + ("0" if MALE[-1] != "0" else "1"), "check digit"),         # checksum
    (valid_id("11010119850230001"), "does not exist"),                     # 30 February
    ("1101011985030900AX", "17 digits"),                                    # format
    (valid_id("110101" + f"{datetime.date.today().year + 1}0101" + "001"), "future"),
])
def test_check_resident_id_errors(number, words):
    with pytest.raises(v.InvalidValue, match=words):
        v.check_resident_id(number)


@pytest.mark.parametrize(("raw", "clean"), [
    ("13800138000", "13800138000"), ("138 0013 8000", "13800138000"), ("138-0013-8000", "13800138000"),
    ("+86 13800138000", "13800138000"), ("008613800138000", "13800138000"), ("１３８００１３８０００", "13800138000"),
    (13800138000.0, "13800138000"), ("", ""),
])
def test_clean_phone(raw, clean):
    assert v.clean_phone(raw) == clean


@pytest.mark.parametrize("raw", ["12800138000", "1380013800", "0937-8822334", "abc"])
def test_clean_phone_errors(raw):
    with pytest.raises(v.InvalidValue):
        v.clean_phone(raw)


@pytest.mark.parametrize("raw", [
    45392, 45392.0, "45392", "2024/4/10", "2024-04-10", "2024.4.10", "20240410", "2024年4月10日", "2024年4月10",
    datetime.date(2024, 4, 10), datetime.datetime(2024, 4, 10, 8, 30), " ２０２４－０４－１０ ",
])
def test_clean_date_every_form(raw):
    assert v.clean_date(raw) == datetime.date(2024, 4, 10)


def test_clean_date_blank():
    assert v.clean_date("") is None and v.clean_date(None) is None and v.clean_date("  ") is None


@pytest.mark.parametrize(("raw", "words"), [("2024-02-30", "real date"), ("明年", "not a date"),
                                             (1e9, "not a date")])
def test_clean_date_errors(raw, words):
    with pytest.raises(v.InvalidValue, match=words):
        v.clean_date(raw)


@pytest.mark.parametrize(("raw", "clean"), [
    ("是", True), ("否", False), ("Y", True), ("n", False), ("1", True), (0, False), ("", False), (True, True),
    ("会员", True), ("√", True),
])
def test_clean_bool(raw, clean):
    assert v.clean_bool(raw) is clean


def test_clean_bool_error():
    with pytest.raises(v.InvalidValue):
        v.clean_bool("也许")


@pytest.mark.parametrize(("raw", "clean"), [("男", "M"), ("女", "F"), (" M ", "M"), ("female", "F"), ("", "")])
def test_clean_gender(raw, clean):
    assert v.clean_gender(raw) == clean


def test_clean_gender_error():
    with pytest.raises(v.InvalidValue, match="男"):
        v.clean_gender("未知")


@given(
    st.dates(min_value=datetime.date(1940, 1, 1), max_value=datetime.date(2015, 12, 31)),
    st.sampled_from(["110105", "620982", "622103", "622122", "440300", "999999"]),
    st.integers(0, 999),
    st.sampled_from(list("0123456789X")),
)
def test_fast_check_agrees_with_stdnum(birth, region, sequence, last):
    number = f"{region}{birth:%Y%m%d}{sequence:03d}{last}"
    try:
        check_resident_id(number)
        ours = True
    except InvalidValue:
        ours = False
    assert ours == ric.is_valid(number)


def _clean_text_by_the_rule(value):
    """clean_text as first written: NFKC, runs of whitespace to one space, trimmed."""
    import re
    import unicodedata

    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", str(value))).strip()


@given(st.text() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.none())
def test_clean_text_is_the_regex_rule(value):
    assert v.clean_text(value) == _clean_text_by_the_rule(value)


@given(st.text(alphabet="0123456789０１２３xX \u3000") | st.from_regex(r"\A\d{18}\Z"))
def test_clean_id_number_fast_path_agrees_with_the_full_one(text):
    expected = _clean_text_by_the_rule(text).replace(" ", "").upper()
    if v._SCIENTIFIC.match(expected):
        return
    assert v.clean_id_number(text) == expected


@given(st.from_regex(r"\A[0-9１]{11}\Z") | st.sampled_from(["13800138000", "12800138000", "+8613800138000",
                                                            "138 0013 8000", "1380013800", "١٣٨٠٠١٣٨٠٠٠"]))
def test_clean_phone_fast_path_agrees_with_the_rule(text):
    import re

    clean = _clean_text_by_the_rule(text)
    digits = re.sub(r"[\s\-()（）]", "", clean)
    digits = digits[3:] if digits.startswith("+86") else digits
    if re.match(r"^1[3-9]\d{9}$", digits):
        assert v.clean_phone(text) == digits
    else:
        with pytest.raises(InvalidValue):
            v.clean_phone(text)


def test_check_resident_id_takes_today_from_the_caller():
    number = valid_id("11010120200101001")
    assert check_resident_id(number, today=datetime.date(2020, 1, 1)).birth_date == datetime.date(2020, 1, 1)
    with pytest.raises(InvalidValue, match="future"):
        check_resident_id(number, today=datetime.date(2019, 12, 31))
