"""Member network and peer benchmarking (issue 5, part 4): the directory of member cities, comparisons on a stated
common basis, "cities like mine", and each city's public profile.

Published data only, for every caller. The network is the centre's shop window: a mayor shares a city's profile,
a climate officer compares their city with others. A draft (even the reader's own city's) never appears here; it
stays on the city's dashboard, where ``services.inventories`` decides who may read it. So these functions take no
actor: they read only inventories with ``published`` set, plans through ``services.plans.latest_plan_summary`` as
the public, and cases through ``services.knowledge.cases.published_cases_for_city`` (public by contract).

Figures come from each inventory's stored summary (the accounting core's totals at its last computation): BASIC and
BASIC+ totals, totals by GPC sector, and which reference numbers carry a figure or a notation key (what decides
the level an inventory covers). The maths is in :mod:`zerocity.core.benchmarking`.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from zerocity.core import benchmarking as bench
from zerocity.core.errors import ZeroCityError
from zerocity.core.gpc import gpc_catalogue
from zerocity.core.gwp import DEFAULT_GWP_SET, gwp_set_names
from zerocity.services.errors import InvalidRequest, NotFound
from zerocity.store.models import City, CityStat, Inventory
from zerocity.store.network_models import CityProfile

#: How many cities one comparison may name (the whole network is compared when none is named).
MAX_COMPARED: Final[int] = 60
#: Directory orders: by name in the reader's language, country, latest year, BASIC total, per person, cases.
SORTS: Final[tuple[str, ...]] = ("name", "country", "year", "total", "per_capita", "cases")
#: At most this many of a city's published cases are counted in the directory ("50+" beyond).
CASE_COUNT_LIMIT: Final[int] = 50

_LEVEL_FLAG: Final[Mapping[str, str]] = {bench.BASIC: "basic", bench.BASIC_PLUS: "basic_plus"}


# --- What a member city is made of -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Attributes:
    """A city's profile row as plain values (``None`` fields: not stated)."""

    climate_zone: str = ""
    climate_year: int | None = None
    climate_source: str = ""
    coastal: bool | None = None
    coastal_source: str = ""
    primary_share: float | None = None
    secondary_share: float | None = None
    tertiary_share: float | None = None
    structure_year: int | None = None
    structure_source: str = ""
    version: int = 0


@dataclass(frozen=True)
class Member:
    """A member city with its published inventories (oldest first) as comparison figures."""

    id: int
    slug: str
    name_zh: str
    name_en: str
    country: str
    region: str
    attributes: Attributes
    published: tuple[bench.InventoryFigures, ...]
    population_by_year: Mapping[int, float] = field(default_factory=dict)
    gdp_sources: Mapping[int, str] = field(default_factory=dict)

    def name(self, locale: str) -> str:
        if locale == "zh_Hant":
            return self.name_zh or self.name_en
        return self.name_en or self.name_zh

    @property
    def latest(self) -> bench.InventoryFigures | None:
        return self.published[-1] if self.published else None

    @property
    def base(self) -> bench.InventoryFigures | None:
        """The base year of the city's trend: its first published inventory."""
        return self.published[0] if self.published else None

    @property
    def figures(self) -> bench.CityFigures:
        return bench.CityFigures(self.slug, self.latest, self.base)

    @property
    def population(self) -> float | None:
        """Population of the latest published inventory's year, else of the latest year on record."""
        latest = self.latest
        if latest is not None and latest.population is not None:
            return latest.population
        known = [year for year, value in self.population_by_year.items() if value]
        return self.population_by_year[max(known)] if known else None


@functools.cache
def _sector_codes() -> dict[str, str]:
    """GPC sector name (as the summary keys it) -> Roman numeral."""
    return {ref.sector: ref.sector_code for ref in gpc_catalogue().refs}


@functools.cache
def _refs_of_level(level: str) -> tuple[str, ...]:
    flag = _LEVEL_FLAG[level]
    return tuple(ref.ref for ref in gpc_catalogue().refs if getattr(ref, flag))


def _number(value: object) -> float | None:
    if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value):
        return float(value)
    return None


def inventory_figures(inventory: Inventory, stat: CityStat | None) -> bench.InventoryFigures:
    """The comparison figures of one stored inventory (``totals`` empty when it has no results yet)."""
    summary: Mapping[str, Any] = inventory.summary or {}
    totals: dict[str, float] = {}
    sectors: dict[str, dict[str, float]] = {}
    missing: dict[str, tuple[str, ...]] = {}
    reported = set(summary.get("by_ref") or {})
    by_sector: Mapping[str, Mapping[str, Any]] = summary.get("by_sector") or {}
    for level, flag in _LEVEL_FLAG.items():
        total = _number(summary.get(f"{flag}_tco2e"))
        if total is None:
            continue
        totals[level] = total
        sectors[level] = {
            _sector_codes().get(name, name): _number(row.get(f"{flag}_tco2e")) or 0.0 for name, row in by_sector.items()
        }
        missing[level] = tuple(ref for ref in _refs_of_level(level) if ref not in reported)
    return bench.InventoryFigures(
        year=inventory.year,
        gwp_set=inventory.gwp_set,
        totals_tco2e=totals,
        sectors_tco2e=sectors,
        missing_refs=missing,
        population=stat.population if stat is not None and stat.population else None,
        gdp=stat.gdp if stat is not None and stat.gdp else None,
        gdp_unit=stat.gdp_unit if stat is not None else "",
    )


def _attributes(profile: CityProfile | None) -> Attributes:
    if profile is None:
        return Attributes()
    return Attributes(
        climate_zone=profile.climate_zone,
        climate_year=profile.climate_year,
        climate_source=profile.climate_source,
        coastal=profile.coastal,
        coastal_source=profile.coastal_source,
        primary_share=profile.primary_share,
        secondary_share=profile.secondary_share,
        tertiary_share=profile.tertiary_share,
        structure_year=profile.structure_year,
        structure_source=profile.structure_source,
        version=profile.version,
    )


def members(session: Session) -> list[Member]:
    """Every member city (by country and English name) with its published inventories: four queries in all."""
    cities = list(session.scalars(select(City).order_by(City.country, City.name_en, City.id)))
    stats: dict[tuple[int, int], CityStat] = {(s.city_id, s.year): s for s in session.scalars(select(CityStat))}
    profiles = {p.city_id: p for p in session.scalars(select(CityProfile))}
    published: dict[int, list[Inventory]] = {}
    query = select(Inventory).where(Inventory.published.is_(True)).order_by(Inventory.city_id, Inventory.year)
    for inventory in session.scalars(query):
        published.setdefault(inventory.city_id, []).append(inventory)
    found = []
    for city in cities:
        own_stats = {year: stat for (city_id, year), stat in stats.items() if city_id == city.id}
        found.append(
            Member(
                id=city.id,
                slug=city.slug,
                name_zh=city.name_zh,
                name_en=city.name_en,
                country=city.country,
                region=city.region,
                attributes=_attributes(profiles.get(city.id)),
                published=tuple(inventory_figures(inv, own_stats.get(inv.year)) for inv in published.get(city.id, [])),
                population_by_year={y: s.population for y, s in own_stats.items() if s.population},
                gdp_sources={y: s.source for y, s in own_stats.items() if s.gdp},
            )
        )
    return found


def member(session: Session, slug: str) -> Member:
    for candidate in members(session):
        if candidate.slug == slug:
            return candidate
    raise NotFound("no such city", slug=slug)


# --- Plans and cases of other areas, through their contracts ----------------------------------------------------


@dataclass(frozen=True)
class PlanTarget:
    type: str
    year: int | None
    target_tco2e: float | None
    met: bool | None


@dataclass(frozen=True)
class PlanView:
    """A published plan as the network shows it (from contract 3's ``PlanSummary``)."""

    plan_name: str
    base_year: int | None
    base_tco2e: float | None
    plan_2030_tco2e: float | None
    plan_2050_tco2e: float | None
    targets: tuple[PlanTarget, ...]
    p_target_met: float | None


def _target(item: Any) -> PlanTarget:
    if isinstance(item, tuple | list):
        values = [*item, None, None, None, None][:4]
    else:
        values = [getattr(item, name, None) for name in ("type", "year", "target_tco2e", "met")]
    kind, year, tonnes, met = values
    return PlanTarget(
        str(kind or ""),
        year if isinstance(year, int) else None,
        _number(tonnes),
        met if isinstance(met, bool) else None,
    )


def plan_summary(session: Session, city_id: int) -> PlanView | None:
    """The city's latest published plan (``services.plans.latest_plan_summary``, read as the public), or None when
    the city has none or the planner's stored plans are not installed."""
    from zerocity.services import plans
    from zerocity.services.actor import Actor

    read: Callable[..., Any] | None = getattr(plans, "latest_plan_summary", None)
    if read is None:
        return None
    try:
        summary = read(session, Actor.public(), city_id)
    except ZeroCityError:
        return None
    if summary is None:
        return None
    base_year = getattr(summary, "base_year", None)
    return PlanView(
        plan_name=str(getattr(summary, "plan_name", "") or ""),
        base_year=base_year if isinstance(base_year, int) else None,
        base_tco2e=_number(getattr(summary, "base_tco2e", None)),
        plan_2030_tco2e=_number(getattr(summary, "plan_2030_tco2e", None)),
        plan_2050_tco2e=_number(getattr(summary, "plan_2050_tco2e", None)),
        targets=tuple(_target(t) for t in getattr(summary, "targets", ()) or ()),
        p_target_met=_number(getattr(summary, "p_target_met", None)),
    )


def published_cases(session: Session, city_id: int, locale: str, limit: int = 5) -> list[Any]:
    """The city's published cases (``services.knowledge.cases.published_cases_for_city``), or [] without them."""
    try:
        from zerocity.services.knowledge import cases
    except ImportError:
        return []
    read: Callable[..., list[Any]] | None = getattr(cases, "published_cases_for_city", None)
    return list(read(session, city_id, locale, limit)) if read is not None else []


# --- Directory ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DirectoryEntry:
    """One member city in the directory: its latest published inventory (or none yet), plan and cases."""

    slug: str
    name: str
    name_zh: str
    name_en: str
    country: str
    region: str
    year: int | None
    gwp_set: str
    level: str
    basic_tco2e: float | None
    basic_plus_tco2e: float | None
    population: float | None
    per_capita_tco2e: float | None
    published_years: tuple[int, ...]
    plan: PlanView | None
    case_count: int
    climate_zone: str
    industry_share: float | None


def _entry(session: Session, city: Member, locale: str) -> DirectoryEntry:
    latest = city.latest
    basic = latest.totals_tco2e.get(bench.BASIC) if latest else None
    per_capita = None
    if basic is not None and latest is not None and latest.population:
        per_capita = float(bench.intensity([basic], [latest.population])[0])
    return DirectoryEntry(
        slug=city.slug,
        name=city.name(locale),
        name_zh=city.name_zh,
        name_en=city.name_en,
        country=city.country,
        region=city.region,
        year=latest.year if latest else None,
        gwp_set=latest.gwp_set if latest else "",
        level=latest.level if latest else "",
        basic_tco2e=basic,
        basic_plus_tco2e=latest.totals_tco2e.get(bench.BASIC_PLUS) if latest else None,
        population=latest.population if latest else None,
        per_capita_tco2e=per_capita,
        published_years=tuple(inv.year for inv in city.published),
        plan=plan_summary(session, city.id),
        case_count=len(published_cases(session, city.id, locale, CASE_COUNT_LIMIT + 1)),
        climate_zone=city.attributes.climate_zone,
        industry_share=city.attributes.secondary_share,
    )


def _sort_key(sort: str) -> Callable[[DirectoryEntry], Any]:
    def key(entry: DirectoryEntry) -> Any:
        value: Any = {
            "name": entry.name,
            "country": (entry.country, entry.name),
            "year": entry.year,
            "total": entry.basic_tco2e,
            "per_capita": entry.per_capita_tco2e,
            "cases": entry.case_count,
        }[sort]
        return value

    return key


def directory(
    session: Session,
    locale: str,
    *,
    country: str = "",
    region: str = "",
    sort: str = "name",
    descending: bool = False,
) -> list[DirectoryEntry]:
    """Member cities, filtered by country (ISO code) and region, in the order asked; cities without a figure for
    the sort key come last in either direction."""
    if sort not in SORTS:
        raise InvalidRequest(f"sort must be one of {', '.join(SORTS)}", field="sort")
    chosen = [
        city
        for city in members(session)
        if (not country or city.country == country.upper()) and (not region or city.region == region)
    ]
    entries = [_entry(session, city, locale) for city in chosen]
    key = _sort_key(sort)
    known = sorted((e for e in entries if key(e) is not None), key=lambda e: (key(e), e.slug), reverse=descending)
    return known + sorted((e for e in entries if key(e) is None), key=lambda e: e.name)


def directory_choices(session: Session) -> tuple[list[str], list[str]]:
    """The countries (ISO codes) and regions the directory can be filtered by."""
    rows = session.execute(select(City.country, City.region)).all()
    return sorted({r.country for r in rows}), sorted({r.region for r in rows if r.region})


# --- Comparisons -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NetworkComparison:
    comparison: bench.Comparison
    cities: Mapping[str, Member]  # slug -> member, for names and links
    chosen: tuple[str, ...]


def basis_from(gwp_set: str = DEFAULT_GWP_SET, level: str = bench.BASIC, gdp_unit: str = "") -> bench.Basis:
    """A comparison basis from request values, refused with a clear message when a value is not one we know."""
    if gwp_set not in gwp_set_names():
        raise InvalidRequest(f"gwp must be one of {', '.join(gwp_set_names())}", field="gwp")
    if level not in bench.LEVELS:
        raise InvalidRequest(f"level must be one of {', '.join(bench.LEVELS)}", field="level")
    return bench.Basis(gwp_set, level, gdp_unit.strip() or None)


def compare(session: Session, slugs: Sequence[str], basis: bench.Basis, metric: str) -> NetworkComparison:
    """``metric`` for the named cities (the whole network when none is named) on ``basis``."""
    try:
        chosen_metric = bench.Metric(metric)
    except ValueError:
        raise InvalidRequest(
            f"metric must be one of {', '.join(m.value for m in bench.Metric)}", field="metric"
        ) from None
    everyone = members(session)
    by_slug = {city.slug: city for city in everyone}
    wanted = tuple(dict.fromkeys(s.strip() for s in slugs if s.strip()))
    if len(wanted) > MAX_COMPARED:
        raise InvalidRequest(f"compare at most {MAX_COMPARED} cities at once", field="cities")
    unknown = [slug for slug in wanted if slug not in by_slug]
    if unknown:
        raise NotFound("no such city", slug=unknown[0])
    chosen = [by_slug[slug] for slug in wanted] if wanted else everyone
    result = bench.compare([city.figures for city in chosen], basis, chosen_metric)
    return NetworkComparison(result, by_slug, tuple(city.slug for city in chosen))


# --- Cities like mine --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PeerView:
    city: Member
    score: float
    by_feature: Mapping[str, float]
    per_capita_tco2e: float | None
    cases: list[Any]


@dataclass(frozen=True)
class Peers:
    city: Member
    per_capita_tco2e: float | None
    peers: list[PeerView]
    weights: bench.FeatureWeights


def _per_capita_on_default_basis(everyone: Sequence[Member]) -> dict[str, float]:
    """BASIC t CO2e per person on the default basis (AR5), for the optional emissions feature."""
    result = bench.compare([city.figures for city in everyone], bench.Basis(), bench.Metric.PER_CAPITA)
    return {row.city: row.value for row in result.rows}


def peers(
    session: Session,
    slug: str,
    locale: str,
    *,
    limit: int = 5,
    with_emissions: bool = False,
    cases_per_peer: int = 3,
) -> Peers:
    """The member cities most like ``slug`` (Gower similarity, :mod:`zerocity.core.benchmarking`), each with the
    similarity per feature and its published cases ("who has solved this")."""
    everyone = members(session)
    by_slug = {city.slug: city for city in everyone}
    if slug not in by_slug:
        raise NotFound("no such city", slug=slug)
    per_capita = _per_capita_on_default_basis(everyone)
    features = [
        bench.PeerFeatures(
            city=city.slug,
            population=city.population,
            climate_zone=city.attributes.climate_zone,
            industry_share=city.attributes.secondary_share,
            per_capita_tco2e=per_capita.get(city.slug),
        )
        for city in everyone
    ]
    weights = bench.FeatureWeights(emissions=1.0 if with_emissions else 0.0)
    ranked = bench.rank_peers(bench.similarity(features, weights), slug, limit)
    views = [
        PeerView(
            city=by_slug[peer.city],
            score=peer.score,
            by_feature=peer.by_feature,
            per_capita_tco2e=per_capita.get(peer.city),
            cases=published_cases(session, by_slug[peer.city].id, locale, cases_per_peer),
        )
        for peer in ranked
    ]
    return Peers(by_slug[slug], per_capita.get(slug), views, weights)


# --- A city's public profile -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PublicProfile:
    """What a mayor can share: the latest published inventory, its trend, plan, peers and published cases."""

    city: Member
    latest: bench.InventoryFigures | None
    per_capita_tco2e: float | None
    per_gdp_tco2e: float | None
    trend: list[tuple[int, float | None, float | None]]  # (year, BASIC, BASIC+) of published inventories
    change: bench.Row | None  # BASIC trend since the base year on the latest inventory's GWP set
    plan: PlanView | None
    peers: Peers
    cases: list[Any]


def public_profile(session: Session, slug: str, locale: str) -> PublicProfile:
    city = member(session, slug)
    latest = city.latest
    per_capita = per_gdp = None
    change = None
    if latest is not None and bench.BASIC in latest.totals_tco2e:
        basic = latest.totals_tco2e[bench.BASIC]
        if latest.population:
            per_capita = float(bench.intensity([basic], [latest.population])[0])
        if latest.gdp and latest.gdp_unit:
            per_gdp = float(bench.intensity([basic], [latest.gdp])[0])
        trend = bench.compare([city.figures], bench.Basis(gwp_set=latest.gwp_set), bench.Metric.TREND)
        change = trend.rows[0] if trend.rows else None
    return PublicProfile(
        city=city,
        latest=latest,
        per_capita_tco2e=per_capita,
        per_gdp_tco2e=per_gdp,
        trend=[
            (inv.year, inv.totals_tco2e.get(bench.BASIC), inv.totals_tco2e.get(bench.BASIC_PLUS))
            for inv in city.published
            if inv.totals_tco2e
        ],
        change=change,
        plan=plan_summary(session, city.id),
        peers=peers(session, slug, locale, limit=3),
        cases=published_cases(session, city.id, locale, 5),
    )
