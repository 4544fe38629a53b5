"""The GPC reference-number catalogue, notation keys and data-quality codes, loaded from ``data/gpc``.

Totals follow GPC v1.1 ch. 3 and the rules in DOMAIN.md §1.2 (which reproduce C40's published totals):
BASIC = scope 1+2 of stationary energy and transport plus scope 1+3 of waste; BASIC+ adds T&D losses (I.x.3),
transboundary transport (II.x.3), IPPU and AFOLU; territorial = every scope-1 row, I.4.4 and waste imported for
treatment included. I.4.4 (grid generation) stays out of BASIC to avoid double counting consumers' scope 2.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from zerocity.core.datafiles import read_bundled_csv
from zerocity.core.errors import InvalidData

TOTALS = ("basic", "basic_plus", "territorial", "other_scope3")

#: GPC notation keys, possibly compound (``NO; IE``) and naming where an IE source went (``IE (II.1.1)``).
#: Pattern after DOMAIN.md §1.3; ``NA`` is not a GPC key and is rejected.
NOTATION_KEY_PATTERN = re.compile(r"^(NO|IE|NE|C)(\s*;\s*(NO|IE|NE|C))*\s*(\(\s*[IV]+(\.\d+){1,2}\s*\))?$")

#: Spellings seen in published data that mean a real reference number (reference/SOURCE.md).
REF_ALIASES = {"I.63": "I.6.3"}


@dataclass(frozen=True)
class ReferenceNumber:
    ref: str
    sector: str
    subsector: str
    emission_source: str
    scope: int
    basic: bool
    basic_plus: bool
    territorial: bool
    other_scope3: bool
    allows_negative: bool
    status: str

    @property
    def sector_code(self) -> str:
        """Roman numeral of the sector: I stationary energy ... VI other scope 3."""
        return self.ref.split(".")[0]

    @property
    def subsector_code(self) -> str:
        """``I.1`` for ``I.1.2``; IPPU and AFOLU refs (``IV.1``) are their own subsector."""
        parts = self.ref.split(".")
        return ".".join(parts[:2])

    @property
    def is_grid_generation(self) -> bool:
        return self.ref == "I.4.4"


@dataclass(frozen=True)
class NotationKey:
    key: str
    meaning: str
    requires_explanation: bool


class GpcCatalogue:
    """Lookup over the reference numbers, in the order the standard lists them."""

    def __init__(self, refs: list[ReferenceNumber], notation_keys: list[NotationKey]) -> None:
        self.refs = refs
        self._by_ref = {r.ref: r for r in refs}
        self.notation_keys = {k.key: k for k in notation_keys}
        self.sectors = list(dict.fromkeys(r.sector for r in refs))

    def __contains__(self, ref: str) -> bool:
        return self.canonical(ref) in self._by_ref

    def canonical(self, ref: str) -> str:
        cleaned = ref.strip().upper().replace(" ", "")
        return REF_ALIASES.get(cleaned, cleaned)

    def get(self, ref: str) -> ReferenceNumber:
        return self._by_ref[self.canonical(ref)]

    def index(self, ref: str) -> int:
        return self.refs.index(self.get(ref))

    def refs_in(self, total: str) -> list[ReferenceNumber]:
        if total not in TOTALS:
            raise KeyError(total)
        return [r for r in self.refs if getattr(r, total)]

    def scopes_of_subsector(self, subsector_code: str) -> list[int]:
        return sorted({r.scope for r in self.refs if r.subsector_code == subsector_code})


def parse_notation_key(text: str) -> tuple[str, ...] | None:
    """The keys in a notation-key cell (``'NO; IE (II.1.1)'`` -> ``('NO', 'IE')``), or None if invalid."""
    cleaned = " ".join(text.strip().upper().split())
    if not NOTATION_KEY_PATTERN.match(cleaned):
        return None
    head = cleaned.split("(")[0]
    return tuple(dict.fromkeys(part.strip() for part in head.split(";")))


DATA_QUALITY_CODES = ("H", "M", "L")


def worst_quality(codes: list[str]) -> str:
    """The lowest of several H/M/L ratings: a total is only as good as its weakest part."""
    present = [c for c in codes if c in DATA_QUALITY_CODES]
    return max(present, key=DATA_QUALITY_CODES.index) if present else ""


def _flag(value: str, path: str, row: int) -> bool:
    if value not in ("true", "false"):
        raise InvalidData(f"{path}, row {row}: expected true/false, got {value!r}", path=path, row=row)
    return value == "true"


@cache
def gpc_catalogue() -> GpcCatalogue:
    path = "gpc/reference_numbers.csv"
    refs = []
    for number, row in enumerate(read_bundled_csv(path), start=2):
        refs.append(
            ReferenceNumber(
                ref=row["ref"],
                sector=row["sector"],
                subsector=row["subsector"],
                emission_source=row["emission_source"],
                scope=int(row["scope"]),
                basic=_flag(row["basic"], path, number),
                basic_plus=_flag(row["basic_plus"], path, number),
                territorial=_flag(row["territorial"], path, number),
                other_scope3=_flag(row["other_scope3"], path, number),
                allows_negative=_flag(row["allows_negative"], path, number),
                status=row["status"],
            )
        )
    keys = [
        NotationKey(row["key"], row["meaning"], row["requires_explanation"] == "true")
        for row in read_bundled_csv("gpc/notation_keys.csv")
    ]
    return GpcCatalogue(refs, keys)
