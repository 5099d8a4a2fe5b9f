"""porting tracker: a state per porting item, its confirmed date and rejection reason (issue 13 part 7)

Revision ID: e7a9c1d3f5b6
Revises: d4f6a8c0e2b4
Create Date: 2026-12-02 19:45:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e7a9c1d3f5b6'
down_revision = 'd4f6a8c0e2b4'
branch_labels = None
depends_on = None

PORTING_STATES = ('form_received', 'submitted', 'date_confirmed', 'ported', 'rejected')


def upgrade():
    with op.batch_alter_table('order_item', schema=None) as batch_op:
        batch_op.add_column(sa.Column('porting_state', sa.Enum(*PORTING_STATES, name='porting_state',
                                                               native_enum=False, create_constraint=True,
                                                               length=22), nullable=True))
        batch_op.add_column(sa.Column('porting_confirmed_date', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('porting_reason', sa.String(length=500), nullable=True))
        batch_op.add_column(sa.Column('porting_changed_at', sa.DateTime(), nullable=True))
        batch_op.create_index(batch_op.f('ix_order_item_porting_state'), ['porting_state'], unique=False)
    # Porting items submitted before the tracker came with their signed form: that is where they stand.
    op.execute("UPDATE order_item SET porting_state = 'form_received' "
               "WHERE number_order_kind IN ('port_block', 'port_single') AND porting_state IS NULL")


def downgrade():
    with op.batch_alter_table('order_item', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_order_item_porting_state'))
        # The enum's CHECK goes first: SQLite's table copy would otherwise keep it and miss its column.
        batch_op.drop_constraint('porting_state', type_='check')
        batch_op.drop_column('porting_changed_at')
        batch_op.drop_column('porting_reason')
        batch_op.drop_column('porting_confirmed_date')
        batch_op.drop_column('porting_state')
