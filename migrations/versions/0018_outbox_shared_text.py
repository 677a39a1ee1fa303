"""Outbox shared text

Revision ID: 0018_outbox_shared_text
Revises: 0017_person_company
Create Date: 2026-12-02 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0018_outbox_shared_text'
down_revision = '0017_person_company'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('letter_text',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('visit_id', sa.Integer(), nullable=False),
    sa.Column('version_number', sa.Integer(), nullable=False),
    sa.Column('text_de', sa.Text(), nullable=False),
    sa.Column('text_en', sa.Text(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('lock_version', sa.Integer(), server_default=sa.text('1'), nullable=False),
    sa.ForeignKeyConstraint(['visit_id'], ['visit.id'], name=op.f('fk_letter_text_visit_id_visit'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_letter_text')),
    sa.UniqueConstraint('visit_id', 'version_number', name=op.f('uq_letter_text_visit_id_version_number')),
    sqlite_autoincrement=True
    )
    # Messages drafted before keep their text: none of them carries a shared text.
    with op.batch_alter_table('outbox_message', schema=None,
                              table_kwargs={'sqlite_autoincrement': True}) as batch_op:
        batch_op.add_column(sa.Column('body_frame', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('edited', sa.Boolean(), server_default=sa.text('false'), nullable=False))


def downgrade():
    with op.batch_alter_table('outbox_message', schema=None,
                              table_kwargs={'sqlite_autoincrement': True}) as batch_op:
        batch_op.drop_column('edited')
        batch_op.drop_column('body_frame')

    op.drop_table('letter_text')
