"""``/api/network``: the member directory, comparisons on a stated basis, and "cities like mine", as JSON.

Public and published-only for every caller, like the network pages (``services.knowledge.network``): an API token
does not add drafts here. A comparison answers with its basis (and the sentence that states it), the rows on that
basis, and every city left out with a reason code, its parameters and an English message.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Final, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from zerocity.core import benchmarking as bench
from zerocity.core.gwp import DEFAULT_GWP_SET
from zerocity.services.knowledge import network
from zerocity.web.api_models import NO_NUL, SLUG, GwpSetName, Paginated
from zerocity.web.routers.api import OPTIONAL_AUTH, READ_ERRORS, CallerDep, DbDep, PageDep, SlugPath, page_fields
from zerocity.web.routers.pages_network import basis_text, reason_text, value_label

router = APIRouter(prefix="/api/network", tags=["network"])

_SLUG_BODY: Final[str] = SLUG.strip("^$")
#: Comma-separated slugs, at most ``MAX_COMPARED`` of them (the pattern itself says so, so a longer list is a 422).
CITY_LIST: Final[str] = rf"^{_SLUG_BODY}(,{_SLUG_BODY}){{0,{network.MAX_COMPARED - 1}}}$"


class Sort(StrEnum):
    NAME = "name"
    COUNTRY = "country"
    YEAR = "year"
    TOTAL = "total"
    PER_CAPITA = "per_capita"
    CASES = "cases"


# -- response bodies -------------------------------------------------------------------------------------------------
class PlanTargetOut(BaseModel):
    type: str
    year: int | None
    target_tco2e: float | None
    met: bool | None


class PlanOut(BaseModel):
    """The city's latest published plan (the planner's summary)."""

    plan_name: str
    base_year: int | None
    base_tco2e: float | None
    plan_2030_tco2e: float | None
    plan_2050_tco2e: float | None
    targets: list[PlanTargetOut]
    p_target_met: float | None


class NetworkCityOut(BaseModel):
    """A member city with its latest published inventory (``latest_year`` null: nothing published yet)."""

    slug: str
    name_zh: str
    name_en: str
    country: str
    region: str
    latest_year: int | None
    gwp_set: str | None
    level: Literal["BASIC", "BASIC+", "incomplete"] | None = Field(
        description="The highest GPC level the latest inventory covers in full (every reference number with a "
        "figure or notation key); incomplete when not even BASIC is."
    )
    basic_tco2e: float | None
    basic_plus_tco2e: float | None
    population: float | None = Field(description="Population of the inventory year.")
    basic_per_capita_tco2e: float | None
    published_years: list[int]
    plan: PlanOut | None
    published_cases: int
    climate_zone: str = Field(description="Köppen-Geiger code, empty when not stated.")
    industry_share: float | None = Field(description="Secondary-sector share of GDP, 0-1.")


class BasisOut(BaseModel):
    gwp_set: str
    level: Literal["BASIC", "BASIC+"]
    gdp_unit: str | None = Field(description="The GDP unit compared (per_gdp only); other units are never converted.")
    statement: str = Field(description="The basis in words, as printed above the comparison.")


class ComparisonRowOut(BaseModel):
    city: str
    year: int
    value: float = Field(
        description="t CO2e (total, sector_shares), t CO2e per person, t CO2e per GDP unit, or the fractional "
        "change since the base year (trend)."
    )
    shares: dict[str, float] | None = Field(description="Share of the total by GPC sector (I-V); sector_shares.")
    base_year: int | None
    base_tco2e: float | None
    annual_rate: float | None = Field(description="Compound annual rate of change since the base year (trend).")


class ExclusionOut(BaseModel):
    city: str
    reason: Literal[tuple(r.value for r in bench.Reason)]  # type: ignore[valid-type]
    detail: dict[str, str | int | float]
    message: str


class ComparisonOut(BaseModel):
    metric: bench.Metric
    unit: str
    basis: BasisOut
    rows: list[ComparisonRowOut]
    excluded: list[ExclusionOut]


class PeerOut(BaseModel):
    city: str
    name_zh: str
    name_en: str
    score: float = Field(description="Gower similarity, 0-1 (1: alike on every feature both cities have).")
    by_feature: dict[str, float]
    published_cases: list[str] = Field(description="Addresses of the peer's published cases.")


class PeersOut(BaseModel):
    city: str
    features: list[str]
    peers: list[PeerOut]


# -- routes ---------------------------------------------------------------------------------------------------------
def _plan(plan: network.PlanView | None) -> PlanOut | None:
    if plan is None:
        return None
    return PlanOut(
        plan_name=plan.plan_name,
        base_year=plan.base_year,
        base_tco2e=plan.base_tco2e,
        plan_2030_tco2e=plan.plan_2030_tco2e,
        plan_2050_tco2e=plan.plan_2050_tco2e,
        targets=[PlanTargetOut(type=t.type, year=t.year, target_tco2e=t.target_tco2e, met=t.met) for t in plan.targets],
        p_target_met=plan.p_target_met,
    )


def _city_out(entry: network.DirectoryEntry) -> NetworkCityOut:
    return NetworkCityOut(
        slug=entry.slug,
        name_zh=entry.name_zh,
        name_en=entry.name_en,
        country=entry.country,
        region=entry.region,
        latest_year=entry.year,
        gwp_set=entry.gwp_set or None,
        level=(entry.level or "incomplete") if entry.year is not None else None,  # type: ignore[arg-type]
        basic_tco2e=entry.basic_tco2e,
        basic_plus_tco2e=entry.basic_plus_tco2e,
        population=entry.population,
        basic_per_capita_tco2e=entry.per_capita_tco2e,
        published_years=list(entry.published_years),
        plan=_plan(entry.plan),
        published_cases=entry.case_count,
        climate_zone=entry.climate_zone,
        industry_share=entry.industry_share,
    )


def _unit(comparison: bench.Comparison) -> str:
    """What ``value`` is measured in (shares and changes are fractions, 0.1 = 10 %)."""
    if comparison.metric is bench.Metric.TREND:
        return "fraction of the base-year total"
    if comparison.metric is bench.Metric.SECTOR_SHARES:
        return "t CO₂e (value); fractions of it (shares)"
    return value_label(comparison, "en")


@router.get("/cities", response_model=Paginated[NetworkCityOut], responses=READ_ERRORS, openapi_extra=OPTIONAL_AUTH)
def list_network_cities(
    db: DbDep,
    _actor: CallerDep,
    paging: PageDep,
    country: Annotated[str | None, Query(pattern=r"^[A-Z]{2}$", description="ISO 3166-1 alpha-2 code.")] = None,
    region: Annotated[str | None, Query(max_length=200, pattern=NO_NUL)] = None,
    sort: Annotated[Sort, Query(description="Order of the directory.")] = Sort.NAME,
    order: Annotated[Literal["asc", "desc"], Query()] = "asc",
) -> Paginated[NetworkCityOut]:
    """The member directory: each city's latest published inventory, plan and number of published cases.
    Cities without a figure for the sort key come last."""
    with db.read() as session:
        entries = network.directory(
            session, "en", country=country or "", region=region or "", sort=sort.value, descending=order == "desc"
        )
    items = [_city_out(e) for e in entries[paging.offset : paging.offset + paging.per_page]]
    return Paginated[NetworkCityOut](
        items=items,
        **page_fields(len(entries), paging),
    )


@router.get("/compare", response_model=ComparisonOut, responses=READ_ERRORS, openapi_extra=OPTIONAL_AUTH)
def compare_cities(
    db: DbDep,
    _actor: CallerDep,
    metric: Annotated[bench.Metric, Query(description="What is compared.")] = bench.Metric.PER_CAPITA,
    cities: Annotated[
        str | None,
        Query(pattern=CITY_LIST, max_length=4000, description="Comma-separated city slugs (default: every city)."),
    ] = None,
    gwp: Annotated[GwpSetName, Query(description="GWP set of the basis.")] = DEFAULT_GWP_SET,  # type: ignore[valid-type]
    level: Annotated[
        Literal["BASIC", "BASIC+"], Query(description="Reporting level of the basis (send BASIC+ as BASIC%2B).")
    ] = "BASIC",
    gdp_unit: Annotated[
        str | None,
        Query(max_length=32, pattern=NO_NUL, description="GDP unit for per_gdp (default: the one most cities use)."),
    ] = None,
) -> ComparisonOut:
    """``metric`` for the cities asked on a stated basis; cities that do not fit are listed with the reason.
    404 when a city does not exist."""
    slugs = cities.split(",") if cities else []
    with db.read() as session:
        result = network.compare(session, slugs, network.basis_from(gwp, level, gdp_unit or ""), metric.value)
    comparison = result.comparison
    basis = comparison.basis
    return ComparisonOut(
        metric=comparison.metric,
        unit=_unit(comparison),
        basis=BasisOut(
            gwp_set=basis.gwp_set,
            level=basis.level,  # type: ignore[arg-type]
            gdp_unit=basis.gdp_unit,
            statement=basis_text(basis, comparison.metric.value, "en"),
        ),
        rows=[
            ComparisonRowOut(
                city=row.city,
                year=row.year,
                value=row.value,
                shares=dict(row.shares) if comparison.metric is bench.Metric.SECTOR_SHARES else None,
                base_year=row.base_year,
                base_tco2e=row.base_value,
                annual_rate=row.annual_rate,
            )
            for row in comparison.rows
        ],
        excluded=[
            ExclusionOut(city=e.city, reason=e.reason.value, detail=dict(e.detail), message=reason_text(e, "en"))
            for e in comparison.excluded
        ],
    )


@router.get("/cities/{slug}/peers", response_model=PeersOut, responses=READ_ERRORS, openapi_extra=OPTIONAL_AUTH)
def city_peers(
    slug: SlugPath,
    db: DbDep,
    _actor: CallerDep,
    limit: Annotated[int, Query(ge=1, le=50)] = 5,
    emissions: Annotated[bool, Query(description="Also compare BASIC emissions per person (AR5).")] = False,
) -> PeersOut:
    """The member cities most like this one (Gower similarity; see core/benchmarking.py), with their published
    cases."""
    with db.read() as session:
        result = network.peers(session, slug, "en", limit=limit, with_emissions=emissions)
    weights = result.weights.as_array().tolist()
    return PeersOut(
        city=result.city.slug,
        features=[name for name, weight in zip(bench.FEATURES, weights, strict=True) if weight > 0],
        peers=[
            PeerOut(
                city=peer.city.slug,
                name_zh=peer.city.name_zh,
                name_en=peer.city.name_en,
                score=peer.score,
                by_feature=dict(peer.by_feature),
                published_cases=[str(getattr(case, "url", "")) for case in peer.cases],
            )
            for peer in result.peers
        ],
    )
