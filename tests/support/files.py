"""Real files built in memory for tests: spreadsheets with exactly the cells a test needs."""

from __future__ import annotations

import io

import openpyxl


def xlsx_bytes(rows: list[list[object]]) -> bytes:
    """An XLSX workbook whose first sheet holds ``rows`` (strings starting with ``=`` become formula cells)."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    for values in rows:
        sheet.append(values)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
