"""WSGI entry point: ``gunicorn -c gunicorn.conf.py wsgi:app``."""

from trainhub import create_app

app = create_app()
