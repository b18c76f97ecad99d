"""Grading (评分): a pure function of a frozen paper slot and the saved response, so an attempt can be graded
again after the answer key is corrected and give the same result for the same inputs.

Responses, as saved (option indices are the question's own order, not the shuffled display order):
- single / multiple: {"choices": [i, ...]}
- true_false: {"value": true|false}
- fill_in: {"blanks": ["...", ...]}
- short_answer: {"text": "..."}: marked by hand, so grading gives None (pending).
"""

import dataclasses
import unicodedata
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

CENT = Decimal("0.01")


@dataclasses.dataclass(frozen=True)
class Key:
    """What grading needs of a question version (its answer key)."""

    type: str
    weights: tuple[float, ...] = ()  # choice questions: each option's share of the marks
    answer_bool: bool | None = None
    accepted: tuple[tuple[str, ...], ...] = ()  # fill-in: accepted answers per blank
    any_order: bool = False
    case_sensitive: bool = False

    @classmethod
    def of(cls, version: Any) -> "Key":
        return cls(type=version.type, weights=tuple(float(o.get("weight", 0)) for o in version.options or []),
                   answer_bool=version.answer_bool, accepted=tuple(tuple(a) for a in version.accepted or []),
                   any_order=version.any_order, case_sensitive=version.case_sensitive)

    @property
    def correct(self) -> frozenset[int]:
        return frozenset(i for i, w in enumerate(self.weights) if w > 0)


def _money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def normalise_text(text: str, case_sensitive: bool = False) -> str:
    """Full-width forms folded (ＡＢＣ１２ → ABC12), spaces collapsed, case folded unless it matters."""
    folded = " ".join(unicodedata.normalize("NFKC", text or "").split())
    return folded if case_sensitive else folded.casefold()


def _choices(response: dict[str, Any] | None, size: int) -> frozenset[int] | None:
    if not response:
        return frozenset()
    raw = response.get("choices")
    if not isinstance(raw, list) or any(not isinstance(i, int) or isinstance(i, bool) or not 0 <= i < size
                                        for i in raw):
        return None
    return frozenset(raw)


def choice_share(key: Key, chosen: frozenset[int], *, partial: bool) -> Decimal:
    """The share (0…1) of a choice question's marks earned by the chosen options.

    Single choice: the chosen option's weight (1 for the right one; GIFT may give partly right options a
    fraction). Multiple choice, all-or-nothing: 1 only for exactly the right options. Partial (漏选得部分分):
    any wrong option scores 0; otherwise the weights of the right options chosen (half of two right options
    earns half)."""
    if not chosen:
        return Decimal(0)
    if key.type == "single":
        if len(chosen) != 1:
            return Decimal(0)
        return max(Decimal(0), min(Decimal(1), Decimal(str(key.weights[next(iter(chosen))]))))
    if not chosen <= key.correct:
        return Decimal(0)
    if chosen == key.correct:
        return Decimal(1)
    if not partial:
        return Decimal(0)
    total = sum((Decimal(str(key.weights[i])) for i in key.correct), Decimal(0))
    earned = sum((Decimal(str(key.weights[i])) for i in chosen), Decimal(0))
    return min(Decimal(1), earned / total) if total > 0 else Decimal(0)


def _blanks_matched(key: Key, given: list[str]) -> int:
    accepted = [{normalise_text(a, key.case_sensitive) for a in blank} for blank in key.accepted]
    answers = [normalise_text(g, key.case_sensitive) for g in given]
    if not key.any_order:
        return sum(1 for i, blank in enumerate(accepted) if i < len(answers) and answers[i] in blank)
    # Any order: the largest matching of answers to distinct blanks (augmenting paths; papers have few blanks).
    owner: dict[int, int] = {}

    def place(answer: int, seen: set[int]) -> bool:
        for blank, options in enumerate(accepted):
            if blank in seen or answers[answer] not in options:
                continue
            seen.add(blank)
            if blank not in owner or place(owner[blank], seen):
                owner[blank] = answer
                return True
        return False

    # The same answer written twice is one right answer ("name two of the three" must not take one twice).
    first = {text: i for i, text in reversed(list(enumerate(answers)))}
    return sum(1 for answer in range(len(answers))
               if answers[answer] and first[answers[answer]] == answer and place(answer, set()))


def grade_response(key: Key, points: Decimal, response: dict[str, Any] | None, *,
                   partial_multiple: bool = False) -> Decimal | None:
    """The marks a response earns; None when a person must mark it (short answer). A malformed response
    earns nothing."""
    points = Decimal(points)
    if key.type == "short_answer":
        return None
    if key.type in ("single", "multiple"):
        chosen = _choices(response, len(key.weights))
        if chosen is None:
            return Decimal("0.00")
        return _money(points * choice_share(key, chosen, partial=partial_multiple))
    if key.type == "true_false":
        value = (response or {}).get("value")
        return _money(points) if isinstance(value, bool) and value == key.answer_bool else Decimal("0.00")
    if key.type == "fill_in":
        given = (response or {}).get("blanks")
        if not isinstance(given, list) or not key.accepted:
            return Decimal("0.00")
        given = [g if isinstance(g, str) else "" for g in given][: len(key.accepted)]
        # Each blank carries an equal share of the marks.
        return _money(points * _blanks_matched(key, given) / len(key.accepted))
    return Decimal("0.00")
