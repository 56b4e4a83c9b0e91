"""``python -m politburo``: the command line."""

from politburo.cli import app

app()
