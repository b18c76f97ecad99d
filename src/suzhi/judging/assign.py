"""Automatic assignment of judges to entries (pure; the service reads the rows and writes the result).

Conflicts of interest. A judge may not score an entry
- from an organisation in the judge's own subtree: the path of the judge's organisation (the account's, and the
  roster person's when different) is a prefix of the entry's organisation's path. An entry from the judge's
  parent organisation (above the judge) is allowed: the judge's unit is not the author of its town's entries;
- authored by the judge (the judge's roster person among the entry's authors);
- nominated by an organisation in the judge's subtree;
- declared in conflict by the judge or an admin (the entry itself, or any entry of a declared organisation's
  subtree).

The assignment. Every entry gets `k` judges of its eligible ones, dealt round the panel like cards: the judges
wait in a queue, least loaded first; an entry takes the first k in the queue who may score it, and they go to
the back; a judge who may not score it keeps their place for the next entry. Then the loads are balanced to
lie within one entry of the mean: while a judge is above floor(mean + 1) or below ceil(mean - 1), an augmenting
path moves one entry from judge to judge (A gives an entry to B, B gives one to C …) so that the over-loaded
judge loses one and a judge with room gains one (or the under-loaded one gains one). This is the augmenting-path
step of a flow with lower and upper bounds on the judges' loads: when no path exists, no balanced assignment
exists, and `AssignmentInfeasible` says so.
"""

from collections import deque
from collections.abc import Callable, Iterable, Sequence
from enum import StrEnum
from typing import NamedTuple


class Reason(StrEnum):
    OWN_ORGANISATION = "own_organisation"
    AUTHOR = "author"
    NOMINATOR = "nominator"
    DECLARED = "declared"


class EntryNode(NamedTuple):  # a tuple: tens of thousands are made per assignment
    id: int
    org_path: str
    author_ids: frozenset[int] = frozenset()
    nominator_path: str = ""
    category: str = ""


class JudgeNode(NamedTuple):
    id: int
    org_paths: tuple[str, ...]
    person_id: int | None = None
    # Declared conflicts: entry ids, and organisation paths whose subtrees are excluded
    declared_entries: frozenset[int] = frozenset()
    declared_paths: tuple[str, ...] = ()


class AssignmentInfeasible(Exception):
    def __init__(self, reason: str, entries: Sequence[int] = (), category: str = "") -> None:
        self.reason = reason
        self.entries = list(entries)
        self.category = category  # the panel's, when raised for one of several panels
        super().__init__(reason)


def conflict_reasons(entry: EntryNode, judge: JudgeNode) -> list[Reason]:
    """Why `judge` may not score `entry`; empty when they may."""
    reasons = []
    if any(entry.org_path.startswith(path) for path in judge.org_paths):
        reasons.append(Reason.OWN_ORGANISATION)
    if judge.person_id is not None and judge.person_id in entry.author_ids:
        reasons.append(Reason.AUTHOR)
    if entry.nominator_path and any(entry.nominator_path.startswith(path) for path in judge.org_paths):
        reasons.append(Reason.NOMINATOR)
    if entry.id in judge.declared_entries or any(entry.org_path.startswith(p) for p in judge.declared_paths):
        reasons.append(Reason.DECLARED)
    return reasons


def _eligible(entry: EntryNode, judge: JudgeNode) -> bool:
    """conflict_reasons(entry, judge) is empty, decided quickly: it runs for every pair the assignment tries."""
    paths = judge.org_paths  # str.startswith takes a tuple of prefixes
    if entry.org_path.startswith(paths) or (entry.nominator_path and entry.nominator_path.startswith(paths)):
        return False
    if judge.person_id is not None and judge.person_id in entry.author_ids:
        return False
    if judge.declared_entries and entry.id in judge.declared_entries:
        return False
    return not (judge.declared_paths and entry.org_path.startswith(judge.declared_paths))


def bounds(entries: int, judges: int, k: int) -> tuple[int, int]:
    """The loads allowed: within one entry of the mean (entries × k / judges)."""
    mean_times = entries * k  # mean = mean_times / judges, compared exactly
    low = max(0, -(-(mean_times - judges) // judges))  # ceil(mean - 1)
    high = (mean_times + judges) // judges  # floor(mean + 1)
    return low, high


def assign(entries: Sequence[EntryNode], judges: Sequence[JudgeNode], *, k: int,
           fixed: Iterable[tuple[int, int]] = ()) -> dict[int, list[int]]:
    """Judges (ids) for every entry (id): k each, no conflicting pair, loads within one of the mean.
    `fixed` pairs (entry id, judge id) are kept as they are (scores already given) and count towards k."""
    if not entries:
        return {}
    if not judges:
        raise AssignmentInfeasible("no_judges")
    judge_by_id = {judge.id: judge for judge in judges}
    entry_by_id = {entry.id: entry for entry in entries}
    chosen: dict[int, list[int]] = {entry.id: [] for entry in entries}
    pinned: set[tuple[int, int]] = set()
    load = dict.fromkeys(judge_by_id, 0)
    for entry_id, judge_id in fixed:
        if entry_id in chosen and judge_id in load and judge_id not in chosen[entry_id]:
            chosen[entry_id].append(judge_id)
            pinned.add((entry_id, judge_id))
            load[judge_id] += 1
    # The queue holds every judge once, least loaded first (ties in the panel's order); dealing takes a judge
    # from the front and puts them at the back, so loads stay level without comparing them (a heap of loads
    # costs a logarithm per pick, and there are entries × k picks).
    ranked = sorted(range(len(judges)), key=lambda index: (load[judges[index].id], index))
    queue = deque(judges[index] for index in ranked)
    short = []
    for entry in entries:
        taken = chosen[entry.id]
        need = k - len(taken)
        if need <= 0:
            continue
        passed = []
        dealt = []
        org_path, nominator_path, author_ids = entry.org_path, entry.nominator_path, entry.author_ids
        while need and queue:
            judge = queue.popleft()
            # _eligible(entry, judge), written out: this runs entries × k times and more
            paths = judge.org_paths
            if (judge.id in taken or org_path.startswith(paths)
                    or (nominator_path and nominator_path.startswith(paths))
                    or (author_ids and judge.person_id in author_ids)
                    or (judge.declared_entries and entry.id in judge.declared_entries)
                    or (judge.declared_paths and org_path.startswith(judge.declared_paths))):
                passed.append(judge)
                continue
            taken.append(judge.id)
            load[judge.id] += 1
            dealt.append(judge)
            need -= 1
        queue.extendleft(reversed(passed))  # those who could not take this entry come first for the next
        queue.extend(dealt)
        if need:
            short.append(entry.id)
    if short:
        raise AssignmentInfeasible("too_few_eligible_judges", short)
    _balance(chosen, load, entry_by_id, judge_by_id, pinned, *bounds(len(entries), len(judges), k))
    return chosen


def _balance(chosen: dict[int, list[int]], load: dict[int, int], entry_by_id: dict[int, EntryNode],
             judge_by_id: dict[int, JudgeNode], pinned: set[tuple[int, int]], low: int, high: int) -> None:
    if all(low <= n <= high for n in load.values()):
        return  # dealing round the panel usually leaves nothing to move
    judged_by: dict[int, set[int]] = {judge_id: set() for judge_id in load}
    for entry_id, judge_ids in chosen.items():
        for judge_id in judge_ids:
            judged_by[judge_id].add(entry_id)

    def path_from(start: int, done: Callable[[int], bool]) -> list[tuple[int, int, int]] | None:
        """Moves (entry, from judge, to judge) from `start` to a judge for which `done(judge)` holds."""
        came: dict[int, tuple[int, int, int] | None] = {start: None}
        queue = deque([start])
        while queue:
            giver = queue.popleft()
            for entry_id in judged_by[giver]:
                if (entry_id, giver) in pinned:
                    continue
                entry = entry_by_id[entry_id]
                holders = chosen[entry_id]
                for taker, judge in judge_by_id.items():
                    if taker in came or taker in holders or not _eligible(entry, judge):
                        continue
                    came[taker] = (entry_id, giver, taker)
                    if done(taker):
                        moves = []
                        node = taker
                        while came[node] is not None:
                            move = came[node]
                            moves.append(move)
                            node = move[1]
                        return moves
                    queue.append(taker)
        return None

    def apply(moves: list[tuple[int, int, int]]) -> None:
        for entry_id, giver, taker in moves:
            holders = chosen[entry_id]
            holders[holders.index(giver)] = taker
            judged_by[giver].discard(entry_id)
            judged_by[taker].add(entry_id)
            load[giver] -= 1
            load[taker] += 1

    for judge_id in list(load):
        while load[judge_id] > high:
            moves = path_from(judge_id, lambda j: load[j] < high)
            if moves is None:
                raise AssignmentInfeasible("cannot_balance")
            apply(moves)
    for judge_id in list(load):
        while load[judge_id] < low:
            # Reverse search: a judge above `low` gives, along a path, an entry ending with `judge_id`.
            moves = _path_to(judge_id, low, chosen, judged_by, load, entry_by_id, judge_by_id, pinned)
            if moves is None:
                raise AssignmentInfeasible("cannot_balance")
            apply(moves)


def _path_to(target: int, low: int, chosen: dict[int, list[int]], judged_by: dict[int, set[int]],
             load: dict[int, int], entry_by_id: dict[int, EntryNode], judge_by_id: dict[int, JudgeNode],
             pinned: set[tuple[int, int]]) -> list[tuple[int, int, int]] | None:
    """Moves bringing one entry to `target`, taken from a judge with more than `low` (searching backwards: who
    can give `target` an entry, who can give that giver one …)."""
    came: dict[int, tuple[int, int, int] | None] = {target: None}
    queue = deque([target])
    while queue:
        taker = queue.popleft()
        judge = judge_by_id[taker]
        for giver, entries in judged_by.items():
            if giver in came:
                continue
            for entry_id in entries:
                if (entry_id, giver) in pinned or taker in chosen[entry_id]:
                    continue
                if not _eligible(entry_by_id[entry_id], judge):
                    continue
                came[giver] = (entry_id, giver, taker)
                if load[giver] > low:
                    moves = []
                    node = giver
                    while came[node] is not None:
                        move = came[node]
                        moves.append(move)
                        node = move[2]
                    return moves
                queue.append(giver)
                break
    return None


def is_balanced(loads: Iterable[int], entries: int, k: int) -> bool:
    """Every load within one entry of the mean (compared exactly: |load × judges − entries × k| ≤ judges)."""
    loads = list(loads)
    if not loads:
        return entries == 0
    return all(abs(load * len(loads) - entries * k) <= len(loads) for load in loads)
