"""The misconceptions found across a class: the diagnoses the judge attached to failed tests, counted
over each learner's chosen (best or latest) official submission, with the learners who show each."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import select

from db.models import Student, TestRun
from db.selection import chosen_submission_ids
from db.session import Database


@dataclass
class Misconception:
    id: str  # "losses.mse_sum_not_mean"
    text: str  # what it is and why it is wrong (the most common wording)
    students: list[str] = field(default_factory=list)  # the learners showing it, by name
    tests: list[str] = field(default_factory=list)  # the tests in which it showed


def misconceptions(db: Database, exercise: str, basis: str = "best") -> list[Misconception]:
    """Each diagnosis found in the chosen submissions of `exercise`, most widespread first. A learner
    counts once per misconception however many of their tests show it. Ties and wordings are settled
    in Python, so SQLite and PostgreSQL give the same list."""
    chosen = chosen_submission_ids(basis, exercise)
    query = (
        select(TestRun.diagnosis_id, TestRun.diagnosis_text, Student.name, TestRun.name)
        .select_from(chosen)
        .join(TestRun, TestRun.submission_id == chosen.c.id)
        .join(Student, Student.id == chosen.c.student_id)
        .where(TestRun.diagnosis_id.is_not(None), TestRun.passed.is_(False))
    )
    students: dict[str, set[str]] = {}
    tests: dict[str, set[str]] = {}
    texts: dict[str, Counter] = {}
    with db.reading() as session:
        for ident, text, student, test in session.execute(query):
            students.setdefault(ident, set()).add(student)
            tests.setdefault(ident, set()).add(test)
            texts.setdefault(ident, Counter())[text or ""] += 1
    found = [
        Misconception(
            ident,
            min(texts[ident].items(), key=lambda item: (-item[1], item[0]))[0],
            sorted(students[ident]),
            sorted(tests[ident]),
        )
        for ident in students
    ]
    found.sort(key=lambda m: (-len(m.students), m.id))
    return found
