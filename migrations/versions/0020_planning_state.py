"""Planning state kept on write: each visit's warnings and pending changes, stored

Revision ID: 0020_planning_state
Revises: 0019_visit_title_search
Create Date: 2026-12-03 09:00:00.000000

The tables start empty: `flask --app planner planning refresh` fills them for the
visits that exist; until then pages compute what they miss.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0020_planning_state'
down_revision = '0019_visit_title_search'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('visit_planning',
    sa.Column('visit_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('item_count', sa.Integer(), nullable=False),
    sa.Column('attendee_count', sa.Integer(), nullable=False),
    sa.Column('changes', sa.JSON(), nullable=False),
    sa.Column('draft_differs', sa.Boolean(), nullable=False),
    sa.Column('refreshed_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('visit_id', name=op.f('pk_visit_planning'))
    )
    op.create_table('planned_conflict',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('visit_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('overlap', 'room', 'person', 'outside-days', 'capacity', 'transfer', name='conflict_kind', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('other_item_id', sa.Integer(), nullable=True),
    sa.Column('other_visit_id', sa.Integer(), nullable=True),
    sa.Column('room_id', sa.Integer(), nullable=True),
    sa.Column('person_id', sa.Integer(), nullable=True),
    sa.Column('minutes', sa.Integer(), nullable=True),
    sa.Column('participants', sa.Integer(), nullable=True),
    sa.Column('other_first', sa.Boolean(), nullable=False),
    sa.Column('facts', sa.JSON(), nullable=False),
    sa.Column('fingerprint', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_planned_conflict')),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('planned_conflict', schema=None) as batch_op:
        batch_op.create_index('ix_planned_conflict_visit_position', ['visit_id', 'position'], unique=False)
        batch_op.create_index(batch_op.f('ix_planned_conflict_other_visit_id'), ['other_visit_id'], unique=False)


def downgrade():
    with op.batch_alter_table('planned_conflict', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_planned_conflict_other_visit_id'))
        batch_op.drop_index('ix_planned_conflict_visit_position')

    op.drop_table('planned_conflict')
    op.drop_table('visit_planning')
