"""Entry point: `flask --app run …` and `gunicorn run:app`."""
import os

from app import create_app

# The `flask` command (db upgrade, jobs, demo, …) gets the migration commands; a web
# server process (gunicorn run:app) does not need Alembic and stays smaller.
app = create_app(migrations=os.environ.get("FLASK_RUN_FROM_CLI") == "true")
