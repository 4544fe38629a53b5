"""Read CSV or XLSX files into the core's dictionary-encoded ``RawTable``.

CSV goes through pandas' C parser (every cell kept as text, nothing guessed as NaN) and ``pandas.factorize``,
so a million-row file is read in seconds. XLSX goes through openpyxl in read-only mode; formula cells are
refused because their cached value may be stale or missing, and an import must be reproducible.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd

from zerocity.core.errors import InputErrors, InputIssue
from zerocity.core.table import RawColumn, RawTable, normalise_header
from zerocity.ingest.text import decode

XLSX_SUFFIXES = (".xlsx", ".xlsm")
CSV_SUFFIXES = (".csv", ".txt")
_XLSX_MAGIC = b"PK\x03\x04"


def read_table(path: str | Path, *, display_name: str | None = None) -> RawTable:
    """Read a CSV or XLSX file; raises ``InputErrors`` for unreadable files, never a parser traceback."""
    path = Path(path)
    name = display_name or path.name
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputErrors([InputIssue(name, 0, "", f"cannot read file: {exc.strerror or exc}", code="io")]) from None
    return read_table_bytes(data, name)


def read_table_bytes(data: bytes, name: str) -> RawTable:
    suffix = Path(name).suffix.lower()
    if data.startswith(_XLSX_MAGIC) or suffix in XLSX_SUFFIXES:
        if not data.startswith(_XLSX_MAGIC):
            raise InputErrors([InputIssue(name, 0, "", "not a valid XLSX file (is it an old .xls?)", code="type")])
        return _read_xlsx(data, name)
    if suffix and suffix not in CSV_SUFFIXES:
        raise InputErrors(
            [InputIssue(name, 0, "", f"unsupported file type {suffix!r}: use .csv or .xlsx", code="type")]
        )
    if b"\x00" in data[:4096]:
        raise InputErrors([InputIssue(name, 0, "", "this is a binary file, not CSV text", code="type")])
    return _read_csv(data, name)


def _read_csv(data: bytes, name: str) -> RawTable:
    decoded = decode(data, name)
    if isinstance(decoded, InputIssue):
        raise InputErrors([decoded])
    text, _encoding = decoded
    if not text or text.isspace():
        raise InputErrors([InputIssue(name, 0, "", "the file is empty", code="empty")])
    try:
        dialect_delimiter = csv.Sniffer().sniff(text[:4096], delimiters=",;\t").delimiter
    except csv.Error:
        dialect_delimiter = ","
    _reject_duplicate_headers(name, text.lstrip("\ufeff").split("\n", 1)[0].rstrip("\r"), dialect_delimiter)
    try:
        frame = pd.read_csv(
            io.StringIO(text),
            dtype=str,
            keep_default_na=False,
            na_filter=False,
            skip_blank_lines=False,
            sep=dialect_delimiter,
            engine="c",
        )
    except pd.errors.ParserError as exc:
        raise InputErrors([_parser_issue(name, str(exc))]) from None
    except pd.errors.EmptyDataError:
        raise InputErrors([InputIssue(name, 0, "", "the file has no header row", code="empty")]) from None
    row_numbers = np.arange(2, len(frame) + 2, dtype=np.int64)
    header = [str(c) for c in frame.columns]
    columns = {}
    blank = np.ones(len(frame), dtype=bool)
    for position, column_name in enumerate(header):
        codes, uniques = pd.factorize(frame.iloc[:, position], sort=False)
        column = _stripped(uniques.tolist(), codes)
        blank &= column.blank_mask()
        key = normalise_header(column_name)
        if key.startswith("unnamed:"):
            key = ""
        if key and key not in columns:
            columns[key] = column
    keep = ~blank
    if not keep.all():
        columns = {k: RawColumn(c.uniques, c.codes[keep]) for k, c in columns.items()}
        row_numbers = row_numbers[keep]
    return RawTable(name, columns, tuple(normalise_header(h) for h in header), row_numbers)


def _stripped(uniques: list[str], codes: np.ndarray) -> RawColumn:
    """Re-encode after stripping, so ``' kWh'`` and ``'kWh'`` share one code."""
    index: dict[str, int] = {}
    remap = np.fromiter((index.setdefault(str(u).strip(), len(index)) for u in uniques), dtype=np.int64)
    if not len(remap):
        return RawColumn([""], np.zeros(len(codes), dtype=np.int64))
    return RawColumn(list(index), remap[np.asarray(codes, dtype=np.int64)])


def _reject_duplicate_headers(name: str, header_line: str, delimiter: str) -> None:
    """pandas would silently rename a second ``activity_value`` to ``activity_value.1``: refuse instead."""
    _reject_duplicate_names(name, next(csv.reader([header_line], delimiter=delimiter), []))


def _reject_duplicate_names(name: str, names: list[str]) -> None:
    seen: dict[str, int] = {}
    for position, column_name in enumerate(names):
        key = normalise_header(column_name)
        if key and key in seen:
            raise InputErrors(
                [
                    InputIssue(
                        name,
                        1,
                        key,
                        f"column {key!r} appears twice (columns {seen[key] + 1} and {position + 1})",
                    )
                ]
            )
        seen.setdefault(key, position)


def _parser_issue(name: str, message: str) -> InputIssue:
    # pandas: "Error tokenizing data. C error: Expected 8 fields in line 5, saw 9"
    line = 0
    if " in line " in message:
        tail = message.split(" in line ", 1)[1]
        digits = "".join(ch for ch in tail.split(",")[0] if ch.isdigit())
        line = int(digits) if digits else 0
    reason = message.split("C error: ")[-1].strip()
    return InputIssue(name, line, "", f"broken CSV: {reason} (a stray comma or quote?)", code="csv")


def _read_xlsx(data: bytes, name: str) -> RawTable:
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise InputErrors([InputIssue(name, 0, "", f"not a readable XLSX workbook: {exc}", code="type")]) from None
    sheet = workbook.worksheets[0]
    issues: list[InputIssue] = []
    header: list[str] = []
    rows: list[list[str]] = []
    numbers: list[int] = []
    for row_number, cells in enumerate(sheet.iter_rows(), start=1):
        texts = []
        for cell in cells:
            texts.append(_cell_text(cell, row_number, header, name, issues))
        if row_number == 1:
            header = texts
            continue
        if any(texts):
            rows.append(texts)
            numbers.append(row_number)
    workbook.close()
    if not header:
        raise InputErrors([InputIssue(name, 0, "", "the first sheet is empty", code="empty")])
    _reject_duplicate_names(name, header)
    if issues:
        raise InputErrors(issues)
    return RawTable.from_rows(name, header, rows, numbers)


def _cell_text(cell: object, row_number: int, header: list[str], name: str, issues: list[InputIssue]) -> str:
    value = getattr(cell, "value", None)
    if getattr(cell, "data_type", "") == "f" or (isinstance(value, str) and value.startswith("=")):
        column = getattr(cell, "column", 1) or 1
        label = header[column - 1] if 0 < column <= len(header) else f"column {column}"
        issues.append(
            InputIssue(
                name,
                row_number,
                normalise_header(label),
                "formula cell: paste values instead",
                code="formula",
            )
        )
        return ""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return repr(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return str(value).strip()
