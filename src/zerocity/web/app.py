"""The web application: pages for people, ``/api`` for scripts, one set of services underneath."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from zerocity.services.accounts import LoginLimiter
from zerocity.settings import Settings
from zerocity.store.db import Database
from zerocity.web import errors
from zerocity.web.security import ProtectionMiddleware

STATIC_DIR = Path(__file__).resolve().parent / "static"
#: Room for multipart framing around an upload of the largest allowed size.
MULTIPART_OVERHEAD = 64 * 1024


def create_app(settings: Settings | None = None, *, db: Database | None = None) -> FastAPI:
    settings = settings or Settings()
    app = FastAPI(
        title="ZeroCity API",
        version="1",
        description="Community GHG inventories to the GPC standard: cities, inventories, activity records, "
        "results and emission factors. Authenticate with `Authorization: Bearer <token>`.",
        openapi_url="/api/openapi.json",
        docs_url=None,  # Swagger UI would load from a CDN; the document itself is at /api/openapi.json
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.db = db or Database(settings.resolved_database_url())
    app.state.login_limiter = LoginLimiter(settings.login_rate)
    errors.install(app)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")

    from zerocity.web.routers import register

    register(app)
    app.add_middleware(ProtectionMiddleware, max_body_bytes=settings.max_upload_bytes + MULTIPART_OVERHEAD)
    return app
