"""The emission factor library, for reading: search and filter the bundled factors, and one factor in full.

The library is the one inventories use (``zerocity.services.factors.load_factor_library``: IPCC 2006 defaults and
Taiwan's grid factors). Search is ``FactorLibrary.search``: every word of the query must appear in the factor's id,
fuel, category, description or source, or in the fuel's English or Chinese names and aliases, so 柴油 and
``diesel`` both find the diesel factors. Values are shown with the digits the source published, never rounded.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Annotated, Any, Final
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from starlette.responses import Response

from zerocity.core.factors import EmissionFactor, FactorLibrary
from zerocity.services.errors import NotFound
from zerocity.services.factors import load_factor_library
from zerocity.web.deps import get_locale, get_settings
from zerocity.web.i18n import gettext
from zerocity.web.render import N_, page

router = APIRouter(include_in_schema=False)

#: Gas columns of the list, in the engine's order; the detail page shows every gas a factor has.
LIST_GASES: Final[tuple[str, ...]] = ("CO2", "CH4", "N2O", "CO2e")
GAS_NAMES: Final[Mapping[str, str]] = {
    "CO2": "CO₂",
    "CH4": "CH₄",
    "N2O": "N₂O",
    "CO2e": "CO₂e",
    "CO2_biogenic": N_("Biogenic CO₂"),
}

#: Factor categories of the bundled files (the IPCC 2006 source categories, and the grid), in words.
CATEGORY_NAMES: Final[Mapping[str, str]] = {
    "energy_industries": N_("Energy industries"),
    "manufacturing_construction": N_("Manufacturing industries and construction"),
    "commercial_institutional": N_("Commercial and institutional"),
    "residential": N_("Residential"),
    "agriculture": N_("Agriculture, forestry and fishing"),
    "road": N_("Road transport"),
    "off_road": N_("Off-road vehicles and machinery"),
    "rail": N_("Railways"),
    "navigation": N_("Waterborne navigation"),
    "aviation": N_("Aviation"),
    "grid": N_("Grid electricity"),
}

#: What a factor's status means for its use (core.datafiles.STATUSES); a target may not enter an inventory.
STATUS_NAMES: Final[Mapping[str, str]] = {
    "published": N_("Published"),
    "secondary": N_("Secondary source"),
    "derived": N_("Derived"),
    "unconfirmed": N_("Unconfirmed"),
    "target": N_("Policy target"),
    "user": N_("City's own"),
}
STATUS_BADGES: Final[Mapping[str, str]] = {
    "published": "badge--approved",
    "secondary": "badge--submitted",
    "target": "badge--draft",
}

_CITATION_END = re.compile(r";|\s\(")

#: Longest search text accepted; longer input is a mistake or an attack, not a search.
MAX_QUERY_LENGTH: Final[int] = 200


def category_name(category: str, locale: str) -> str:
    return gettext(CATEGORY_NAMES[category], locale) if category in CATEGORY_NAMES else category


def status_name(status: str, locale: str) -> str:
    return gettext(STATUS_NAMES[status], locale) if status in STATUS_NAMES else status


def gas_name(gas: str, locale: str) -> str:
    return gettext(GAS_NAMES[gas], locale) if gas in GAS_NAMES else gas


def published_digits(value: float) -> int:
    """Decimals a published value was written with (0.554 -> 3, 69300.0 -> 0), so it is shown as published."""
    exponent = Decimal(repr(value)).normalize().as_tuple().exponent
    return min(-exponent, 10) if isinstance(exponent, int) and exponent < 0 else 0


def fuel_name(library: FactorLibrary, factor: EmissionFactor, locale: str) -> str:
    fuel = library.fuels.get(factor.fuel)
    if fuel is None:
        return factor.fuel
    return fuel.name_zh if locale == "zh_Hant" else fuel.name_en


@dataclass(frozen=True)
class FactorRow:
    factor: EmissionFactor
    fuel: str
    category: str
    status: str
    badge: str
    gases: Sequence[tuple[float | None, int]]  # (value, decimals) per LIST_GASES

    @property
    def href(self) -> str:
        return f"/factors/{self.factor.factor_id}"

    @property
    def short_source(self) -> str:
        """The citation up to its first ``;`` or parenthesis (the publication and table); the detail page and the
        cell's title give it whole. A list of 50 factors with full citations is unreadable on a phone."""
        return _CITATION_END.split(self.factor.source, maxsplit=1)[0].strip() or self.factor.source


def factor_row(library: FactorLibrary, factor: EmissionFactor, locale: str) -> FactorRow:
    values = [factor.gases.get(gas) for gas in LIST_GASES]
    return FactorRow(
        factor=factor,
        fuel=fuel_name(library, factor, locale),
        category=category_name(factor.category, locale),
        status=status_name(factor.status, locale),
        badge=STATUS_BADGES.get(factor.status, ""),
        gases=[(value, published_digits(value) if value is not None else 0) for value in values],
    )


def _options(keys: Sequence[str], name: Any, locale: str, everything: str) -> list[tuple[str, str]]:
    return [("", gettext(everything, locale)), *sorted(((k, name(k, locale)) for k in keys), key=lambda o: o[1])]


@router.get("/factors")
def factor_list(
    request: Request,
    q: Annotated[str, Query(max_length=MAX_QUERY_LENGTH)] = "",
    category: Annotated[str, Query(max_length=64)] = "",
    status: Annotated[str, Query(max_length=32)] = "",
    page_number: Annotated[int, Query(alias="page", ge=1)] = 1,
) -> Response:
    locale = get_locale(request)
    per_page = get_settings(request).page_size
    library = load_factor_library()
    found = library.search(q, status=status, category=category)
    pages = max(1, math.ceil(len(found) / per_page))
    current = min(page_number, pages)
    shown = found[(current - 1) * per_page : current * per_page]
    filters = {key: value for key, value in (("q", q), ("category", category), ("status", status)) if value}
    factors = library.factors.values()
    context = {
        "q": q,
        "category": category,
        "status": status,
        "rows": [factor_row(library, factor, locale) for factor in shown],
        "total": len(found),
        "page_number": current,
        "pages": pages,
        "page_url": "/factors" + (f"?{urlencode(filters)}" if filters else ""),
        "category_options": _options(
            sorted({f.category for f in factors if f.category}), category_name, locale, N_("All categories")
        ),
        "status_options": _options(sorted({f.status for f in factors}), status_name, locale, N_("All statuses")),
        "gas_names": [gas_name(gas, locale) for gas in LIST_GASES],
        "filtered": bool(filters),
    }
    return page(request, "factors/list.html", context)


@router.get("/factors/{factor_id:path}")
def factor_detail(request: Request, factor_id: str) -> Response:
    locale = get_locale(request)
    library = load_factor_library()
    if factor_id not in library:
        raise NotFound(N_("no such emission factor"), factor_id=factor_id)
    factor = library.factors[factor_id]
    context = {
        "factor": factor,
        "row": factor_row(library, factor, locale),
        "gas_values": [(gas_name(gas, locale), value, published_digits(value)) for gas, value in factor.gases.items()],
        "ncv_digits": published_digits(factor.ncv) if factor.ncv is not None else 0,
        "density_digits": published_digits(factor.density) if factor.density is not None else 0,
    }
    return page(request, "factors/detail.html", context)
