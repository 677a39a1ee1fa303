"""Issued artefacts: calendars and PDFs of issued versions kept, feed validators kept

Revision ID: 0021_issued_artefacts
Revises: 0020_planning_state
Create Date: 2026-11-26 19:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0021_issued_artefacts'
down_revision = '0020_planning_state'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('issued_artefact',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('identity_key', sa.String(length=64), nullable=False),
    sa.Column('visit_id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('audience', sa.String(length=10), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=True),
    sa.Column('language', sa.String(length=5), nullable=False),
    sa.Column('document', sa.String(length=300), nullable=False),
    sa.Column('file_name', sa.String(length=300), nullable=False),
    sa.Column('etag', sa.String(length=64), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("kind IN ('calendar', 'pdf')", name=op.f('ck_issued_artefact_kind_known')),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_issued_artefact_person_id_person'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['version_id'], ['agenda_version.id'], name=op.f('fk_issued_artefact_version_id_agenda_version'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['visit_id'], ['visit.id'], name=op.f('fk_issued_artefact_visit_id_visit'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_issued_artefact')),
    sa.UniqueConstraint('identity_key', name=op.f('uq_issued_artefact_identity_key')),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('issued_artefact', schema=None) as batch_op:
        batch_op.create_index('ix_issued_artefact_person', ['person_id'], unique=False)
        batch_op.create_index('ix_issued_artefact_visit', ['visit_id'], unique=False)

    op.create_table('artefact_epoch',
    sa.Column('visit_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('epoch', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['visit_id'], ['visit.id'], name=op.f('fk_artefact_epoch_visit_id_visit'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('visit_id', name=op.f('pk_artefact_epoch'))
    )

    # Every feed starts without remembered validators: its next request computes them.
    with op.batch_alter_table('feed_token', schema=None, table_kwargs={'sqlite_autoincrement': True}) as batch_op:
        batch_op.add_column(sa.Column('current_etag', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('current_modified', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('current_artefact_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_feed_token_current_artefact_id_issued_artefact'), 'issued_artefact', ['current_artefact_id'], ['id'], ondelete='SET NULL')


def downgrade():
    with op.batch_alter_table('feed_token', schema=None, table_kwargs={'sqlite_autoincrement': True}) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_feed_token_current_artefact_id_issued_artefact'), type_='foreignkey')
        batch_op.drop_column('current_artefact_id')
        batch_op.drop_column('current_modified')
        batch_op.drop_column('current_etag')

    with op.batch_alter_table('issued_artefact', schema=None) as batch_op:
        batch_op.drop_index('ix_issued_artefact_visit')
        batch_op.drop_index('ix_issued_artefact_person')

    op.drop_table('artefact_epoch')
    op.drop_table('issued_artefact')
