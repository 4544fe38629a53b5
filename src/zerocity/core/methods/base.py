"""Shared shapes for calculation methods."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from zerocity.core.errors import MethodParameterError

#: Gas keys the engine understands in a method's result. ``CO2_biogenic`` is CO2(b): reported, never totalled.
METHOD_GASES = ("CO2", "CH4", "N2O", "CO2_biogenic")


@dataclass(frozen=True)
class MethodFactors:
    """What a method yields for one row.

    Either ``kg_per_unit`` (gas -> kg per unit of activity, the row then needs no factor) or ``activity_scale``
    (a dimensionless multiplier on the activity before the row's own factor applies, e.g. T&D losses).
    """

    equation: str
    explanation: str
    activity_unit: str | None = None
    kg_per_unit: Mapping[str, float] | None = None
    activity_scale: float = 1.0

    @property
    def needs_factor(self) -> bool:
        return self.kg_per_unit is None


class MethodParams:
    """``key=value; key=value`` parameters of one row, read with typed accessors that name what is wrong."""

    def __init__(self, values: Mapping[str, str]) -> None:
        self._values = {k.strip().lower(): v.strip() for k, v in values.items()}
        self._used: set[str] = set()

    @classmethod
    def parse(cls, text: str) -> MethodParams:
        values: dict[str, str] = {}
        for part in text.replace("；", ";").split(";"):
            part = part.strip()
            if not part:
                continue
            key, sep, value = part.partition("=")
            if not sep or not key.strip() or not value.strip():
                raise MethodParameterError(part, "expected key=value")
            if key.strip().lower() in values:
                raise MethodParameterError(key.strip(), "given twice")
            values[key.strip().lower()] = value.strip()
        return cls(values)

    def has(self, key: str) -> bool:
        return key in self._values

    def text(self, key: str, default: str | None = None) -> str:
        self._used.add(key)
        if key in self._values:
            return self._values[key]
        if default is None:
            raise MethodParameterError(key, "required")
        return default

    def number(
        self,
        key: str,
        default: float | None = None,
        *,
        minimum: float | None = None,
        maximum: float | None = None,
    ) -> float:
        self._used.add(key)
        if key not in self._values:
            if default is None:
                raise MethodParameterError(key, "required")
            return default
        try:
            value = float(self._values[key])
        except ValueError:
            raise MethodParameterError(key, f"not a number: {self._values[key]!r}") from None
        if value != value or value in (float("inf"), float("-inf")):
            raise MethodParameterError(key, "not a finite number")
        if minimum is not None and value < minimum:
            raise MethodParameterError(key, f"must be at least {minimum:g}, got {value:g}")
        if maximum is not None and value > maximum:
            raise MethodParameterError(key, f"must be at most {maximum:g}, got {value:g}")
        return value

    def keys_with_prefix(self, prefix: str) -> dict[str, str]:
        found = {k[len(prefix) :]: v for k, v in self._values.items() if k.startswith(prefix)}
        self._used.update(prefix + k for k in found)
        return found

    def check_all_used(self) -> None:
        """Unknown keys are errors: a misspelt ``mfc=1`` must not silently fall back to a default."""
        unused = sorted(set(self._values) - self._used)
        if unused:
            raise MethodParameterError(unused[0], "unknown parameter for this method")


MethodFunction = Callable[[MethodParams, int], MethodFactors]
