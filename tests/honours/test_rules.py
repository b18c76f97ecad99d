"""Places 1 to N with the plan's rule for ties at N, against an independent computation from the scores; the
title each ranking confers."""

from hypothesis import given
from hypothesis import strategies as st

from suzhi.campaigns.plan.schema import AwardRule
from suzhi.honours.rules import competition_positions, title_for, within_top


def _independent(scores: list[int], top: int, ties: str) -> set[int]:
    """By the scores alone: `share` keeps whoever has fewer than `top` people strictly ahead; `exclude` whoever has
    at most `top` people at or ahead of their score, themselves included."""
    kept = set()
    for index, score in enumerate(scores):
        ahead = sum(1 for other in scores if other > score)
        level = sum(1 for other in scores if other >= score)
        if (ties == "share" and ahead < top) or (ties == "exclude" and level <= top):
            kept.add(index)
    return kept


@given(scores=st.lists(st.integers(min_value=0, max_value=6), max_size=25), top=st.integers(min_value=1, max_value=8),
       ties=st.sampled_from(["share", "exclude", "decide"]), dense=st.booleans())
def test_top_n_with_ties_matches_an_independent_count(scores, top, ties, dense):
    positions = competition_positions(scores)
    if dense:  # 1, 2, 2, 3 reads as 1, 2, 2, 4
        order = sorted(set(positions))
        positions = [order.index(p) + 1 for p in positions]
    found = within_top(list(range(len(scores))), positions, top, ties)
    kept = {placed.item for placed in found}
    assert kept == _independent(scores, top, "share" if ties == "decide" else ties)
    for placed in found:
        at_or_ahead = sum(1 for other in scores if other >= scores[placed.item])
        assert placed.over == (at_or_ahead > top)
        assert placed.position == sum(1 for other in scores if other > scores[placed.item]) + 1


def test_the_tie_at_the_boundary_under_each_rule():
    # 10 people, the 9th and 10th places shared by three: share gives 11 titles, exclude 8, decide 11 marked.
    positions = [1, 2, 3, 4, 5, 6, 7, 8, 9, 9, 9, 12]
    assert len(within_top(positions, positions, 10, "share")) == 11
    assert [p.item for p in within_top(positions, positions, 10, "exclude")] == [1, 2, 3, 4, 5, 6, 7, 8]
    decided = within_top(positions, positions, 10, "decide")
    assert [p.over for p in decided] == [False] * 8 + [True] * 3


def test_unofficial_entries_never_qualify():
    assert [p.item for p in within_top(["a", "b", "c"], [1, None, 2], 5, "share")] == ["a", "c"]


def _rule(**fields):
    return AwardRule.model_validate({"key": "r", "title": "标兵", "text": "", "basis": "ranking", "activity": "x",
                                     "top": 3, **fields})


def test_titles_by_ranking_exact_then_by_prefix_then_the_one_title():
    rule = _rule(titles=["技术标兵", "服务明星"], title_by_ranking={"计算机操作": "技术标兵", "汽车驾驶": "服务明星"})
    assert title_for(rule, "计算机操作") == "技术标兵"
    assert title_for(rule, "汽车驾驶 决赛") == "服务明星"
    assert title_for(rule, "焊工") == "标兵"  # no title said: the rule's name, for the organiser to see
    assert title_for(_rule(titles=["状元"]), "焊工") == "状元"


def test_a_rule_summarised_for_the_organiser():
    from django.utils import translation

    from suzhi.honours.rules import summary

    with translation.override("en"):
        assert summary(_rule(per_ranking=True, ties="exclude")) == [
            "Places in the activity's ranking", "the best 3", "each ranking separately",
            "tied at the last place: none of them receives it"]
