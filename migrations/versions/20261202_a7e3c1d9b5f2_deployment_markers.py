"""deployment markers

The uploads folder's mark: ``trainhub db upgrade`` stores a random value here and in a file
in the uploads folder, and each host's ``/readyz`` compares the two, so a host whose uploads
folder is not the shared one is taken out of rotation instead of answering 404s.

Revision ID: a7e3c1d9b5f2
Revises: b5e8a3c1d7f4
Create Date: 2026-12-02 01:30:00

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = "a7e3c1d9b5f2"
down_revision = "b5e8a3c1d7f4"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "deployment_markers",
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("value", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_deployment_markers")),
    )


def downgrade():
    op.drop_table("deployment_markers")
