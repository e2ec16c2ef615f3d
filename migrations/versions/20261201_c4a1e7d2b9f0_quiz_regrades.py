"""quiz regrades

``trainhub quiz regrade SLUG`` grades an attempt again after its quiz changed. Each regrade
keeps the attempt's old score, pass/fail, layout, answers and results beside the new ones in
``quiz_regrades``. Only a table is added; no row is rewritten.

Revision ID: c4a1e7d2b9f0
Revises: c7d8e9f0a1b2
Create Date: 2026-12-01 22:40:00

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'c4a1e7d2b9f0'
down_revision = "c7d8e9f0a1b2"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('quiz_regrades',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('attempt_id', sa.Integer(), nullable=False),
    sa.Column('regraded_at', sa.DateTime(), nullable=False),
    sa.Column('old_quiz_hash', sa.String(length=64), nullable=False),
    sa.Column('new_quiz_hash', sa.String(length=64), nullable=False),
    sa.Column('old_score', sa.Float(), nullable=True),
    sa.Column('old_max_score', sa.Float(), nullable=True),
    sa.Column('old_percent', sa.Float(), nullable=True),
    sa.Column('old_is_passed', sa.Boolean(), nullable=True),
    sa.Column('new_score', sa.Float(), nullable=True),
    sa.Column('new_max_score', sa.Float(), nullable=True),
    sa.Column('new_percent', sa.Float(), nullable=True),
    sa.Column('new_is_passed', sa.Boolean(), nullable=True),
    sa.Column('old_layout', sa.JSON(), nullable=False),
    sa.Column('old_answers', sa.JSON(), nullable=True),
    sa.Column('old_results', sa.JSON(), nullable=True),
    sa.Column('reasons', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['attempt_id'], ['quiz_attempts.id'], name=op.f('fk_quiz_regrades_attempt_id_quiz_attempts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_quiz_regrades'))
    )
    with op.batch_alter_table('quiz_regrades', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_quiz_regrades_attempt_id'), ['attempt_id'], unique=False)


def downgrade():
    with op.batch_alter_table('quiz_regrades', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_quiz_regrades_attempt_id'))

    op.drop_table('quiz_regrades')
