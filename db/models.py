"""The tables. Change them only together with a new migration in db/migrations/versions/."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from db.plain import utcnow


class Base(DeclarativeBase):
    pass


class Student(Base):
    __tablename__ = "students"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True, nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, nullable=False)
    # how the LMS knows the learner, from `grade roster import` (migration 0004); None when not given
    roster_id: Mapped[str | None] = mapped_column(String(200), nullable=True)
    email: Mapped[str | None] = mapped_column(String(200), nullable=True)


# a submission's life on the course server (migration 0004); `grade submit` and autograde record "done" at once
JOB_STATES = ("queued", "running", "done")


class Submission(Base):
    __tablename__ = "submissions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("students.id"), nullable=False)
    exercise: Mapped[str] = mapped_column(String(100), nullable=False)
    submitted_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, nullable=False)
    score: Mapped[float] = mapped_column(Float, nullable=False)
    max_score: Mapped[float] = mapped_column(Float, nullable=False)
    status: Mapped[str] = mapped_column(String(20), nullable=False)
    message: Mapped[str] = mapped_column(Text, default="", nullable=False)
    duration: Mapped[float] = mapped_column(Float, nullable=False)
    source: Mapped[str] = mapped_column(Text, nullable=False)
    source_sha256: Mapped[str] = mapped_column(String(64), nullable=False)
    grader_version: Mapped[str] = mapped_column(String(40), nullable=False)
    schema_version: Mapped[int] = mapped_column(Integer, nullable=False)
    official: Mapped[bool] = mapped_column(Boolean, default=True, nullable=False)
    origin: Mapped[str] = mapped_column(String(20), default="submit", nullable=False)
    output: Mapped[str] = mapped_column(Text, default="", nullable=False)
    sandbox: Mapped[str] = mapped_column(Text, default="", nullable=False)
    # migration 0004: the job that grades it (unique: one job, one result), its state, whether it came
    # after the exercise's deadline, when it was graded and how many times grading was started
    job_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    state: Mapped[str] = mapped_column(String(10), default="done", server_default="done", nullable=False)
    late: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false(), nullable=False)
    graded_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    runs: Mapped[int] = mapped_column(Integer, default=0, server_default="0", nullable=False)
    # migration 0005, grading hosts (grade worker): the worker holding a running job's claim and until when
    # (renewed while it grades; a claim past it may be taken over), and when the job last went to the broker
    claimed_by: Mapped[str | None] = mapped_column(String(120), nullable=True)
    lease_until: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    tests: Mapped[list[TestRun]] = relationship(
        back_populates="submission", cascade="all, delete-orphan", order_by="TestRun.position"
    )
    __table_args__ = (
        Index("ix_submissions_student_exercise", "student_id", "exercise"),
        Index("ix_submissions_exercise", "exercise"),
        Index("ix_submissions_sha", "exercise", "source_sha256"),
        Index("ix_submissions_best", "exercise", "student_id", "official", "score"),  # migration 0002
        Index("uq_submissions_job", "job_id", unique=True),  # migration 0004
        Index("ix_submissions_state", "state", "id"),  # migration 0004: the server's queue, oldest first
    )


class TestRun(Base):
    """One hidden test's outcome within a submission."""

    __tablename__ = "test_results"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id", ondelete="CASCADE"), nullable=False)
    position: Mapped[int] = mapped_column(Integer, nullable=False)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    function: Mapped[str] = mapped_column(String(100), nullable=False)
    passed: Mapped[bool] = mapped_column(Boolean, nullable=False)
    status: Mapped[str] = mapped_column(String(20), nullable=False)
    points: Mapped[float] = mapped_column(Float, nullable=False)
    max_points: Mapped[float] = mapped_column(Float, nullable=False)
    message: Mapped[str] = mapped_column(Text, default="", nullable=False)
    # the misconception the judge recognised in a failure (migration 0003); None when it named none
    diagnosis_id: Mapped[str | None] = mapped_column(String(100), nullable=True)
    diagnosis_text: Mapped[str | None] = mapped_column(Text, nullable=True)
    submission: Mapped[Submission] = relationship(back_populates="tests")
    __table_args__ = (
        Index("ix_test_results_submission", "submission_id"),
        Index("ix_test_results_diagnosis", "diagnosis_id", "submission_id"),  # migration 0003
    )


class QuizAnswer(Base):
    __tablename__ = "quiz_answers"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("students.id"), nullable=False)
    quiz: Mapped[str] = mapped_column(String(100), nullable=False)
    question_id: Mapped[str] = mapped_column(String(100), nullable=False)
    answer: Mapped[str] = mapped_column(Text, nullable=False)
    correct: Mapped[bool | None] = mapped_column(Boolean, nullable=True)  # None: no key to judge by
    attempt: Mapped[int] = mapped_column(Integer, nullable=False)
    answered_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, nullable=False)
    __table_args__ = (
        UniqueConstraint("student_id", "question_id", "attempt", name="uq_quiz_answer_attempt"),
        Index("ix_quiz_answers_quiz", "quiz", "question_id"),
        Index("ix_quiz_answers_first", "quiz", "student_id", "attempt", "correct"),  # migration 0002
    )


class AccessToken(Base):
    """A token of the course server (migration 0004), stored as its sha256 only: a learner's (student_id
    set) or the instructor's. Revoked tokens stay, so that the audit trail can say whose a token was."""

    __tablename__ = "access_tokens"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    role: Mapped[str] = mapped_column(String(12), nullable=False)  # "learner" | "instructor"
    student_id: Mapped[int | None] = mapped_column(ForeignKey("students.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, nullable=False)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    __table_args__ = (Index("ix_access_tokens_student", "student_id"),)


class GradingWorker(Base):
    """A grading host's worker (`grade worker`, migration 0005): it writes its row when it starts and every
    few seconds while it runs (`seen_at`), so the server knows which workers are alive and how many grading
    processes they offer, without asking the broker."""

    __tablename__ = "grading_workers"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True, nullable=False)
    host: Mapped[str] = mapped_column(String(200), nullable=False)
    pid: Mapped[int] = mapped_column(Integer, nullable=False)
    concurrency: Mapped[int] = mapped_column(Integer, nullable=False)
    sandbox: Mapped[str] = mapped_column(String(20), nullable=False)  # "bubblewrap" | "landlock"
    grader_version: Mapped[str] = mapped_column(String(40), nullable=False)
    started_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, nullable=False)
    seen_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, nullable=False)
    stopped_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
