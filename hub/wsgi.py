"""WSGI entry point for process-based servers: ``gunicorn -w 2 hub.wsgi:app``.

Configured from the environment like ``zhanqun serve``: ZHANQUN_ENV,
ZHANQUN_DATABASE_URL, ZHANQUN_SECRET_KEY, ZHANQUN_REGISTRY.
"""
from hub import create_app

app = create_app()
