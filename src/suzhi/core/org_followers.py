"""Who must hear when organisations move in the organisation tree (跟随者).

Apps that keep figures depending on where organisations are in the tree (the campaigns' people overlaps, counted
at the organisation where two of a person's organisations meet) register a follower in their `AppConfig.ready()`.
The organisation services call `orgs_moved` inside their transaction, after the tree rows are written, so the
figures change in the same transaction as the tree and nobody ever reads them out of step. The same shape as
`suzhi.people.followers`: not a signal, explicit calls for moves only (creating, editing or deleting an
organisation calls nobody).

A move takes an organisation and everything below it from one place to another: every path under `old_path`
becomes the same path under `new_path`, and no other path changes (treebeard's moves to a last child, the only
ones the services make). `path_before` and `path_after` translate paths across a sequence of moves.
"""

import dataclasses
from collections.abc import Callable, Sequence


@dataclasses.dataclass(frozen=True)
class OrgMove:
    """The organisation at `old_path`, and everything below it, is now at `new_path`."""

    old_path: str
    new_path: str


OrgFollower = Callable[[Sequence[OrgMove]], None]

_FOLLOWERS: list[OrgFollower] = []


def register_org_follower(follower: OrgFollower) -> None:
    """Have `follower` called with the moves made, in the order made; registering it again changes nothing."""
    if follower not in _FOLLOWERS:
        _FOLLOWERS.append(follower)


def unregister_org_follower(follower: OrgFollower) -> None:
    """For tests that register a follower of their own."""
    if follower in _FOLLOWERS:
        _FOLLOWERS.remove(follower)


def orgs_moved(*, moves: Sequence[OrgMove]) -> None:
    """Tell every follower, once each, about these moves, made one after the other in this order (an import makes
    several). Call it inside the transaction that made them, after writing the tree rows; no moves, no calls."""
    moves = [move for move in moves if move.old_path != move.new_path]
    if not moves:
        return
    for follower in list(_FOLLOWERS):
        follower(moves)


def _under(path: str, prefix: str) -> bool:
    return path.startswith(prefix)


def path_after(path: str, moves: Sequence[OrgMove]) -> str:
    """Where the organisation at `path` before the moves is after them."""
    for move in moves:
        if _under(path, move.old_path):
            path = move.new_path + path[len(move.old_path):]
    return path


def path_before(path: str, moves: Sequence[OrgMove]) -> str:
    """Where the organisation at `path` after the moves was before them (for organisations that existed then)."""
    for move in reversed(moves):
        if _under(path, move.new_path):
            path = move.old_path + path[len(move.new_path):]
    return path


def moved_subtrees(moves: Sequence[OrgMove]) -> list[str]:
    """The paths, after all the moves, of organisations that hold every organisation whose path changed (each with
    everything below it), none below another."""
    roots = sorted({path_after(move.new_path, moves[index + 1:]) for index, move in enumerate(moves)})
    kept: list[str] = []
    for root in roots:  # in path order an organisation comes right after any organisation above it
        if not kept or not _under(root, kept[-1]):
            kept.append(root)
    return kept
