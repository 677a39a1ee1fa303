"""Guest visibility: whether guests see the host's attendees, and which host details are public

Revision ID: 0026_guest_visibility
Revises: 0025_personal_page
Create Date: 2026-11-26 21:55:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0026_guest_visibility'
down_revision = '0025_personal_page'
branch_labels = None
depends_on = None


def upgrade():
    # Existing visits keep showing the host's list; host functions stay visible, phone
    # numbers become the host's to make public.
    with op.batch_alter_table('visit', schema=None, table_kwargs={'sqlite_autoincrement': True}) as batch_op:
        batch_op.add_column(sa.Column('guests_see_host_attendees', sa.Boolean(), server_default=sa.text('true'), nullable=False))
    with op.batch_alter_table('participation', schema=None, table_kwargs={'sqlite_autoincrement': True}) as batch_op:
        batch_op.add_column(sa.Column('public_function', sa.Boolean(), server_default=sa.text('true'), nullable=False))
        batch_op.add_column(sa.Column('public_phone', sa.Boolean(), server_default=sa.text('false'), nullable=False))


def downgrade():
    with op.batch_alter_table('participation', schema=None, table_kwargs={'sqlite_autoincrement': True}) as batch_op:
        batch_op.drop_column('public_phone')
        batch_op.drop_column('public_function')
    with op.batch_alter_table('visit', schema=None, table_kwargs={'sqlite_autoincrement': True}) as batch_op:
        batch_op.drop_column('guests_see_host_attendees')
