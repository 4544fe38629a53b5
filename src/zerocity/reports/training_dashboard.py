"""The training capacity dashboard as an Excel workbook: one sheet per table of the page.

The caller passes every heading already translated and the rows as plain values, so this module knows nothing of
the database or the language. Cells are values, never formulas: a programme or city name typed as ``=1+1`` stays
text (``strings_to_formulas`` off). Ratios are stored as fractions with a percentage format, means with two
decimals, so the workbook can be filtered and recomputed by its reader.
"""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

import xlsxwriter  # type: ignore[import-untyped]

Cell = str | float | int | None

_INVALID_SHEET_CHARACTERS = "[]:*?/\\"
_MAX_SHEET_NAME = 31


@dataclass(frozen=True)
class Column:
    heading: str
    #: "text", "integer", "percent" or "mean"
    kind: str = "text"
    width: float = 14


@dataclass(frozen=True)
class Sheet:
    name: str
    columns: Sequence[Column]
    rows: Sequence[Sequence[Cell]]
    note: str = ""


def _sheet_name(name: str, taken: set[str]) -> str:
    cleaned = "".join("_" if c in _INVALID_SHEET_CHARACTERS else c for c in unicodedata.normalize("NFC", name))
    base = cleaned.strip("'")[:_MAX_SHEET_NAME] or "Sheet"
    candidate, counter = base, 2
    while candidate.lower() in taken:
        suffix = f" ({counter})"
        candidate, counter = base[: _MAX_SHEET_NAME - len(suffix)] + suffix, counter + 1
    taken.add(candidate.lower())
    return candidate


def write_workbook(sheets: Sequence[Sheet]) -> bytes:
    """The workbook as bytes (a dashboard is small: it is built in memory)."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False})
    formats = {
        "heading": workbook.add_format({"bold": True, "bg_color": "#E3ECE8", "text_wrap": True, "valign": "top"}),
        "text": workbook.add_format({"valign": "top"}),
        "integer": workbook.add_format({"num_format": "#,##0"}),
        "percent": workbook.add_format({"num_format": "0.0%"}),
        "mean": workbook.add_format({"num_format": "0.00"}),
        "note": workbook.add_format({"italic": True, "font_color": "#55656B"}),
    }
    taken: set[str] = set()
    for sheet in sheets:
        worksheet = workbook.add_worksheet(_sheet_name(sheet.name, taken))
        for index, column in enumerate(sheet.columns):
            worksheet.set_column(index, index, column.width)
            worksheet.write_string(0, index, column.heading, formats["heading"])
        for row_number, row in enumerate(sheet.rows, start=1):
            for index, (column, value) in enumerate(zip(sheet.columns, row, strict=True)):
                if value is None:
                    worksheet.write_blank(row_number, index, None)
                elif isinstance(value, str):
                    worksheet.write_string(row_number, index, value, formats["text"])
                else:
                    worksheet.write_number(row_number, index, value, formats.get(column.kind, formats["text"]))
        if sheet.note:
            worksheet.write_string(len(sheet.rows) + 2, 0, sheet.note, formats["note"])
        worksheet.freeze_panes(1, 0)
    workbook.close()
    return buffer.getvalue()
