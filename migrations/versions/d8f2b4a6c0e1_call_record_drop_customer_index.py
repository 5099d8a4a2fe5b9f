"""call_record: drop ix_call_record_customer_id, a prefix of ix_call_record_customer_started (P7, issue 20)

Every query filtering call records by customer (the portal's tenancy scope, the API's list,
the back office's customer filter, the cascade from customer) is served by the composite index
(customer_id, started_at); the single-column one only cost the retention job a third scattered
index page per deleted row.

Revision ID: d8f2b4a6c0e1
Revises: c4e8a2f6b1d3
Create Date: 2026-12-03 05:20:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'd8f2b4a6c0e1'
down_revision = 'c4e8a2f6b1d3'
branch_labels = None
depends_on = None


def upgrade():
    op.drop_index('ix_call_record_customer_id', table_name='call_record')


def downgrade():
    op.create_index('ix_call_record_customer_id', 'call_record', ['customer_id'], unique=False)
