"""X12 control numbers: the last ISA13, GS06 and ST02 handed out to each sender.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27 02:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "x12_control_numbers",
        sa.Column("sender_id", sa.String(length=15), nullable=False),
        sa.Column("interchange_number", sa.Integer(), nullable=False),
        sa.Column("group_number", sa.Integer(), nullable=False),
        sa.Column("transaction_number", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("sender_id", name=op.f("pk_x12_control_numbers")),
    )


def downgrade() -> None:
    op.drop_table("x12_control_numbers")
