"""The trash: deleted visits, items and people, restorable; audit actions restore and erase

Revision ID: 0013_trash
Revises: 0012_lock_versions
Create Date: 2026-11-27 12:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0013_trash'
down_revision = '0012_lock_versions'
branch_labels = None
depends_on = None

OLD_ACTIONS = ('create', 'update', 'delete')
NEW_ACTIONS = (*OLD_ACTIONS, 'restore', 'erase')


def _actions(values):
    return "action IN (" + ", ".join(f"'{value}'" for value in values) + ")"


def upgrade():
    op.create_table('trash_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('visit', 'item', 'person', name='trash_kind', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('object_id', sa.Integer(), nullable=False),
    sa.Column('visit_id', sa.Integer(), nullable=True),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('deleted_by_organisation_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('context', sa.String(length=300), nullable=False),
    sa.Column('day', sa.Date(), nullable=True),
    sa.Column('counts', sa.JSON(), nullable=False),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('deleted_at', sa.DateTime(), nullable=False),
    sa.Column('deleted_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['deleted_by_id'], ['user_account.id'], name=op.f('fk_trash_entry_deleted_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['deleted_by_organisation_id'], ['organisation.id'], name=op.f('fk_trash_entry_deleted_by_organisation_id_organisation'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_trash_entry_organisation_id_organisation'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_trash_entry')),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('trash_entry', schema=None) as batch_op:
        batch_op.create_index('ix_trash_entry_deleted_at', ['deleted_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_trash_entry_deleted_by_organisation_id'), ['deleted_by_organisation_id'], unique=False)
        batch_op.create_index('ix_trash_entry_kind_object', ['kind', 'object_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_trash_entry_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_trash_entry_visit_id'), ['visit_id'], unique=False)

    # The audit trail says when something came back from the trash or left it for good.
    with op.batch_alter_table('audit_entry', schema=None,
                              table_kwargs={'sqlite_autoincrement': True}) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_audit_entry_audit_action'), type_='check')
        batch_op.alter_column('action',
               existing_type=sa.VARCHAR(length=6),
               type_=sa.String(length=7),
               existing_nullable=False)
        batch_op.create_check_constraint(batch_op.f('ck_audit_entry_audit_action'), _actions(NEW_ACTIONS))


def downgrade():
    # Without the table, what lies in the trash would be lost for good: stop instead.
    waiting = op.get_bind().scalar(sa.text("SELECT count(*) FROM trash_entry"))
    recorded = op.get_bind().scalar(
        sa.text("SELECT count(*) FROM audit_entry WHERE action IN ('restore', 'erase')")
    )
    if waiting or recorded:
        raise RuntimeError(
            f"The trash holds {waiting} entries and the audit trail {recorded} restores or "
            "removals from it; empty the trash and keep the trail before downgrading."
        )
    with op.batch_alter_table('audit_entry', schema=None,
                              table_kwargs={'sqlite_autoincrement': True}) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_audit_entry_audit_action'), type_='check')
        batch_op.alter_column('action',
               existing_type=sa.String(length=7),
               type_=sa.VARCHAR(length=6),
               existing_nullable=False)
        batch_op.create_check_constraint(batch_op.f('ck_audit_entry_audit_action'), _actions(OLD_ACTIONS))

    with op.batch_alter_table('trash_entry', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_trash_entry_visit_id'))
        batch_op.drop_index(batch_op.f('ix_trash_entry_organisation_id'))
        batch_op.drop_index('ix_trash_entry_kind_object')
        batch_op.drop_index(batch_op.f('ix_trash_entry_deleted_by_organisation_id'))
        batch_op.drop_index('ix_trash_entry_deleted_at')

    op.drop_table('trash_entry')
