"""Each learner's chosen submissions with their tests, read in batches for the export files."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from db.learners import TEST_COLUMNS, TestRecord, test_record
from db.models import Student, Submission, TestRun
from db.selection import binary, chosen_submission_ids
from db.session import Database


@dataclass
class ExportedSubmission:
    id: int
    student: str
    exercise: str
    submitted_at: datetime
    score: float
    max_score: float
    status: str
    message: str
    duration: float
    output: str
    tests: list[TestRecord]


def chosen_submissions(db: Database, basis: str = "best", exercise: str | None = None, batch: int = 2000):
    """Yield each learner's best (or latest) official submission per exercise with its tests, in
    batches (one query per batch for the submissions, one for their tests)."""
    chosen = chosen_submission_ids(basis, exercise)
    query = (
        select(
            Submission.id,
            Student.name,
            Submission.exercise,
            Submission.submitted_at,
            Submission.score,
            Submission.max_score,
            Submission.status,
            Submission.message,
            Submission.duration,
            Submission.output,
        )
        .join(chosen, chosen.c.id == Submission.id)
        .join(Student, Student.id == Submission.student_id)
        .order_by(Submission.exercise, binary(Student.name))
    )
    with db.reading() as session:
        rows = session.execute(query).all()
        for start in range(0, len(rows), batch):
            part = rows[start : start + batch]
            tests: dict[int, list[TestRecord]] = {row.id: [] for row in part}
            for test in session.execute(
                select(TestRun.submission_id, *TEST_COLUMNS)
                .where(TestRun.submission_id.in_(list(tests)))
                .order_by(TestRun.submission_id, TestRun.position)
            ):
                tests[test.submission_id].append(test_record(test))
            for row in part:
                yield ExportedSubmission(
                    row.id,
                    row.name,
                    row.exercise,
                    row.submitted_at,
                    row.score,
                    row.max_score,
                    row.status,
                    row.message,
                    row.duration,
                    row.output,
                    tests[row.id],
                )
