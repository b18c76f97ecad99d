"""A kind that ranks what a test tells it to: the results contract (campaigns/results.py) seen from outside, so
the honours are tested against rankings written out in the test, ties and unofficial entries included."""

from typing import Any

from suzhi.campaigns.kinds import KindManifest
from suzhi.campaigns.results import Ranking, Subject

CODE = "ranked"
RESULTS: dict[int, list[Ranking]] = {}  # activity id -> its rankings (of people and of units)

MANIFEST = KindManifest(code=CODE, label="排名样例", actions={"take_part": "参加"},
                        results="tests.honours.fake_kind.ranked_results")


def ranked_results(activity: Any, *, subject: Subject, user: Any | None = None) -> list[Ranking]:
    return [r for r in RESULTS.get(activity.pk, []) if r.subject == subject]
