"""The ranking of an event (weighted total, tie-break chain, shared positions, unofficial contestants) and
advancement, against an independent computation."""

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from suzhi.competitions.ranking import Advancement, Contestant, Key, advancing, rank, weighted_total

WEIGHTS = {"theory": Decimal(30), "practical": Decimal(70)}
CHAIN = (Key("practical"), Key("theory"), Key("time", "lower"))


def _c(cid, theory, practical, time=None, official=True, group=""):
    values = {"theory": None if theory is None else Decimal(theory),
              "practical": None if practical is None else Decimal(practical),
              "time": None if time is None else Decimal(time)}
    return Contestant(cid, values, official, group)


def test_theory_30_practical_70():
    assert weighted_total({"theory": Decimal(80), "practical": Decimal(90)}, WEIGHTS) == Decimal("87.0000")
    assert weighted_total({"theory": Decimal(80), "practical": None}, WEIGHTS) is None


def test_ties_broken_by_practical_then_theory_then_time_and_shared_when_all_equal():
    # a, b, c and d all total 87; c has the lowest practical; a, b and d tie on practical and theory, and b and d
    # were faster than a.
    a = _c("a", 80, 90, time=600)
    b = _c("b", 80, 90, time=500)
    c = _c("c", 94, 84, time=100)
    d = _c("d", 80, 90, time=500)
    e = _c("e", 50, 50)
    placed = {p.id: p.position for p in rank([a, b, c, d, e], weights=WEIGHTS, tie_break=CHAIN)}
    # b and d are equal on every key: they share 1; a is slower: 3; c's total is lower: 4; e: 5
    assert placed == {"b": 1, "d": 1, "a": 3, "c": 4, "e": 5}


def test_unofficial_contestants_are_listed_but_take_no_position():
    placed = rank([_c("x", 100, 100, official=False), _c("a", 80, 80), _c("b", 70, 70)], weights=WEIGHTS)
    assert [(p.id, p.position) for p in placed] == [("x", None), ("a", 1), ("b", 2)]


def test_missing_component_means_no_place():
    placed = {p.id: p.position for p in rank([_c("a", 80, None), _c("b", 10, 10)], weights=WEIGHTS)}
    assert placed == {"a": None, "b": 1}


def test_positions_per_preliminary():
    placed = rank([_c("a1", 90, 90, group="A"), _c("a2", 80, 80, group="A"), _c("b1", 70, 70, group="B")],
                  weights=WEIGHTS)
    assert {p.id: p.position for p in placed} == {"a1": 1, "a2": 2, "b1": 1}


def test_advancement_top_percent_line_and_ties_at_the_boundary():
    group = [_c("a", 90, 90), _c("b", 80, 80), _c("c", 80, 80), _c("d", 70, 70), _c("x", 99, 99, official=False)]
    placed = rank(group, weights=WEIGHTS)
    assert advancing(placed, Advancement(top=2)) == {"a", "b", "c"}  # b and c share 2nd: both go
    assert advancing(placed, Advancement(top=2, ties="exclude")) == {"a"}
    assert advancing(placed, Advancement(percent=Decimal(50))) == {"a", "b", "c"}  # 4 officials × 50% = 2
    assert advancing(placed, Advancement(percent=Decimal(49))) == {"a"}  # floor(1.96) = 1
    assert advancing(placed, Advancement(score_line=Decimal(80))) == {"a", "b", "c"}


# Coarse scores tie often; four-place ones (as measures and the judges' combined scores are kept) test the order
scores = st.one_of(st.none(), st.integers(0, 5).map(lambda n: Decimal(n * 10)),
                   st.decimals(min_value=0, max_value=100, places=4))
people = st.lists(st.tuples(scores, scores, st.one_of(st.none(), st.integers(1, 3).map(Decimal)), st.booleans(),
                            st.sampled_from("AB")), max_size=25)


def _independent_positions(rows):
    """Position = 1 + the number of officials in the group strictly better on (total, practical, theory, time),
    compared key by key, a missing value worst."""
    def better(x, y):  # is x strictly better than y?
        for key, higher in (("total", True), ("practical", True), ("theory", True), ("time", False)):
            vx, vy = x[key], y[key]
            if vx == vy:
                continue
            if vx is None:
                return False
            if vy is None:
                return True
            return vx > vy if higher else vx < vy
        return False

    result = {}
    for i, row in rows.items():
        if not row["official"] or row["total"] is None:
            result[i] = None
            continue
        result[i] = 1 + sum(1 for j, other in rows.items() if j != i and other["official"]
                            and other["total"] is not None and other["group"] == row["group"] and better(other, row))
    return result


@given(people)
def test_positions_match_an_independent_count(data):
    contestants = [_c(i, t, p, time, official, group) for i, (t, p, time, official, group) in enumerate(data)]
    placed = {p.id: p.position for p in rank(contestants, weights=WEIGHTS, tie_break=CHAIN)}
    rows = {i: {"theory": t, "practical": p, "time": time, "official": official, "group": group,
                "total": None if t is None or p is None else (t * 30 + p * 70) / 100}
            for i, (t, p, time, official, group) in enumerate(data)}
    assert placed == _independent_positions(rows)


@given(people, st.integers(1, 6), st.sampled_from(["share", "exclude"]))
def test_top_n_advancement_matches_an_independent_rule(data, n, ties):
    contestants = [_c(i, t, p, time, official, group) for i, (t, p, time, official, group) in enumerate(data)]
    placed = rank(contestants, weights=WEIGHTS, tie_break=CHAIN)
    chosen = advancing(placed, Advancement(top=n, ties=ties))
    for p in placed:
        if p.position is None:
            assert p.id not in chosen
            continue
        tied = [q for q in placed if q.group == p.group and q.position == p.position]
        better = sum(1 for q in placed if q.group == p.group and q.position is not None and q.position < p.position)
        expected = better < n and (ties == "share" or better + len(tied) <= n)
        assert (p.id in chosen) == expected
