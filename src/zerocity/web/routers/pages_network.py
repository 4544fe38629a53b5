"""Member network pages: the directory (/network), comparisons on a common basis (/network/compare), "cities like
mine" (/cities/{slug}/peers) and a city's public profile (/cities/{slug}/profile).

Published data only, whoever reads (``services.knowledge.network``): these pages are the centre's shop window and
a city's shareable page, so a draft never shows here, not even to the city's own editors. Each comparison prints
its basis above the figures and lists every city left out with the reason (``core.benchmarking``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Annotated, Any, Final
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from markupsafe import Markup
from sqlalchemy.orm import Session
from starlette.responses import Response

from zerocity.core import benchmarking as bench
from zerocity.core.gwp import DEFAULT_GWP_SET, gwp_set_names
from zerocity.services.knowledge import network
from zerocity.web import charts, network_charts
from zerocity.web.deps import get_actor, get_db, get_locale
from zerocity.web.i18n import format_number, format_percent, format_tonnes, gettext
from zerocity.web.plan_view import TARGET_TYPES
from zerocity.web.render import N_, page
from zerocity.web.routers.pages_cities import country_name

router = APIRouter(include_in_schema=False)

METRIC_NAMES: Final[Mapping[str, str]] = {
    "total": N_("Total emissions"),
    "per_capita": N_("Emissions per person"),
    "per_gdp": N_("Emissions per unit of GDP"),
    "sector_shares": N_("Shares by sector"),
    "trend": N_("Change since the base year"),
}
#: GPC sectors by Roman numeral; the same msgids as the GPC report and the dashboard charts.
SECTOR_NAMES: Final[Mapping[str, str]] = {
    "I": N_("Stationary energy"),
    "II": N_("Transportation"),
    "III": N_("Waste"),
    "IV": N_("IPPU"),
    "V": N_("AFOLU"),
}
REASONS: Final[Mapping[str, str]] = {
    "no_published_inventory": N_("has not published an inventory yet"),
    "no_results": N_("its %(year)s inventory has no computed results"),
    "gwp_set": N_("its %(year)s inventory uses %(gwp_set)s GWP values; the basis is %(basis)s"),
    "level": N_("its %(year)s inventory does not cover %(basis)s in full: no figure or notation key for %(missing)s"),
    "no_population": N_("no population is recorded for %(year)s"),
    "no_gdp": N_("no GDP is recorded for %(year)s"),
    "gdp_unit": N_("its GDP is stated in %(unit)s, the basis in %(basis)s; units are never converted"),
    "total_not_positive": N_("its total for %(year)s is not positive, so shares and rates are undefined"),
    "one_inventory": N_("only one published inventory (%(year)s), so no trend yet"),
    "base_off_basis": N_("its base-year inventory (%(year)s) does not fit the basis"),
}
FEATURE_NAMES: Final[Mapping[str, str]] = {
    "population": N_("Population"),
    "climate": N_("Climate"),
    "industry": N_("Industry share of GDP"),
    "emissions": N_("Emissions per person"),
}
CLIMATE_GROUP_NAMES: Final[Mapping[str, str]] = {
    "A": N_("tropical"),
    "B": N_("arid"),
    "C": N_("temperate"),
    "D": N_("continental"),
    "E": N_("polar"),
}
SORT_NAMES: Final[Mapping[str, str]] = {
    "name": N_("Name"),
    "country": N_("Country"),
    "year": N_("Latest published year"),
    "total": N_("BASIC total"),
    "per_capita": N_("Per person"),
    "cases": N_("Published cases"),
}


def _t(message: str, locale: str, **values: Any) -> str:
    text = gettext(message, locale)
    return text % values if values else text


def target_type_names(locale: str) -> dict[str, str]:
    """The planner's target types in the reader's words (the planner page's own names)."""
    return {key: gettext(name, locale) for key, name in TARGET_TYPES.items()}


def reason_text(exclusion: bench.Exclusion, locale: str) -> str:
    """Why a city is left out, in the reader's language (every placeholder filled, unknown ones with "—")."""
    values = {"year": "—", "gwp_set": "—", "basis": "—", "missing": "—", "unit": "—", **exclusion.detail}
    return _t(REASONS.get(exclusion.reason.value, N_("does not fit the basis")), locale, **values)


def basis_text(basis: bench.Basis, metric: str, locale: str) -> str:
    """The sentence printed above every comparison."""
    text = _t(
        N_(
            "Basis: %(level)s, %(gwp)s GWP100, the latest published year of each city; per person uses the "
            "population of the inventory year, per unit of GDP the GDP of that year in its stated unit."
        ),
        locale,
        level=basis.level,
        gwp=basis.gwp_set,
    )
    if metric == "per_gdp":
        unit = basis.gdp_unit or "—"
        text += " " + _t(N_("GDP unit compared: %(unit)s; other units are never converted."), locale, unit=unit)
    if metric == "trend":
        text += " " + _t(
            N_("Trend: from each city's base year (its first published inventory) to its latest year."), locale
        )
    return text


def climate_text(zone: str, locale: str) -> str:
    group = zone[:1].upper()
    if group not in CLIMATE_GROUP_NAMES:
        return "—"
    return _t(N_("%(zone)s (group %(group)s, %(name)s)"), locale, zone=zone, group=group,
              name=gettext(CLIMATE_GROUP_NAMES[group], locale))  # fmt: skip


# --- Directory -----------------------------------------------------------------------------------------------------


def _sort_links(sort: str, descending: bool, query: Mapping[str, str]) -> dict[str, str]:
    """A link per sortable column: the same filters, that column, and the other direction when it is the current."""
    links = {}
    for key in network.SORTS:
        order = "asc" if key == sort and descending else ("desc" if key == sort else "asc")
        links[key] = "/network?" + urlencode({**{k: v for k, v in query.items() if v}, "sort": key, "order": order})
    return links


@router.get("/network")
def directory_page(
    request: Request,
    country: Annotated[str, Query(max_length=2)] = "",
    region: Annotated[str, Query(max_length=200)] = "",
    sort: Annotated[str, Query(max_length=20)] = "name",
    order: Annotated[str, Query(max_length=4)] = "asc",
) -> Response:
    locale = get_locale(request)
    descending = order == "desc"
    with get_db(request).read() as session:
        entries = network.directory(session, locale, country=country, region=region, sort=sort, descending=descending)
        countries, regions = network.directory_choices(session)
    context = {
        "entries": entries,
        "country": country.upper(),
        "region": region,
        "sort": sort,
        "order": "desc" if descending else "asc",
        "country_options": [("", _t(N_("All countries"), locale))]
        + [(code, country_name(code, locale)) for code in countries],
        "region_options": [("", _t(N_("All regions"), locale))] + [(r, r) for r in regions],
        "sort_options": [(key, gettext(name, locale)) for key, name in SORT_NAMES.items()],
        "sort_links": _sort_links(sort, descending, {"country": country, "region": region}),
        "sort_names": {key: gettext(name, locale) for key, name in SORT_NAMES.items()},
        "country_names": {code: country_name(code, locale) for code in countries},
        "case_limit": network.CASE_COUNT_LIMIT,
        "target_types": target_type_names(locale),
    }
    return page(request, "network/directory.html", context)


# --- Comparisons ---------------------------------------------------------------------------------------------------


def _chart(result: network.NetworkComparison, rows: Sequence[bench.Row], locale: str) -> Markup | None:
    if not rows:
        return None
    comparison = result.comparison
    names = [result.cities[row.city].name(locale) for row in rows]
    metric = comparison.metric.value
    description = _t(N_("%(metric)s by city"), locale, metric=gettext(METRIC_NAMES[metric], locale))
    if comparison.metric is bench.Metric.SECTOR_SHARES:
        labels = charts.ChartLabels(
            value_axis=value_label(comparison, locale),
            series={code: gettext(name, locale) for code, name in SECTOR_NAMES.items()},
            description=description,
        )
        return network_charts.sector_shares_svg(
            [(name, row.shares) for name, row in zip(names, rows, strict=True)], labels, locale
        )
    labels = charts.ChartLabels(value_axis=value_label(comparison, locale), description=description)
    scale = 100.0 if comparison.metric is bench.Metric.TREND else 1.0
    values = [(name, row.value * scale) for name, row in zip(names, rows, strict=True)]
    return network_charts.city_bars_svg(values, labels, locale)


def value_label(comparison: bench.Comparison, locale: str) -> str:
    """The unit of the compared figure, in words."""
    metric = comparison.metric
    if metric is bench.Metric.PER_CAPITA:
        return gettext(N_("t CO₂e per person"), locale)
    if metric is bench.Metric.PER_GDP:
        return _t(N_("t CO₂e per %(unit)s of GDP"), locale, unit=comparison.basis.gdp_unit or "—")
    if metric is bench.Metric.TREND:
        return gettext(N_("Change since the base year (%)"), locale)
    if metric is bench.Metric.SECTOR_SHARES:
        return _t(N_("Share of the %(level)s total (%%)"), locale, level=comparison.basis.level)
    return gettext(N_("t CO₂e"), locale)


def compare_context(session: Session, request_values: Mapping[str, Any], locale: str) -> dict[str, Any]:
    """The comparison page: rows highest first (for a trend, the deepest cut first), exclusions, basis, chart."""
    basis = network.basis_from(request_values["gwp"], request_values["level"], request_values["gdp_unit"])
    result = network.compare(session, request_values["cities"], basis, request_values["metric"])
    comparison = result.comparison
    ascending = comparison.metric is bench.Metric.TREND
    rows = sorted(comparison.rows, key=lambda row: row.value if ascending else -row.value)
    everyone = list(result.cities.values())
    units = sorted({inv.gdp_unit for city in everyone for inv in city.published if inv.gdp_unit})
    return {
        "result": result,
        "comparison": comparison,
        "metric": comparison.metric.value,
        "metric_name": gettext(METRIC_NAMES[comparison.metric.value], locale),
        "rows": [
            {"row": row, "city": result.cities[row.city], "name": result.cities[row.city].name(locale)} for row in rows
        ],
        "excluded": [
            {
                "city": result.cities[e.city],
                "name": result.cities[e.city].name(locale),
                "reason": reason_text(e, locale),
            }
            for e in comparison.excluded
        ],
        "basis_text": basis_text(comparison.basis, comparison.metric.value, locale),
        "value_label": value_label(comparison, locale),
        "chart": _chart(result, rows, locale),
        "sectors": [(code, gettext(name, locale)) for code, name in SECTOR_NAMES.items()],
        "chosen": set(request_values["cities"]),
        "city_options": [(city.slug, city.name(locale)) for city in everyone],
        "metric_options": [(key, gettext(name, locale)) for key, name in METRIC_NAMES.items()],
        "gwp_options": [(name, name) for name in gwp_set_names()],
        "level_options": [(level, level) for level in bench.LEVELS],
        "gdp_unit_options": [("", _t(N_("The unit most cities use"), locale))] + [(u, u) for u in units],
        "gwp": basis.gwp_set,
        "level": basis.level,
        "gdp_unit": request_values["gdp_unit"],
    }


@router.get("/network/compare")
def compare_page(
    request: Request,
    cities: Annotated[list[str] | None, Query()] = None,
    metric: Annotated[str, Query(max_length=20)] = "per_capita",
    gwp: Annotated[str, Query(max_length=16)] = DEFAULT_GWP_SET,
    level: Annotated[str, Query(max_length=8)] = bench.BASIC,
    gdp_unit: Annotated[str, Query(max_length=32)] = "",
) -> Response:
    locale = get_locale(request)
    slugs = [slug for text in cities or [] for slug in text.split(",")]  # ?cities=a&cities=b or ?cities=a,b
    values = {"cities": slugs, "metric": metric, "gwp": gwp, "level": level, "gdp_unit": gdp_unit}
    with get_db(request).read() as session:
        context = compare_context(session, values, locale)
    return page(request, "network/compare.html", context)


# --- Cities like mine ----------------------------------------------------------------------------------------------


def peer_reasons(city: network.Member, peer: network.PeerView, mine: float | None, locale: str) -> list[str]:
    """Why a peer is similar, one line per feature, with both cities' values."""
    lines = []
    for feature, score in peer.by_feature.items():
        name = gettext(FEATURE_NAMES[feature], locale)
        if feature == "population":
            detail = _t(N_("%(theirs)s people (yours %(mine)s)"), locale,
                        theirs=_count(peer.city.population, locale), mine=_count(city.population, locale))  # fmt: skip
        elif feature == "climate":
            same = score == 1.0
            detail = _t(
                N_("%(theirs)s, same main group") if same else N_("%(theirs)s, another main group (yours %(mine)s)"),
                locale,
                theirs=climate_text(peer.city.attributes.climate_zone, locale),
                mine=climate_text(city.attributes.climate_zone, locale),
            )
        elif feature == "industry":
            detail = _t(N_("%(theirs)s (yours %(mine)s)"), locale,
                        theirs=_percent(peer.city.attributes.secondary_share, locale),
                        mine=_percent(city.attributes.secondary_share, locale))  # fmt: skip
        else:
            detail = _t(N_("%(theirs)s t CO₂e (yours %(mine)s)"), locale,
                        theirs=_decimal(peer.per_capita_tco2e, locale), mine=_decimal(mine, locale))  # fmt: skip
        lines.append(_t(N_("%(feature)s: %(detail)s; similarity %(score)s"), locale, feature=name, detail=detail,
                        score=_percent(score, locale, 0)))  # fmt: skip
    return lines


def _count(value: float | None, locale: str) -> str:
    return format_number(value, locale)


def _decimal(value: float | None, locale: str) -> str:
    return format_number(value, locale, digits=1)


def _percent(value: float | None, locale: str, digits: int = 0) -> str:
    return format_percent(value, locale, digits=digits)


def peers_context(result: network.Peers, locale: str) -> dict[str, Any]:
    city = result.city
    return {
        "city": city,
        "city_name": city.name(locale),
        "with_emissions": result.weights.emissions > 0,
        "features": [
            gettext(FEATURE_NAMES[name], locale)
            for name, weight in zip(bench.FEATURES, result.weights.as_array().tolist(), strict=True)
            if weight > 0
        ],
        "peers": [
            {
                "peer": peer,
                "name": peer.city.name(locale),
                "country": country_name(peer.city.country, locale),
                "reasons": peer_reasons(city, peer, result.per_capita_tco2e, locale),
            }
            for peer in result.peers
        ],
    }


@router.get("/cities/{slug}/peers")
def peers_page(request: Request, slug: str, emissions: bool = False) -> Response:
    locale = get_locale(request)
    with get_db(request).read() as session:
        result = network.peers(session, slug, locale, with_emissions=emissions)
    return page(request, "network/peers.html", peers_context(result, locale))


# --- A city's public profile ---------------------------------------------------------------------------------------


def _trend_chart(profile: network.PublicProfile, locale: str) -> Markup | None:
    if len(profile.trend) < 1:
        return None
    labels = charts.ChartLabels(
        value_axis=gettext(N_("t CO₂e"), locale),
        category_axis=gettext(N_("Inventory year"), locale),
        series={"basic": "BASIC", "basic_plus": "BASIC+"},
        description=gettext(N_("BASIC and BASIC+ emissions by inventory year"), locale),
    )
    years, basic, basic_plus = zip(*profile.trend, strict=True)
    return charts.trend_svg(list(years), list(basic), list(basic_plus), labels, locale)


def profile_description(profile: network.PublicProfile, locale: str) -> str:
    """One sentence for link previews (OpenGraph, Twitter) and the page's meta description."""
    name = profile.city.name(locale)
    latest = profile.latest
    if latest is None or bench.BASIC not in latest.totals_tco2e:
        return _t(N_("%(city)s on ZeroCity: member of the net-zero city network."), locale, city=name)
    text = _t(
        N_("%(city)s emitted %(tonnes)s t CO₂e in %(year)s (GPC BASIC, %(gwp)s)."),
        locale,
        city=name,
        tonnes=format_tonnes(latest.totals_tco2e[bench.BASIC], locale),
        year=latest.year,
        gwp=latest.gwp_set,
    )
    if profile.change is not None and profile.change.base_year is not None:
        text += " " + _t(N_("%(change)s since %(base)s."), locale,
                         change=_percent(profile.change.value, locale, 1), base=profile.change.base_year)  # fmt: skip
    return text


@router.get("/cities/{slug}/profile")
def profile_page(request: Request, slug: str) -> Response:
    locale = get_locale(request)
    with get_db(request).read() as session:
        profile = network.public_profile(session, slug, locale)
    city = profile.city
    context = {
        "profile": profile,
        "city": city,
        "city_name": city.name(locale),
        "country": country_name(city.country, locale),
        "description": profile_description(profile, locale),
        "page_url": str(request.url.replace(query="")),
        "trend_chart": _trend_chart(profile, locale),
        "trend_rows": [{"year": y, "basic": b, "basic_plus": p} for y, b, p in profile.trend],
        "climate": climate_text(city.attributes.climate_zone, locale),
        "peers": peers_context(profile.peers, locale)["peers"],
        "target_types": target_type_names(locale),
        "can_edit": get_actor(request).can_edit(city.id),
    }
    return page(request, "network/profile.html", context)
