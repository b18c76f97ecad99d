from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from suzhi.judging.scoring import aggregate, ranks, sheet_total

scores = st.lists(st.integers(0, 10000).map(lambda n: Decimal(n) / 100), min_size=1, max_size=12)


def _rounded(value: Fraction) -> Decimal:
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(Decimal("0.0001"), ROUND_HALF_UP)


def test_hand_computed_values():
    values = [Decimal(v) for v in ("90", "80", "80", "70", "95", "95")]
    assert aggregate(values, method="mean") == Decimal("85.0000")
    assert aggregate(values, method="median") == Decimal("85.0000")
    # 70 and one of the two 95s dropped: (80 + 80 + 90 + 95) / 4
    assert aggregate(values, method="trimmed", trim=1, min_judges=5) == Decimal("86.2500")
    # Too few judges: the plain mean
    assert aggregate(values[:4], method="trimmed", trim=1, min_judges=5) == Decimal("80.0000")
    assert aggregate([], method="mean") is None
    assert aggregate([Decimal(100)] * 5, method="trimmed", trim=2, min_judges=5) == Decimal(100)


@given(scores)
def test_mean(values):
    assert aggregate(values, method="mean") == _rounded(sum(Fraction(v) for v in values) / len(values))


@given(scores)
def test_median(values):
    ordered = sorted(Fraction(v) for v in values)
    n = len(ordered)
    expected = ordered[n // 2] if n % 2 else (ordered[n // 2 - 1] + ordered[n // 2]) / 2
    assert aggregate(values, method="median") == _rounded(expected)


@given(scores, st.integers(0, 3), st.integers(1, 8), st.booleans())
def test_trimmed_drops_exactly_n_from_each_end(values, trim, min_judges, tie_top):
    if tie_top:  # several judges tied at the top: only `trim` of them dropped
        values = [*values, max(values), max(values)]
    remaining = [Fraction(v) for v in values]
    if trim and len(values) >= min_judges and len(values) > 2 * trim:
        for _ in range(trim):  # removed one at a time, as a person would cross out
            remaining.remove(max(remaining))
            remaining.remove(min(remaining))
    expected = sum(remaining) / len(remaining)
    assert aggregate(values, method="trimmed", trim=trim, min_judges=min_judges) == _rounded(expected)


criteria = st.lists(st.tuples(st.integers(1, 60), st.integers(1, 200)), min_size=1, max_size=6)


@given(criteria, st.data())
def test_sheet_total(rubric, data):
    keyed = [(f"c{i}", Decimal(w), Decimal(m)) for i, (w, m) in enumerate(rubric)]
    sheet = {key: Decimal(data.draw(st.integers(0, int(m)))) for key, _w, m in keyed}
    expected = sum(Fraction(sheet[key]) / Fraction(m) * Fraction(w) for key, w, m in keyed)
    assert sheet_total(sheet, keyed) == _rounded(expected)


def test_full_marks_total_the_weights():
    rubric = [("tech", Decimal(30), Decimal(10)), ("benefit", Decimal(30), Decimal(100)),
              ("scope", Decimal(20), Decimal(20)), ("use", Decimal(20), Decimal(5))]
    assert sheet_total({"tech": 10, "benefit": 100, "scope": 20, "use": 5}, rubric) == Decimal(100)


def test_ranks_share_places_per_category():
    items = [(1, "a", Decimal(90)), (2, "a", Decimal(80)), (3, "a", Decimal(80)), (4, "a", Decimal(70)),
             (5, "b", Decimal(50)), (6, "b", None)]
    assert ranks(items) == {1: 1, 2: 2, 3: 2, 4: 4, 5: 1, 6: None}


@given(st.lists(st.tuples(st.sampled_from("xyz"), st.integers(0, 5)), max_size=30))
def test_ranks_count_the_better_ones(rows):
    items = [(index, category, Decimal(value)) for index, (category, value) in enumerate(rows)]
    result = ranks(items)
    for key, category, value in items:
        better = sum(1 for _k, c, v in items if c == category and v > value)
        assert result[key] == better + 1
