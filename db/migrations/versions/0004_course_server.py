"""The course server: a submission is a job (queued -> running -> done) with a unique job id, marked
late after its exercise's deadline; the roster's LMS ids and e-mail; access tokens (sha256 only).

Existing submissions were graded when recorded: they become "done".

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-10
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # plain ADD COLUMNs (no table copy on SQLite): cheap on a large gradebook
    op.add_column("submissions", sa.Column("job_id", sa.String(36), nullable=True))
    op.add_column("submissions", sa.Column("state", sa.String(10), server_default="done", nullable=False))
    op.add_column("submissions", sa.Column("late", sa.Boolean, server_default=sa.false(), nullable=False))
    op.add_column("submissions", sa.Column("graded_at", sa.DateTime, nullable=True))
    op.add_column("submissions", sa.Column("runs", sa.Integer, server_default="0", nullable=False))
    op.create_index("uq_submissions_job", "submissions", ["job_id"], unique=True)
    op.create_index("ix_submissions_state", "submissions", ["state", "id"])
    op.add_column("students", sa.Column("roster_id", sa.String(200), nullable=True))
    op.add_column("students", sa.Column("email", sa.String(200), nullable=True))
    op.create_table(
        "access_tokens",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("token_sha256", sa.String(64), nullable=False, unique=True),
        sa.Column("role", sa.String(12), nullable=False),
        sa.Column("student_id", sa.Integer, sa.ForeignKey("students.id"), nullable=True),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("revoked_at", sa.DateTime, nullable=True),
    )
    op.create_index("ix_access_tokens_student", "access_tokens", ["student_id"])


def downgrade() -> None:
    op.drop_index("ix_access_tokens_student", table_name="access_tokens")
    op.drop_table("access_tokens")
    with op.batch_alter_table("students") as batch:
        batch.drop_column("email")
        batch.drop_column("roster_id")
    op.drop_index("ix_submissions_state", table_name="submissions")
    op.drop_index("uq_submissions_job", table_name="submissions")
    with op.batch_alter_table("submissions") as batch:
        for column in ("runs", "graded_at", "late", "state", "job_id"):
            batch.drop_column(column)
