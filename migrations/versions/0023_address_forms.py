"""Forms of address set by hand per person and language

Revision ID: 0023_address_forms
Revises: 0022_guest_acceptance
Create Date: 2026-11-26 22:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0023_address_forms'
down_revision = '0022_guest_acceptance'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('person', schema=None,
                              table_kwargs={'sqlite_autoincrement': True}) as batch_op:
        batch_op.add_column(sa.Column('address_overrides', sa.JSON(), server_default=sa.text("'{}'"), nullable=False))
    # The default fills the existing rows; new ones get theirs from the model (PostgreSQL
    # cannot compare JSON defaults, so none is kept).
    with op.batch_alter_table('person', schema=None,
                              table_kwargs={'sqlite_autoincrement': True}) as batch_op:
        batch_op.alter_column('address_overrides', server_default=None)


def downgrade():
    with op.batch_alter_table('person', schema=None,
                              table_kwargs={'sqlite_autoincrement': True}) as batch_op:
        batch_op.drop_column('address_overrides')
