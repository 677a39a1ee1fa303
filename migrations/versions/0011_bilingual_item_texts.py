"""Agenda items get their title and public description in German and in English

Revision ID: 0011_bilingual_item_texts
Revises: 0010_wall_clock_folds
Create Date: 2026-12-01 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0011_bilingual_item_texts'
down_revision = '0010_wall_clock_folds'
branch_labels = None
depends_on = None

FIELDS = ('title', 'description')
LANGUAGES = ('de', 'en')
VISIT_LANGUAGE = '(SELECT visit.language FROM visit WHERE visit.id = agenda_item.visit_id)'


def _module(column):
    return (
        f'(SELECT programme_module.{column} FROM programme_module'
        ' WHERE programme_module.id = agenda_item.module_id)'
    )


def upgrade():
    for language in LANGUAGES:
        op.add_column('agenda_item', sa.Column(f'title_{language}', sa.String(length=300), nullable=True))
        op.add_column('agenda_item', sa.Column(f'description_{language}', sa.Text(), nullable=True))

    # The one text an item had is in its visit's language; the other language starts empty.
    for field in FIELDS:
        for language in LANGUAGES:
            op.execute(
                f"UPDATE agenda_item SET {field}_{language} = CASE WHEN {VISIT_LANGUAGE} = "
                f"'{language}' THEN {field} ELSE '' END"
            )
    # Where the text is still the programme module's, readers of the other language were
    # given the module's text in their language (calendars guessed it): keep that.
    for field in FIELDS:
        for language, other in (('de', 'en'), ('en', 'de')):
            op.execute(
                f"UPDATE agenda_item SET {field}_{other} = {_module(f'{field}_{other}')}"
                f" WHERE agenda_item.module_id IS NOT NULL AND {VISIT_LANGUAGE} = '{language}'"
                f" AND {field}_{other} = '' AND {field}_{language} = {_module(f'{field}_{language}')}"
                f" AND {_module(f'{field}_{other}')} <> ''"
            )

    # SQLite builds the table anew: with AUTOINCREMENT, which a rebuild forgets.
    with op.batch_alter_table(
        'agenda_item', schema=None, table_kwargs={'sqlite_autoincrement': True}
    ) as batch_op:
        for language in LANGUAGES:
            batch_op.alter_column(
                f'title_{language}', existing_type=sa.String(length=300), nullable=False
            )
            batch_op.alter_column(f'description_{language}', existing_type=sa.Text(), nullable=False)
        batch_op.drop_column('title')
        batch_op.drop_column('description')
        batch_op.create_check_constraint(
            batch_op.f('ck_agenda_item_has_a_title'), "title_de <> '' OR title_en <> ''"
        )


def downgrade():
    # One text per item again: the visit's language, else the other one.
    op.add_column('agenda_item', sa.Column('title', sa.String(length=300), nullable=True))
    op.add_column('agenda_item', sa.Column('description', sa.Text(), nullable=True))
    for field in FIELDS:
        op.execute(
            f"UPDATE agenda_item SET {field} = CASE WHEN {VISIT_LANGUAGE} = 'en'"
            f" THEN COALESCE(NULLIF({field}_en, ''), {field}_de)"
            f" ELSE COALESCE(NULLIF({field}_de, ''), {field}_en) END"
        )
    with op.batch_alter_table(
        'agenda_item', schema=None, table_kwargs={'sqlite_autoincrement': True}
    ) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_agenda_item_has_a_title'), type_='check')
        batch_op.alter_column('title', existing_type=sa.String(length=300), nullable=False)
        batch_op.alter_column('description', existing_type=sa.Text(), nullable=False)
        for field in FIELDS:
            for language in LANGUAGES:
                batch_op.drop_column(f'{field}_{language}')
