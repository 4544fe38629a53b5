"""Building the factor library an inventory may use: the bundled one plus a city's own factor files."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from zerocity.core.errors import InputErrors, InputIssue, InvalidData
from zerocity.core.factors import EmissionFactor, FactorLibrary, bundled_library, factor_from_row
from zerocity.ingest.tables import read_table

#: Columns of a user factor file (README, "Your own factors").
FACTOR_FILE_COLUMNS = ("factor_id", "activity_unit", "mass_unit", "source")


def load_factor_library(factor_files: Sequence[str | Path] = ()) -> FactorLibrary:
    """The bundled library plus every factor in ``factor_files``; all problems are reported at once."""
    library = bundled_library()
    extra: list[EmissionFactor] = []
    issues: list[InputIssue] = []
    for path in factor_files:
        table = read_table(path)
        missing = [c for c in FACTOR_FILE_COLUMNS if c not in table.columns]
        if missing:
            issues.append(
                InputIssue(table.file, 1, missing[0], f"factor files need columns {', '.join(FACTOR_FILE_COLUMNS)}")
            )
            continue
        texts = {name: column.texts() for name, column in table.columns.items()}
        for position, row_number in enumerate(table.row_numbers.tolist()):
            row = {name: values[position] for name, values in texts.items()}
            try:
                extra.append(factor_from_row(row, origin=f"user:{table.file}", where=f"{table.file}, row {row_number}"))
            except InvalidData as exc:
                issues.append(InputIssue(table.file, row_number, "", exc.message.split(": ", 1)[-1]))
    if issues:
        raise InputErrors(issues)
    try:
        return library.with_factors(extra)
    except InvalidData as exc:
        raise InputErrors([InputIssue(str(factor_files[0]), 0, "factor_id", exc.message)]) from None
