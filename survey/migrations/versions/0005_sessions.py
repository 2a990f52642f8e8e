"""sessions: server-side staff sessions, revocable at sign-out, new password and deactivation;
each account's key for locking what it left unsent on a shared tablet

Revision ID: 0005_sessions
Revises: 0004_anonymity
Create Date: 2026-12-01 16:00:00

"""
import secrets

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0005_sessions'
down_revision = '0004_anonymity'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('user_session',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('digest', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('last_seen_at', sa.DateTime(), nullable=False),
    sa.Column('ended_at', sa.DateTime(), nullable=True),
    sa.Column('ended_because', sa.String(length=20), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_user_session_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_user_session')),
    sa.UniqueConstraint('digest', name=op.f('uq_user_session_digest'))
    )
    with op.batch_alter_table('user_session', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_user_session_user_id'), ['user_id'], unique=False)

    # A random key per existing account, then the column is required.
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('vault_key', sa.String(length=64), nullable=True))
    accounts = sa.table('user_account', sa.column('id', sa.Integer()), sa.column('vault_key', sa.String(64)))
    connection = op.get_bind()
    for (account_id,) in connection.execute(sa.select(accounts.c.id)).all():
        connection.execute(accounts.update().where(accounts.c.id == account_id).values(vault_key=secrets.token_hex(32)))
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.alter_column('vault_key', existing_type=sa.String(length=64), nullable=False)


def downgrade():
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_column('vault_key')

    with op.batch_alter_table('user_session', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_user_session_user_id'))

    op.drop_table('user_session')
