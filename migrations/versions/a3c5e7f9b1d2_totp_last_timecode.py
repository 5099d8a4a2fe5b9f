"""ab_user.totp_last_timecode: app codes consumed by compare-and-set (S4, R3)

Revision ID: a3c5e7f9b1d2
Revises: 7c1d2e3f4a5b
Create Date: 2026-11-30 12:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a3c5e7f9b1d2'
down_revision = '7c1d2e3f4a5b'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('ab_user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('totp_last_timecode', sa.BigInteger(), nullable=True))


def downgrade():
    with op.batch_alter_table('ab_user', schema=None) as batch_op:
        batch_op.drop_column('totp_last_timecode')
