from collections import Counter, deque

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from suzhi.judging.assign import (
    AssignmentInfeasible,
    EntryNode,
    JudgeNode,
    Reason,
    _balance,
    assign,
    bounds,
    conflict_reasons,
    is_balanced,
)

# A tree of paths: 4 towns ("0001".."0004") with 5 units each ("0001000k")
TOWNS = [f"{t:04d}" for t in range(1, 5)]
UNITS = [f"{town}{u:04d}" for town in TOWNS for u in range(1, 6)]


@st.composite
def instances(draw):
    k = draw(st.integers(1, 3))
    n_judges = draw(st.integers(k, 12))
    judges = []
    for judge_id in range(n_judges):
        at_town = draw(st.integers(0, 9)) == 0
        path = draw(st.sampled_from(TOWNS if at_town else UNITS))
        judges.append(JudgeNode(id=judge_id, org_paths=(path,), person_id=1000 + judge_id,
                                declared_entries=frozenset(draw(st.sets(st.integers(0, 30), max_size=2)))))
    entries = []
    for entry_id in range(draw(st.integers(0, 30))):
        authors = draw(st.sets(st.integers(1000, 1000 + n_judges), max_size=2))
        nominator = draw(st.sampled_from(["", *TOWNS]))
        entries.append(EntryNode(id=entry_id, org_path=draw(st.sampled_from(UNITS)), author_ids=frozenset(authors),
                                 nominator_path=nominator))
    return entries, judges, k


def _max_flow(capacity: dict[tuple[str, str], int], source: str, sink: str) -> int:
    """Edmonds–Karp on a dict of edge capacities (an independent check, not the module's algorithm)."""
    residual = Counter(capacity)
    neighbours: dict[str, set[str]] = {}
    for a, b in capacity:
        neighbours.setdefault(a, set()).add(b)
        neighbours.setdefault(b, set()).add(a)
    flow = 0
    while True:
        came = {source: None}
        queue = deque([source])
        while queue and sink not in came:
            node = queue.popleft()
            for nxt in neighbours.get(node, ()):
                if nxt not in came and residual[(node, nxt)] > 0:
                    came[nxt] = node
                    queue.append(nxt)
        if sink not in came:
            return flow
        node, push = sink, None
        while came[node] is not None:
            push = residual[(came[node], node)] if push is None else min(push, residual[(came[node], node)])
            node = came[node]
        node = sink
        while came[node] is not None:
            residual[(came[node], node)] -= push
            residual[(node, came[node])] += push
            node = came[node]
        flow += push


def _balanced_assignment_exists(entries, judges, k) -> bool:
    """A circulation with lower bounds: every entry exactly k judges, every judge's load within [low, high]."""
    low, high = bounds(len(entries), len(judges), k)
    edges: dict[tuple[str, str], int] = Counter()
    excess: Counter = Counter()

    def edge(a, b, lower, upper):
        edges[(a, b)] += upper - lower
        excess[b] += lower
        excess[a] -= lower

    for entry in entries:
        edge("s", f"e{entry.id}", k, k)
        for judge in judges:
            if not conflict_reasons(entry, judge):
                edge(f"e{entry.id}", f"j{judge.id}", 0, 1)
    for judge in judges:
        edge(f"j{judge.id}", "t", low, high)
    edge("t", "s", 0, 10**6)
    for node, value in list(excess.items()):
        if value > 0:
            edges[("S*", node)] += value
        elif value < 0:
            edges[(node, "T*")] += -value
    needed = sum(v for v in excess.values() if v > 0)
    return _max_flow(edges, "S*", "T*") == needed


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(instances())
def test_conflict_free_complete_and_balanced(instance):
    """Assigned exactly when a balanced conflict-free assignment exists (an independent max-flow decides)."""
    entries, judges, k = instance
    by_id = {judge.id: judge for judge in judges}
    eligible_counts = {e.id: sum(1 for j in judges if not conflict_reasons(e, j)) for e in entries}
    feasible = _balanced_assignment_exists(entries, judges, k)
    try:
        result = assign(entries, judges, k=k)
    except AssignmentInfeasible as exc:
        assert not feasible
        if exc.reason == "too_few_eligible_judges":
            assert exc.entries and all(eligible_counts[e] < k for e in exc.entries)
        return
    assert feasible
    loads = Counter()
    for entry in entries:
        chosen = result[entry.id]
        assert len(chosen) == k == len(set(chosen))
        for judge_id in chosen:
            assert not conflict_reasons(entry, by_id[judge_id])
            loads[judge_id] += 1
    assert is_balanced([loads[j.id] for j in judges], len(entries), k)


@settings(max_examples=200)
@given(st.integers(1, 40), st.integers(4, 15), st.integers(1, 3))
def test_sparse_conflicts_always_balance(n_entries, n_judges, k):
    """Judges each at a unit of their own, entries spread round-robin over the units: a balanced assignment
    exists and is found."""
    judges = [JudgeNode(id=j, org_paths=(f"0001{j:04d}",)) for j in range(n_judges)]
    entries = [EntryNode(id=e, org_path=f"0001{e % n_judges:04d}") for e in range(n_entries)]
    result = assign(entries, judges, k=k)
    loads = Counter(j for chosen in result.values() for j in chosen)
    assert is_balanced([loads[j.id] for j in judges], n_entries, k)


def test_dealing_around_a_conflict_stays_within_one_of_the_mean():
    # Entries 0-2 from unit A: only judges 1 and 2 may score them; entries 3-5 any judge.
    judges = [JudgeNode(0, ("0001",)), JudgeNode(1, ("0002",)), JudgeNode(2, ("0003",))]
    entries = [EntryNode(i, "00010001") for i in range(3)] + [EntryNode(i, "00040001") for i in range(3, 6)]
    result = assign(entries, judges, k=1)
    loads = Counter(j for chosen in result.values() for j in chosen)
    assert is_balanced([loads[j.id] for j in judges], len(entries), 1)
    assert all(result[i] != [0] for i in range(3))


def test_balance_repair_moves_along_a_path():
    # Loads 3, 2, 0 over five entries (mean 5/3: loads must lie in 1..2). Judge 2 may score only entry 3, which
    # judge 1 holds, and judge 1 is full; judge 1 may take entry 0 from judge 0. So the repair is a path:
    # judge 0 gives entry 0 to judge 1, who gives entry 3 to judge 2.
    judges = {0: JudgeNode(0, ("0009",)), 1: JudgeNode(1, ("0008",)), 2: JudgeNode(2, ("0001", "0002", "0003"))}
    entries = {0: EntryNode(0, "00030001"), 1: EntryNode(1, "00010001"), 2: EntryNode(2, "00020001"),
               3: EntryNode(3, "00050001"), 4: EntryNode(4, "00030002")}
    chosen = {0: [0], 1: [0], 2: [0], 3: [1], 4: [1]}
    load = {0: 3, 1: 2, 2: 0}
    _balance(chosen, load, entries, judges, set(), *bounds(5, 3, 1))
    assert load == {0: 2, 1: 2, 2: 1}
    assert chosen == {0: [1], 1: [0], 2: [0], 3: [2], 4: [1]}


def test_fixed_pairs_are_kept():
    judges = [JudgeNode(j, (f"000{j + 1}",)) for j in range(3)]
    entries = [EntryNode(i, "00090001") for i in range(3)]
    result = assign(entries, judges, k=1, fixed=[(0, 2)])
    assert result[0] == [2]


def test_infeasible_when_too_few_judges_may_score():
    judges = [JudgeNode(0, ("0001",)), JudgeNode(1, ("0002",))]
    with pytest.raises(AssignmentInfeasible) as caught:
        assign([EntryNode(7, "00010003")], judges, k=2)
    assert caught.value.entries == [7]


def test_reasons():
    judge = JudgeNode(1, ("0001",), person_id=5, declared_paths=("0003",))
    assert conflict_reasons(EntryNode(1, "00010002"), judge) == [Reason.OWN_ORGANISATION]
    assert conflict_reasons(EntryNode(1, "0002", author_ids=frozenset({5})), judge) == [Reason.AUTHOR]
    assert conflict_reasons(EntryNode(1, "0002", nominator_path="0001"), judge) == [Reason.NOMINATOR]
    assert conflict_reasons(EntryNode(1, "00030001"), judge) == [Reason.DECLARED]
    assert conflict_reasons(EntryNode(1, "0002"), judge) == []
    # The judge's parent organisation's own entries are allowed
    assert conflict_reasons(EntryNode(1, "00"), JudgeNode(1, ("0001",))) == []
    assert bounds(10, 4, 3) == (7, 8)
