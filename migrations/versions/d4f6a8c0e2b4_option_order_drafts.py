"""option-order wizard: drafts, their uploads, porting data on items, verified sites (R-WIZ-2/7, R-DOC-2)

Revision ID: d4f6a8c0e2b4
Revises: c9e1a3b5d7f2
Create Date: 2026-12-02 15:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd4f6a8c0e2b4'
down_revision = 'c9e1a3b5d7f2'
branch_labels = None
depends_on = None

DOCUMENT_TYPES = ('invoice', 'evn_pdf', 'evn_csv', 'signed_order', 'signed_porting_form', 'order_confirmation',
                  'termination_confirmation', 'sepa_mandate', 'address_proof')


def upgrade():
    op.create_table(
        'order_draft',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('contract_id', sa.Integer(), nullable=False),
        sa.Column('token', sa.String(length=64), nullable=False),
        sa.Column('data', sa.JSON(), nullable=False),
        sa.Column('expires_at', sa.DateTime(), nullable=False),
        sa.Column('customer_id', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['contract_id'], ['contract.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['ab_user.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('token'),
    )
    with op.batch_alter_table('order_draft', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_order_draft_contract_id'), ['contract_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_order_draft_customer_id'), ['customer_id'], unique=False)
        batch_op.create_index('ix_order_draft_customer_user', ['customer_id', 'user_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_order_draft_expires_at'), ['expires_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_order_draft_user_id'), ['user_id'], unique=False)

    op.create_table(
        'order_draft_upload',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('draft_id', sa.Integer(), nullable=False),
        sa.Column('doc_type', sa.Enum(*DOCUMENT_TYPES, name='document_type', native_enum=False,
                                      create_constraint=True, length=32), nullable=False),
        sa.Column('filename', sa.String(length=200), nullable=False),
        sa.Column('storage_key', sa.String(length=200), nullable=False),
        sa.Column('mime_type', sa.String(length=100), nullable=False),
        sa.Column('size_bytes', sa.BigInteger(), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('customer_id', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['draft_id'], ['order_draft.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('storage_key'),
    )
    with op.batch_alter_table('order_draft_upload', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_order_draft_upload_customer_id'), ['customer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_order_draft_upload_draft_id'), ['draft_id'], unique=False)

    with op.batch_alter_table('order_item', schema=None) as batch_op:
        batch_op.add_column(sa.Column('porting_carrier', sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column('porting_numbers', sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column('porting_owner', sa.String(length=120), nullable=True))

    with op.batch_alter_table('location', schema=None) as batch_op:
        batch_op.add_column(sa.Column('address_verified', sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade():
    with op.batch_alter_table('location', schema=None) as batch_op:
        batch_op.drop_column('address_verified')
    with op.batch_alter_table('order_item', schema=None) as batch_op:
        batch_op.drop_column('porting_owner')
        batch_op.drop_column('porting_numbers')
        batch_op.drop_column('porting_carrier')
    with op.batch_alter_table('order_draft_upload', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_order_draft_upload_draft_id'))
        batch_op.drop_index(batch_op.f('ix_order_draft_upload_customer_id'))
    op.drop_table('order_draft_upload')
    with op.batch_alter_table('order_draft', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_order_draft_user_id'))
        batch_op.drop_index(batch_op.f('ix_order_draft_expires_at'))
        batch_op.drop_index('ix_order_draft_customer_user')
        batch_op.drop_index(batch_op.f('ix_order_draft_customer_id'))
        batch_op.drop_index(batch_op.f('ix_order_draft_contract_id'))
    op.drop_table('order_draft')
