"""What every question parser produces: plain data, independent of the models."""

import dataclasses
import enum


class QuestionType(enum.StrEnum):
    SINGLE = "single"  # 单选题
    MULTIPLE = "multiple"  # 多选题
    TRUE_FALSE = "true_false"  # 判断题
    FILL_IN = "fill_in"  # 填空题
    SHORT_ANSWER = "short_answer"  # 简答题 (marked by hand)


@dataclasses.dataclass
class ParsedOption:
    text: str
    # The share of the question's marks this option carries when chosen: 1.0 for the correct option of a single
    # choice question, a fraction for each correct option of a weighted multiple choice (GIFT's %50%), and 0 or
    # a negative fraction for wrong ones.
    weight: float = 0.0
    feedback: str = ""

    @property
    def correct(self) -> bool:
        return self.weight > 0


@dataclasses.dataclass
class ParsedQuestion:
    type: QuestionType
    stem: str  # 题干
    options: list[ParsedOption] = dataclasses.field(default_factory=list)  # single, multiple
    answer_bool: bool | None = None  # true_false
    accepted: list[list[str]] = dataclasses.field(default_factory=list)  # fill_in: accepted answers per blank
    any_order: bool = False  # fill_in: the blanks' answers may come in any order
    case_sensitive: bool = False  # fill_in
    explanation: str = ""  # 解析 (GIFT's general feedback)
    # Shown after a right / a wrong answer (GIFT's true/false feedbacks, a short answer's feedback); a choice
    # question's feedback belongs to its options.
    feedback_right: str = ""
    feedback_wrong: str = ""
    category: str = ""  # 分类, as a path "安全生产/法律法规"
    difficulty: int | None = None  # 1 (easy) … 5 (hard); None: not given
    tags: list[str] = dataclasses.field(default_factory=list)
    name: str = ""  # GIFT's ::title::, or empty
    source_line: int = 0  # where the question starts in the file (1-based line or spreadsheet row)


@dataclasses.dataclass
class ParseError:
    """A question the parser cannot represent, or a malformed one: where, which question, and why (Chinese)."""

    line: int  # 1-based line or spreadsheet row
    question: str  # the question's name or the start of its stem, so the clerk finds it
    message: str
    column: str = ""  # for spreadsheets: the column title


@dataclasses.dataclass
class ParseResult:
    questions: list[ParsedQuestion] = dataclasses.field(default_factory=list)
    errors: list[ParseError] = dataclasses.field(default_factory=list)
    # Something of a question that is imported which Suzhi cannot keep (a short answer's partial credit): the
    # question itself imports, and the clerk is told what was left out.
    warnings: list[ParseError] = dataclasses.field(default_factory=list)
