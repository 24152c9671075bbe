"""gate summaries: each case's gate result kept between pipeline list loads

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03 08:00:00

The table starts empty: the first list load computes every open case once and stores it.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "case_gate_summaries",
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("token", sa.Integer(), server_default="0", nullable=False),
        sa.Column("computed_on", sa.Date(), nullable=True),
        sa.Column("valid_until", sa.Date(), nullable=True),
        sa.Column("blockers", sa.Integer(), server_default="0", nullable=False),
        sa.Column("warnings", sa.Integer(), server_default="0", nullable=False),
        sa.Column("first_blockers", sa.Text(), server_default="", nullable=False),
        sa.Column("next_deadline", sa.Date(), nullable=True),
        sa.Column("next_deadline_what", sa.Text(), server_default="", nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["cases.id"],
            name=op.f("fk_case_gate_summaries_case_id_cases"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("case_id", name=op.f("pk_case_gate_summaries")),
    )


def downgrade() -> None:
    op.drop_table("case_gate_summaries")
