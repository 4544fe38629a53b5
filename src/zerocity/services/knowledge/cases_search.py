"""Searching the case library for the /cases page and ``GET /api/cases``: the search index's hits joined with the
cases' published versions, so a result can show both titles and say which language still needs a translation.

Only published versions are ever indexed (``cases.reindex``), and the cases are re-read here with their published
versions only, so a result can never show a draft even if the index were behind.
"""

from __future__ import annotations

import dataclasses
import html
import re
from dataclasses import dataclass
from typing import Final

from markupsafe import Markup
from sqlalchemy.orm import Session

from zerocity.search.query import SearchRequest, search
from zerocity.services.knowledge import cases
from zerocity.services.knowledge.cases_vocab import LANGS

#: Queries longer than this are cut by the search itself; the page and the API accept up to this many characters.
MAX_QUERY_CHARS: Final[int] = 10_000
_MARK = re.compile(r"</?mark>")


@dataclass(frozen=True)
class CaseHit:
    id: int
    lang: str  # the language version that matched (its title and snippet are shown)
    score: float
    title_html: Markup
    snippet_html: Markup
    snippet: str
    title_zh: str | None  # published titles only; None: not (yet) published in that language
    title_en: str | None
    city: str
    country: str
    year: int | None
    themes: tuple[str, ...]
    sample: bool

    @property
    def translation_needed(self) -> tuple[str, ...]:
        """Languages this case has no published version in."""
        return tuple(lang for lang, title in zip(LANGS, (self.title_zh, self.title_en), strict=True) if not title)


@dataclass(frozen=True)
class CaseSearchPage:
    hits: list[CaseHit]
    total: int
    page: int
    per_page: int
    pages: int
    sort: str
    facets: dict[str, dict[str, int]]
    semantic_used: bool


def plain_text(fragment: Markup | str) -> str:
    """A highlighted fragment (escaped text with ``<mark>``) as plain text."""
    return html.unescape(_MARK.sub("", str(fragment)))


def search_cases(session: Session, request: SearchRequest, locale: str) -> CaseSearchPage:
    """Published cases matching the request, one per case, with the reader's language preferred in listings."""
    if request.prefer_lang is None:
        request = dataclasses.replace(request, prefer_lang=locale)
    request = dataclasses.replace(request, kind="case")
    result = search(session, request)
    found = cases.published_cases(session, [hit.doc_id for hit in result.hits])
    hits = []
    for hit in result.hits:
        if hit.doc_id not in found:
            continue  # unpublished since it was indexed in another transaction: never shown
        case, versions = found[hit.doc_id]
        hits.append(
            CaseHit(
                id=case.id,
                lang=hit.lang,
                score=hit.score,
                title_html=hit.title_html,
                snippet_html=hit.snippet_html,
                snippet=plain_text(hit.snippet_html),
                title_zh=versions["zh_Hant"].title if "zh_Hant" in versions else None,
                title_en=versions["en"].title if "en" in versions else None,
                city=cases.display_city(case, locale),
                country=case.country,
                year=case.year,
                themes=tuple(case.themes),
                sample=case.sample,
            )
        )
    pages = max(1, -(-result.total // max(result.per_page, 1)))
    return CaseSearchPage(
        hits=hits,
        total=result.total,
        page=result.page,
        per_page=result.per_page,
        pages=pages,
        sort=result.sort,
        facets=result.facets,
        semantic_used=result.semantic_used,
    )
