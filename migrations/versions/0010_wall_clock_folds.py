"""Wall-clock folds of agenda items

Revision ID: 0010_wall_clock_folds
Revises: 0009_feed_reminders
Create Date: 2026-11-27 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010_wall_clock_folds'
down_revision = '0009_feed_reminders'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('agenda_item', schema=None, table_kwargs={'sqlite_autoincrement': True}) as batch_op:
        batch_op.add_column(sa.Column('starts_fold', sa.Integer(), nullable=False, server_default=sa.text('0')))
        batch_op.add_column(sa.Column('ends_fold', sa.Integer(), nullable=False, server_default=sa.text('0')))
        # In wall-clock time an item may end "before" it begins: 02:45 summer time to
        # 02:15 winter time lasts half an hour.
        batch_op.drop_constraint(batch_op.f('ck_agenda_item_ends_after_start'), type_='check')
        batch_op.create_check_constraint(
            batch_op.f('ck_agenda_item_ends_after_start'),
            'ends_at > starts_at OR starts_fold < ends_fold',
        )
        batch_op.create_check_constraint(
            batch_op.f('ck_agenda_item_starts_fold_is_0_or_1'), 'starts_fold IN (0, 1)'
        )
        batch_op.create_check_constraint(
            batch_op.f('ck_agenda_item_ends_fold_is_0_or_1'), 'ends_fold IN (0, 1)'
        )


def downgrade():
    # Items that end "before" they begin on the clock cannot be kept without their folds:
    # stop rather than change someone's agenda.
    backwards = op.get_bind().scalar(
        sa.text("SELECT count(*) FROM agenda_item WHERE ends_at <= starts_at")
    )
    if backwards:
        raise RuntimeError(
            f"{backwards} agenda items end in the second reading of a clock change "
            "before their beginning on the clock; move them before downgrading."
        )
    with op.batch_alter_table('agenda_item', schema=None, table_kwargs={'sqlite_autoincrement': True}) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_agenda_item_ends_fold_is_0_or_1'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_agenda_item_starts_fold_is_0_or_1'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_agenda_item_ends_after_start'), type_='check')
        batch_op.create_check_constraint(
            batch_op.f('ck_agenda_item_ends_after_start'), 'ends_at > starts_at'
        )
        batch_op.drop_column('ends_fold')
        batch_op.drop_column('starts_fold')
