"""The shapes the contests API (/api/v1/contests) reads and answers, apart from its endpoints
(suzhi.quizzes.api.contests)."""

import datetime
from typing import Any

from ninja import Schema


class Ref(Schema):
    id: int
    name: str


class QuizOut(Schema):
    id: int
    title: str
    description: str
    activity_id: int
    activity_title: str
    campaign_code: str
    organiser: Ref
    bank: Ref
    rules: dict[str, Any]
    is_published: bool
    participants: int
    results_computed_at: datetime.datetime | None

    @staticmethod
    def resolve_activity_title(obj: Any) -> str:
        return obj.activity.title

    @staticmethod
    def resolve_campaign_code(obj: Any) -> str:
        return obj.activity.campaign.code

    @staticmethod
    def resolve_organiser(obj: Any) -> dict[str, Any]:
        return {"id": obj.organiser_id, "name": obj.organiser.name}

    @staticmethod
    def resolve_bank(obj: Any) -> dict[str, Any]:
        return {"id": obj.bank_id, "name": obj.bank.name}

    @staticmethod
    def resolve_participants(obj: Any) -> int:
        return getattr(obj, "participants", 0)


class QuizPage(Schema):
    items: list[QuizOut]
    count: int


class QuizIn(Schema):
    activity_id: int
    organisation_id: int
    title: str
    bank_id: int
    description: str = ""
    rules: dict[str, Any] | None = None


class QuizPatchIn(Schema):
    title: str | None = None
    bank_id: int | None = None
    description: str | None = None
    rules: dict[str, Any] | None = None


class PublishIn(Schema):
    published: bool = True


class PersonResultOut(Schema):
    rank: int | None
    person_id: int
    name: str
    organisation: Ref
    score: float
    seconds_used: int
    finished_at: datetime.datetime
    attempts: int


class PersonResultPage(Schema):
    items: list[PersonResultOut]
    count: int
    computed_at: datetime.datetime | None


class UnitResultOut(Schema):
    rank: int | None
    organisation: Ref
    eligible: int
    participants: int
    participation_rate: float
    average_score: float
    attempts: int
    attempts_per_person: float


class UnitRankingOut(Schema):
    organisation: Ref
    figures: UnitResultOut | None
    children: list[UnitResultOut]
    computed_at: datetime.datetime | None


class ItemOut(Schema):
    question_id: int
    stem: str
    type: str
    answered: int
    facility: float
    discrimination: float


class RegradeChangeOut(Schema):
    attempt_id: int
    attempt_number: int
    person: str
    organisation: str
    old_score: str | None
    new_score: str | None
    actor: str | None
    at: datetime.datetime


class RegradeChangePage(Schema):
    count: int
    items: list[RegradeChangeOut]


class LiveOut(Schema):
    answering: int
    finished: int
    finished_today: int
    people: int


class RegradeOut(Schema):
    attempts: int
    scores_changed: int
    questions_moved: int


class MarkIn(Schema):
    score: float


class ToMarkOut(Schema):
    answer_id: int
    attempt_id: int
    person: str
    stem: str
    text: str
    points: float


class CardOut(Schema):
    quiz_id: int
    title: str
    may_start: bool
    reason_code: str
    reason: str
    in_progress_attempt_id: int | None
    score: float | None
    rank: int | None


class SheetItem(Schema):
    slot: int
    type: str
    type_label: str
    stem: str
    points: str
    blanks: int
    options: list[dict[str, str]]
    answer: dict[str, Any] | None
    key: dict[str, Any] | None = None
    explanation: str | None = None
    feedback: list[str] | None = None  # with the results: the feedback the answer given earns
    score: str | None = None


class SheetOut(Schema):
    attempt_id: int
    quiz_id: int
    title: str
    state: str
    number: int
    deadline: datetime.datetime
    remaining_seconds: int
    answered: int
    max_score: str
    score: str | None
    pending_marking: bool
    revealed: bool
    items: list[SheetItem]


class AnswerIn(Schema):
    response: dict[str, Any] | None = None


class SavedOut(Schema):
    saved_at: datetime.datetime
    remaining_seconds: int
