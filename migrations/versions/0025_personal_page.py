"""Personal page: a participant's arrival and departure, a person's consent to keeping health data

Revision ID: 0025_personal_page
Revises: 0024_visit_thread
Create Date: 2026-11-26 21:55:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0025_personal_page"
down_revision = "0024_visit_thread"
branch_labels = None
depends_on = None

TRAVEL = ("arrival", "departure")


def upgrade():
    with op.batch_alter_table(
        "participation", schema=None, table_kwargs={"sqlite_autoincrement": True}
    ) as batch_op:
        for leg in TRAVEL:
            batch_op.add_column(
                sa.Column(
                    f"{leg}_means",
                    sa.String(length=10),
                    server_default=sa.text("''"),
                    nullable=False,
                )
            )
            batch_op.add_column(sa.Column(f"{leg}_at", sa.DateTime(), nullable=True))
            batch_op.add_column(
                sa.Column(
                    f"{leg}_reference",
                    sa.String(length=20),
                    server_default=sa.text("''"),
                    nullable=False,
                )
            )
            batch_op.add_column(
                sa.Column(
                    f"{leg}_note",
                    sa.String(length=500),
                    server_default=sa.text("''"),
                    nullable=False,
                )
            )
    with op.batch_alter_table(
        "person", schema=None, table_kwargs={"sqlite_autoincrement": True}
    ) as batch_op:
        batch_op.add_column(sa.Column("health_consent_at", sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table(
        "person", schema=None, table_kwargs={"sqlite_autoincrement": True}
    ) as batch_op:
        batch_op.drop_column("health_consent_at")
    with op.batch_alter_table(
        "participation", schema=None, table_kwargs={"sqlite_autoincrement": True}
    ) as batch_op:
        for leg in reversed(TRAVEL):
            for name in ("note", "reference", "at", "means"):
                batch_op.drop_column(f"{leg}_{name}")
