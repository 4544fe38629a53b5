"""The ASGI entry point for uvicorn/gunicorn: settings come from the environment (``ZEROCITY_*``)."""

from zerocity.web.app import create_app

app = create_app()
