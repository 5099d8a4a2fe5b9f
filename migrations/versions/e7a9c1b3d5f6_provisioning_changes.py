"""self-care changes to the network: pending, applied or failed (R-SIP-1..5, R-CON-5)

Revision ID: e7a9c1b3d5f6
Revises: e7a9c1d3f5b6
Create Date: 2026-12-02 19:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e7a9c1b3d5f6'
down_revision = 'e7a9c1d3f5b6'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'provisioning_change',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('contract_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('state', sa.String(length=10), nullable=False),
        sa.Column('open_slot', sa.Integer(), nullable=True),
        sa.Column('token', sa.String(length=64), nullable=True),
        sa.Column('payload', sa.JSON(), nullable=False),
        sa.Column('secret', sa.Text(), nullable=True),
        sa.Column('old_summary', sa.Text(), nullable=True),
        sa.Column('new_summary', sa.Text(), nullable=True),
        sa.Column('error', sa.String(length=200), nullable=True),
        sa.Column('user_id', sa.Integer(), nullable=True),
        sa.Column('username', sa.String(length=128), nullable=True),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('finished_at', sa.DateTime(), nullable=True),
        sa.Column('customer_id', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.CheckConstraint("kind IN ('sip_password', 'failover', 'permanent', 'trunk_ips', 'dsl_password')",
                           name='ck_provisioning_change_kind'),
        sa.CheckConstraint("state IN ('pending', 'applied', 'failed')", name='ck_provisioning_change_state'),
        sa.CheckConstraint("(open_slot IS NULL) OR (open_slot = 1 AND state = 'pending')",
                           name='ck_provisioning_change_open_slot'),
        sa.ForeignKeyConstraint(['contract_id'], ['contract.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['ab_user.id'], ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('token'),
        sa.UniqueConstraint('contract_id', 'kind', 'open_slot', name='uq_provisioning_change_open'),
    )
    with op.batch_alter_table('provisioning_change', schema=None) as batch_op:
        batch_op.create_index('ix_provisioning_change_contract_id', ['contract_id'], unique=False)
        batch_op.create_index('ix_provisioning_change_customer_id', ['customer_id'], unique=False)
        batch_op.create_index('ix_provisioning_change_user_id', ['user_id'], unique=False)
        batch_op.create_index('ix_provisioning_change_contract_kind', ['contract_id', 'kind', 'id'], unique=False)


def downgrade():
    with op.batch_alter_table('provisioning_change', schema=None) as batch_op:
        batch_op.drop_index('ix_provisioning_change_contract_kind')
        batch_op.drop_index('ix_provisioning_change_user_id')
        batch_op.drop_index('ix_provisioning_change_customer_id')
        batch_op.drop_index('ix_provisioning_change_contract_id')
    op.drop_table('provisioning_change')
