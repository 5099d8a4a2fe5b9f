"""The anchor for P3: a stock Flask-AppBuilder `ModelView` list over the same contract table.

Only the model class comes from the product (app.models); no product view, template,
security manager or setting is used. The same database is only read: a signed-in
user of the product's "Admin" role is recognised through FAB's built-in roles
(FAB_ROLES), so no permission rows are needed, and the session cookie is made by
the bench runner with this app's secret (no sign-in form, so no write).
"""
from __future__ import annotations

import os

from flask import Flask
from flask_appbuilder import AppBuilder, ModelView
from flask_appbuilder.models.sqla.interface import SQLAInterface
from config import normalise_database_url


class PeerConfig:
    """Stock FAB settings; only the database and keys are shared with the product."""

    SQLALCHEMY_DATABASE_URI = normalise_database_url(os.environ["DATABASE_URL"])
    SQLALCHEMY_TRACK_MODIFICATIONS = False
    SECRET_KEY = os.environ.get("PEER_SECRET_KEY", "bench-stock-fab-peer")
    # The model's encrypted column decrypts with the product's key.
    ENCRYPTION_KEY = os.environ.get("ENCRYPTION_KEY") or "ZGV2LW9ubHktZW5jcnlwdGlvbi1rZXktMzJieXRlcyE="
    FAB_CREATE_DB = False
    FAB_UPDATE_PERMS = False
    FAB_ADD_SECURITY_API = False
    FAB_ROLES = {"Admin": [[".*", ".*"]]}
    WTF_CSRF_ENABLED = True


from app import models  # noqa: E402  - the model classes only
from app.models import Contract  # noqa: E402

assert models  # imported for the model registry (every table must be known to the mapper)


class ContractView(ModelView):
    """Stock FAB list of contracts: default columns, default page size, default search.

    The one setting: FAB's search form cannot build a filter for an enum column that
    stores values (KeyError in fields.EnumField), so those two columns are not searchable.
    """

    datamodel = SQLAInterface(Contract)
    search_exclude_columns = ["status", "registration_mode"]


def create_peer() -> Flask:
    """The peer app."""
    from flask_appbuilder.utils.legacy import get_sqla_class

    flask_app = Flask(__name__)
    flask_app.config.from_object(PeerConfig)
    sqla = get_sqla_class()()
    sqla.init_app(flask_app)
    with flask_app.app_context():
        appbuilder = AppBuilder()
        appbuilder.init_app(flask_app, sqla.session)
        appbuilder.add_view(ContractView, "Contracts", category="Bench")
    return flask_app


app = create_peer()
