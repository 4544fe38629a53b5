"""Reading the versioned reference data shipped in ``zerocity/data`` (no network, no user paths)."""

from __future__ import annotations

import csv
import io
from functools import cache
from importlib import resources

from zerocity.core.errors import InvalidData

#: Every status a reference row may carry (STYLE.md §7, DOMAIN.md status labels).
#: ``projection`` (a modelled future value) and ``illustrative`` (a placeholder with no citable source) are used
#: by planning data; neither is usable in an inventory (``factors.USABLE_STATUSES``).
STATUSES = frozenset(
    {"published", "secondary", "derived", "target", "unconfirmed", "user", "projection", "illustrative"}
)


@cache
def read_bundled_csv(relative_path: str) -> tuple[dict[str, str], ...]:
    """Rows of a bundled CSV file as dicts of stripped strings; the result is cached and must not be mutated."""
    resource = resources.files("zerocity.data").joinpath(relative_path)
    try:
        text = resource.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InvalidData(f"bundled data file missing: {relative_path}", path=relative_path) from None
    reader = csv.DictReader(io.StringIO(text))
    rows = []
    for number, row in enumerate(reader, start=2):
        if None in row or None in row.values():
            raise InvalidData(f"{relative_path}, row {number}: wrong number of fields", path=relative_path, row=number)
        rows.append({k: v.strip() for k, v in row.items()})
    if rows and "status" in rows[0]:
        for number, row in enumerate(rows, start=2):
            if row["status"] not in STATUSES:
                raise InvalidData(
                    f"{relative_path}, row {number}: unknown status {row['status']!r}",
                    path=relative_path,
                    row=number,
                )
    return tuple(rows)
