"""health check: a row /healthz writes, so that a full disk or a read-only database shows

Revision ID: 0006_health_check
Revises: 0005_sessions
Create Date: 2026-12-01 16:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006_health_check'
down_revision = '0005_sessions'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('health_check',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('checked_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_health_check'))
    )


def downgrade():
    op.drop_table('health_check')
