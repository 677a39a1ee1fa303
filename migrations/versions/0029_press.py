"""The press: items open to the press, a press list per visit, the press page and release

Revision ID: 0029_press
Revises: 0028_api_tokens
Create Date: 2026-11-26 21:47:10.493960

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0029_press'
down_revision = '0028_api_tokens'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('press_contact',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('visit_id', sa.Integer(), nullable=False),
    sa.Column('outlet', sa.String(length=200), nullable=False),
    sa.Column('journalist', sa.String(length=200), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('phone', sa.String(length=50), nullable=False),
    sa.Column('accreditation', sa.Enum('requested', 'accredited', 'refused', name='accreditation', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('lock_version', sa.Integer(), server_default=sa.text('1'), nullable=False),
    sa.ForeignKeyConstraint(['visit_id'], ['visit.id'], name=op.f('fk_press_contact_visit_id_visit'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_press_contact')),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('press_contact', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_press_contact_visit_id'), ['visit_id'], unique=False)

    op.create_table('press_page',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('visit_id', sa.Integer(), nullable=False),
    sa.Column('token', sa.String(length=64), nullable=True),
    sa.Column('published', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('release_text', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('lock_version', sa.Integer(), server_default=sa.text('1'), nullable=False),
    sa.ForeignKeyConstraint(['visit_id'], ['visit.id'], name=op.f('fk_press_page_visit_id_visit'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_press_page')),
    sa.UniqueConstraint('token', name=op.f('uq_press_page_token')),
    sa.UniqueConstraint('visit_id', name=op.f('uq_press_page_visit_id')),
    sqlite_autoincrement=True
    )
    op.create_table('press_contact_item',
    sa.Column('press_contact_id', sa.Integer(), nullable=False),
    sa.Column('agenda_item_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['agenda_item_id'], ['agenda_item.id'], name=op.f('fk_press_contact_item_agenda_item_id_agenda_item'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['press_contact_id'], ['press_contact.id'], name=op.f('fk_press_contact_item_press_contact_id_press_contact'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('press_contact_id', 'agenda_item_id', name=op.f('pk_press_contact_item'))
    )
    with op.batch_alter_table('press_contact_item', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_press_contact_item_agenda_item_id'), ['agenda_item_id'], unique=False)

    with op.batch_alter_table('agenda_item', schema=None,
                              table_kwargs={'sqlite_autoincrement': True}) as batch_op:
        batch_op.add_column(sa.Column('press_access', sa.Enum('closed', 'photo-opportunity', 'statement', 'open', name='press_access', native_enum=False, create_constraint=True), server_default='closed', nullable=False))

    with op.batch_alter_table('participation', schema=None,
                              table_kwargs={'sqlite_autoincrement': True}) as batch_op:
        batch_op.add_column(sa.Column('press_public', sa.Boolean(), server_default=sa.false(), nullable=False))



def downgrade():
    with op.batch_alter_table('participation', schema=None,
                              table_kwargs={'sqlite_autoincrement': True}) as batch_op:
        batch_op.drop_column('press_public')

    with op.batch_alter_table('agenda_item', schema=None,
                              table_kwargs={'sqlite_autoincrement': True}) as batch_op:
        # The CHECK of the values goes with it (SQLite keeps it in a rebuilt table).
        batch_op.drop_constraint(batch_op.f('ck_agenda_item_press_access'), type_='check')
        batch_op.drop_column('press_access')

    with op.batch_alter_table('press_contact_item', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_press_contact_item_agenda_item_id'))

    op.drop_table('press_contact_item')
    op.drop_table('press_page')
    with op.batch_alter_table('press_contact', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_press_contact_visit_id'))

    op.drop_table('press_contact')
