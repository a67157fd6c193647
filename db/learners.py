"""One learner's work: progress per exercise and quiz, every answer, the whole history.

Results are plain dataclasses, never ORM objects."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import and_, case, func, select

from db.models import QuizAnswer, Student, Submission, TestRun
from db.selection import binary
from db.session import Database


@dataclass
class ExerciseProgress:
    exercise: str
    best_score: float
    max_score: float
    attempts: int
    last_status: str
    last_at: datetime


def progress(db: Database, student: str, official_only: bool = False) -> dict[str, ExerciseProgress]:
    """Per exercise: best score, attempts and the latest status of one student."""
    conditions = [Student.name == student, Submission.state == "done"]  # queued or running: no score yet
    if official_only:
        conditions.append(Submission.official.is_(True))
    latest = (
        select(Submission.exercise, func.max(Submission.id).label("last_id"))
        .join(Student)
        .where(*conditions)
        .group_by(Submission.exercise)
        .subquery()
    )
    totals = (
        select(Submission.exercise, func.max(Submission.score).label("best"), func.count().label("attempts"))
        .join(Student)
        .where(*conditions)
        .group_by(Submission.exercise)
        .subquery()
    )
    query = (
        select(
            totals.c.exercise,
            totals.c.best,
            totals.c.attempts,
            Submission.max_score,
            Submission.status,
            Submission.submitted_at,
        )
        .join(latest, latest.c.exercise == totals.c.exercise)
        .join(Submission, Submission.id == latest.c.last_id)
    )
    with db.reading() as session:
        return {
            row.exercise: ExerciseProgress(
                row.exercise, row.best, row.max_score, row.attempts, row.status, row.submitted_at
            )
            for row in session.execute(query)
        }


@dataclass
class QuizProgress:
    quiz: str
    first_attempt_correct: int
    answered: int
    answers: int


def quiz_progress(db: Database, student: str) -> dict[str, QuizProgress]:
    """Per quiz: questions right at the first attempt, questions answered, answers given."""
    query = (
        select(
            QuizAnswer.quiz,
            func.sum(case((and_(QuizAnswer.attempt == 1, QuizAnswer.correct.is_(True)), 1), else_=0)),
            func.count(func.distinct(QuizAnswer.question_id)),
            func.count(),
        )
        .join(Student)
        .where(Student.name == student)
        .group_by(QuizAnswer.quiz)
    )
    with db.reading() as session:
        return {
            quiz: QuizProgress(quiz, int(right or 0), answered, total)
            for quiz, right, answered, total in session.execute(query)
        }


@dataclass
class AnswerRecord:
    """One quiz answer as it was given."""

    quiz: str
    question_id: str
    answer: str
    correct: bool | None
    attempt: int
    answered_at: datetime


# the columns of an AnswerRecord, in its order
ANSWER_COLUMNS = (
    QuizAnswer.quiz,
    QuizAnswer.question_id,
    QuizAnswer.answer,
    QuizAnswer.correct,
    QuizAnswer.attempt,
    QuizAnswer.answered_at,
)


def quiz_answers(db: Database, student: str, quiz: str | None = None) -> list[AnswerRecord]:
    """Every quiz answer of one student (optionally of one quiz), in the order given."""
    query = select(*ANSWER_COLUMNS).join(Student).where(Student.name == student).order_by(QuizAnswer.id)
    if quiz is not None:
        query = query.where(QuizAnswer.quiz == quiz)
    with db.reading() as session:
        return [AnswerRecord(*row) for row in session.execute(query)]


@dataclass
class TestRecord:
    """One hidden test's stored outcome."""

    __test__ = False  # not a pytest test class, despite its name
    name: str
    function: str
    passed: bool
    status: str
    points: float
    max_points: float
    message: str
    diagnosis_id: str | None = None
    diagnosis_text: str | None = None


TEST_COLUMNS = (
    TestRun.name,
    TestRun.function,
    TestRun.passed,
    TestRun.status,
    TestRun.points,
    TestRun.max_points,
    TestRun.message,
    TestRun.diagnosis_id,
    TestRun.diagnosis_text,
)


def test_record(row) -> TestRecord:
    """A TestRecord from a row that selected TEST_COLUMNS (after any leading columns)."""
    values = tuple(row)[-len(TEST_COLUMNS) :]
    return TestRecord(values[0], values[1], bool(values[2]), *values[3:])


@dataclass
class SubmissionRecord:
    id: int
    exercise: str
    submitted_at: datetime
    score: float
    max_score: float
    status: str
    message: str
    duration: float
    official: bool
    origin: str
    output: str = ""
    test_results: list[TestRecord] = field(default_factory=list)

    @property
    def tests(self) -> int:
        """How many hidden tests the submission ran."""
        return len(self.test_results)

    @property
    def tests_passed(self) -> int:
        return sum(t.passed for t in self.test_results)


def student_names(db: Database) -> list[str]:
    with db.reading() as session:
        return list(session.scalars(select(Student.name).order_by(binary(Student.name))))


def student_history(db: Database, student: str) -> tuple[list[SubmissionRecord], list[AnswerRecord]] | None:
    """Every submission (with its tests, their messages and what the code printed) and every quiz answer
    of one learner, oldest first; None if there is no such learner."""
    with db.reading() as session:
        student_id = session.scalar(select(Student.id).where(Student.name == student))
        if student_id is None:
            return None
        query = (
            select(
                Submission.id,
                Submission.exercise,
                Submission.submitted_at,
                Submission.score,
                Submission.max_score,
                Submission.status,
                Submission.message,
                Submission.duration,
                Submission.official,
                Submission.origin,
                Submission.output,
            )
            .where(Submission.student_id == student_id, Submission.state == "done")
            .order_by(Submission.submitted_at, Submission.id)
        )
        submissions = [
            SubmissionRecord(*row[:8], bool(row.official), row.origin, row.output or "")
            for row in session.execute(query)
        ]
        by_id = {s.id: s for s in submissions}
        for row in session.execute(
            select(TestRun.submission_id, *TEST_COLUMNS)
            .join(Submission, Submission.id == TestRun.submission_id)
            .where(Submission.student_id == student_id, Submission.state == "done")
            .order_by(TestRun.submission_id, TestRun.position)
        ):
            by_id[row.submission_id].test_results.append(test_record(row))
        answers = [
            AnswerRecord(*row)
            for row in session.execute(
                select(*ANSWER_COLUMNS)
                .where(QuizAnswer.student_id == student_id)
                .order_by(QuizAnswer.answered_at, QuizAnswer.id)
            )
        ]
    return submissions, answers
