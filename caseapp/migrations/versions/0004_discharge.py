"""discharge: the medicines a patient takes home and the blood counts at day +28 and discharge

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03 08:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "discharge_medications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("dose", sa.String(length=60), nullable=False),
        sa.Column("frequency", sa.String(length=80), nullable=False),
        sa.Column("until", sa.String(length=120), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["cases.id"],
            name=op.f("fk_discharge_medications_case_id_cases"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_discharge_medications")),
    )
    with op.batch_alter_table("discharge_medications") as batch_op:
        batch_op.create_index(batch_op.f("ix_discharge_medications_case_id"), ["case_id"])
    op.create_table(
        "blood_counts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("moment", sa.String(length=12), nullable=False),
        sa.Column("taken_on", sa.Date(), nullable=False),
        sa.Column("anc", sa.Numeric(precision=6, scale=2), nullable=False),
        sa.Column("platelets", sa.Integer(), nullable=False),
        sa.Column("haemoglobin", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["cases.id"],
            name=op.f("fk_blood_counts_case_id_cases"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_blood_counts")),
        sa.UniqueConstraint("case_id", "moment", name=op.f("uq_blood_counts_case_id")),
    )
    with op.batch_alter_table("blood_counts") as batch_op:
        batch_op.create_index(batch_op.f("ix_blood_counts_case_id"), ["case_id"])


def downgrade() -> None:
    with op.batch_alter_table("blood_counts") as batch_op:
        batch_op.drop_index(batch_op.f("ix_blood_counts_case_id"))
    op.drop_table("blood_counts")
    with op.batch_alter_table("discharge_medications") as batch_op:
        batch_op.drop_index(batch_op.f("ix_discharge_medications_case_id"))
    op.drop_table("discharge_medications")
