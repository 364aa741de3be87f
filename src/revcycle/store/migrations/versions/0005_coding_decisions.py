"""Coding decisions: a coder's accept, reject, edit and add decisions per encounter, and the synonyms they teach.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-27 08:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "coding_decisions",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("organisation", sa.String(length=64), nullable=False),
        sa.Column("encounter_id", sa.String(length=64), nullable=False),
        sa.Column("code_system", sa.String(length=10), nullable=False),
        sa.Column("suggested_code", sa.String(length=10), nullable=True),
        sa.Column("decision", sa.String(length=10), nullable=False),
        sa.Column("final_code", sa.String(length=10), nullable=True),
        sa.Column("evidence_text", sa.String(length=200), nullable=False),
        sa.Column("decided_by", sa.String(length=64), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["encounter_id"], ["encounters.id"], name=op.f("fk_coding_decisions_encounter_id_encounters")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_coding_decisions")),
    )
    with op.batch_alter_table("coding_decisions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_coding_decisions_encounter_id"), ["encounter_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_coding_decisions_organisation"), ["organisation"], unique=False)
    op.create_table(
        "coding_synonyms",
        sa.Column("organisation", sa.String(length=64), nullable=False),
        sa.Column("phrase", sa.String(length=200), nullable=False),
        sa.Column("code", sa.String(length=10), nullable=False),
        sa.Column("code_system", sa.String(length=10), nullable=False),
        sa.Column("times_confirmed", sa.Integer(), nullable=False),
        sa.Column("first_decision_id", sa.String(length=64), nullable=False),
        sa.Column("last_decision_id", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["first_decision_id"],
            ["coding_decisions.id"],
            name=op.f("fk_coding_synonyms_first_decision_id_coding_decisions"),
        ),
        sa.ForeignKeyConstraint(
            ["last_decision_id"],
            ["coding_decisions.id"],
            name=op.f("fk_coding_synonyms_last_decision_id_coding_decisions"),
        ),
        sa.PrimaryKeyConstraint("organisation", "phrase", "code", name=op.f("pk_coding_synonyms")),
    )


def downgrade() -> None:
    op.drop_table("coding_synonyms")
    with op.batch_alter_table("coding_decisions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_coding_decisions_organisation"))
        batch_op.drop_index(batch_op.f("ix_coding_decisions_encounter_id"))
    op.drop_table("coding_decisions")
