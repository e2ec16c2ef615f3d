"""readiness rows: readiness kept per hire

One row per hire with what the team views show (status, progress, steps with due dates,
reasons and the next step as codes and values, ready since, waits, last activity), written
with every event that changes the hire's facts. The rows start empty: ``trainhub readiness
rebuild`` (also run by the worker at start) fills them, and the views say "updating" for a
hire without one until then. No existing row is changed.

Revision ID: 5ca1ed0b1e55
Revises: a7e3c1d9b5f2
Create Date: 2026-12-02 01:20:00

"""

import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = "5ca1ed0b1e55"
down_revision = "a7e3c1d9b5f2"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "readiness_rows",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("progress", sa.Float(), nullable=False),
        sa.Column("steps_done", sa.Integer(), nullable=False),
        sa.Column("steps_total", sa.Integer(), nullable=False),
        sa.Column("steps", sa.JSON(), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("next_step", sa.Integer(), nullable=True),
        sa.Column("pauses", sa.JSON(), nullable=False),
        sa.Column("ready_since", sa.DateTime(), nullable=True),
        sa.Column("days_to_ready", sa.Integer(), nullable=True),
        sa.Column("first_open_due", sa.Date(), nullable=True),
        sa.Column("waiting_reviews", sa.Integer(), nullable=False),
        sa.Column("waiting_since", sa.DateTime(), nullable=True),
        sa.Column("last_activity_at", sa.DateTime(), nullable=True),
        sa.Column("refreshed_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_readiness_rows_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_readiness_rows")),
    )
    with op.batch_alter_table("readiness_rows", schema=None) as batch_op:
        batch_op.create_index("ix_readiness_rows_status_progress", ["status", "progress"])
        batch_op.create_index("ix_readiness_rows_first_open_due", ["first_open_due"])
    # The dashboard sorts and pages a team by name in SQL.
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.create_index("ix_users_role_name_id", ["role", "name", "id"])


def downgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_index("ix_users_role_name_id")
    with op.batch_alter_table("readiness_rows", schema=None) as batch_op:
        batch_op.drop_index("ix_readiness_rows_first_open_due")
        batch_op.drop_index("ix_readiness_rows_status_progress")
    op.drop_table("readiness_rows")
