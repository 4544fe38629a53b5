"""Demo content for ``zerocity serve --demo`` (sample content, marked as such). Idempotent."""

from __future__ import annotations

from zerocity.store.db import Database


def load_demo(db: Database) -> None:
    """Loads this part of the demo unless it is already there."""
