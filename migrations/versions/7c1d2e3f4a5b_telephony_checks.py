"""telephony checks (R-SIP-2/3/4, R7)

E.164 forwarding targets, an extension only with scope extension, no extension
range on single numbers, registration positions from 1.

Revision ID: 7c1d2e3f4a5b
Revises: 2f65ffb819b8
Create Date: 2026-12-01 22:00:00
"""
from alembic import op

revision = "7c1d2e3f4a5b"
down_revision = "2f65ffb819b8"
branch_labels = None
depends_on = None

CHECKS = [
    ("call_forwarding", "ck_call_forwarding_extension_scope", "(scope = 'extension') OR (extension IS NULL)"),
    ("call_forwarding", "ck_call_forwarding_target_e164", "target LIKE '+%' AND target NOT LIKE '% %'"),
    ("phone_number", "ck_phone_number_single_no_range",
     "(kind = 'block') OR (extension_from IS NULL AND extension_to IS NULL)"),
    ("trunk_registration", "ck_trunk_registration_position", "position >= 1"),
]


def upgrade():
    for table in dict.fromkeys(t for t, _, _ in CHECKS):
        with op.batch_alter_table(table, schema=None) as batch_op:
            for _table, name, condition in (c for c in CHECKS if c[0] == table):
                batch_op.create_check_constraint(name, condition)


def downgrade():
    for table in reversed(list(dict.fromkeys(t for t, _, _ in CHECKS))):
        with op.batch_alter_table(table, schema=None) as batch_op:
            for _table, name, _condition in (c for c in CHECKS if c[0] == table):
                batch_op.drop_constraint(name, type_="check")
