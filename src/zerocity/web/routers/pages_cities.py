"""Public and analysis pages of the member cities: the home page, the city directory, a city's dashboard for one
inventory year, and that inventory's GPC report.

These pages only read. Which inventories a visitor sees is decided by the services with the acting user
(``inventories.list_inventories`` / ``get_inventory``): the public sees published inventories, a city's members
also their drafts, and an inventory someone may not read looks absent (404), so a page never leaks a draft.

Figures come from ``Inventory.summary``, the accounting core's summary stored at the last computation (GPC v1.1
ch. 3 totals; I.4.4 grid generation outside BASIC, biogenic CO2 outside every total). The GPC catalogue keeps sector
and sub-sector names in English; :data:`SECTOR_NAMES` and :data:`SUBSECTOR_NAMES` mark them for translation.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from babel import Locale
from fastapi import APIRouter, Request
from markupsafe import Markup
from sqlalchemy.orm import Session
from starlette.responses import Response

from zerocity.core.gpc import ReferenceNumber, gpc_catalogue
from zerocity.services import cities, inventories
from zerocity.services.actor import Actor
from zerocity.services.errors import NotFound
from zerocity.store.models import City, Inventory, User
from zerocity.web import charts
from zerocity.web.cache import ResponseCache, cached_async
from zerocity.web.deps import get_actor, get_db, get_locale
from zerocity.web.i18n import formatting_locale, gettext
from zerocity.web.render import N_, page
from zerocity.web.report_labels import GPC_SECTORS, GPC_SUBSECTORS

router = APIRouter(include_in_schema=False)

#: Times on these pages are shown in Taiwan's zone (the member cities' own), not the server's UTC.
DISPLAY_TIMEZONE: Final[str] = "Asia/Taipei"

#: The GPC catalogue's names, marked for translation once for pages and reports alike.
SECTOR_NAMES: Final[tuple[str, ...]] = GPC_SECTORS
SUBSECTOR_NAMES: Final[tuple[str, ...]] = GPC_SUBSECTORS

#: Shorter sector names for chart axes, where a long name would be cut off on a phone.
SECTOR_CHART_NAMES: Final[Mapping[str, str]] = {
    "Industrial processes and product use (IPPU)": N_("IPPU"),
    "Agriculture, forestry and other land use (AFOLU)": N_("AFOLU"),
}

SCOPE_NAMES: Final[Mapping[str, str]] = {"1": N_("Scope 1"), "2": N_("Scope 2"), "3": N_("Scope 3")}

#: Gases in the order the GPC reporting table lists them; any other gas (an HFC) follows in name order.
GAS_ORDER: Final[tuple[str, ...]] = ("CO2", "CH4", "N2O", "CO2e", "CO2_biogenic")
GAS_NAMES: Final[Mapping[str, str]] = {
    "CO2": "CO₂",
    "CH4": "CH₄",
    "N2O": "N₂O",
    "CO2e": N_("CO₂e not split by gas"),
    "CO2_biogenic": N_("Biogenic CO₂"),
}


# --- Small helpers shared by the pages -----------------------------------------------------------------------------


def city_name(city: City, locale: str) -> str:
    """The city's name in the reader's language (the Chinese name for zh_Hant, else the English one)."""
    if locale == "zh_Hant":
        return city.name_zh or city.name_en
    return city.name_en or city.name_zh


def country_name(code: str, locale: str) -> str:
    """An ISO 3166 country code in the reader's words (TW -> 台灣 / Taiwan), from CLDR."""
    names = Locale.parse(formatting_locale(locale)).territories
    return str(names.get(code.upper(), code))


def _figure(summary: Mapping[str, Any] | None, key: str) -> float | None:
    value = (summary or {}).get(key)
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _per_capita(total_tco2e: float | None, population: float | None) -> float | None:
    if total_tco2e is None or not population or population <= 0:
        return None
    return total_tco2e / population


def _sector_label(sector: str, locale: str) -> str:
    return gettext(sector, locale)


def _inventory_links(slug: str, year: int) -> dict[str, str]:
    base = f"/cities/{slug}/inventories/{year}"
    return {
        "editor": base,
        "report": f"{base}/report",
        "gpc_xlsx": f"{base}/export/gpc.xlsx",
        "gpc_csv": f"{base}/export/gpc.csv",
        "cdp_csv": f"{base}/export/cdp.csv",
        "activity_csv": f"{base}/export/activity.csv",
    }


def _user_names(session: Session, user_ids: Iterable[int | None]) -> dict[int, str]:
    """Display names of the people who submitted or approved an inventory (never their e-mail addresses)."""
    names = {}
    for user_id in {u for u in user_ids if u is not None}:
        user = session.get(User, user_id)
        if user is not None:
            names[user_id] = user.display_name
    return names


# --- Directory -----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DirectoryEntry:
    """One city card: its latest inventory the reader may see, with BASIC and BASIC per person."""

    slug: str
    name: str
    country: str
    region: str
    year: int | None
    status: str
    published: bool
    basic_tco2e: float | None
    basic_per_capita: float | None


def _latest_with_results(visible: Sequence[Inventory]) -> Inventory | None:
    computed = [inventory for inventory in visible if inventory.summary]
    return computed[-1] if computed else (visible[-1] if visible else None)


def directory(session: Session, actor: Actor, locale: str) -> list[DirectoryEntry]:
    entries = []
    for city in cities.list_cities(session):
        view = cities.city_view(session, city.slug)
        latest = _latest_with_results(inventories.list_inventories(session, actor, city))
        basic = _figure(latest.summary, "basic_tco2e") if latest else None
        entries.append(
            DirectoryEntry(
                slug=city.slug,
                name=city_name(city, locale),
                country=country_name(city.country, locale),
                region=city.region,
                year=latest.year if latest else None,
                status=latest.status if latest else "",
                published=bool(latest and latest.published),
                basic_tco2e=basic,
                basic_per_capita=_per_capita(basic, view.population(latest.year)) if latest else None,
            )
        )
    return entries


@router.get("/")
def home(request: Request) -> Response:
    actor, locale = get_actor(request), get_locale(request)
    with get_db(request).read() as session:
        entries = directory(session, actor, locale)
    return page(request, "home.html", {"entries": entries})


@router.get("/cities")
def city_list(request: Request) -> Response:
    actor, locale = get_actor(request), get_locale(request)
    with get_db(request).read() as session:
        entries = directory(session, actor, locale)
    return page(request, "cities/list.html", {"entries": entries})


# --- Dashboard -----------------------------------------------------------------------------------------------------


def _choose(visible: Sequence[Inventory], slug: str, year: int | None) -> Inventory | None:
    """The requested year, or the latest the reader may see; a year they may not see does not exist for them."""
    if year is None:
        return visible[-1] if visible else None
    for inventory in visible:
        if inventory.year == year:
            return inventory
    raise NotFound(N_("no such inventory"), slug=slug, year=year)


def sector_rows(summary: Mapping[str, Any], locale: str) -> list[dict[str, Any]]:
    """Rows of the by-sector table in GPC order: BASIC, BASIC+, territorial and scopes 1-3 per sector."""
    by_sector: Mapping[str, Mapping[str, float]] = summary.get("by_sector") or {}
    ordered = [s for s in gpc_catalogue().sectors if s in by_sector] + [
        s for s in by_sector if s not in gpc_catalogue().sectors
    ]
    return [{"sector": sector, "label": _sector_label(sector, locale), **by_sector[sector]} for sector in ordered]


def _sector_chart(rows: Sequence[Mapping[str, Any]], year: int, locale: str) -> Markup:
    labels = charts.ChartLabels(
        value_axis=gettext(N_("t CO₂e"), locale),
        series={"basic": "BASIC", "basic_plus_extra": gettext(N_("Added in BASIC+"), locale)},
        categories={
            row["sector"]: gettext(SECTOR_CHART_NAMES.get(row["sector"], row["sector"]), locale) for row in rows
        },
        description=gettext(N_("Emissions by sector, BASIC and BASIC+, %(year)s"), locale) % {"year": year},
    )
    return charts.sector_bar_svg({row["sector"]: row for row in rows}, labels, locale)


def _scope_chart(by_scope: Mapping[str, float], year: int, locale: str) -> Markup:
    labels = charts.ChartLabels(
        value_axis=gettext(N_("t CO₂e"), locale),
        series={
            "emissions": gettext(N_("Emissions"), locale),
            "generation": gettext(N_("Grid energy generation (I.4.4)"), locale),
        },
        categories={key: gettext(name, locale) for key, name in SCOPE_NAMES.items()},
        description=gettext(N_("Emissions by scope, %(year)s"), locale) % {"year": year},
    )
    return charts.scope_bar_svg(by_scope, labels, locale)


@dataclass(frozen=True)
class TrendPoint:
    year: int
    basic_tco2e: float | None
    basic_plus_tco2e: float | None
    published: bool


def trend_points(visible: Sequence[Inventory]) -> list[TrendPoint]:
    return [
        TrendPoint(
            inv.year, _figure(inv.summary, "basic_tco2e"), _figure(inv.summary, "basic_plus_tco2e"), inv.published
        )
        for inv in visible
        if inv.summary
    ]


def _trend_chart(points: Sequence[TrendPoint], locale: str) -> Markup:
    labels = charts.ChartLabels(
        value_axis=gettext(N_("t CO₂e"), locale),
        category_axis=gettext(N_("Inventory year"), locale),
        series={"basic": "BASIC", "basic_plus": "BASIC+"},
        description=gettext(N_("BASIC and BASIC+ emissions by inventory year"), locale),
    )
    return charts.trend_svg(
        [p.year for p in points], [p.basic_tco2e for p in points], [p.basic_plus_tco2e for p in points], labels, locale
    )


def dashboard_context(session: Session, actor: Actor, slug: str, year: int | None, locale: str) -> dict[str, Any]:
    view = cities.city_view(session, slug)
    city = view.city
    visible = inventories.list_inventories(session, actor, city)
    inventory = _choose(visible, slug, year)
    context: dict[str, Any] = {
        "city": city,
        "city_name": city_name(city, locale),
        "country": country_name(city.country, locale),
        "years": [inv.year for inv in reversed(visible)],
        "inventory": inventory,
        "summary": None,
        "is_member": actor.can_read_drafts(city.id),
        "can_edit": actor.can_edit(city.id),
        "new_inventory_url": f"/cities/{city.slug}/inventories/new",
    }
    if inventory is None:
        return context
    summary: Mapping[str, Any] | None = inventory.summary or None
    stat = view.stats.get(inventory.year)
    population = stat.population if stat else None
    context.update(
        summary=summary,
        links=_inventory_links(city.slug, inventory.year),
        population=population,
        population_source=stat.source if stat else "",
    )
    if not summary:
        return context
    basic = _figure(summary, "basic_tco2e")
    by_scope: Mapping[str, float] = summary.get("by_scope") or {}
    sectors = sector_rows(summary, locale)
    points = trend_points(visible)
    context.update(
        basic=basic,
        basic_plus=_figure(summary, "basic_plus_tco2e"),
        territorial=_figure(summary, "territorial_tco2e"),
        per_capita=_per_capita(basic, population),
        scopes=[{"label": gettext(name, locale), "tco2e": by_scope.get(key)} for key, name in SCOPE_NAMES.items()],
        generation=_figure(summary, "generation_I44_tco2e"),
        sectors=sectors,
        sector_chart=_sector_chart(sectors, inventory.year, locale),
        scope_chart=_scope_chart(by_scope, inventory.year, locale),
        trend=points,
        trend_chart=_trend_chart(points, locale) if points else None,
        completeness=summary.get("completeness") or {},
    )
    return context


#: Rendered dashboards by city data version, language and viewer (benchmarked: see benchmarks/bench_web.py).
_dashboards = ResponseCache(maxsize=512)


@router.get("/cities/{slug}")
async def city_dashboard(request: Request, slug: str, year: int | None = None) -> Response:
    actor, locale = get_actor(request), get_locale(request)
    db = get_db(request)
    with db.read() as session:  # one small read on the event loop: a cached page never waits for the thread pool
        data = cities.fingerprint(session, slug)
    viewer = (actor.user_id, actor.is_admin, tuple(sorted(actor.roles.items())))

    def render() -> Response:
        with db.read() as session:
            context = dashboard_context(session, actor, slug, year, locale)
        return page(request, "cities/dashboard.html", context)

    return await cached_async(_dashboards, (slug, request.url.query, locale, viewer, data), request, render)


# --- GPC report ----------------------------------------------------------------------------------------------------


def _gases(by_ref: Mapping[str, Mapping[str, Any]]) -> list[str]:
    present = {gas for entry in by_ref.values() for gas in (entry.get("gases_t") or {})}
    return [gas for gas in GAS_ORDER if gas in present] + sorted(present - set(GAS_ORDER))


def _totals_text(ref: ReferenceNumber, locale: str) -> str:
    """Which GPC totals a reference number counts in, in words (GPC v1.1 ch. 3)."""
    if ref.is_grid_generation:
        return gettext(N_("Reported separately"), locale)
    parts = [name for name, member in (("BASIC", ref.basic), ("BASIC+", ref.basic_plus)) if member]
    if not parts and ref.other_scope3:
        parts.append(gettext(N_("Other scope 3"), locale))
    if not parts and ref.territorial:
        parts.append(gettext(N_("Territorial only"), locale))
    return ", ".join(parts)


def report_sections(summary: Mapping[str, Any], gases: Sequence[str], locale: str) -> list[dict[str, Any]]:
    """Every reference number of the catalogue in the standard's order, grouped by sector; a number without data
    or notation key is listed too (``reported`` false), because a silent gap is what a reviewer must see."""
    by_ref: Mapping[str, Mapping[str, Any]] = summary.get("by_ref") or {}
    sections: dict[str, dict[str, Any]] = {}
    for ref in gpc_catalogue().refs:
        entry = by_ref.get(ref.ref) or {}
        gas_values = entry.get("gases_t") or {}
        section = sections.setdefault(
            ref.sector, {"code": ref.sector_code, "label": _sector_label(ref.sector, locale), "rows": []}
        )
        section["rows"].append(
            {
                "ref": ref.ref,
                "subsector": gettext(ref.subsector, locale),
                "scope": ref.scope,
                "tco2e": entry.get("tco2e"),
                "gases": [gas_values.get(gas) for gas in gases],
                "notation_key": entry.get("notation_key") or "",
                "data_quality": entry.get("data_quality") or "",
                "totals": _totals_text(ref, locale),
                "reported": bool(entry),
            }
        )
    return list(sections.values())


def report_context(session: Session, actor: Actor, slug: str, year: int, locale: str) -> dict[str, Any]:
    city, inventory = inventories.get_inventory(session, actor, slug, year)
    summary: Mapping[str, Any] | None = inventory.summary or None
    context: dict[str, Any] = {
        "city": city,
        "city_name": city_name(city, locale),
        "inventory": inventory,
        "summary": summary,
        "links": _inventory_links(city.slug, inventory.year),
        "timezone": DISPLAY_TIMEZONE,
        "people": _user_names(session, (inventory.created_by, inventory.submitted_by, inventory.approved_by)),
    }
    if not summary:
        return context
    gases = _gases(summary.get("by_ref") or {})
    context.update(
        gases=gases,
        gas_names=[gettext(GAS_NAMES[gas], locale) if gas in GAS_NAMES else gas for gas in gases],
        sections=report_sections(summary, gases, locale),
        completeness=summary.get("completeness") or {},
        warnings=[str(w) for w in summary.get("warnings") or []],
        gwp_values=[
            (GAS_NAMES[gas], value) for gas, value in (summary.get("gwp_values") or {}).items() if gas in ("CH4", "N2O")
        ],
    )
    return context


@router.get("/cities/{slug}/inventories/{year}/report")
def gpc_report(request: Request, slug: str, year: int) -> Response:
    actor, locale = get_actor(request), get_locale(request)
    with get_db(request).read() as session:
        context = report_context(session, actor, slug, year, locale)
    return page(request, "cities/report.html", context)
