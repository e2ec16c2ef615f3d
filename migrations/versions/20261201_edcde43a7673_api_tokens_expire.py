"""api tokens expire and end with their owner's credentials

Tokens get an expiry and the owner's credentials version; a role, password, e-mail or
activity change bumps the version and ends the owner's tokens for good. Tokens made before
this revision were made without an expiry: they get one 90 days from the upgrade, so an
integration keeps working while its owner makes a new token.


Revision ID: edcde43a7673
Revises: e22df48fed58
Create Date: 2026-12-01 22:34:13.832736

"""
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'edcde43a7673'
down_revision = 'e22df48fed58'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.add_column(sa.Column('expires_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('credentials_version', sa.Integer(), server_default='1', nullable=False))

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('credentials_version', sa.Integer(), server_default='1', nullable=False))

    tokens = sa.table("api_tokens", sa.column("expires_at", sa.DateTime))
    until = datetime.now(UTC).replace(tzinfo=None) + timedelta(days=90)
    op.execute(tokens.update().where(tokens.c.expires_at.is_(None)).values(expires_at=until))


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('credentials_version')

    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.drop_column('credentials_version')
        batch_op.drop_column('expires_at')

