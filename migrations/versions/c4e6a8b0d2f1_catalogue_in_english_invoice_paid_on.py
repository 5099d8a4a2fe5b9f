"""Catalogue texts in English beside the German ones; invoice payment date

product.name_en/description_en, option_type.name_en/description_en, order_step.name_en and
document.title_en hold the English texts a customer reads on an English page (the German
columns stay the text of record); invoice.paid_on gives the invoice list its state
(paid, open, overdue).

Revision ID: c4e6a8b0d2f1
Revises: b7d9f1a3c5e8
Create Date: 2026-12-02 14:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c4e6a8b0d2f1'
down_revision = 'b7d9f1a3c5e8'
branch_labels = None
depends_on = None

COLUMNS = (
    ('product', 'name_en', sa.String(length=120)),
    ('product', 'description_en', sa.Text()),
    ('option_type', 'name_en', sa.String(length=120)),
    ('option_type', 'description_en', sa.Text()),
    ('order_step', 'name_en', sa.String(length=200)),
    ('document', 'title_en', sa.String(length=200)),
    ('invoice', 'paid_on', sa.Date()),
)


def upgrade():
    for table, column, type_ in COLUMNS:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column(column, type_, nullable=True))


def downgrade():
    for table, column, _ in reversed(COLUMNS):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column(column)
