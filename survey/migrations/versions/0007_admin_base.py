"""admin base: test-mode responses, a round's readable title, archiving and targets per neighbourhood

Revision ID: 0007_admin_base
Revises: 0006_health_check
Create Date: 2026-12-01 18:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0007_admin_base'
down_revision = '0006_health_check'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('response', schema=None) as batch_op:
        batch_op.add_column(sa.Column('is_test', sa.Boolean(), server_default='0', nullable=False))
    with op.batch_alter_table('survey_round', schema=None) as batch_op:
        batch_op.add_column(sa.Column('title', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('archived_on', sa.Date(), nullable=True))
    with op.batch_alter_table('round_area', schema=None) as batch_op:
        batch_op.add_column(sa.Column('target', sa.Integer(), nullable=True))


def downgrade():
    with op.batch_alter_table('round_area', schema=None) as batch_op:
        batch_op.drop_column('target')
    with op.batch_alter_table('survey_round', schema=None) as batch_op:
        batch_op.drop_column('archived_on')
        batch_op.drop_column('title')
    with op.batch_alter_table('response', schema=None) as batch_op:
        batch_op.drop_column('is_test')
