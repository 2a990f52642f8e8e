"""admin data: retention settings chosen in the browser, and a release that stays final once its
round's responses were reduced to its figures

Revision ID: 0008_admin_data
Revises: 0007_admin_base
Create Date: 2026-12-02 09:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0008_admin_data'
down_revision = '0007_admin_base'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('retention_setting',
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('period', sa.Integer(), nullable=True),
    sa.Column('changed_at', sa.DateTime(), nullable=False),
    sa.Column('changed_by', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['changed_by'], ['user_account.id'], name=op.f('fk_retention_setting_changed_by_user_account'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('kind', name=op.f('pk_retention_setting'))
    )
    with op.batch_alter_table('dashboard_release', schema=None) as batch_op:
        batch_op.add_column(sa.Column('final', sa.Boolean(), server_default='0', nullable=False))


def downgrade():
    with op.batch_alter_table('dashboard_release', schema=None) as batch_op:
        batch_op.drop_column('final')
    op.drop_table('retention_setting')
