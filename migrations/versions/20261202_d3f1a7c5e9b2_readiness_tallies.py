"""readiness tallies: counts of kept rows for the team views' cards and charts

Two tables of counts by what the team views scope, filter and group by
(``readiness.tallies``): ``readiness_tallies`` (hires and reviews waiting per key) and
``readiness_day_tallies`` (per key and day, the changes in who is behind or paused, and the
days waits began), and ``readiness_rows.tallied``, what each kept row added. They are
counted here from the kept rows that exist (the same ``recount`` that ``trainhub readiness
rebuild`` runs), so the views are right straight after the upgrade. An index on
``readiness_rows.waiting_since`` serves the oldest wait. No existing value is changed.

Revision ID: d3f1a7c5e9b2
Revises: c4a9e2f7d1b3
Create Date: 2026-12-02 15:00:00

"""

import sqlalchemy as sa
from alembic import op

from trainhub.readiness.tallies import recount

# revision identifiers, used by Alembic.
revision = "d3f1a7c5e9b2"
down_revision = "c4a9e2f7d1b3"
branch_labels = None
depends_on = None


def _key_columns():
    return [
        sa.Column("key", sa.String(length=500), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("manager_id", sa.Integer(), nullable=True),
        sa.Column("mentor_id", sa.Integer(), nullable=True),
        sa.Column("track", sa.String(length=100), nullable=True),
        sa.Column("start_month", sa.String(length=7), nullable=True),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("is_cleared", sa.Boolean(), nullable=False),
        sa.Column("is_scheduled", sa.Boolean(), nullable=False),
        sa.Column("days_to_ready", sa.Integer(), nullable=True),
    ]


def upgrade():
    op.create_table(
        "readiness_tallies",
        sa.Column("id", sa.Integer(), nullable=False),
        *_key_columns(),
        sa.Column("hires", sa.Integer(), nullable=False),
        sa.Column("waiting_reviews", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_readiness_tallies")),
        sa.UniqueConstraint("key", name=op.f("uq_readiness_tallies_key")),
    )
    op.create_table(
        "readiness_day_tallies",
        sa.Column("id", sa.Integer(), nullable=False),
        *_key_columns(),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_readiness_day_tallies")),
        sa.UniqueConstraint("key", name=op.f("uq_readiness_day_tallies_key")),
    )
    for table in ("readiness_tallies", "readiness_day_tallies"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_index(f"ix_{table}_manager_id", ["manager_id"])
            batch_op.create_index(f"ix_{table}_mentor_id", ["mentor_id"])
    with op.batch_alter_table("readiness_day_tallies", schema=None) as batch_op:
        batch_op.create_index("ix_readiness_day_tallies_kind_day", ["kind", "day"])
    with op.batch_alter_table("readiness_rows", schema=None) as batch_op:
        batch_op.add_column(sa.Column("tallied", sa.JSON(), nullable=True))
        batch_op.create_index("ix_readiness_rows_waiting_since", ["waiting_since"])
    recount(op.get_bind())


def downgrade():
    with op.batch_alter_table("readiness_rows", schema=None) as batch_op:
        batch_op.drop_index("ix_readiness_rows_waiting_since")
        batch_op.drop_column("tallied")
    op.drop_table("readiness_day_tallies")
    op.drop_table("readiness_tallies")
