"""The baseline of bench/http.py: a bare Flask app answering "hello", served by the same
gunicorn command, so the ratio measures what the service adds on top of Flask + gunicorn."""

from flask import Flask

app = Flask(__name__)


@app.get("/hello")
def hello():
    return "hello"
