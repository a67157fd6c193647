"""Grading hosts (`grade worker` over a Redis broker): a running job's claim is held by a named worker
until a lease runs out (renewed while it grades), a job remembers when it last went to the broker, and
every worker keeps a heartbeat row.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-20
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("submissions", sa.Column("claimed_by", sa.String(120), nullable=True))
    op.add_column("submissions", sa.Column("lease_until", sa.DateTime, nullable=True))
    op.add_column("submissions", sa.Column("sent_at", sa.DateTime, nullable=True))
    op.create_table(
        "grading_workers",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(120), nullable=False, unique=True),
        sa.Column("host", sa.String(200), nullable=False),
        sa.Column("pid", sa.Integer, nullable=False),
        sa.Column("concurrency", sa.Integer, nullable=False),
        sa.Column("sandbox", sa.String(20), nullable=False),
        sa.Column("grader_version", sa.String(40), nullable=False),
        sa.Column("started_at", sa.DateTime, nullable=False),
        sa.Column("seen_at", sa.DateTime, nullable=False),
        sa.Column("stopped_at", sa.DateTime, nullable=True),
    )


def downgrade() -> None:
    op.drop_table("grading_workers")
    with op.batch_alter_table("submissions") as batch:
        for column in ("sent_at", "lease_until", "claimed_by"):
            batch.drop_column(column)
