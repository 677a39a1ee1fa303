"""Feed reminders

Revision ID: 0009_feed_reminders
Revises: 0008_item_answers
Create Date: 2026-11-26 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009_feed_reminders'
down_revision = '0008_item_answers'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('feed_token', schema=None, table_kwargs={'sqlite_autoincrement': True}) as batch_op:
        batch_op.add_column(sa.Column('reminders', sa.Boolean(), nullable=False, server_default=sa.false()))

    # Feeds of one visit or one attendee keep the reminders they had; feeds over all
    # visits lose them (a reminder before every item of every visit is noise).
    feed_token = sa.table('feed_token', sa.column('kind', sa.String), sa.column('reminders', sa.Boolean))
    op.execute(feed_token.update().where(feed_token.c.kind != 'user').values(reminders=True))

    # The default only fills the rows that exist; the application sets every new row.
    with op.batch_alter_table('feed_token', schema=None, table_kwargs={'sqlite_autoincrement': True}) as batch_op:
        batch_op.alter_column('reminders', server_default=None)


def downgrade():
    with op.batch_alter_table('feed_token', schema=None, table_kwargs={'sqlite_autoincrement': True}) as batch_op:
        batch_op.drop_column('reminders')
