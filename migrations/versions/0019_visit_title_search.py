"""Visit search: a trigram index on the title where PostgreSQL has pg_trgm

Revision ID: 0019_visit_title_search
Revises: 0018_outbox_shared_text
Create Date: 2026-11-26 19:30:00.000000

The visit list searches titles with ILIKE '%word%', which only a trigram index can serve.
PostgreSQL gets one (GIN, gin_trgm_ops) where the pg_trgm extension is available and may be
created by the migrating role (or is installed already); elsewhere, and on SQLite, the
title gets a plain index of the same name, and search reads the table as before.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0019_visit_title_search'
down_revision = '0018_outbox_shared_text'
branch_labels = None
depends_on = None

INDEX = 'ix_visit_title_search'


def _trigrams(bind) -> bool:
    """Return whether pg_trgm is installed, creating it when the server offers it."""
    installed = sa.text("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
    if bind.execute(installed).scalar():
        return True
    offered = sa.text("SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm'")
    if not bind.execute(offered).scalar():
        return False
    # A role without the right to create it gets an error that would abort the whole
    # migration's transaction: the savepoint keeps the rest alive.
    try:
        with bind.begin_nested():
            bind.execute(sa.text('CREATE EXTENSION IF NOT EXISTS pg_trgm'))
    except sa.exc.DBAPIError:
        return False
    return True


def upgrade():
    bind = op.get_bind()
    if bind.dialect.name == 'postgresql' and _trigrams(bind):
        op.create_index(INDEX, 'visit', ['title'], unique=False,
                        postgresql_using='gin', postgresql_ops={'title': 'gin_trgm_ops'})
    else:
        op.create_index(INDEX, 'visit', ['title'], unique=False)


def downgrade():
    # The extension stays: other databases' objects may use it, and dropping it needs rights.
    op.drop_index(INDEX, table_name='visit')
