"""ab_user.username_key: usernames unique case-insensitively in every alphabet (R-AUTH-1)

Fills the key (NFC + Unicode case folding, as `app.models.security.username_key`) for
every existing account, then makes it NOT NULL with a unique index. Two existing
accounts whose names differ only in case cannot both keep them: the upgrade stops and
names them, so an administrator renames one first (nothing is changed until then).

Revision ID: b7d9f1a3c5e8
Revises: a3c5e7f9b1d2
Create Date: 2026-11-30 12:30:00

"""
import unicodedata

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b7d9f1a3c5e8'
down_revision = 'a3c5e7f9b1d2'
branch_labels = None
depends_on = None


def _key(username):
    # A copy of app.models.security.username_key as of this revision (migrations never import app code).
    return unicodedata.normalize("NFC", unicodedata.normalize("NFC", username or "").casefold())


def upgrade():
    # Check first, before any change: SQLite runs DDL outside a transaction.
    connection = op.get_bind()
    users = sa.table('ab_user', sa.column('id', sa.Integer), sa.column('username', sa.String),
                     sa.column('username_key', sa.String))
    rows = connection.execute(sa.select(users.c.id, users.c.username).order_by(users.c.id)).all()
    seen = {}
    clashes = []
    for user_id, username in rows:
        key = _key(username)
        if key in seen:
            clashes.append(f"{seen[key][1]!r} (id {seen[key][0]}) and {username!r} (id {user_id})")
        else:
            seen[key] = (user_id, username)
    if clashes:
        raise RuntimeError(
            "Usernames must be unique whatever their case (R-AUTH-1); rename one account of each pair "
            "and run the upgrade again: " + "; ".join(clashes))
    with op.batch_alter_table('ab_user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('username_key', sa.String(length=400), nullable=True))
    if rows:
        connection.execute(
            users.update().where(users.c.id == sa.bindparam('uid')).values(username_key=sa.bindparam('key')),
            [{'uid': user_id, 'key': _key(username)} for user_id, username in rows],
        )

    with op.batch_alter_table('ab_user', schema=None) as batch_op:
        batch_op.alter_column('username_key', existing_type=sa.String(length=400), nullable=False)
        batch_op.create_index(batch_op.f('ix_ab_user_username_key'), ['username_key'], unique=True)


def downgrade():
    with op.batch_alter_table('ab_user', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ab_user_username_key'))
        batch_op.drop_column('username_key')
