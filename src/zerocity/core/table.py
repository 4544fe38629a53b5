"""The raw, dictionary-encoded input table the core validates.

Adapters (``zerocity.ingest``) read CSV or XLSX and hand over each column as its distinct cell texts plus one
integer code per row. Validation then works on the few distinct values (units, refs, factor ids) and maps the
answers back to rows with numpy, which keeps a million-row file fast without pandas in the core.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True)
class RawColumn:
    """Distinct stripped texts of one column (``""`` is a blank cell) and each row's index into them."""

    uniques: Sequence[str]
    codes: IntArray

    @classmethod
    def from_texts(cls, texts: Sequence[str]) -> RawColumn:
        index: dict[str, int] = {}
        codes = np.fromiter((index.setdefault(t.strip(), len(index)) for t in texts), dtype=np.int64, count=len(texts))
        return cls(list(index), codes)

    def texts(self) -> list[str]:
        return [self.uniques[c] for c in self.codes.tolist()]

    def blank_mask(self) -> BoolArray:
        blank_codes = [i for i, u in enumerate(self.uniques) if u == ""]
        return np.isin(self.codes, blank_codes)

    def map_uniques(self, values: Sequence[float], dtype: type = np.float64) -> npt.NDArray[np.generic]:
        """Per-row values from one value per distinct text."""
        return np.asarray(values, dtype=dtype)[self.codes]


@dataclass(frozen=True)
class RawTable:
    """An input file as read: normalised header names, dictionary-encoded columns, spreadsheet row numbers."""

    file: str
    columns: dict[str, RawColumn]
    header: tuple[str, ...]
    row_numbers: IntArray

    @property
    def n_rows(self) -> int:
        return int(self.row_numbers.shape[0])

    def column(self, name: str) -> RawColumn | None:
        return self.columns.get(name)

    @classmethod
    def from_rows(
        cls,
        file: str,
        header: Sequence[str],
        rows: Sequence[Sequence[str]],
        row_numbers: Sequence[int] | None = None,
    ) -> RawTable:
        """Build from plain rows of text (small files, XLSX, tests). Short rows are padded with blanks."""
        names = tuple(normalise_header(h) for h in header)
        width = len(names)
        padded = [list(r[:width]) + [""] * (width - len(r)) for r in rows]
        columns = {name: RawColumn.from_texts([r[j] for r in padded]) for j, name in enumerate(names) if name}
        numbers = np.asarray(row_numbers if row_numbers is not None else range(2, len(rows) + 2), dtype=np.int64)
        return cls(file, columns, names, numbers)


def normalise_header(name: str) -> str:
    """``' Activity Value '`` -> ``'activity_value'``; a BOM left by a careless decoder is dropped."""
    return "_".join(name.replace("\ufeff", "").strip().lower().split())
