"""Guest acceptance: a guest organisation's link to a visit has a state; existing ones accepted

Revision ID: 0022_guest_acceptance
Revises: 0021_issued_artefacts
Create Date: 2026-11-26 20:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0022_guest_acceptance'
down_revision = '0021_issued_artefacts'
branch_labels = None
depends_on = None


def upgrade():
    # Every existing guest keeps seeing its visits: the server default accepts them.
    with op.batch_alter_table('visit_guest_organisation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('state', sa.Enum('invited', 'accepted', 'declined', 'left', name='guest_state', native_enum=False, create_constraint=True), server_default='accepted', nullable=False))
        batch_op.add_column(sa.Column('invited_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('answered_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('answered_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('message', sa.Text(), server_default=sa.text("''"), nullable=False))
        batch_op.create_foreign_key(batch_op.f('fk_visit_guest_organisation_answered_by_id_user_account'), 'user_account', ['answered_by_id'], ['id'], ondelete='SET NULL')


def downgrade():
    with op.batch_alter_table('visit_guest_organisation', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_visit_guest_organisation_answered_by_id_user_account'), type_='foreignkey')
        batch_op.drop_column('message')
        batch_op.drop_column('answered_by_id')
        batch_op.drop_column('answered_at')
        batch_op.drop_column('invited_at')
        # The CHECK of the state's values goes with it (SQLite keeps it in a rebuilt table).
        batch_op.drop_constraint(batch_op.f('ck_visit_guest_organisation_guest_state'), type_='check')
        batch_op.drop_column('state')
