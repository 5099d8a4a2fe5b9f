"""permission_version: the counter every worker's permission and menu caches are keyed by (R-BO-4, issue 20)

Revision ID: c4e8a2f6b1d3
Revises: f1b3d5a7c9e2
Create Date: 2026-12-03 00:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c4e8a2f6b1d3'
down_revision = 'f1b3d5a7c9e2'
branch_labels = None
depends_on = None


def upgrade():
    table = op.create_table(
        'permission_version',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('version', sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    op.bulk_insert(table, [{'id': 1, 'version': 1}])


def downgrade():
    op.drop_table('permission_version')
