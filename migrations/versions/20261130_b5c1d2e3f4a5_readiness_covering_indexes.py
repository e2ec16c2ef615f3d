"""covering indexes for what readiness reads of attempts and completions

The team dashboard reads every attempt and lesson completion of up to a thousand hires on
each view. These indexes hold every column it reads, so the database answers from the index
alone instead of visiting each attempt row (whose layout and answers JSON are large).
Nothing is rewritten: only indexes are added.

Revision ID: b5c1d2e3f4a5
Revises: e47aafb6942c
Create Date: 2026-11-30 21:45:00
"""

from alembic import op

revision = "b5c1d2e3f4a5"
down_revision = "e47aafb6942c"
branch_labels = None
depends_on = None

ATTEMPT_COLUMNS = ["user_id", "quiz_slug", "number", "status", "percent", "quiz_hash", "submitted_at"]
COMPLETION_COLUMNS = ["user_id", "course_slug", "completed_at", "lesson_slug", "lesson_hash"]


def upgrade():
    with op.batch_alter_table("quiz_attempts", schema=None) as batch_op:
        batch_op.create_index("ix_quiz_attempts_facts", ATTEMPT_COLUMNS, unique=False)
    with op.batch_alter_table("lesson_completions", schema=None) as batch_op:
        batch_op.create_index("ix_lesson_completions_facts", COMPLETION_COLUMNS, unique=False)


def downgrade():
    with op.batch_alter_table("lesson_completions", schema=None) as batch_op:
        batch_op.drop_index("ix_lesson_completions_facts")
    with op.batch_alter_table("quiz_attempts", schema=None) as batch_op:
        batch_op.drop_index("ix_quiz_attempts_facts")
