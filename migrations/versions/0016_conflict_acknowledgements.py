"""Conflict acknowledgements: warnings a planner accepted, with the reason, until the clash changes

Revision ID: 0016_conflict_acknowledgements
Revises: 0015_audit_change_sets
Create Date: 2026-12-02 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0016_conflict_acknowledgements'
down_revision = '0015_audit_change_sets'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('conflict_acknowledgement',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('visit_id', sa.Integer(), nullable=False),
    sa.Column('fingerprint', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.Enum('overlap', 'room', 'person', 'outside-days', 'capacity', 'transfer', name='conflict_kind', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('agenda_item_id', sa.Integer(), nullable=True),
    sa.Column('other_item_id', sa.Integer(), nullable=True),
    sa.Column('note', sa.String(length=300), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['agenda_item_id'], ['agenda_item.id'], name=op.f('fk_conflict_acknowledgement_agenda_item_id_agenda_item'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_conflict_acknowledgement_created_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['other_item_id'], ['agenda_item.id'], name=op.f('fk_conflict_acknowledgement_other_item_id_agenda_item'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['visit_id'], ['visit.id'], name=op.f('fk_conflict_acknowledgement_visit_id_visit'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_conflict_acknowledgement')),
    sa.UniqueConstraint('visit_id', 'fingerprint', name=op.f('uq_conflict_acknowledgement_visit_id_fingerprint')),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('conflict_acknowledgement', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_conflict_acknowledgement_agenda_item_id'), ['agenda_item_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_conflict_acknowledgement_other_item_id'), ['other_item_id'], unique=False)


def downgrade():
    with op.batch_alter_table('conflict_acknowledgement', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_conflict_acknowledgement_other_item_id'))
        batch_op.drop_index(batch_op.f('ix_conflict_acknowledgement_agenda_item_id'))

    op.drop_table('conflict_acknowledgement')
