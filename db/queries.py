"""The only SQL the rest of the project calls. Results are plain dataclasses, never ORM objects."""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, case, func, select
from sqlalchemy.exc import IntegrityError

from db.models import QuizAnswer, Student, Submission, TestRun
from db.session import Database


def source_hash(source: str) -> str:
    return hashlib.sha256(source.encode("utf-8")).hexdigest()


def _student_id(session, name: str) -> int:
    found = session.scalar(select(Student.id).where(Student.name == name))
    if found is not None:
        return found
    try:
        with session.begin_nested():
            student = Student(name=name)
            session.add(student)
            session.flush()
            return student.id
    except IntegrityError:  # created meanwhile by another writer (databases without BEGIN IMMEDIATE)
        return session.scalar(select(Student.id).where(Student.name == name))


def record_submission(db: Database, result, source: str, origin: str = "submit") -> int:
    """Store a graded run (a grader.results.RunResult) with its source; return its id."""
    with db.writing() as session:
        submission = Submission(
            student_id=_student_id(session, result.student), exercise=result.exercise, score=result.score,
            max_score=result.max_score, status=result.status, message=result.message, duration=result.duration,
            source=source, source_sha256=source_hash(source), grader_version=result.grader_version,
            schema_version=result.schema_version, official=result.official, origin=origin,
            output=result.output, sandbox=json.dumps(result.sandbox))
        submission.tests = [
            TestRun(position=i, name=t.name, function=t.function, passed=t.passed, status=t.status,
                    points=t.points, max_points=t.max_points, message=t.message)
            for i, t in enumerate(result.tests)]
        session.add(submission)
        session.flush()
        return submission.id


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
    conditions = [Student.name == student]
    if official_only:
        conditions.append(Submission.official.is_(True))
    latest = (select(Submission.exercise, func.max(Submission.id).label("last_id"))
              .join(Student).where(*conditions).group_by(Submission.exercise).subquery())
    totals = (select(Submission.exercise, func.max(Submission.score).label("best"), func.count().label("attempts"))
              .join(Student).where(*conditions).group_by(Submission.exercise).subquery())
    query = (select(totals.c.exercise, totals.c.best, totals.c.attempts, Submission.max_score, Submission.status,
                    Submission.submitted_at)
             .join(latest, latest.c.exercise == totals.c.exercise)
             .join(Submission, Submission.id == latest.c.last_id))
    with db.reading() as session:
        return {row.exercise: ExerciseProgress(row.exercise, row.best, row.max_score, row.attempts, row.status,
                                               row.submitted_at)
                for row in session.execute(query)}


def already_graded(db: Database, student: str, exercise: str, sha256: str) -> bool:
    query = (select(func.count()).select_from(Submission).join(Student)
             .where(and_(Student.name == student, Submission.exercise == exercise,
                         Submission.source_sha256 == sha256, Submission.official.is_(True))))
    with db.reading() as session:
        return session.scalar(query) > 0


def count_submissions(db: Database) -> int:
    with db.reading() as session:
        return session.scalar(select(func.count()).select_from(Submission))


def record_quiz_answer(db: Database, student: str, quiz: str, question_id: str, answer: str,
                       correct: bool | None) -> int:
    """Store one answer; return its attempt number (1 for the first answer to that question)."""
    with db.writing() as session:
        student_id = _student_id(session, student)
        previous = session.scalar(select(func.coalesce(func.max(QuizAnswer.attempt), 0))
                                  .where(QuizAnswer.student_id == student_id, QuizAnswer.question_id == question_id))
        attempt = previous + 1
        session.add(QuizAnswer(student_id=student_id, quiz=quiz, question_id=question_id, answer=answer,
                               correct=correct, attempt=attempt))
        return attempt


@dataclass
class QuizProgress:
    quiz: str
    first_attempt_correct: int
    answered: int
    answers: int


def quiz_progress(db: Database, student: str) -> dict[str, QuizProgress]:
    """Per quiz: questions right at the first attempt, questions answered, answers given."""
    query = (select(QuizAnswer.quiz,
                    func.sum(case((and_(QuizAnswer.attempt == 1, QuizAnswer.correct.is_(True)), 1), else_=0)),
                    func.count(func.distinct(QuizAnswer.question_id)), func.count())
             .join(Student).where(Student.name == student).group_by(QuizAnswer.quiz))
    with db.reading() as session:
        return {quiz: QuizProgress(quiz, int(right or 0), answered, total)
                for quiz, right, answered, total in session.execute(query)}


@dataclass
class QuizAnswerRecord:
    quiz: str
    question_id: str
    answer: str
    correct: bool | None
    attempt: int
    answered_at: datetime


def quiz_answers(db: Database, student: str, quiz: str | None = None) -> list[QuizAnswerRecord]:
    """Every quiz answer of one student (optionally of one quiz), in the order given."""
    query = (select(QuizAnswer.quiz, QuizAnswer.question_id, QuizAnswer.answer, QuizAnswer.correct,
                    QuizAnswer.attempt, QuizAnswer.answered_at)
             .join(Student).where(Student.name == student).order_by(QuizAnswer.id))
    if quiz is not None:
        query = query.where(QuizAnswer.quiz == quiz)
    with db.reading() as session:
        return [QuizAnswerRecord(*row) for row in session.execute(query)]
