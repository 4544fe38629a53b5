"""The compiled, validated form of an activity file: arrays the engine multiplies and sums."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from zerocity.core.errors import InputIssue
from zerocity.core.factors import EmissionFactor
from zerocity.core.table import FloatArray, IntArray, RawTable

QUALITY_LEVELS = ("H", "M", "L")


@dataclass(frozen=True)
class Conversion:
    """How rows of one kind become gas masses: the factor, the unit conversion and any method, for the audit."""

    factor: EmissionFactor
    activity_unit: str
    multiplier: float  # amount × multiplier × factor's kg per factor unit = kg of each gas
    conversion: str  # the unit conversion in words, e.g. "1 MWh = 1000 kWh"
    method: str = ""
    method_equation: str = ""
    method_explanation: str = ""


@dataclass(frozen=True)
class NotationEntry:
    ref_index: int
    keys: tuple[str, ...]
    text: str
    row: int


@dataclass
class CompiledActivity:
    """Validated rows of one city-year. ``gas_matrix`` has one row per conversion plus a final row of zeros, so
    that index ``-1`` (notation-key rows) contributes nothing."""

    raw: RawTable
    inventory_year: int
    city: str
    gases: tuple[str, ...]
    positions: IntArray  # row positions in ``raw`` (the selected city-year)
    ref_index: IntArray
    amount: FloatArray
    conversion_index: IntArray
    conversions: list[Conversion]
    gas_matrix: FloatArray
    market_conversion_index: IntArray
    quality: IntArray  # -1 unrated, else index into QUALITY_LEVELS
    notation: list[NotationEntry]
    warnings: list[InputIssue] = field(default_factory=list)

    @property
    def n_rows(self) -> int:
        return int(self.positions.shape[0])

    @property
    def row_numbers(self) -> IntArray:
        return self.raw.row_numbers[self.positions]

    def with_rows(self, order: IntArray) -> CompiledActivity:
        """The same inventory with its rows in another order (used by property tests)."""
        return CompiledActivity(
            raw=self.raw,
            inventory_year=self.inventory_year,
            city=self.city,
            gases=self.gases,
            positions=self.positions[order],
            ref_index=self.ref_index[order],
            amount=self.amount[order],
            conversion_index=self.conversion_index[order],
            conversions=self.conversions,
            gas_matrix=self.gas_matrix,
            market_conversion_index=self.market_conversion_index[order],
            quality=self.quality[order],
            notation=self.notation,
            warnings=self.warnings,
        )


def gas_matrix_for(conversions: list[Conversion], gases: tuple[str, ...]) -> FloatArray:
    matrix = np.zeros((len(conversions) + 1, len(gases)), dtype=np.float64)
    column = {g: j for j, g in enumerate(gases)}
    for i, conv in enumerate(conversions):
        for gas, kg in conv.factor.kg_per_activity_unit().items():
            matrix[i, column[gas]] = kg * conv.multiplier
    return matrix
