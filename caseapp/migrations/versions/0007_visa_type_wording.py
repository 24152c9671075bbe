"""visa types: the consulate's wording ("Business visa (M)") instead of the raw reference names

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03 08:30:00

Letters print the visa type's name to consulates. Only names still as shipped are changed; one an
agency edited stays as it is.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

RENAMED = (  # code, shipped name, consulate wording
    ("S2", "S2 (private visit / family)", "Private affairs visa (S2)"),
    ("M", "M (business / trade)", "Business visa (M)"),
    ("L", "L (tourism)", "Tourist visa (L)"),
    ("OTHER", "Other / as instructed by consulate",
     "Visa of the category the consulate issues"),
)  # fmt: skip

visa_types = sa.table("visa_types", sa.column("code", sa.String), sa.column("name", sa.String))


def _rename(old_index: int, new_index: int) -> None:
    for row in RENAMED:
        op.execute(
            visa_types.update()
            .where(visa_types.c.code == row[0], visa_types.c.name == row[old_index])
            .values(name=row[new_index])
        )


def upgrade() -> None:
    _rename(1, 2)


def downgrade() -> None:
    _rename(2, 1)
