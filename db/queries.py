"""The only SQL the rest of the project calls. Results are plain dataclasses, never ORM objects."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Integer, and_, case, func, select
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
            student_id=_student_id(session, result.student),
            exercise=result.exercise,
            score=result.score,
            max_score=result.max_score,
            status=result.status,
            message=result.message,
            duration=result.duration,
            source=source,
            source_sha256=source_hash(source),
            grader_version=result.grader_version,
            schema_version=result.schema_version,
            official=result.official,
            origin=origin,
            output=result.output,
            sandbox=json.dumps(result.sandbox),
        )
        submission.tests = [
            TestRun(
                position=i,
                name=t.name,
                function=t.function,
                passed=t.passed,
                status=t.status,
                points=t.points,
                max_points=t.max_points,
                message=t.message,
            )
            for i, t in enumerate(result.tests)
        ]
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
                Submission.official.is_(True),
            )
        )
    )
    with db.reading() as session:
        return session.scalar(query) > 0


def count_submissions(db: Database) -> int:
    with db.reading() as session:
        return session.scalar(select(func.count()).select_from(Submission))


def record_quiz_answer(
    db: Database, student: str, quiz: str, question_id: str, answer: str, correct: bool | None
) -> int:
    """Store one answer; return its attempt number (1 for the first answer to that question)."""
    with db.writing() as session:
        student_id = _student_id(session, student)
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
class QuizAnswerRecord:
    quiz: str
    question_id: str
    answer: str
    correct: bool | None
    attempt: int
    answered_at: datetime


def quiz_answers(db: Database, student: str, quiz: str | None = None) -> list[QuizAnswerRecord]:
    """Every quiz answer of one student (optionally of one quiz), in the order given."""
    query = (
        select(
            QuizAnswer.quiz,
            QuizAnswer.question_id,
            QuizAnswer.answer,
            QuizAnswer.correct,
            QuizAnswer.attempt,
            QuizAnswer.answered_at,
        )
        .join(Student)
        .where(Student.name == student)
        .order_by(QuizAnswer.id)
    )
    if quiz is not None:
        query = query.where(QuizAnswer.quiz == quiz)
    with db.reading() as session:
        return [QuizAnswerRecord(*row) for row in session.execute(query)]


# ---------------------------------------------------------------- class reports (instructors)
#
# Every figure below is computed by the database (GROUP BY, window functions, subqueries); Python
# only reshapes the aggregated rows. Only official submissions count: practice attempts made in a
# learners' copy (official=False) never enter a grade.


def _best_per_student(slugs):
    """student_id, exercise, best score and attempts, over official submissions."""
    return (
        select(
            Submission.student_id,
            Submission.exercise,
            func.max(Submission.score).label("best"),
            func.count().label("attempts"),
        )
        .where(Submission.official.is_(True), Submission.exercise.in_(list(slugs)))
        .group_by(Submission.exercise, Submission.student_id)
        .subquery("best")
    )


def _first_attempt_scores(quiz_ids):
    """student_id, quiz, number of questions right at the first attempt, questions answered."""
    first_right = case((and_(QuizAnswer.attempt == 1, QuizAnswer.correct.is_(True)), 1), else_=0)
    return (
        select(
            QuizAnswer.student_id,
            QuizAnswer.quiz,
            func.sum(first_right).label("score"),
            func.sum(case((QuizAnswer.attempt == 1, 1), else_=0)).label("answered"),
        )
        .where(QuizAnswer.quiz.in_(list(quiz_ids)))
        .group_by(QuizAnswer.quiz, QuizAnswer.student_id)
        .subquery("first")
    )


@dataclass
class ClassRow:
    """One learner in the class table. None means never attempted."""

    student: str
    exercises: dict[str, float | None]
    quizzes: dict[str, int | None]
    exercise_total: float
    quiz_total: int
    total: float
    complete: int
    rank: int


def class_table(
    db: Database, points: dict[str, float], quiz_ids: list[str], sort: str = "student", descending: bool = False
) -> list[ClassRow]:
    """Students x exercises (best score) and quizzes (first-attempt score), with totals, completion and
    rank, pivoted and sorted in SQL. `points` maps each exercise slug to its maximum (manifest order);
    `sort` is "student", "total", "exercises", "quizzes", "complete", "rank", an exercise slug or
    "quiz:<id>"."""
    slugs = list(points)
    best = _best_per_student(slugs)
    full_marks = case({slug: float(value) for slug, value in points.items()}, value=best.c.exercise)
    exercise_columns = [
        func.max(case((best.c.exercise == slug, best.c.best))).label(f"e{i}") for i, slug in enumerate(slugs)
    ]
    per_exercise = (
        select(
            best.c.student_id,
            *exercise_columns,
            func.sum(best.c.best).label("ex_total"),
            func.sum(case((best.c.best >= full_marks, 1), else_=0)).label("complete"),
        )
        .group_by(best.c.student_id)
        .subquery("ex")
    )
    first = _first_attempt_scores(quiz_ids)
    quiz_columns = [
        func.max(case((first.c.quiz == quiz, first.c.score))).label(f"q{i}") for i, quiz in enumerate(quiz_ids)
    ]
    per_quiz = (
        select(first.c.student_id, *quiz_columns, func.sum(first.c.score).label("qz_total"))
        .group_by(first.c.student_id)
        .subquery("qz")
    )
    ex_total = func.coalesce(per_exercise.c.ex_total, 0.0)
    qz_total = func.coalesce(per_quiz.c.qz_total, 0)
    total = (ex_total + qz_total).label("total")
    query = (
        select(
            Student.name,
            *(per_exercise.c[f"e{i}"] for i in range(len(slugs))),
            *(per_quiz.c[f"q{i}"] for i in range(len(quiz_ids))),
            ex_total.label("ex_total"),
            qz_total.label("qz_total"),
            total,
            func.coalesce(per_exercise.c.complete, 0).label("complete"),
            func.rank().over(order_by=(ex_total + qz_total).desc()).label("rank"),
        )
        .outerjoin(per_exercise, per_exercise.c.student_id == Student.id)
        .outerjoin(per_quiz, per_quiz.c.student_id == Student.id)
        .where((per_exercise.c.student_id.is_not(None)) | (per_quiz.c.student_id.is_not(None)))
    )
    named = {
        "total": total,
        "exercises": ex_total,
        "quizzes": qz_total,
        "complete": func.coalesce(per_exercise.c.complete, 0),
        "rank": (ex_total + qz_total),
    }
    named.update({slug: per_exercise.c[f"e{i}"] for i, slug in enumerate(slugs)})
    named.update({f"quiz:{quiz}": per_quiz.c[f"q{i}"] for i, quiz in enumerate(quiz_ids)})
    if sort in ("student", "name"):
        order = [Student.name.desc() if descending else Student.name.asc()]
    else:
        column = named[sort]
        if sort == "rank":
            descending = not descending  # rank 1 is the highest total
        order = [(column.desc() if descending else column.asc()).nulls_last(), Student.name]
    rows = []
    with db.reading() as session:
        for row in session.execute(query.order_by(*order)):
            values = tuple(row)
            rows.append(
                ClassRow(
                    student=values[0],
                    exercises=dict(zip(slugs, values[1 : 1 + len(slugs)])),
                    quizzes={
                        q: (None if v is None else int(v))
                        for q, v in zip(quiz_ids, values[1 + len(slugs) : 1 + len(slugs) + len(quiz_ids)])
                    },
                    exercise_total=float(row.ex_total),
                    quiz_total=int(row.qz_total),
                    total=float(row.total),
                    complete=int(row.complete),
                    rank=int(row.rank),
                )
            )
    return rows


def count_learners(db: Database) -> int:
    """Learners with at least one official submission or quiz answer."""
    active = (
        select(Submission.student_id)
        .where(Submission.official.is_(True))
        .union(select(QuizAnswer.student_id))
        .subquery("active")
    )
    with db.reading() as session:
        return session.scalar(select(func.count()).select_from(active))


@dataclass
class ExerciseSummary:
    exercise: str
    learners: int  # learners with at least one official submission
    complete: int  # learners whose best score is full marks
    mean_best: float
    submissions: int


def exercise_summaries(db: Database, points: dict[str, float]) -> dict[str, ExerciseSummary]:
    best = _best_per_student(points)
    full_marks = case({slug: float(value) for slug, value in points.items()}, value=best.c.exercise)
    query = select(
        best.c.exercise,
        func.count().label("learners"),
        func.sum(case((best.c.best >= full_marks, 1), else_=0)).label("complete"),
        func.avg(best.c.best).label("mean_best"),
        func.sum(best.c.attempts).label("submissions"),
    ).group_by(best.c.exercise)
    with db.reading() as session:
        return {
            row.exercise: ExerciseSummary(
                row.exercise,
                row.learners,
                int(row.complete or 0),
                float(row.mean_best or 0.0),
                int(row.submissions or 0),
            )
            for row in session.execute(query)
        }


@dataclass
class QuizSummary:
    quiz: str
    learners: int  # learners who answered at least one of its questions
    mean_score: float  # mean number of questions right at the first attempt


def quiz_summaries(db: Database, quiz_ids: list[str]) -> dict[str, QuizSummary]:
    first = _first_attempt_scores(quiz_ids)
    query = select(first.c.quiz, func.count().label("learners"), func.avg(first.c.score).label("mean")).group_by(
        first.c.quiz
    )
    with db.reading() as session:
        return {row.quiz: QuizSummary(row.quiz, row.learners, float(row.mean or 0.0)) for row in session.execute(query)}


def score_distribution(db: Database, points: dict[str, float], quiz_sizes: dict[str, int], bins: int = 10) -> list[int]:
    """How many learners have a total (exercises + quizzes) in each of `bins` equal bands of the
    maximum, lowest band first."""
    maximum = float(sum(points.values()) + sum(quiz_sizes.values())) or 1.0
    best = _best_per_student(points)
    first = _first_attempt_scores(quiz_sizes)
    parts = (
        select(best.c.student_id, best.c.best.label("points"))
        .union_all(select(first.c.student_id, first.c.score))
        .subquery("parts")
    )
    totals = (
        select(parts.c.student_id, func.sum(parts.c.points).label("total"))
        .group_by(parts.c.student_id)
        .subquery("totals")
    )
    band = func.min(func.cast(totals.c.total * bins / maximum, Integer), bins - 1).label("band")
    query = select(band, func.count()).group_by(band)
    counts = [0] * bins
    with db.reading() as session:
        for index, count in session.execute(query):
            counts[max(0, int(index))] += count
    return counts


def _chosen_submissions(basis: str, exercise: str | None = None):
    """One official submission per learner and exercise: the best (highest score, latest among equals)
    or the latest. A CTE, so that a query using it twice computes it once."""
    if basis not in ("best", "latest"):
        raise ValueError(f"basis must be 'best' or 'latest', not {basis!r}")
    order = (Submission.score.desc(), Submission.id.desc()) if basis == "best" else (Submission.id.desc(),)
    conditions = [Submission.official.is_(True)]
    if exercise is not None:
        conditions.append(Submission.exercise == exercise)
    ranked = (
        select(
            Submission.id,
            Submission.student_id,
            Submission.exercise,
            func.row_number()
            .over(partition_by=(Submission.exercise, Submission.student_id), order_by=order)
            .label("pick"),
        )
        .where(*conditions)
        .subquery("ranked")
    )
    return select(ranked.c.id, ranked.c.student_id, ranked.c.exercise).where(ranked.c.pick == 1).cte("chosen")


@dataclass
class HiddenTestStats:
    exercise: str
    test: str
    function: str
    position: int
    max_points: float
    learners: int  # learners whose chosen submission ran this test
    failing: int  # ... and failed it
    top_message: str  # the most common failure message ("" when nobody fails)
    top_count: int


def test_failures(db: Database, exercise: str | None = None, basis: str = "best") -> list[HiddenTestStats]:
    """Per hidden test: how many learners fail it on their best (or latest) official submission, and
    the most common failure message. Ordered by exercise and test position."""
    chosen = _chosen_submissions(basis, exercise)
    failed = case((TestRun.passed.is_(False), 1), else_=0)
    per_test = (
        select(
            chosen.c.exercise,
            TestRun.name,
            func.min(TestRun.position).label("position"),
            func.max(TestRun.function).label("function"),
            func.max(TestRun.max_points).label("max_points"),
            func.count().label("learners"),
            func.sum(failed).label("failing"),
        )
        .join(TestRun, TestRun.submission_id == chosen.c.id)
        .group_by(chosen.c.exercise, TestRun.name)
        .subquery("per_test")
    )
    count = func.count()
    messages = (
        select(
            chosen.c.exercise,
            TestRun.name,
            TestRun.message,
            count.label("n"),
            func.row_number()
            .over(partition_by=(chosen.c.exercise, TestRun.name), order_by=(count.desc(), TestRun.message))
            .label("pick"),
        )
        .join(TestRun, TestRun.submission_id == chosen.c.id)
        .where(TestRun.passed.is_(False))
        .group_by(chosen.c.exercise, TestRun.name, TestRun.message)
        .subquery("messages")
    )
    query = (
        select(per_test, messages.c.message, messages.c.n)
        .outerjoin(
            messages,
            and_(messages.c.exercise == per_test.c.exercise, messages.c.name == per_test.c.name, messages.c.pick == 1),
        )
        .order_by(per_test.c.exercise, per_test.c.position, per_test.c.name)
    )
    with db.reading() as session:
        return [
            HiddenTestStats(
                row.exercise,
                row.name,
                row.function,
                row.position,
                float(row.max_points),
                row.learners,
                int(row.failing or 0),
                row.message or "",
                int(row.n or 0),
            )
            for row in session.execute(query)
        ]


@dataclass
class RunFailures:
    """Chosen submissions that could not be graded at all (status "error": no per-test results)."""

    exercise: str
    learners: int  # learners with a chosen submission
    errors: int  # ... whose chosen submission is an error
    top_message: str
    top_count: int


def run_failures(db: Database, exercise: str | None = None, basis: str = "best") -> dict[str, RunFailures]:
    chosen = _chosen_submissions(basis, exercise)
    runs = (
        select(chosen.c.exercise, Submission.status, Submission.message)
        .join(Submission, Submission.id == chosen.c.id)
        .cte("runs")
    )
    is_error = case((runs.c.status == "error", 1), else_=0)
    totals = (
        select(runs.c.exercise, func.count().label("learners"), func.sum(is_error).label("errors"))
        .group_by(runs.c.exercise)
        .subquery("totals")
    )
    count = func.count()
    messages = (
        select(
            runs.c.exercise,
            runs.c.message,
            count.label("n"),
            func.row_number().over(partition_by=runs.c.exercise, order_by=(count.desc(), runs.c.message)).label("pick"),
        )
        .where(runs.c.status == "error")
        .group_by(runs.c.exercise, runs.c.message)
        .subquery("messages")
    )
    query = select(totals, messages.c.message, messages.c.n).outerjoin(
        messages, and_(messages.c.exercise == totals.c.exercise, messages.c.pick == 1)
    )
    with db.reading() as session:
        return {
            row.exercise: RunFailures(
                row.exercise, row.learners, int(row.errors or 0), row.message or "", int(row.n or 0)
            )
            for row in session.execute(query)
        }


@dataclass
class QuestionStats:
    question_id: str
    quiz: str
    answered: int  # learners who answered it (first attempts)
    right: int  # ... right at the first attempt
    judged: int  # first attempts that could be judged (there was a key)
    top_wrong: str  # the most chosen wrong first answer ("" if none)
    top_wrong_count: int


def question_stats(db: Database, quiz: str | None = None) -> dict[str, QuestionStats]:
    """Per question: learners who answered, how many were right at the first attempt, and the most
    chosen wrong first answer."""
    conditions = [QuizAnswer.attempt == 1]
    if quiz is not None:
        conditions.append(QuizAnswer.quiz == quiz)
    right = case((QuizAnswer.correct.is_(True), 1), else_=0)
    totals = (
        select(
            QuizAnswer.question_id,
            func.max(QuizAnswer.quiz).label("quiz"),
            func.count().label("answered"),
            func.sum(right).label("right"),
            func.count(QuizAnswer.correct).label("judged"),
        )
        .where(*conditions)
        .group_by(QuizAnswer.question_id)
        .subquery("totals")
    )
    count = func.count()
    wrong = (
        select(
            QuizAnswer.question_id,
            QuizAnswer.answer,
            count.label("n"),
            func.row_number()
            .over(partition_by=QuizAnswer.question_id, order_by=(count.desc(), QuizAnswer.answer))
            .label("pick"),
        )
        .where(*conditions, QuizAnswer.correct.is_(False))
        .group_by(QuizAnswer.question_id, QuizAnswer.answer)
        .subquery("wrong")
    )
    query = select(totals, wrong.c.answer, wrong.c.n).outerjoin(
        wrong, and_(wrong.c.question_id == totals.c.question_id, wrong.c.pick == 1)
    )
    with db.reading() as session:
        return {
            row.question_id: QuestionStats(
                row.question_id,
                row.quiz,
                row.answered,
                int(row.right or 0),
                row.judged,
                row.answer or "",
                int(row.n or 0),
            )
            for row in session.execute(query)
        }


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
    tests_passed: int
    tests: int


@dataclass
class AnswerRecord:
    quiz: str
    question_id: str
    answer: str
    correct: bool | None
    attempt: int
    answered_at: datetime


def student_names(db: Database) -> list[str]:
    with db.reading() as session:
        return list(session.scalars(select(Student.name).order_by(Student.name)))


def student_history(db: Database, student: str) -> tuple[list[SubmissionRecord], list[AnswerRecord]] | None:
    """Every submission (with its tests passed) and every quiz answer of one learner, oldest first;
    None if there is no such learner."""
    with db.reading() as session:
        student_id = session.scalar(select(Student.id).where(Student.name == student))
        if student_id is None:
            return None
        tests = (
            select(
                TestRun.submission_id,
                func.count().label("tests"),
                func.sum(case((TestRun.passed.is_(True), 1), else_=0)).label("passed"),
            )
            .join(Submission, Submission.id == TestRun.submission_id)
            .where(Submission.student_id == student_id)
            .group_by(TestRun.submission_id)
            .subquery("tests")
        )
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
                tests.c.tests,
                tests.c.passed,
            )
            .outerjoin(tests, tests.c.submission_id == Submission.id)
            .where(Submission.student_id == student_id)
            .order_by(Submission.submitted_at, Submission.id)
        )
        submissions = [
            SubmissionRecord(
                row.id,
                row.exercise,
                row.submitted_at,
                row.score,
                row.max_score,
                row.status,
                row.message,
                row.duration,
                bool(row.official),
                row.origin,
                int(row.passed or 0),
                int(row.tests or 0),
            )
            for row in session.execute(query)
        ]
        answers = [
            AnswerRecord(row.quiz, row.question_id, row.answer, row.correct, row.attempt, row.answered_at)
            for row in session.execute(
                select(
                    QuizAnswer.quiz,
                    QuizAnswer.question_id,
                    QuizAnswer.answer,
                    QuizAnswer.correct,
                    QuizAnswer.attempt,
                    QuizAnswer.answered_at,
                )
                .where(QuizAnswer.student_id == student_id)
                .order_by(QuizAnswer.answered_at, QuizAnswer.id)
            )
        ]
    return submissions, answers


@dataclass
class ExportedTest:
    name: str
    function: str
    passed: bool
    status: str
    points: float
    max_points: float
    message: str


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
    tests: list[ExportedTest]


def chosen_submissions(db: Database, basis: str = "best", exercise: str | None = None, batch: int = 2000):
    """Yield each learner's best (or latest) official submission per exercise with its tests, in
    batches (one query per batch for the submissions, one for their tests)."""
    chosen = _chosen_submissions(basis, exercise)
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
        .order_by(Submission.exercise, Student.name)
    )
    with db.reading() as session:
        rows = session.execute(query).all()
        for start in range(0, len(rows), batch):
            part = rows[start : start + batch]
            tests: dict[int, list[ExportedTest]] = {row.id: [] for row in part}
            for t in session.execute(
                select(
                    TestRun.submission_id,
                    TestRun.name,
                    TestRun.function,
                    TestRun.passed,
                    TestRun.status,
                    TestRun.points,
                    TestRun.max_points,
                    TestRun.message,
                )
                .where(TestRun.submission_id.in_(list(tests)))
                .order_by(TestRun.submission_id, TestRun.position)
            ):
                tests[t.submission_id].append(
                    ExportedTest(t.name, t.function, bool(t.passed), t.status, t.points, t.max_points, t.message)
                )
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
                        Submission.official.is_(True),
                    )
                    .group_by(Student.name, Submission.source_sha256)
                )
                for name, sha, score in session.execute(query):
                    found[(name, exercise, sha)] = score
    return found
