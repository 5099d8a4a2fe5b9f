"""user_session (active sessions, revocable on every worker, S8) and ab_user.deactivated_at (R-AUTH-10)

Revision ID: e7a1c3b5d9f4
Revises: e7a9c1b3d5f6
Create Date: 2026-12-02 20:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e7a1c3b5d9f4'
down_revision = 'e7a9c1b3d5f6'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'user_session',
        sa.Column('id_hash', sa.String(length=64), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('session_version', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('last_seen_at', sa.DateTime(), nullable=False),
        sa.Column('client_ip', sa.String(length=45)),
        sa.Column('user_agent', sa.String(length=255)),
        sa.ForeignKeyConstraint(['user_id'], ['ab_user.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id_hash'),
    )
    op.create_index('ix_user_session_user_id', 'user_session', ['user_id'])
    with op.batch_alter_table('ab_user') as batch:
        batch.add_column(sa.Column('deactivated_at', sa.DateTime()))


def downgrade():
    with op.batch_alter_table('ab_user') as batch:
        batch.drop_column('deactivated_at')
    op.drop_index('ix_user_session_user_id', table_name='user_session')
    op.drop_table('user_session')
