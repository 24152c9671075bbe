"""programs: the treating ward's 24-hour phone line (for the home doctor's handoff letter)

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03 08:15:00

Existing programs get an empty line; the letter then says it is not recorded until the
reference data is imported again.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("programs") as batch_op:
        batch_op.add_column(
            sa.Column("ward_phone_24h", sa.String(length=60), nullable=False, server_default="")
        )


def downgrade() -> None:
    with op.batch_alter_table("programs") as batch_op:
        batch_op.drop_column("ward_phone_24h")
