"""The followers of organisation moves: called once per call with the moves made, in order; paths translated
across a sequence of moves."""

from suzhi.core import org_followers
from suzhi.core.org_followers import OrgMove, moved_subtrees, path_after, path_before

# 0001 ─┬─ 00010001 ── 000100010001
#       └─ 00010002
# 0002
MOVES = [
    OrgMove(old_path="000100010001", new_path="000100020001"),  # a unit under the other town
    OrgMove(old_path="00010002", new_path="00020001"),  # that town, with the unit, under the other root
]


def test_paths_before_and_after_a_sequence_of_moves():
    assert path_after("000100010001", MOVES) == "000200010001"
    assert path_after("00010002", MOVES) == "00020001"
    assert path_after("00010001", MOVES) == "00010001"  # did not move
    for before in ("000100010001", "00010002", "00010001", "0001", "0002"):
        assert path_before(path_after(before, MOVES), MOVES) == before
    # Every organisation whose path changed is in one of these subtrees, after the moves: here the town holds all.
    assert moved_subtrees(MOVES) == ["00020001"]
    assert moved_subtrees([MOVES[1], OrgMove(old_path="000200010002", new_path="00010003")]) == [
        "00010003", "00020001"]


def test_followers_hear_of_moves_once_and_of_no_move_never(monkeypatch):
    monkeypatch.setattr(org_followers, "_FOLLOWERS", [])  # the apps' own followers aside
    heard = []

    def follower(moves):
        heard.append(list(moves))

    org_followers.register_org_follower(follower)
    org_followers.register_org_follower(follower)
    try:
        org_followers.orgs_moved(moves=[])
        org_followers.orgs_moved(moves=[OrgMove(old_path="0001", new_path="0001")])
        org_followers.orgs_moved(moves=MOVES)
    finally:
        org_followers.unregister_org_follower(follower)
    assert heard == [MOVES]
