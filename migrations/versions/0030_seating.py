"""Seating plans of agenda items

Revision ID: 0030_seating
Revises: 0029_press
Create Date: 2026-11-26 22:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0030_seating'
down_revision = '0029_press'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('seating_plan',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('layout', sa.Enum('long-table', 'round-tables', 'u-shape', 'theatre', name='seating_layout', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('heads', sa.Enum('facing', 'side-by-side', name='heads_custom', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('table_count', sa.Integer(), nullable=False),
    sa.Column('seats_per_table', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('lock_version', sa.Integer(), server_default=sa.text('1'), nullable=False),
    sa.CheckConstraint('seats_per_table >= 1', name=op.f('ck_seating_plan_has_a_seat')),
    sa.CheckConstraint('table_count >= 1', name=op.f('ck_seating_plan_has_a_table')),
    sa.ForeignKeyConstraint(['item_id'], ['agenda_item.id'], name=op.f('fk_seating_plan_item_id_agenda_item'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_seating_plan')),
    sa.UniqueConstraint('item_id', name=op.f('uq_seating_plan_item_id')),
    sqlite_autoincrement=True
    )
    op.create_table('seating_table',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('step_free', sa.Boolean(), nullable=False),
    sa.Column('service_access', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['plan_id'], ['seating_plan.id'], name=op.f('fk_seating_table_plan_id_seating_plan'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_seating_table')),
    sa.UniqueConstraint('plan_id', 'number', name=op.f('uq_seating_table_plan_id_number')),
    sqlite_autoincrement=True
    )
    op.create_table('seat',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('table_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('row', sa.Integer(), nullable=False),
    sa.Column('column', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_seat_person_id_person'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['plan_id'], ['seating_plan.id'], name=op.f('fk_seat_plan_id_seating_plan'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['table_id'], ['seating_table.id'], name=op.f('fk_seat_table_id_seating_table'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_seat')),
    sa.UniqueConstraint('plan_id', 'person_id', name=op.f('uq_seat_plan_id_person_id')),
    sa.UniqueConstraint('table_id', 'number', name=op.f('uq_seat_table_id_number')),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('seat', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_seat_person_id'), ['person_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_seat_table_id'), ['table_id'], unique=False)



def downgrade():
    with op.batch_alter_table('seat', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_seat_table_id'))
        batch_op.drop_index(batch_op.f('ix_seat_person_id'))

    op.drop_table('seat')
    op.drop_table('seating_table')
    op.drop_table('seating_plan')
