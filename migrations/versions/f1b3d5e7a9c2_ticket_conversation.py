"""tickets from the portal: attachments, assignee, submission key, express order (R-TIC-1..5)

Revision ID: f1b3d5e7a9c2
Revises: e7a1c3b5d9f4
Create Date: 2026-12-02 19:45:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'f1b3d5e7a9c2'
down_revision = 'e7a1c3b5d9f4'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('ticket', schema=None) as batch_op:
        batch_op.add_column(sa.Column('assignee_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('submission_key', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('order_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key('fk_ticket_assignee_id_ab_user', 'ab_user', ['assignee_id'], ['id'],
                                    ondelete='SET NULL')
        batch_op.create_foreign_key('fk_ticket_order_id_customer_order', 'customer_order', ['order_id'], ['id'],
                                    ondelete='SET NULL')
        batch_op.create_index(batch_op.f('ix_ticket_assignee_id'), ['assignee_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_ticket_order_id'), ['order_id'], unique=False)
        batch_op.create_unique_constraint('uq_ticket_submission_key', ['submission_key'])

    op.create_table(
        'ticket_attachment',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('ticket_id', sa.Integer(), nullable=False),
        sa.Column('comment_id', sa.Integer(), nullable=True),
        sa.Column('filename', sa.String(length=200), nullable=False),
        sa.Column('storage_key', sa.String(length=200), nullable=False),
        sa.Column('mime_type', sa.String(length=100), nullable=False),
        sa.Column('size_bytes', sa.BigInteger(), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('customer_id', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['ticket_id'], ['ticket.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['comment_id'], ['ticket_comment.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('storage_key'),
    )
    with op.batch_alter_table('ticket_attachment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ticket_attachment_customer_id'), ['customer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_ticket_attachment_ticket_id'), ['ticket_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_ticket_attachment_comment_id'), ['comment_id'], unique=False)


def downgrade():
    with op.batch_alter_table('ticket_attachment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ticket_attachment_comment_id'))
        batch_op.drop_index(batch_op.f('ix_ticket_attachment_ticket_id'))
        batch_op.drop_index(batch_op.f('ix_ticket_attachment_customer_id'))
    op.drop_table('ticket_attachment')
    with op.batch_alter_table('ticket', schema=None) as batch_op:
        batch_op.drop_constraint('uq_ticket_submission_key', type_='unique')
        batch_op.drop_index(batch_op.f('ix_ticket_order_id'))
        batch_op.drop_index(batch_op.f('ix_ticket_assignee_id'))
        batch_op.drop_constraint('fk_ticket_order_id_customer_order', type_='foreignkey')
        batch_op.drop_constraint('fk_ticket_assignee_id_ab_user', type_='foreignkey')
        batch_op.drop_column('order_id')
        batch_op.drop_column('submission_key')
        batch_op.drop_column('assignee_id')
