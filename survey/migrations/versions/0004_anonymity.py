"""anonymity: released figures, record keys, separate receipt hashes, sealed items, days-only visits

Revision ID: 0004_anonymity
Revises: 0003_dashboards
Create Date: 2026-12-01 16:00:00

What this changes for data already stored:
- The dashboard tally is emptied; the first release recounts it from the answers (with the sum of
  record keys the cell-key method needs). Every response gets a random record key, and none is
  released yet.
- The receipt code was stored as the same SHA-256 in `response` and `volunteer_contact`, so one
  join put contact details beside answers. Both columns are re-keyed with a different HMAC each
  (of that SHA-256, under a key derived from SECRET_KEY), so that they no longer match while a
  receipt code still finds and deletes both. Nothing is lost; the migration must run with the
  app's real SECRET_KEY (`flask db upgrade` does).
- Contacts lose their date and get random ids; visits keep their day only.
- Door-to-door responses stored before were in the order of their doors' visits, each under the
  day of its visit. They are written again, per round and neighbourhood, in a random order and
  all under the last of those days (their month in the dashboards' month filter may change).
"""
import secrets

import sqlalchemy as sa
from alembic import op

revision = '0004_anonymity'
down_revision = '0003_dashboards'
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def _key(purpose: str) -> bytes:
    from flask import current_app

    from survey.keys import derive

    return derive(current_app.config["SECRET_KEY"], purpose)


def upgrade():
    from survey.responses.services import keyed_receipt_hash

    bind = op.get_bind()
    postgres = bind.dialect.name == "postgresql"

    op.create_table('dashboard_release',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('made_at', sa.DateTime(), nullable=False),
    sa.Column('areas_changed', sa.Integer(), nullable=False),
    sa.Column('includes_demo', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['round_id'], ['survey_round.id'], name=op.f('fk_dashboard_release_round_id_survey_round'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_dashboard_release'))
    )
    with op.batch_alter_table('dashboard_release', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_dashboard_release_round_id'), ['round_id'], unique=False)

    op.create_table('dashboard_release_area',
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('area_id', sa.Integer(), nullable=False),
    sa.Column('withdrawn', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['area_id'], ['area.id'], name=op.f('fk_dashboard_release_area_area_id_area'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['round_id'], ['survey_round.id'], name=op.f('fk_dashboard_release_area_round_id_survey_round'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('round_id', 'area_id', name=op.f('pk_dashboard_release_area'))
    )
    op.create_table('dashboard_published',
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('dim', sa.String(length=12), nullable=False),
    sa.Column('area_id', sa.Integer(), nullable=False),
    sa.Column('value', sa.String(length=40), nullable=False),
    sa.Column('question', sa.String(length=40), nullable=False),
    sa.Column('option', sa.String(length=40), nullable=False),
    sa.Column('rank', sa.SmallInteger(), nullable=False),
    sa.Column('shown', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=8), nullable=False),
    sa.ForeignKeyConstraint(['area_id'], ['area.id'], name=op.f('fk_dashboard_published_area_id_area'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['round_id'], ['survey_round.id'], name=op.f('fk_dashboard_published_round_id_survey_round'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('round_id', 'dim', 'area_id', 'value', 'question', 'option', 'rank', name=op.f('pk_dashboard_published')),
    sqlite_with_rowid=False
    )
    op.create_table('sealed_item',
    sa.Column('id', BigId, autoincrement=False, nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('area_id', sa.Integer(), nullable=False),
    sa.Column('uuid', sa.String(length=36), nullable=True),
    sa.Column('receipt_hash', sa.String(length=64), nullable=True),
    sa.Column('payload', sa.LargeBinary(), nullable=False),
    sa.ForeignKeyConstraint(['area_id'], ['area.id'], name=op.f('fk_sealed_item_area_id_area')),
    sa.ForeignKeyConstraint(['round_id'], ['survey_round.id'], name=op.f('fk_sealed_item_round_id_survey_round'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sealed_item')),
    sa.UniqueConstraint('uuid', name=op.f('uq_sealed_item_uuid'))
    )
    with op.batch_alter_table('sealed_item', schema=None) as batch_op:
        batch_op.create_index('ix_sealed_item_round_area', ['round_id', 'kind', 'area_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_sealed_item_receipt_hash'), ['receipt_hash'], unique=False)

    # The tally is counted again by the first release, now with record-key sums.
    op.drop_table('dashboard_tally_state')
    op.drop_table('dashboard_tally')
    op.create_table('dashboard_tally',
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('dim', sa.String(length=12), nullable=False),
    sa.Column('area_id', sa.Integer(), nullable=False),
    sa.Column('value', sa.String(length=40), nullable=False),
    sa.Column('question', sa.String(length=40), nullable=False),
    sa.Column('option', sa.String(length=40), nullable=False),
    sa.Column('rank', sa.SmallInteger(), nullable=False),
    sa.Column('n', sa.Integer(), nullable=False),
    sa.Column('key_sum', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['area_id'], ['area.id'], name=op.f('fk_dashboard_tally_area_id_area'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['round_id'], ['survey_round.id'], name=op.f('fk_dashboard_tally_round_id_survey_round'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('round_id', 'dim', 'area_id', 'value', 'question', 'option', 'rank', name=op.f('pk_dashboard_tally')),
    sqlite_with_rowid=False
    )

    # Responses: a random record key each, nothing released yet, the receipt hash re-keyed.
    with op.batch_alter_table('response', schema=None) as batch_op:
        batch_op.add_column(sa.Column('cell_key', sa.BigInteger(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('release_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_response_release_id'), ['release_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_response_release_id_dashboard_release'), 'dashboard_release',
                                    ['release_id'], ['id'], ondelete='SET NULL')
    if postgres:
        op.execute("UPDATE response SET cell_key = floor(random() * 4294967296)::bigint")
    else:
        op.execute("UPDATE response SET cell_key = abs(random()) % 4294967296")
    with op.batch_alter_table('response', schema=None) as batch_op:
        batch_op.alter_column('cell_key', server_default=None)
    response_key, contact_key = _key("receipt:response"), _key("receipt:contact")
    for table, key in (("response", response_key), ("volunteer_contact", contact_key)):
        rows = bind.execute(sa.text(f"SELECT id, receipt_hash FROM {table} WHERE receipt_hash IS NOT NULL")).all()
        for row_id, old in rows:
            bind.execute(sa.text(f"UPDATE {table} SET receipt_hash = :new WHERE id = :id"),
                         {"new": keyed_receipt_hash(old, key), "id": row_id})

    # Contacts: no date, random 53-bit ids (so a 64-bit column on PostgreSQL, without a sequence).
    with op.batch_alter_table('volunteer_contact', schema=None) as batch_op:
        batch_op.drop_column('given_on')
        batch_op.alter_column('id', existing_type=sa.Integer(), type_=BigId, existing_nullable=False, server_default=None)
    if postgres:
        op.execute("ALTER TABLE volunteer_contact ALTER COLUMN id DROP DEFAULT")
        op.execute("DROP SEQUENCE IF EXISTS volunteer_contact_id_seq")
    for (row_id,) in bind.execute(sa.text("SELECT id FROM volunteer_contact")).all():
        bind.execute(sa.text("UPDATE volunteer_contact SET id = :new WHERE id = :id"),
                     {"new": secrets.randbelow((1 << 53) - 1) + 1, "id": row_id})

    _shuffle_door_responses(bind, postgres)

    # Visits: the day only.
    with op.batch_alter_table('visit', schema=None) as batch_op:
        batch_op.add_column(sa.Column('visited_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('received_on', sa.Date(), nullable=True))
    if postgres:
        op.execute("UPDATE visit SET visited_on = CAST(visited_at AS DATE), received_on = CAST(received_at AS DATE)")
    else:  # SQLite keeps dates as text; its CAST AS DATE would keep only the year
        op.execute("UPDATE visit SET visited_on = date(visited_at), received_on = date(received_at)")
    with op.batch_alter_table('visit', schema=None) as batch_op:
        batch_op.drop_index('ix_visit_round_door')
        batch_op.drop_column('visited_at')
        batch_op.drop_column('received_at')
        batch_op.alter_column('visited_on', existing_type=sa.Date(), nullable=False)
        batch_op.alter_column('received_on', existing_type=sa.Date(), nullable=False)
        batch_op.create_index('ix_visit_round_door', ['round_id', 'door_id', 'visited_on'], unique=False)


def _shuffle_door_responses(bind, postgres: bool) -> None:
    """Write the door interviews of each neighbourhood again, in a random order, under one day."""
    rng = secrets.SystemRandom()
    rows = [dict(row._mapping) for row in bind.execute(sa.text("SELECT * FROM response WHERE channel = 'door'"))]
    if not rows:
        return
    groups: dict = {}
    for row in rows:
        groups.setdefault((row["round_id"], row["area_id"]), []).append(row)
    next_id = bind.execute(sa.text("SELECT max(id) FROM response")).scalar() + 1
    for group in groups.values():
        last_day = max(row["day"] for row in group)
        rng.shuffle(group)
        for row in group:
            answers = [dict(a._mapping) for a in bind.execute(
                sa.text("SELECT question, option, rank, number, text, text_approved FROM answer WHERE response_id = :id"),
                {"id": row["id"]})]
            bind.execute(sa.text("DELETE FROM answer WHERE response_id = :id"), {"id": row["id"]})
            bind.execute(sa.text("DELETE FROM response WHERE id = :id"), {"id": row["id"]})
            columns = [name for name in row if name != "id"]
            bind.execute(sa.text(f"INSERT INTO response (id, {', '.join(columns)}) VALUES (:new_id, "
                                 f"{', '.join(':' + name for name in columns)})"),
                         {**row, "new_id": next_id, "day": last_day})
            if answers:
                bind.execute(sa.text("INSERT INTO answer (response_id, question, option, rank, number, text, text_approved) "
                                     "VALUES (:response_id, :question, :option, :rank, :number, :text, :text_approved)"),
                             [{**answer, "response_id": next_id} for answer in answers])
            next_id += 1
    if postgres:
        bind.execute(sa.text("SELECT setval(pg_get_serial_sequence('response', 'id'), (SELECT max(id) FROM response))"))


def downgrade():
    raise NotImplementedError("0004_anonymity removes times and links on purpose; restore a backup to go back")
