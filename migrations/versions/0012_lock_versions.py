"""Optimistic locking of every record people edit

Revision ID: 0012_lock_versions
Revises: 0011_bilingual_item_texts
Create Date: 2026-11-28 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0012_lock_versions'
down_revision = '0011_bilingual_item_texts'
branch_labels = None
depends_on = None

# Agenda items and visits have had their lock version since 0003.
TABLES = (
    'organisation',
    'user_account',
    'person',
    'participation',
    'venue',
    'room',
    'programme_module',
    'outbox_message',
)


def upgrade():
    for table in TABLES:
        with op.batch_alter_table(table, schema=None,
                                  table_kwargs={'sqlite_autoincrement': True}) as batch_op:
            batch_op.add_column(
                sa.Column('lock_version', sa.Integer(), nullable=False, server_default='1')
            )


def downgrade():
    for table in reversed(TABLES):
        with op.batch_alter_table(table, schema=None,
                                  table_kwargs={'sqlite_autoincrement': True}) as batch_op:
            batch_op.drop_column('lock_version')
