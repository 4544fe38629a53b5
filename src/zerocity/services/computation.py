"""Computing a stored inventory with the accounting core and keeping what it found.

The stored activity records are turned back into the core's input table (same columns, same spreadsheet row
numbers), so the web path and the command line compute with exactly the same code and give the same figures.
"""

from __future__ import annotations

import io
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import Session

from zerocity.core.errors import InputErrors, InputIssue
from zerocity.core.factors import FactorLibrary
from zerocity.core.inventory.columns import KNOWN
from zerocity.core.inventory.compile import compile_activity, parse_number
from zerocity.core.inventory.engine import compute_inventory
from zerocity.core.inventory.result import InventoryResult
from zerocity.core.table import RawTable
from zerocity.ingest.tables import read_table_bytes
from zerocity.services.factors import library_with_factor_files
from zerocity.store.models import ActivityRecord, FactorSet, Inventory, RefResult, utcnow


@dataclass(frozen=True)
class Rows:
    """Activity rows in the core's input format: a header and rows of text with their spreadsheet row numbers."""

    file: str
    header: tuple[str, ...]
    rows: list[list[str]]
    lines: list[int]

    def table(self) -> RawTable:
        return RawTable.from_rows(self.file, self.header, self.rows, self.lines)

    def cells(self, position: int) -> dict[str, str]:
        return {name: value for name, value in zip(self.header, self.rows[position], strict=True) if value != ""}


def rows_from_table(table: RawTable) -> Rows:
    names = [n for n in table.header if n]
    texts = [table.columns[n].texts() for n in names]
    rows = [list(values) for values in zip(*texts, strict=True)] if names else []
    return Rows(table.file, tuple(names), rows, table.row_numbers.tolist())


def rows_from_bytes(data: bytes, filename: str) -> Rows:
    return rows_from_table(read_table_bytes(data, filename))


def header_of(cell_dicts: Sequence[dict[str, str]]) -> tuple[str, ...]:
    """The core's known columns first, in their documented order, then any passthrough columns as first seen."""
    seen: dict[str, None] = {}
    for cells in cell_dicts:
        seen.update(dict.fromkeys(cells))
    return tuple([c for c in KNOWN if c in seen] + [c for c in seen if c not in KNOWN])


def rows_from_records(file: str, records: Sequence[tuple[int, dict[str, str]]]) -> Rows:
    header = header_of([cells for _, cells in records])
    rows = [[cells.get(name, "") for name in header] for _, cells in records]
    return Rows(file, header, rows, [line for line, _ in records])


def load_rows(session: Session, inventory: Inventory, file: str) -> tuple[list[int], Rows]:
    found = session.execute(
        select(ActivityRecord.id, ActivityRecord.line, ActivityRecord.cells)
        .where(ActivityRecord.city_id == inventory.city_id, ActivityRecord.inventory_id == inventory.id)
        .order_by(ActivityRecord.line, ActivityRecord.id)
    ).all()
    return [r.id for r in found], rows_from_records(file, [(r.line, r.cells) for r in found])


def select_year(rows: Rows, year: int) -> tuple[Rows, dict[str, int]]:
    """The rows for ``year`` (or with no year) from a file that may hold several years, and how many rows of each
    other year were left out, so the preview can say so (a multi-year file is the usual way cities keep data)."""
    if "year" not in rows.header:
        return rows, {}
    column = rows.header.index("year")
    keep: list[int] = []
    skipped: dict[str, int] = {}
    for i, row in enumerate(rows.rows):
        text = row[column]
        value = parse_number(text) if text else None
        if value is None or value == year:
            keep.append(i)
        else:
            skipped[text] = skipped.get(text, 0) + 1
    if not skipped:
        return rows, {}
    return Rows(rows.file, rows.header, [rows.rows[i] for i in keep], [rows.lines[i] for i in keep]), skipped


def check_years(rows: Rows, year: int) -> None:
    """Rows of another year do not belong in this inventory: say so rather than dropping them silently."""
    if "year" not in rows.header:
        return
    column = rows.header.index("year")
    issues = []
    for row, line in zip(rows.rows, rows.lines, strict=True):
        text = row[column]
        value = parse_number(text) if text else None
        if value is not None and value != year:
            issues.append(InputIssue(rows.file, line, "year", f"this row is for {text}, but the inventory is {year}"))
    if issues:
        raise InputErrors(issues)


def factor_library(session: Session, inventory: Inventory) -> FactorLibrary:
    if inventory.factor_set_id is None:
        return library_with_factor_files([])
    factor_set = session.get(FactorSet, inventory.factor_set_id)
    if factor_set is None:
        return library_with_factor_files([])
    return library_with_factor_files([(factor_set.filename, factor_set.content)])


def compute_rows(rows: Rows, inventory: Inventory, library: FactorLibrary) -> InventoryResult:
    """The core's result for these rows; raises ``InputErrors`` naming file, row, column and reason."""
    if not rows.rows:
        raise InputErrors([InputIssue(rows.file, 0, "", "the file has no activity rows")])
    check_years(rows, inventory.year)
    compiled = compile_activity(rows.table(), library, inventory_year=inventory.year, city=None)
    return compute_inventory(compiled, inventory.gwp_set)


def finite(value: Any) -> Any:
    """JSON without NaN or infinities (PostgreSQL's json refuses them)."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [finite(v) for v in value]
    return value


def row_outputs(result: InventoryResult, n_rows: int) -> tuple[list[float | None], list[dict[str, Any] | None]]:
    """Per input row: its t CO2e and how it was computed (factor, source, status, conversion, method, GWP).
    Rows sharing a conversion share one (JSON-safe) detail dict."""
    compiled = result.compiled
    co2e: list[float | None] = [None] * n_rows
    detail: list[dict[str, Any] | None] = [None] * n_rows
    per_conversion: list[dict[str, Any]] = []
    for conversion in compiled.conversions:
        factor = conversion.factor
        per_conversion.append(
            {
                "factor_id": factor.factor_id,
                "factor_description": factor.description,
                "factor_source": factor.source,
                "factor_year": factor.year,
                "factor_status": factor.status,
                "factor_unit": factor.unit_text,
                "conversion": conversion.conversion,
                "method": conversion.method,
                "method_equation": conversion.method_equation,
                "gwp": result.gwp.name,
            }
        )
    per_conversion = [finite(d) for d in per_conversion]  # once per conversion, not once per row
    values = result.row_co2e_t.tolist()
    for i, (position, conversion_index) in enumerate(
        zip(compiled.positions.tolist(), compiled.conversion_index.tolist(), strict=True)
    ):
        value = values[i]
        co2e[position] = value if math.isfinite(value) else None
        if 0 <= conversion_index < len(per_conversion):
            detail[position] = per_conversion[conversion_index]
        else:
            detail[position] = {"gwp": result.gwp.name, "direct_or_notation": True}
    return co2e, detail


def store_result(session: Session, inventory: Inventory, result: InventoryResult) -> None:
    inventory.summary = finite(result.summary())
    inventory.computed_at = utcnow()
    session.execute(delete(RefResult).where(RefResult.inventory_id == inventory.id))
    refs = result.by_ref()
    if refs:
        session.execute(
            insert(RefResult),
            [
                {
                    "inventory_id": inventory.id,
                    "city_id": inventory.city_id,
                    "ref": ref,
                    "tco2e": finite(values["tco2e"]),
                    "gases_t": finite(values["gases_t"]),
                    "notation_key": values["notation_key"] or "",
                    "data_quality": values["data_quality"] or "",
                }
                for ref, values in refs.items()
            ],
        )


def clear_result(session: Session, inventory: Inventory) -> None:
    inventory.summary = None
    inventory.computed_at = utcnow()
    session.execute(delete(RefResult).where(RefResult.inventory_id == inventory.id))


def recompute(session: Session, inventory: Inventory, file: str) -> InventoryResult | None:
    """Compute from the stored records and update results, and only the records whose figures changed."""
    ids, rows = load_rows(session, inventory, file)
    inventory.record_count = len(ids)
    if not ids:
        clear_result(session, inventory)
        return None
    result = compute_rows(rows, inventory, factor_library(session, inventory))
    co2e, detail = row_outputs(result, len(ids))
    before = dict(
        session.execute(
            select(ActivityRecord.id, ActivityRecord.co2e_t).where(ActivityRecord.inventory_id == inventory.id)
        ).all()
    )
    old = np.array([np.nan if before.get(i) is None else before[i] for i in ids], dtype=float)
    new = np.array([np.nan if v is None else v for v in co2e], dtype=float)
    changed = np.flatnonzero(~((old == new) | (np.isnan(old) & np.isnan(new)))).tolist()
    if changed:
        session.execute(
            update(ActivityRecord),
            [{"id": ids[i], "co2e_t": co2e[i], "detail": detail[i]} for i in changed],
        )
    store_result(session, inventory, result)
    return result


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(text: str) -> str:
    """Text that a spreadsheet would run as a formula gets a leading apostrophe (OWASP CSV injection); numbers,
    negative ones included, stay as they are so the file still imports."""
    if text.startswith(_FORMULA_START) and parse_number(text) is None:
        return "'" + text
    return text


def activity_csv(rows: Rows) -> bytes:
    """The records as an accounting-core input file (UTF-8 with BOM): importing it reproduces the inventory."""
    import csv

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(rows.header)
    writer.writerows([[spreadsheet_safe(cell) for cell in row] for row in rows.rows])
    return buffer.getvalue().encode("utf-8-sig")


def dumps(value: Any) -> str:
    return json.dumps(finite(value), ensure_ascii=False)
