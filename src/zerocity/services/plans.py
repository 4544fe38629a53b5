"""Stored net-zero plans per city: scenario files kept with versions, run through the planner core."""

from __future__ import annotations

from zerocity.store.db import Database


def load_demo(db: Database) -> None:
    """Stores the demo city's plan unless it is already there."""
