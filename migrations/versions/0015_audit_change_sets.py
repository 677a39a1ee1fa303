"""Audit change sets

Revision ID: 0015_audit_change_sets
Revises: 0014_parsed_pending_imports
Create Date: 2026-12-01 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0015_audit_change_sets'
down_revision = '0014_parsed_pending_imports'
branch_labels = None
depends_on = None


def upgrade():
    # Entries written before have none: the history shows each of them on its own.
    with op.batch_alter_table('audit_entry', schema=None,
                              table_kwargs={'sqlite_autoincrement': True}) as batch_op:
        batch_op.add_column(sa.Column('change_set', sa.String(length=32), nullable=True))
        batch_op.create_index('ix_audit_entry_change_set', ['change_set'], unique=False)


def downgrade():
    with op.batch_alter_table('audit_entry', schema=None,
                              table_kwargs={'sqlite_autoincrement': True}) as batch_op:
        batch_op.drop_index('ix_audit_entry_change_set')
        batch_op.drop_column('change_set')
