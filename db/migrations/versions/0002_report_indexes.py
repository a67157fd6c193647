"""Indexes for the class reports (grade report / grade export): covering indexes for the best
score per learner and exercise, and for the first-attempt quiz scores.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21
"""

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # best score per (exercise, learner) and each learner's chosen submission (window partitions):
    # an index-only scan instead of reading every submission row
    op.create_index("ix_submissions_best", "submissions", ["exercise", "student_id", "official", "score"])
    # first-attempt quiz scores per (quiz, learner)
    op.create_index("ix_quiz_answers_first", "quiz_answers", ["quiz", "student_id", "attempt", "correct"])


def downgrade() -> None:
    op.drop_index("ix_quiz_answers_first", table_name="quiz_answers")
    op.drop_index("ix_submissions_best", table_name="submissions")
