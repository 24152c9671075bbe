"""signature meaning: what each signed eligibility review states (who, when, decision, criteria)

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-03 08:00:00

Reviews signed before this revision keep an empty meaning: their reviewer, time, decision and
criteria snapshot are there, but nobody confirmed a statement, so none is made up.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("eligibility_reviews") as batch:
        batch.add_column(sa.Column("meaning", sa.Text(), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("eligibility_reviews") as batch:
        batch.drop_column("meaning")
