"""add korean content

Korean names and summaries beside the English ones, in the same rows (one dataset, two
languages). NULL means "no Korean text yet": pages fall back to the English text and
say so. Quoted passages are never translated, so citations and sources get no column.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-21 06:10:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

COLUMNS = {
    "journey": (
        ("title_ko", sa.String(300)),
        ("who_ko", sa.String(300)),
        ("outcome_label_ko", sa.String(300)),
        ("summary_ko", sa.Text()),
    ),
    "place": (("name_ko", sa.String(200)), ("anchor_note_ko", sa.Text())),
    "leg": (("summary_ko", sa.Text()),),
    "hazard": (("name_ko", sa.String(300)), ("summary_ko", sa.Text())),
    "discrepancy": (("topic_ko", sa.String(300)), ("summary_ko", sa.Text())),
    "discrepancy_side": (("label_ko", sa.String(300)),),
}


def upgrade():
    for name, columns in COLUMNS.items():
        with op.batch_alter_table(name, schema=None) as batch_op:
            for column, type_ in columns:
                batch_op.add_column(sa.Column(column, type_, nullable=True))


def downgrade():
    for name, columns in reversed(COLUMNS.items()):
        with op.batch_alter_table(name, schema=None) as batch_op:
            for column, _ in reversed(columns):
                batch_op.drop_column(column)
