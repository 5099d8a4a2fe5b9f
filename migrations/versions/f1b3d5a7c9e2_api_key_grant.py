"""personal API keys: company, scope and rate window beside FAB's ab_api_key (issue 19)

Revision ID: f1b3d5a7c9e2
Revises: f1b3d5e7a9c2
Create Date: 2026-12-02 20:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'f1b3d5a7c9e2'
down_revision = 'f1b3d5e7a9c2'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'api_key_grant',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('api_key_id', sa.Integer(), nullable=False),
        sa.Column('customer_id', sa.Integer(), nullable=False),
        sa.Column('scope', sa.String(length=16), nullable=False),
        sa.Column('window_start', sa.BigInteger(), nullable=False),
        sa.Column('window_count', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['api_key_id'], ['ab_api_key.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('api_key_id'),
    )
    with op.batch_alter_table('api_key_grant', schema=None) as batch_op:
        batch_op.create_index('ix_api_key_grant_customer_id', ['customer_id'], unique=False)


def downgrade():
    with op.batch_alter_table('api_key_grant', schema=None) as batch_op:
        batch_op.drop_index('ix_api_key_grant_customer_id')
    op.drop_table('api_key_grant')
