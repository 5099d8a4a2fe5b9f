"""back-office list indexes: tickets by creation, porting items by id (issue 20, P10 at dataset L)

The ticket list is ordered by created_at (oldest first): without an index every ticket was sorted for
each page (112 ms at L). The porting list shows the order items with a porting state, newest first:
without a partial index it walked every order item backwards (22 ms at L with few porting items).

Revision ID: b7d2e4f6a8c1
Revises: d8f2b4a6c0e1
Create Date: 2026-12-03 05:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b7d2e4f6a8c1'
down_revision = 'd8f2b4a6c0e1'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_ticket_created_at', 'ticket', ['created_at', 'id'])
    op.create_index(
        'ix_order_item_porting_id', 'order_item', ['id'],
        sqlite_where=sa.text('porting_state IS NOT NULL'),
        postgresql_where=sa.text('porting_state IS NOT NULL'),
    )


def downgrade():
    op.drop_index('ix_order_item_porting_id', table_name='order_item')
    op.drop_index('ix_ticket_created_at', table_name='ticket')
