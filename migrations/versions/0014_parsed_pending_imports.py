"""Pending imports keep the rows read from the file, so the file is read once

Revision ID: 0014_parsed_pending_imports
Revises: 0013_trash
Create Date: 2026-12-02 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0014_parsed_pending_imports'
down_revision = '0013_trash'
branch_labels = None
depends_on = None


def upgrade():
    # Uploads waiting now are read once more, on their next review, and kept.
    op.add_column('pending_import', sa.Column('parsed', sa.JSON(), nullable=True))
    op.add_column(
        'pending_import',
        sa.Column('parsed_encoding', sa.String(length=20), server_default=sa.text("''"), nullable=False),
    )


def downgrade():
    # SQLite builds the table anew: with AUTOINCREMENT, which a rebuild forgets.
    with op.batch_alter_table(
        'pending_import', schema=None, table_kwargs={'sqlite_autoincrement': True}
    ) as batch_op:
        batch_op.drop_column('parsed_encoding')
        batch_op.drop_column('parsed')
