"""add geocode cache

Answers of the geocoders (the bundled offline gazetteer, opt-in Nominatim), kept so a
place is looked up online at most once and the atlas can answer offline afterwards.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-21 06:12:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "geocode_cache",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("provider", sa.String(length=40), nullable=False),
        sa.Column("query", sa.String(length=300), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("results", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("provider", "query", "language", name="geocode_cache_lookup"),
    )


def downgrade():
    op.drop_table("geocode_cache")
