"""Gift register and Golden Book entries with their signing order

Revision ID: 0031_gifts
Revises: 0030_seating
Create Date: 2026-11-26 21:47:20.306365

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0031_gifts'
down_revision = '0030_seating'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('gift',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('visit_id', sa.Integer(), nullable=False),
    sa.Column('direction', sa.Enum('given', 'received', name='gift_direction', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=True),
    sa.Column('giver_person_id', sa.Integer(), nullable=True),
    sa.Column('giver_name', sa.String(length=200), nullable=False),
    sa.Column('recipient_person_id', sa.Integer(), nullable=True),
    sa.Column('recipient_name', sa.String(length=200), nullable=False),
    sa.Column('description', sa.String(length=500), nullable=False),
    sa.Column('value_eur', sa.Numeric(precision=10, scale=2), nullable=True),
    sa.Column('kept_at', sa.String(length=300), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('photo', sa.LargeBinary(), nullable=True),
    sa.Column('photo_mime', sa.String(length=50), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('lock_version', sa.Integer(), server_default=sa.text('1'), nullable=False),
    sa.CheckConstraint("description <> ''", name=op.f('ck_gift_has_a_description')),
    sa.CheckConstraint('value_eur IS NULL OR value_eur >= 0', name=op.f('ck_gift_value_not_negative')),
    sa.ForeignKeyConstraint(['giver_person_id'], ['person.id'], name=op.f('fk_gift_giver_person_id_person'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['item_id'], ['agenda_item.id'], name=op.f('fk_gift_item_id_agenda_item'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['recipient_person_id'], ['person.id'], name=op.f('fk_gift_recipient_person_id_person'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['visit_id'], ['visit.id'], name=op.f('fk_gift_visit_id_visit'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_gift')),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('gift', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_gift_giver_person_id'), ['giver_person_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_gift_item_id'), ['item_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_gift_recipient_person_id'), ['recipient_person_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_gift_visit_id'), ['visit_id'], unique=False)

    op.create_table('golden_book_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('visit_id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('lock_version', sa.Integer(), server_default=sa.text('1'), nullable=False),
    sa.ForeignKeyConstraint(['item_id'], ['agenda_item.id'], name=op.f('fk_golden_book_entry_item_id_agenda_item'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['visit_id'], ['visit.id'], name=op.f('fk_golden_book_entry_visit_id_visit'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_golden_book_entry')),
    sa.UniqueConstraint('item_id', name=op.f('uq_golden_book_entry_item_id')),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('golden_book_entry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_golden_book_entry_visit_id'), ['visit_id'], unique=False)

    op.create_table('golden_book_signer',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.CheckConstraint('position > 0', name=op.f('ck_golden_book_signer_position_positive')),
    sa.ForeignKeyConstraint(['entry_id'], ['golden_book_entry.id'], name=op.f('fk_golden_book_signer_entry_id_golden_book_entry'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_golden_book_signer_person_id_person'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_golden_book_signer')),
    sa.UniqueConstraint('entry_id', 'person_id', name=op.f('uq_golden_book_signer_entry_id_person_id')),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('golden_book_signer', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_golden_book_signer_entry_id'), ['entry_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_golden_book_signer_person_id'), ['person_id'], unique=False)



def downgrade():
    with op.batch_alter_table('golden_book_signer', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_golden_book_signer_person_id'))
        batch_op.drop_index(batch_op.f('ix_golden_book_signer_entry_id'))

    op.drop_table('golden_book_signer')
    with op.batch_alter_table('golden_book_entry', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_golden_book_entry_visit_id'))

    op.drop_table('golden_book_entry')
    with op.batch_alter_table('gift', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_gift_visit_id'))
        batch_op.drop_index(batch_op.f('ix_gift_recipient_person_id'))
        batch_op.drop_index(batch_op.f('ix_gift_item_id'))
        batch_op.drop_index(batch_op.f('ix_gift_giver_person_id'))

    op.drop_table('gift')
