"""Diagnoses: a failed test may name the misconception behind it (the judge's `diagnosis`:
{"id": "losses.mse_sum_not_mean", "text": "..."}); `grade report --exercise` counts them per class.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("test_results") as batch:
        batch.add_column(sa.Column("diagnosis_id", sa.String(100), nullable=True))
        batch.add_column(sa.Column("diagnosis_text", sa.Text, nullable=True))
    # the misconceptions of a class: only diagnosed rows are read, then joined to the chosen submissions
    op.create_index("ix_test_results_diagnosis", "test_results", ["diagnosis_id", "submission_id"])


def downgrade() -> None:
    op.drop_index("ix_test_results_diagnosis", table_name="test_results")
    with op.batch_alter_table("test_results") as batch:
        batch.drop_column("diagnosis_text")
        batch.drop_column("diagnosis_id")
