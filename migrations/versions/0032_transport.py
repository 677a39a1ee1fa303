"""Transport: vehicles of a visit and who rides in which on each transfer

Revision ID: 0032_transport
Revises: 0031_gifts
Create Date: 2026-11-26 22:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0032_transport'
down_revision = '0031_gifts'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('vehicle',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('visit_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('car', 'van', 'bus', name='vehicle_kind', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('plate', sa.String(length=20), nullable=False),
    sa.Column('seats', sa.Integer(), nullable=False),
    sa.Column('driver_name', sa.String(length=200), nullable=False),
    sa.Column('driver_phone', sa.String(length=50), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('lock_version', sa.Integer(), server_default=sa.text('1'), nullable=False),
    sa.CheckConstraint('seats >= 1 AND seats <= 99', name=op.f('ck_vehicle_seats_in_range')),
    sa.ForeignKeyConstraint(['visit_id'], ['visit.id'], name=op.f('fk_vehicle_visit_id_visit'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_vehicle')),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('vehicle', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_vehicle_visit_id'), ['visit_id'], unique=False)

    op.create_table('vehicle_ride',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('visit_id', sa.Integer(), nullable=False),
    sa.Column('vehicle_id', sa.Integer(), nullable=False),
    sa.Column('agenda_item_id', sa.Integer(), nullable=False),
    sa.Column('participation_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['agenda_item_id'], ['agenda_item.id'], name=op.f('fk_vehicle_ride_agenda_item_id_agenda_item'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['participation_id'], ['participation.id'], name=op.f('fk_vehicle_ride_participation_id_participation'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['vehicle_id'], ['vehicle.id'], name=op.f('fk_vehicle_ride_vehicle_id_vehicle'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['visit_id'], ['visit.id'], name=op.f('fk_vehicle_ride_visit_id_visit'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_vehicle_ride')),
    sa.UniqueConstraint('agenda_item_id', 'participation_id', name=op.f('uq_vehicle_ride_agenda_item_id_participation_id')),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('vehicle_ride', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_vehicle_ride_agenda_item_id'), ['agenda_item_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_vehicle_ride_participation_id'), ['participation_id'], unique=False)
        batch_op.create_index('ix_vehicle_ride_vehicle_item', ['vehicle_id', 'agenda_item_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_vehicle_ride_visit_id'), ['visit_id'], unique=False)


def downgrade():
    with op.batch_alter_table('vehicle_ride', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_vehicle_ride_visit_id'))
        batch_op.drop_index('ix_vehicle_ride_vehicle_item')
        batch_op.drop_index(batch_op.f('ix_vehicle_ride_participation_id'))
        batch_op.drop_index(batch_op.f('ix_vehicle_ride_agenda_item_id'))

    op.drop_table('vehicle_ride')
    with op.batch_alter_table('vehicle', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_vehicle_visit_id'))

    op.drop_table('vehicle')
