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


def _loc_dat_periods() -> dict[str, list[tuple[int | None, int | None]]]:
    """The years each region code was in force, read straight from the text of python-stdnum's
    cn/loc.dat (a province line "62 province=…", then indented "  2103 county=\"[1987-2002]敦煌市\""
    lines, a code renamed in place carrying several comma-separated names), not through stdnum."""
    import re
    from pathlib import Path

    import stdnum.cn

    periods: dict[str, list[tuple[int | None, int | None]]] = {}
    province = ""
    for line in (Path(stdnum.cn.__file__).parent / "loc.dat").read_text(encoding="utf-8").splitlines():
        if re.match(r"^\d\d province=", line):
            province = line[:2]
        elif match := re.match(r'^\s+(\d{4}) county="(.*)"$', line):
            spans = []
            for name in match.group(2).split(","):
                dated = re.match(r"^\[(\d*)-(\d*)\]", name)
                spans.append((int(dated.group(1)) if dated and dated.group(1) else None,
                              int(dated.group(2)) if dated and dated.group(2) else None))
            periods[province + match.group(1)] = spans
    return periods


LOC_DAT = _loc_dat_periods()


def _accepted_by_the_rule(region: str, birth_year: int, this_year: int) -> bool:
    """Issue 14's rule: a code in force at some time from the birth year until this year."""
    return any(max(birth_year, start or birth_year) <= min(this_year, end or this_year)
               for start, end in LOC_DAT.get(region, []))


@given(
    st.dates(min_value=datetime.date(1940, 1, 1), max_value=datetime.date(2020, 12, 31)),
    st.integers(0, 12),
    st.sampled_from(sorted(LOC_DAT)) | st.from_regex(r"\A\d{6}\Z"),
    st.integers(0, 999),
    st.none() | st.sampled_from(list("0123456789X")),  # None: the right check digit
)
def test_check_resident_id_is_the_rule_on_loc_dat(birth, years_later, region, sequence, last):
    number = f"{region}{birth:%Y%m%d}{sequence:03d}"
    number += ric.calc_check_digit(number + "0") if last is None else last
    today = datetime.date(birth.year + years_later, 12, 31)
    try:
        check_resident_id(number, today=today)
        ours = True
    except InvalidValue:
        ours = False
    expected = number[-1] == ric.calc_check_digit(number) and _accepted_by_the_rule(region, birth.year, today.year)
    assert ours == expected


@given(
    st.dates(min_value=datetime.date(1940, 1, 1), max_value=datetime.date(2015, 12, 31)),
    st.sampled_from(["110105", "620982", "622103", "622122", "440300", "999999"]),
    st.integers(0, 999),
    st.sampled_from(list("0123456789X")),
)
def test_every_number_stdnum_accepts_is_accepted(birth, region, sequence, last):
    """stdnum wants the code in force in the birth year; that is one of the years the rule accepts."""
    number = f"{region}{birth:%Y%m%d}{sequence:03d}{last}"
    if ric.is_valid(number):
        assert check_resident_id(number).birth_date == birth


def test_a_number_issued_years_after_the_birth_keeps_the_code_of_its_issue():
    """Born in Dunhuang in 1975, number issued in 1990: 622103 (敦煌市, in force 1987-2002)."""
    assert LOC_DAT["622103"] == [(1987, 2002)]
    number = valid_id("62210319750614003")
    assert not ric.is_valid(number)  # stdnum checks the code against the birth year only
    resident = check_resident_id(number, today=datetime.date(2024, 1, 1))
    assert (resident.birth_date, resident.gender) == (datetime.date(1975, 6, 14), "M")
    # and a code still in force today is accepted for an old number, as is the birth year's own code
    check_resident_id(valid_id("62098219750614003"), today=datetime.date(2024, 1, 1))
    check_resident_id(valid_id("62212219750614003"), today=datetime.date(2024, 1, 1))


def test_a_code_abolished_before_the_birth_is_refused():
    assert LOC_DAT["622122"] == [(None, 1987)]  # 敦煌县, which became 敦煌市 in 1987
    check_resident_id(valid_id("62212219870101002"))
    with pytest.raises(InvalidValue, match="abolished in 1987, before the birth year 1990"):
        check_resident_id(valid_id("62212219900101002"))


@pytest.mark.parametrize("region", ["999999", "110199", "629999"])
def test_a_code_that_never_existed_is_refused(region):
    assert region not in LOC_DAT
    with pytest.raises(InvalidValue, match=f"{region} at the start of the ID number is not a region code"):
        check_resident_id(valid_id(f"{region}19800101002"))


def test_a_code_under_a_known_province_but_no_county_is_an_error_not_a_keyerror():
    """stdnum finds the province 62 of 629999 but no county, and fails on the missing key."""
    number = valid_id("62999919800101002")
    with pytest.raises(KeyError):
        ric.get_birth_place(number)
    with pytest.raises(InvalidValue, match="not a region code"):
        check_resident_id(number)


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
