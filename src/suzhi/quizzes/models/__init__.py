"""The knowledge-contest app's models: the question bank (bank.py) and contests with their attempts (contest.py)."""

from suzhi.quizzes.models.bank import Question, QuestionBank, QuestionCategory, QuestionVersion
from suzhi.quizzes.models.contest import Attempt, AttemptAnswer, AttemptRegrade, Quiz, QuizOrgResult, QuizResult

__all__ = ["Attempt", "AttemptAnswer", "AttemptRegrade", "Question", "QuestionBank", "QuestionCategory",
           "QuestionVersion", "Quiz", "QuizOrgResult", "QuizResult"]
