"""add lock versions

Optimistic locking for the records editors change in the browser: each edit form
carries the version it was loaded at, and a save against a newer version is a
conflict (HTTP 409), never a silent overwrite (SQLAlchemy `version_id_col`).

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-21 02:46:40.564304

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

TABLES = ("hazard", "journey", "leg", "place", "source")


def upgrade():
    for name in TABLES:
        with op.batch_alter_table(name, schema=None) as batch_op:
            batch_op.add_column(
                sa.Column("lock_version", sa.Integer(), server_default="1", nullable=False)
            )


def downgrade():
    for name in reversed(TABLES):
        with op.batch_alter_table(name, schema=None) as batch_op:
            batch_op.drop_column("lock_version")
