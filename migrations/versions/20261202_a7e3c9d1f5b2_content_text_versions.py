"""which text of an item a hire read: its language and its translation's hash

An attempt, a submission or a completion belongs to the item whatever language it was read
in (its ``*_hash`` stays the original's version). Beside it, the language of the text the hire
read and that translation's own content hash; both NULL when the hire read the original (as
every row made before this revision did). Only nullable columns are added; no row is rewritten.

Revision ID: a7e3c9d1f5b2
Revises: c4a1e7d2b9f0
Create Date: 2026-12-02 01:30:00

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'a7e3c9d1f5b2'
down_revision = 'c4a1e7d2b9f0'
branch_labels = None
depends_on = None

TABLES = ('lesson_completions', 'quiz_attempts', 'roleplay_submissions')


def upgrade():
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('text_language', sa.String(length=10), nullable=True))
            batch_op.add_column(sa.Column('text_hash', sa.String(length=64), nullable=True))


def downgrade():
    for table in reversed(TABLES):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('text_hash')
            batch_op.drop_column('text_language')
