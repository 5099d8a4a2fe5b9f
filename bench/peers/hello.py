"""The ceiling: a bare Flask app answering "hello" (served like the app, gunicorn 2 workers)."""
from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello() -> str:
    """The cheapest possible page."""
    return "hello"
