"""add leg drawing

How the atlas draws a leg whose route the sources tell only in part (an editorial
choice, never a surveyed path): NULL, a schematic line between the two places;
"overland", told as overland through a country but not traced (a schematic path over
land, "route through … not told"); "relocated", moved from one place to the other,
how not told (a thin connector, not a path). See app/maps/leg_paths.py.

Revision ID: 0008_leg_drawing
Revises: 0007
Create Date: 2026-12-08 01:25:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0008_leg_drawing"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("leg", schema=None) as batch_op:
        batch_op.add_column(sa.Column("drawing", sa.String(length=20), nullable=True))


def downgrade():
    with op.batch_alter_table("leg", schema=None) as batch_op:
        batch_op.drop_column("drawing")
