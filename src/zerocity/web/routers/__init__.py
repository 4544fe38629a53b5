"""Routers: one module per area. ``register`` mounts them all."""

from __future__ import annotations

import importlib
import pkgutil

from fastapi import FastAPI


def register(app: FastAPI) -> None:
    """Every module in this package with a ``router`` is included (pages and API alike)."""
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{__name__}.{info.name}")
        router = getattr(module, "router", None)
        if router is not None:
            app.include_router(router)
