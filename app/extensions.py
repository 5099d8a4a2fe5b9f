"""Unbound extension singletons, bound in `create_app()` (no side effects on import).

FAB 5.3's `SQLA()` keeps its own metadata; binding it to `Model.metadata` lets
Alembic see every table (FAB's security tables and ours) in one place.
"""
from flask_appbuilder import Model
from flask_appbuilder.models.sqla.base import SQLA
from flask_wtf.csrf import CSRFProtect

db = SQLA(metadata=Model.metadata)
csrf = CSRFProtect()


def init_migrations(app) -> None:
    """Bind Flask-Migrate (Alembic, `flask db …`) to `app`; imported only when asked for."""
    from flask_migrate import Migrate

    from config import BASE_DIR

    Migrate(app, db, directory=str(BASE_DIR / "migrations"))
