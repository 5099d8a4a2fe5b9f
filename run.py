"""Entry point: `flask --app run …` and `gunicorn run:app`."""
import gc
import os

from app import create_app

# The `flask` command (db upgrade, jobs, demo, …) gets the migration commands; a web
# server process (gunicorn run:app) does not need Alembic and stays smaller.
app = create_app(migrations=os.environ.get("FLASK_RUN_FROM_CLI") == "true")

# What start-up built (modules, the app, its views and compiled templates, the catalogues: about
# 200,000 objects at dataset L) lives as long as the process. Frozen, the cycle collector no longer
# walks it in each full collection, which otherwise came every few hundred requests and cost the
# request it fell on some 50-150 ms (issue 20). Garbage of start-up is collected first.
gc.collect()
gc.freeze()
