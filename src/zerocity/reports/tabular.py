"""JSON and CSV forms of an inventory for scripts and spreadsheets."""

from __future__ import annotations

import csv
import io
import json
import math
from typing import Any

from zerocity.core.inventory.result import InventoryResult
from zerocity.reports.gpc_rows import gpc_rows


def to_json(result: InventoryResult) -> str:
    return json.dumps(_finite(result.summary()), ensure_ascii=False, indent=2)


def _finite(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_finite(v) for v in value]
    return value


def to_csv(result: InventoryResult) -> str:
    """The GPC table by reference number. Write it as ``utf-8-sig`` so Excel in Taiwan reads it (STACK §2.11)."""
    gases = [g for g in result.compiled.gases if result.ref_gas_t[:, result.compiled.gases.index(g)].any()]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(
        [
            "gpc_ref",
            "sector",
            "subsector",
            "scope",
            "tco2e",
            "notation_key",
            "data_quality",
            "basic",
            "basic_plus",
            "territorial",
            *[f"{g}_t" for g in gases],
            "gwp",
            "year",
            "city",
        ]
    )
    for row in gpc_rows(result):
        writer.writerow(
            [
                row.ref,
                row.sector,
                row.subsector,
                row.scope,
                "" if row.tco2e is None else repr(row.tco2e),
                row.notation_key,
                row.data_quality,
                row.basic,
                row.basic_plus,
                row.territorial,
                *[repr(row.gases_t[g]) for g in gases],
                result.gwp.name,
                result.compiled.inventory_year,
                result.compiled.city,
            ]
        )
    return buffer.getvalue()
