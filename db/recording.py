"""Writing the gradebook: a graded submission with its tests, a quiz answer; and what is already graded."""

from __future__ import annotations

import uuid

from sqlalchemy import and_, func, select
from sqlalchemy.exc import IntegrityError

from db.models import QuizAnswer, Student, Submission, TestRun, utcnow
from db.plain import per_test_columns, result_columns, source_hash
from db.selection import counted
from db.session import Database


def learner_id(session, name: str) -> int:
    """The id of the learner `name`, who is created if new (safely when another writer does it too)."""
    found = session.scalar(select(Student.id).where(Student.name == name))
    if found is not None:
        return found
    try:
        with session.begin_nested():
            student = Student(name=name)
            session.add(student)
            session.flush()
            return student.id
    except IntegrityError:
        # created meanwhile by another writer (PostgreSQL: our insert waited for theirs to commit)
        return session.scalar(select(Student.id).where(Student.name == name))


def test_rows(result) -> list[TestRun]:
    """The rows of a graded run's tests (a grader.results.RunResult's), in order."""
    return [TestRun(**values) for values in per_test_columns(result)]


def record_submission(db: Database, result, source: str, origin: str = "submit") -> int:
    """Store a graded run (a grader.results.RunResult) with its source, done at once; return its id."""
    with db.writing() as session:
        submission = Submission(
            student_id=learner_id(session, result.student),
            exercise=result.exercise,
            source=source,
            source_sha256=source_hash(source),
            origin=origin,
            job_id=str(uuid.uuid4()),
            state="done",
            graded_at=utcnow(),
            **result_columns(result),
        )
        submission.tests = test_rows(result)
        session.add(submission)
        session.flush()
        return submission.id


def already_graded(db: Database, student: str, exercise: str, sha256: str) -> bool:
    query = (
        select(func.count())
        .select_from(Submission)
        .join(Student)
        .where(
            and_(
                Student.name == student,
                Submission.exercise == exercise,
                Submission.source_sha256 == sha256,
                counted(),
            )
        )
    )
    with db.reading() as session:
        return session.scalar(query) > 0


def count_submissions(db: Database) -> int:
    with db.reading() as session:
        return session.scalar(select(func.count()).select_from(Submission).where(Submission.state == "done"))


def record_quiz_answer(
    db: Database, student: str, quiz: str, question_id: str, answer: str, correct: bool | None
) -> int:
    """Store one answer; return its attempt number (1 for the first answer to that question).

    Answers given at once by one learner (two terminals, a retried request) each get their own attempt
    number: the learner's row is locked first (SELECT ... FOR UPDATE on PostgreSQL; SQLite's BEGIN
    IMMEDIATE already lets one writer in at a time), so the highest attempt read is still the highest
    when the answer is stored."""
    with db.writing() as session:
        student_id = learner_id(session, student)
        session.execute(select(Student.id).where(Student.id == student_id).with_for_update())
        previous = session.scalar(
            select(func.coalesce(func.max(QuizAnswer.attempt), 0)).where(
                QuizAnswer.student_id == student_id, QuizAnswer.question_id == question_id
            )
        )
        attempt = previous + 1
        session.add(
            QuizAnswer(
                student_id=student_id,
                quiz=quiz,
                question_id=question_id,
                answer=answer,
                correct=correct,
                attempt=attempt,
            )
        )
        return attempt


def graded_sources(db: Database, wanted: dict[str, set[str]], chunk: int = 500) -> dict[tuple[str, str, str], float]:
    """Of the sources `wanted` (exercise -> sha256 values), those already graded officially, as
    (student, exercise, sha256) -> the best score they got: what `grade autograde` may skip."""
    found = {}
    with db.reading() as session:
        for exercise, hashes in wanted.items():
            hashes = sorted(hashes)
            for start in range(0, len(hashes), chunk):
                query = (
                    select(Student.name, Submission.source_sha256, func.max(Submission.score))
                    .join(Student, Student.id == Submission.student_id)
                    .where(
                        Submission.exercise == exercise,
                        Submission.source_sha256.in_(hashes[start : start + chunk]),
                        counted(),
                    )
                    .group_by(Student.name, Submission.source_sha256)
                )
                for name, sha, score in session.execute(query):
                    found[(name, exercise, sha)] = score
    return found
