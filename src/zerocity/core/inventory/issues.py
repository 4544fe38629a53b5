"""Collecting input problems row by row, with a cap so a broken million-row file still answers quickly."""

from __future__ import annotations

import numpy as np

from zerocity.core.errors import InputIssue
from zerocity.core.table import BoolArray, RawColumn, RawTable

MAX_ISSUES = 1000


class IssueCollector:
    def __init__(self, raw: RawTable) -> None:
        self.raw = raw
        self._errors: list[InputIssue] = []
        self._warnings: list[InputIssue] = []
        self._overflow = 0

    def room(self) -> int:
        return max(MAX_ISSUES - len(self._errors), 0)

    def has_errors(self) -> bool:
        return bool(self._errors) or self._overflow > 0

    def at(self, position: int, column: str, reason: str) -> None:
        if self.room() == 0:
            self._overflow += 1
            return
        self._errors.append(InputIssue(self.raw.file, int(self.raw.row_numbers[position]), column, reason))

    def rows(self, mask: BoolArray, column: str, reason: str) -> None:
        positions = np.flatnonzero(mask)
        room = self.room()
        for position in positions[:room].tolist():
            self._errors.append(InputIssue(self.raw.file, int(self.raw.row_numbers[position]), column, reason))
        self._overflow += max(len(positions) - room, 0)

    def rows_with(self, column: RawColumn, text: str, name: str, reason: str, among: BoolArray | None = None) -> None:
        code = list(column.uniques).index(text)
        mask = column.codes == code
        self.rows(mask if among is None else mask & among, name, reason)

    def file_level(self, column: str, reason: str) -> None:
        row = 1 if column and column not in self.raw.columns else 0
        self._errors.append(InputIssue(self.raw.file, row, column, reason))

    def warn(self, column: str, reason: str, position: int | None = None) -> None:
        row = int(self.raw.row_numbers[position]) if position is not None else 0
        self._warnings.append(InputIssue(self.raw.file, row, column, reason, code="warning", severity="warning"))

    def errors(self) -> list[InputIssue]:
        issues = list(self._errors)
        if self._overflow:
            issues.append(
                InputIssue(self.raw.file, 0, "", f"… and {self._overflow} more problems not listed", code="overflow")
            )
        return issues

    def warnings(self) -> list[InputIssue]:
        return list(self._warnings)
