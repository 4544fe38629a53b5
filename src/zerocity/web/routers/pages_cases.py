"""The public side of the case library: search (``/cases``), a case (``/cases/{id}``), its images, the exports of
published cases (JSON, CSV), the Atom feed and the monthly digest.

The search page is a plain GET form (it works without JavaScript and on a phone): a query, facet filters (theme,
country, GPC sub-sector, years) and a sort; results carry the search's highlighted title and snippet, which arrive
escaped with ``<mark>`` around the matches. A case page shows the version in the reader's language when it is
published (or ``?lang=`` asks for one), else the other language with a notice that it awaits translation.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, Final
from urllib.parse import urlencode

from fastapi import APIRouter, Path, Query, Request
from starlette.responses import Response

from zerocity.search.query import SearchRequest
from zerocity.services.knowledge import cases, cases_images, cases_vocab, exchange
from zerocity.services.knowledge.cases_search import MAX_QUERY_CHARS, search_cases
from zerocity.services.knowledge.markdown import render_markdown
from zerocity.store.hub_models import Case, CaseVersion
from zerocity.store.models import City
from zerocity.web.deps import get_actor, get_db, get_locale
from zerocity.web.i18n import gettext
from zerocity.web.render import N_, page

router = APIRouter(include_in_schema=False)

PER_PAGE: Final[int] = 10
RESULT_KINDS: Final[dict[str, str]] = {
    "tco2e_avoided_per_year": N_("Emissions avoided (t CO₂e per year)"),
    "cost": N_("Cost"),
    "co_benefit": N_("Co-benefit"),
}
NOT_TRANSLATED: Final[dict[str, str]] = {
    "en": N_("This case has not been translated into English yet; it is shown in Chinese."),
    "zh_Hant": N_("This case has not been translated into Chinese yet; it is shown in English."),
}
LANG_NAMES: Final[dict[str, str]] = {"zh_Hant": "中文", "en": "English"}


def base_url(request: Request) -> str:
    return str(request.base_url).rstrip("/")


def theme_options(locale: str) -> list[tuple[str, str]]:
    return [(code, cases_vocab.theme_name(code, locale)) for code in cases_vocab.themes()]


def sector_label(code: str, locale: str) -> str:
    name = cases_vocab.gpc_subsectors().get(code)
    return f"{code} {gettext(name, locale)}" if name else code


# -- search ----------------------------------------------------------------------------------------------------------
def _facet_links(
    facets: dict[str, dict[str, int]], query: dict[str, Any], locale: str
) -> dict[str, list[dict[str, Any]]]:
    """For each facet, its values with counts and a link that filters by the value (or clears it when chosen)."""
    names: dict[str, Callable[[str], str]] = {
        "theme": lambda v: cases_vocab.theme_name(v, locale),
        "country": lambda v: cases_vocab.country_name(v, locale),
        "sector": lambda v: sector_label(v, locale),
        "year": str,
    }
    parameter = {"theme": "theme", "country": "country", "sector": "sector", "year": "year"}
    links: dict[str, list[dict[str, Any]]] = {}
    for facet, counts in facets.items():
        items = []
        ordered = sorted(counts.items(), key=lambda kv: kv[0], reverse=True) if facet == "year" else counts.items()
        for value, count in ordered:
            chosen = query.get(parameter[facet]) == value
            changed = {k: v for k, v in query.items() if k not in (parameter[facet], "page", "year_from", "year_to")}
            if facet == "year" and not chosen:
                changed.update(year_from=value, year_to=value)
            elif facet != "year" and not chosen:
                changed[parameter[facet]] = value
            if facet == "year":
                chosen = query.get("year_from") == value and query.get("year_to") == value
            url = "/cases?" + urlencode({k: v for k, v in changed.items() if v not in ("", None)})
            items.append({"value": value, "label": names[facet](value), "count": count, "chosen": chosen, "url": url})
        links[facet] = items
    return links


def _year(text: str) -> int | None:
    text = text.strip()
    return int(text) if text.isdigit() and len(text) == 4 else None


@router.get("/cases")
def case_search(
    request: Request,
    q: Annotated[str, Query(max_length=MAX_QUERY_CHARS)] = "",
    theme: str = "",
    country: str = "",
    sector: str = "",
    year_from: str = "",
    year_to: str = "",
    sort: str = "relevance",
    page_number: Annotated[int, Query(alias="page", ge=1, le=10_000)] = 1,
) -> Response:
    actor, locale = get_actor(request), get_locale(request)
    sort = sort if sort in ("relevance", "date") else "relevance"
    search = SearchRequest(
        q=q,
        themes=(theme,) if theme else (),
        countries=(country,) if country else (),
        sectors=(sector,) if sector else (),
        year_from=_year(year_from),
        year_to=_year(year_to),
        sort=sort,
        page=page_number,
        per_page=PER_PAGE,
    )
    with get_db(request).read() as session:
        found = search_cases(session, search, locale)
        work_count = cases.work_count(session, actor)
    query = {"q": q, "theme": theme, "country": country, "sector": sector, "year_from": year_from,
             "year_to": year_to, "sort": sort if sort != "relevance" else ""}  # fmt: skip
    kept = {k: v for k, v in query.items() if v}
    context = {
        "q": q,
        "chosen": query,
        "found": found,
        "facets": _facet_links(found.facets, kept, locale),
        "themes": dict(theme_options(locale)),
        "theme_options": [("", _any(locale)), *theme_options(locale)],
        "country_options": [("", _any(locale))]
        + [(code, cases_vocab.country_name(code, locale)) for code in cases_vocab.countries()],
        "sector_options": [("", _any(locale))]
        + [(code, sector_label(code, locale)) for code in cases_vocab.gpc_subsectors()],
        "sort_options": [("relevance", gettext(N_("Relevance"), locale)), ("date", gettext(N_("Newest"), locale))],
        "page_url": "/cases" + (f"?{urlencode(kept)}" if kept else ""),
        "lang_names": LANG_NAMES,
        "can_create": actor.is_admin or any(actor.can_edit(city_id) for city_id in actor.roles),
        "work_count": work_count,
        "filtered": bool(kept.keys() - {"q"}),
    }
    return page(request, "cases/search.html", context)


def _any(locale: str) -> str:
    return gettext(N_("Any"), locale)


# -- one case --------------------------------------------------------------------------------------------------------
def case_context(session: Any, detail: cases.CaseDetail, version: CaseVersion, locale: str) -> dict[str, Any]:
    case: Case = detail.case
    shown = version.lang
    city = session.get(City, case.city_id) if case.city_id else None
    results = [
        {**result, "kind_label": gettext(RESULT_KINDS.get(result["kind"], result["kind"]), locale),
         "description": cases_vocab.pick((result.get("description_zh", ""), result.get("description_en", "")), shown)}
        for result in case.results
    ]  # fmt: skip
    links = [
        {"url": link["url"], "label": cases_vocab.pick((link.get("label_zh", ""), link.get("label_en", "")), shown)}
        for link in case.links
    ]
    images = [
        {"url": f"/cases/images/{i.id}", "alt": cases_vocab.pick((i.alt_zh, i.alt_en), shown), "id": i.id}
        for i in cases_images.images_of(session, case.id)
    ]
    other = [lang for lang in cases_vocab.LANGS if lang != shown and lang in detail.versions]
    return {
        "case": case,
        "version": version,
        "body_html": render_markdown(version.body),
        "html_lang": {"zh_Hant": "zh-Hant-TW", "en": "en"}[shown],
        "not_translated": gettext(NOT_TRANSLATED[locale], locale) if shown != locale else "",
        "other_langs": [
            {"lang": lang, "name": LANG_NAMES[lang], "url": f"/cases/{case.id}?lang={lang}"} for lang in other
        ],
        "city_name": cases.display_city(case, locale),
        "city": city,
        "country": cases_vocab.country_name(case.country, locale),
        "themes": [cases_vocab.theme_name(code, locale) for code in case.themes],
        "sectors": [sector_label(code, locale) for code in case.gpc_sectors],
        "templates": [cases_vocab.template_name(t, locale) for t in case.action_templates],
        "results": results,
        "links": links,
        "images": images,
        "can_edit": detail.can_edit,
        "statuses": {lang: v.status for lang, v in detail.versions.items()},
    }  # fmt: skip


@router.get("/cases/{case_id:int}")
def case_page(request: Request, case_id: int, lang: str = "") -> Response:
    actor, locale = get_actor(request), get_locale(request)
    with get_db(request).read() as session:
        detail = cases.get_case(session, actor, case_id)
        wanted = lang if lang in cases_vocab.LANGS else locale
        version = cases.choose_version(detail.versions, wanted)
        if version is None:  # an editor's case without any version yet
            return page(request, "cases/empty.html", {"case": detail.case})
        context = case_context(session, detail, version, wanted)
    return page(request, "cases/case.html", context)


@router.get("/cases/images/{image_id:int}")
def case_image(request: Request, image_id: int) -> Response:
    with get_db(request).read() as session:
        image = cases_images.get_image(session, get_actor(request), image_id)
        content, content_type = image.content, image.content_type
    # Private: the image of a draft must not sit in a shared cache after its reader signs out.
    return Response(content, media_type=content_type, headers={"Cache-Control": "private, max-age=300"})


# -- exchange --------------------------------------------------------------------------------------------------------
@router.get("/cases/export.json")
def export_json(request: Request) -> Response:
    with get_db(request).read() as session:
        data = exchange.export_json(session, base_url(request))
    return Response(data, media_type="application/json",
                    headers={"Content-Disposition": 'attachment; filename="zerocity-cases.json"'})  # fmt: skip


@router.get("/cases/export.csv")
def export_csv(request: Request) -> Response:
    with get_db(request).read() as session:
        data = exchange.export_csv(session, base_url(request))
    return Response(data, media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": 'attachment; filename="zerocity-cases.csv"'})  # fmt: skip


@router.get("/feed.atom")
def atom_feed(request: Request, lang: str = "") -> Response:
    with get_db(request).read() as session:
        data = exchange.atom_feed(session, base_url(request), lang or None)
    return Response(data, media_type="application/atom+xml; charset=utf-8")


@router.get("/digest/{month}")
def digest(request: Request, month: Annotated[str, Path(pattern=r"^\d{4}-\d{2}$")]) -> Response:
    """The monthly digest e-mail as a page; it has no inline styles or scripts, so the site's CSP suits it."""
    year, number = (int(part) for part in month.split("-"))
    with get_db(request).read() as session:
        built = exchange.monthly_digest(session, year, number, get_locale(request), base_url(request))
    return Response(built.html, media_type="text/html; charset=utf-8")
