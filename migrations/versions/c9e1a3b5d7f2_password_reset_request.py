"""password_reset_request: forgot-password requests worked after the response (R-AUTH-5, S7)

Revision ID: c9e1a3b5d7f2
Revises: c4e6a8b0d2f1
Create Date: 2026-12-02 14:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c9e1a3b5d7f2'
down_revision = 'c4e6a8b0d2f1'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'password_reset_request',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('username', sa.String(length=200), nullable=False),
        sa.Column('client_ip', sa.String(length=45), nullable=False),
        sa.Column('requested_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_password_reset_request_requested_at', 'password_reset_request', ['requested_at'])


def downgrade():
    op.drop_index('ix_password_reset_request_requested_at', table_name='password_reset_request')
    op.drop_table('password_reset_request')
