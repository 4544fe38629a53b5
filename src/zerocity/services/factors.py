"""Building the factor library an inventory may use: the bundled one plus a city's own factor files."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from zerocity.core.errors import InputErrors, InputIssue, InvalidData
from zerocity.core.factors import EmissionFactor, FactorLibrary, bundled_library, read_factor_row
from zerocity.core.table import RawTable
from zerocity.ingest.tables import read_table, read_table_bytes

#: Columns of a user factor file (README, "Your own factors").
FACTOR_FILE_COLUMNS = ("factor_id", "activity_unit", "mass_unit", "source")


def load_factor_library(factor_files: Sequence[str | Path] = ()) -> FactorLibrary:
    """The bundled library plus every factor in ``factor_files``; all problems are reported at once."""
    return _library_with_tables([read_table(path) for path in factor_files])


def library_with_factor_files(files: Sequence[tuple[str, bytes]]) -> FactorLibrary:
    """As ``load_factor_library``, for files held in memory or in the database: ``(file name, content)``."""
    return _library_with_tables([read_table_bytes(content, name) for name, content in files])


def _library_with_tables(tables: Sequence[RawTable]) -> FactorLibrary:
    library = bundled_library()
    if not tables:
        return library
    extra: list[EmissionFactor] = []
    issues: list[InputIssue] = []
    for table in tables:
        missing = [c for c in FACTOR_FILE_COLUMNS if c not in table.columns]
        if missing:
            issues.append(
                InputIssue(table.file, 1, missing[0], f"factor files need columns {', '.join(FACTOR_FILE_COLUMNS)}")
            )
            continue
        texts = {name: column.texts() for name, column in table.columns.items()}
        for position, row_number in enumerate(table.row_numbers.tolist()):
            row = {name: values[position] for name, values in texts.items()}
            factor, problems = read_factor_row(row, origin=f"user:{table.file}")
            issues += [InputIssue(table.file, row_number, column, reason) for column, reason in problems]
            if factor is not None:
                extra.append(factor)
    if issues:
        raise InputErrors(issues)
    try:
        return library.with_factors(extra)
    except InvalidData as exc:
        raise InputErrors([InputIssue(tables[0].file, 0, "factor_id", exc.message)]) from None
