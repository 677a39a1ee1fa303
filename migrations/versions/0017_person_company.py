"""A person's company (external service staff) and a version counter on pending imports

Revision ID: 0017_person_company
Revises: 0016_conflict_acknowledgements
Create Date: 2026-12-03 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0017_person_company'
down_revision = '0016_conflict_acknowledgements'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('person', schema=None,
                              table_kwargs={'sqlite_autoincrement': True}) as batch_op:
        batch_op.add_column(
            sa.Column('company', sa.String(length=200), server_default=sa.text("''"),
                      nullable=False)
        )
    # Two planners correcting the same upload must not overwrite each other.
    with op.batch_alter_table('pending_import', schema=None,
                              table_kwargs={'sqlite_autoincrement': True}) as batch_op:
        batch_op.add_column(
            sa.Column('lock_version', sa.Integer(), nullable=False, server_default='1')
        )


def downgrade():
    with op.batch_alter_table('pending_import', schema=None,
                              table_kwargs={'sqlite_autoincrement': True}) as batch_op:
        batch_op.drop_column('lock_version')
    with op.batch_alter_table('person', schema=None,
                              table_kwargs={'sqlite_autoincrement': True}) as batch_op:
        batch_op.drop_column('company')
