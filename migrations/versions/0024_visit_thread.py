"""Visit thread: messages between the offices of a visit, and how far each user read

Revision ID: 0024_visit_thread
Revises: 0023_address_forms
Create Date: 2026-11-26 21:40:26.011476

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0024_visit_thread'
down_revision = '0023_address_forms'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('thread_reading',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('visit_id', sa.Integer(), nullable=False),
    sa.Column('last_read_id', sa.Integer(), nullable=False),
    sa.Column('read_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_thread_reading_user_id_user_account'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['visit_id'], ['visit.id'], name=op.f('fk_thread_reading_visit_id_visit'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_thread_reading')),
    sa.UniqueConstraint('user_id', 'visit_id', name=op.f('uq_thread_reading_user_id_visit_id')),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('thread_reading', schema=None) as batch_op:
        batch_op.create_index('ix_thread_reading_visit_id', ['visit_id'], unique=False)

    op.create_table('visit_message',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('visit_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('author_organisation_id', sa.Integer(), nullable=False),
    sa.Column('guest_organisation_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('agenda_item_id', sa.Integer(), nullable=True),
    sa.Column('version_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('length(body) > 0 AND length(body) <= 4000', name=op.f('ck_visit_message_body_length')),
    sa.ForeignKeyConstraint(['agenda_item_id'], ['agenda_item.id'], name=op.f('fk_visit_message_agenda_item_id_agenda_item'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['author_id'], ['user_account.id'], name=op.f('fk_visit_message_author_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['author_organisation_id'], ['organisation.id'], name=op.f('fk_visit_message_author_organisation_id_organisation'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['guest_organisation_id'], ['organisation.id'], name=op.f('fk_visit_message_guest_organisation_id_organisation'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['version_id'], ['agenda_version.id'], name=op.f('fk_visit_message_version_id_agenda_version'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['visit_id'], ['visit.id'], name=op.f('fk_visit_message_visit_id_visit'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_visit_message')),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('visit_message', schema=None) as batch_op:
        batch_op.create_index('ix_visit_message_visit_id', ['visit_id', 'id'], unique=False)



def downgrade():
    with op.batch_alter_table('visit_message', schema=None) as batch_op:
        batch_op.drop_index('ix_visit_message_visit_id')

    op.drop_table('visit_message')
    with op.batch_alter_table('thread_reading', schema=None) as batch_op:
        batch_op.drop_index('ix_thread_reading_visit_id')

    op.drop_table('thread_reading')
