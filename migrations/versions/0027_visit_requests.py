"""Visit requests: a guest city asks a host for a visit, with day options, wishes and a history

Revision ID: 0027_visit_requests
Revises: 0026_guest_visibility
Create Date: 2026-11-26 21:40:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0027_visit_requests"
down_revision = "0026_guest_visibility"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "visit_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("requester_organisation_id", sa.Integer(), nullable=False),
        sa.Column("host_organisation_id", sa.Integer(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("purpose", sa.Text(), nullable=False),
        sa.Column("delegation_size", sa.Integer(), nullable=False),
        sa.Column("head_of_delegation", sa.String(length=300), nullable=False),
        sa.Column("wishes", sa.Text(), nullable=False),
        sa.Column("languages", sa.String(length=20), nullable=False),
        sa.Column("other_languages", sa.String(length=200), nullable=False),
        sa.Column(
            "state",
            sa.Enum(
                "requested",
                "counter-proposed",
                "accepted",
                "declined",
                "withdrawn",
                name="request_state",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("round", sa.Integer(), nullable=False),
        sa.Column("agreed_first_day", sa.Date(), nullable=True),
        sa.Column("agreed_last_day", sa.Date(), nullable=True),
        sa.Column("visit_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("lock_version", sa.Integer(), server_default=sa.text("1"), nullable=False),
        sa.CheckConstraint(
            "delegation_size > 0", name=op.f("ck_visit_request_delegation_size_positive")
        ),
        sa.CheckConstraint(
            "requester_organisation_id <> host_organisation_id",
            name=op.f("ck_visit_request_host_not_requester"),
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["user_account.id"],
            name=op.f("fk_visit_request_created_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["host_organisation_id"],
            ["organisation.id"],
            name=op.f("fk_visit_request_host_organisation_id_organisation"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["requester_organisation_id"],
            ["organisation.id"],
            name=op.f("fk_visit_request_requester_organisation_id_organisation"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["visit_id"],
            ["visit.id"],
            name=op.f("fk_visit_request_visit_id_visit"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_visit_request")),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("visit_request", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_visit_request_host_organisation_id"),
            ["host_organisation_id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_visit_request_requester_organisation_id"),
            ["requester_organisation_id"],
            unique=False,
        )

    op.create_table(
        "visit_request_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column(
            "step",
            sa.Enum(
                "requested",
                "proposed",
                "accepted",
                "declined",
                "withdrawn",
                name="request_step",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("round", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("user_name", sa.String(length=200), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("message", sa.Text(), server_default=sa.text("''"), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_visit_request_event_organisation_id_organisation"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["visit_request.id"],
            name=op.f("fk_visit_request_event_request_id_visit_request"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_visit_request_event_user_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_visit_request_event")),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("visit_request_event", schema=None) as batch_op:
        batch_op.create_index("ix_visit_request_event_request", ["request_id", "id"], unique=False)

    op.create_table(
        "visit_request_module",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("module_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["module_id"],
            ["programme_module.id"],
            name=op.f("fk_visit_request_module_module_id_programme_module"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["visit_request.id"],
            name=op.f("fk_visit_request_module_request_id_visit_request"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_visit_request_module")),
        sa.UniqueConstraint(
            "request_id", "module_id", name=op.f("uq_visit_request_module_request_id_module_id")
        ),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("visit_request_module", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_visit_request_module_module_id"), ["module_id"], unique=False
        )

    op.create_table(
        "visit_request_option",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("round", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("first_day", sa.Date(), nullable=False),
        sa.Column("last_day", sa.Date(), nullable=False),
        sa.CheckConstraint(
            "last_day >= first_day",
            name=op.f("ck_visit_request_option_option_last_day_not_before_first"),
        ),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["visit_request.id"],
            name=op.f("fk_visit_request_option_request_id_visit_request"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_visit_request_option")),
        sa.UniqueConstraint(
            "request_id",
            "round",
            "position",
            name=op.f("uq_visit_request_option_request_id_round_position"),
        ),
        sqlite_autoincrement=True,
    )


def downgrade():
    op.drop_table("visit_request_option")
    with op.batch_alter_table("visit_request_module", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_visit_request_module_module_id"))

    op.drop_table("visit_request_module")
    with op.batch_alter_table("visit_request_event", schema=None) as batch_op:
        batch_op.drop_index("ix_visit_request_event_request")

    op.drop_table("visit_request_event")
    with op.batch_alter_table("visit_request", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_visit_request_requester_organisation_id"))
        batch_op.drop_index(batch_op.f("ix_visit_request_host_organisation_id"))

    op.drop_table("visit_request")
