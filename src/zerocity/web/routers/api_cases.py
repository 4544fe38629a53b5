"""``/api/cases``: search the published case library, read a case, and (editors) write cases and move their
language versions through review. Request bodies are strict and state in the schema every rule the services
check (vocabularies as enums, http(s) links, non-blank titles and sources), so a schema-valid body is accepted.

The public reads published versions only; a case without one is 404. A city's editors also see their city's drafts.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any, Literal, TypeAlias

from fastapi import APIRouter, Path, Query, Request, Response
from pydantic import BaseModel, Field, StringConstraints
from sqlalchemy import select
from sqlalchemy.orm import Session

from zerocity.search.query import SearchRequest
from zerocity.services.errors import NotFound
from zerocity.services.knowledge import cases, cases_images, cases_vocab
from zerocity.services.knowledge.cases import URL_PATTERN, CaseFields, VersionText
from zerocity.services.knowledge.cases_search import MAX_QUERY_CHARS, search_cases
from zerocity.services.knowledge.markdown import render_markdown
from zerocity.store.models import City
from zerocity.web.api_models import MAX_ID, NO_NUL, NON_BLANK, SLUG, STRICT, Integer, Paginated, Reason, Version
from zerocity.web.deps import get_locale
from zerocity.web.routers.api import (
    OPTIONAL_AUTH,
    READ_ERRORS,
    WRITE_ERRORS,
    CallerDep,
    DbDep,
    PageDep,
    WriterDep,
    page_count,
    service_input,
)

router = APIRouter(prefix="/api/cases", tags=["cases"])

# The controlled vocabularies, listed in the schema as enums so that clients (and schemathesis) see the choices.
# They are read from the data files, which a type checker cannot do: it sees plain strings.
if TYPE_CHECKING:
    ThemeCode: TypeAlias = str
    CountryCode: TypeAlias = str
    SectorCode: TypeAlias = str
    TemplateId: TypeAlias = str
else:
    ThemeCode = Literal[tuple(cases_vocab.themes())]
    CountryCode = Literal[tuple(cases_vocab.countries())]
    SectorCode = Literal[tuple(cases_vocab.gpc_subsectors())]
    TemplateId = Literal[tuple(cases_vocab.action_templates())]
Lang = Literal["zh_Hant", "en"]

CaseId = Annotated[int, Path(ge=1, le=MAX_ID, description="The case's number.")]


def _text(max_length: int) -> Any:
    return Annotated[str, StringConstraints(max_length=max_length, pattern=NO_NUL)]


def _non_blank(max_length: int) -> Any:
    return Annotated[str, StringConstraints(max_length=max_length, pattern=NON_BLANK)]


# -- bodies ----------------------------------------------------------------------------------------------------------
class CaseResultIn(BaseModel):
    """A measured result with its source: t CO2e avoided per year, a cost (with its currency), or a co-benefit."""

    model_config = STRICT

    kind: Literal["tco2e_avoided_per_year", "cost", "co_benefit"]
    value: Annotated[float, Field(allow_inf_nan=False)] | None = None
    unit: _text(50) = ""  # type: ignore[valid-type]
    currency: Annotated[str, StringConstraints(pattern=r"^([A-Z]{3})?$")] = ""
    description_zh: _text(2000) = ""  # type: ignore[valid-type]
    description_en: _text(2000) = ""  # type: ignore[valid-type]
    source: _non_blank(1000)  # type: ignore[valid-type]


class CaseLinkIn(BaseModel):
    model_config = STRICT

    url: Annotated[str, StringConstraints(max_length=500, pattern=URL_PATTERN)]
    label_zh: _text(300) = ""  # type: ignore[valid-type]
    label_en: _text(300) = ""  # type: ignore[valid-type]


class VersionIn(BaseModel):
    """The words of one language version; ``body`` is Markdown (HTML in it is shown as text)."""

    model_config = STRICT

    title: _non_blank(300)  # type: ignore[valid-type]
    summary: _text(2000) = ""  # type: ignore[valid-type]
    body: _text(cases.MAX_BODY_CHARS) = ""  # type: ignore[valid-type]


Year = Annotated[int, Field(ge=1900, le=2100), Integer]
Items = Field(max_length=cases.MAX_LIST_ITEMS)


class CaseCreate(BaseModel):
    """A new case: its facts and its words in one or both languages (each starts as a draft)."""

    model_config = STRICT

    city: Annotated[str, StringConstraints(pattern=SLUG)] | None = Field(
        default=None, description="A member city's slug (its editors may change the case); null: not a member."
    )
    city_name_zh: _text(200) = ""  # type: ignore[valid-type]
    city_name_en: _text(200) = ""  # type: ignore[valid-type]
    country: CountryCode
    year: Year | None = None
    themes: Annotated[list[ThemeCode], Items] = []
    gpc_sectors: Annotated[list[SectorCode], Items] = []
    action_templates: Annotated[list[TemplateId], Items] = []
    results: Annotated[list[CaseResultIn], Items] = []
    links: Annotated[list[CaseLinkIn], Items] = []
    versions: dict[Lang, VersionIn] = Field(min_length=1, description="The words, by language: zh_Hant and/or en.")


class CasePatch(BaseModel):
    """Only the facts given change (``city`` and ``year`` may be null); ``version`` is the case's version you read."""

    model_config = STRICT

    version: Version
    city: Annotated[str, StringConstraints(pattern=SLUG)] | None = None
    city_name_zh: _text(200) = None  # type: ignore[valid-type]  # absent = unchanged; null is refused
    city_name_en: _text(200) = None  # type: ignore[valid-type]
    country: CountryCode = None  # type: ignore[assignment]
    year: Year | None = None
    themes: Annotated[list[ThemeCode], Items] = None  # type: ignore[assignment]
    gpc_sectors: Annotated[list[SectorCode], Items] = None  # type: ignore[assignment]
    action_templates: Annotated[list[TemplateId], Items] = None  # type: ignore[assignment]
    results: Annotated[list[CaseResultIn], Items] = None  # type: ignore[assignment]
    links: Annotated[list[CaseLinkIn], Items] = None  # type: ignore[assignment]


class VersionPut(VersionIn):
    version: Annotated[int, Field(ge=0, le=MAX_ID), Integer] | None = Field(
        default=None, description="The language version's version you read; 0 or absent when adding a translation."
    )


class VersionStatusChange(BaseModel):
    """submit and withdraw (the city's editors), publish and unpublish (administrators; the one who publishes must
    not be the one who submitted or last edited the version)."""

    model_config = STRICT

    action: Literal["submit", "withdraw", "publish", "unpublish"]
    reason: Reason = ""
    version: Version


# -- answers ---------------------------------------------------------------------------------------------------------
class CaseHitOut(BaseModel):
    id: int
    url: str
    lang: str = Field(description="The language version that matched; its title and snippet are shown.")
    score: float
    title_zh: str | None = Field(description="The published Chinese title; null when not (yet) published.")
    title_en: str | None
    title_html: str = Field(description="The matched title, escaped, with <mark> around the matches.")
    snippet: str = Field(description="Plain text around the matches.")
    snippet_html: str = Field(description="The snippet, escaped, with <mark> around the matches.")
    city: str
    country: str
    year: int | None
    themes: list[str]
    translation_needed: list[str] = Field(description="Languages without a published version.")
    sample: bool


class CaseSearchOut(Paginated[CaseHitOut]):
    facets: dict[str, dict[str, int]] = Field(description="Counts by theme, country, sector and year.")
    semantic_used: bool


class CaseCityOut(BaseModel):
    slug: str | None = Field(description="The member city's slug; null for a city outside the network.")
    name_zh: str
    name_en: str


class CaseResultOut(BaseModel):
    kind: str
    value: float | None
    unit: str
    currency: str
    description_zh: str
    description_en: str
    source: str


class CaseLinkOut(BaseModel):
    url: str
    label_zh: str
    label_en: str


class CaseImageOut(BaseModel):
    id: int
    url: str
    content_type: str
    alt_zh: str
    alt_en: str


class CaseVersionOut(BaseModel):
    lang: str
    status: Literal["draft", "in_review", "published"]
    title: str
    summary: str
    body: str = Field(description="Markdown source.")
    body_html: str = Field(description="The body rendered and sanitised.")
    version: int
    updated_at: datetime
    published_at: datetime | None


class CaseOut(BaseModel):
    id: int
    url: str
    slug: str | None
    title_zh: str | None = Field(description="The Chinese title you may read; null when there is none.")
    title_en: str | None
    city: CaseCityOut
    country: str
    year: int | None
    themes: list[str]
    gpc_sectors: list[str]
    action_templates: list[str]
    results: list[CaseResultOut]
    links: list[CaseLinkOut]
    images: list[CaseImageOut]
    sample: bool
    version: int
    first_published_at: datetime | None
    versions: dict[str, CaseVersionOut] = Field(description="The language versions you may read, by language.")
    translation_needed: list[str]


_BLANK_RESULT: dict[str, Any] = dict.fromkeys(CaseResultOut.model_fields, "") | {"value": None}
_BLANK_LINK: dict[str, Any] = dict.fromkeys(CaseLinkOut.model_fields, "")


def case_out(session: Session, detail: cases.CaseDetail) -> CaseOut:
    case = detail.case
    city_slug = session.scalar(select(City.slug).where(City.id == case.city_id)) if case.city_id else None
    versions = {
        lang: CaseVersionOut(lang=lang, status=v.status, title=v.title, summary=v.summary, body=v.body,  # type: ignore[arg-type]
                             body_html=render_markdown(v.body), version=v.version, updated_at=v.updated_at,
                             published_at=v.published_at)
        for lang, v in detail.versions.items()
    }  # fmt: skip
    return CaseOut(
        id=case.id,
        url=f"/cases/{case.id}",
        slug=case.slug,
        title_zh=versions["zh_Hant"].title if "zh_Hant" in versions else None,
        title_en=versions["en"].title if "en" in versions else None,
        city=CaseCityOut(slug=city_slug, name_zh=case.city_name_zh, name_en=case.city_name_en),
        country=case.country,
        year=case.year,
        themes=list(case.themes),
        gpc_sectors=list(case.gpc_sectors),
        action_templates=list(case.action_templates),
        results=[CaseResultOut(**(_BLANK_RESULT | r)) for r in case.results],
        links=[CaseLinkOut(**(_BLANK_LINK | link)) for link in case.links],
        images=[
            CaseImageOut(id=i.id, url=f"/cases/images/{i.id}", content_type=i.content_type, alt_zh=i.alt_zh,
                         alt_en=i.alt_en)
            for i in cases_images.images_of(session, case.id)
        ],
        sample=case.sample,
        version=case.version,
        first_published_at=case.first_published_at,
        versions=versions,
        translation_needed=[
            lang for lang in cases_vocab.LANGS if lang not in versions or versions[lang].status != "published"
        ],
    )  # fmt: skip


def _city_id(session: Session, slug: str | None) -> int | None:
    if slug is None:
        return None
    city_id = session.scalar(select(City.id).where(City.slug == slug))
    if city_id is None:
        raise NotFound("no such city", slug=slug)
    return city_id


def _fields(session: Session, values: dict[str, Any]) -> CaseFields:
    city = values.pop("city", None)
    return service_input(CaseFields, city_id=_city_id(session, city), **values)


# -- routes ----------------------------------------------------------------------------------------------------------
@router.get("", response_model=CaseSearchOut, responses=READ_ERRORS, openapi_extra=OPTIONAL_AUTH)
def search(
    request: Request,
    db: DbDep,
    _actor: CallerDep,
    paging: PageDep,
    q: Annotated[
        str, Query(max_length=MAX_QUERY_CHARS, description="Words in Chinese or English; empty lists all.")
    ] = "",
    lang: Annotated[Lang | None, Query(description="Search one language version only.")] = None,
    theme: Annotated[list[ThemeCode], Query(max_length=20)] = [],  # noqa: B006  # FastAPI copies defaults
    country: Annotated[list[CountryCode], Query(max_length=20)] = [],  # noqa: B006
    sector: Annotated[list[SectorCode], Query(max_length=20)] = [],  # noqa: B006
    year_from: Annotated[int | None, Query(ge=1900, le=2100)] = None,
    year_to: Annotated[int | None, Query(ge=1900, le=2100)] = None,
    sort: Literal["relevance", "date"] = "relevance",
    semantic: Annotated[bool, Query(description="Also rank by meaning across languages, when available.")] = False,
) -> CaseSearchOut:
    """Published cases matching the words, one per case, best first (or newest first); several values of one
    filter mean any of them. Titles and snippets come highlighted (``*_html``: escaped, with ``<mark>``)."""
    search_request = SearchRequest(
        q=q, lang=lang, themes=tuple(theme), countries=tuple(country), sectors=tuple(sector), year_from=year_from,
        year_to=year_to, sort=sort, page=paging.page, per_page=paging.per_page, semantic=semantic,
    )  # fmt: skip
    with db.read() as session:
        found = search_cases(session, search_request, get_locale(request) if lang is None else lang)
    items = [
        CaseHitOut(id=h.id, url=f"/cases/{h.id}", lang=h.lang, score=h.score, title_zh=h.title_zh, title_en=h.title_en,
                   title_html=str(h.title_html), snippet=h.snippet, snippet_html=str(h.snippet_html), city=h.city,
                   country=h.country, year=h.year, themes=list(h.themes), translation_needed=list(h.translation_needed),
                   sample=h.sample)
        for h in found.hits
    ]  # fmt: skip
    return CaseSearchOut(items=items, page=found.page, per_page=found.per_page, total=found.total,
                         pages=page_count(found.total, found.per_page), facets=found.facets,
                         semantic_used=found.semantic_used)  # fmt: skip


@router.get("/{case_id}", response_model=CaseOut, responses=READ_ERRORS, openapi_extra=OPTIONAL_AUTH)
def get_case(case_id: CaseId, db: DbDep, actor: CallerDep) -> CaseOut:
    """A case with the language versions you may read: published ones, and drafts for the city's editors."""
    with db.read() as session:
        return case_out(session, cases.get_case(session, actor, case_id))


@router.post("", response_model=CaseOut, status_code=201, responses=WRITE_ERRORS)
def create_case(body: CaseCreate, db: DbDep, actor: WriterDep) -> CaseOut:
    """A new case of a city you edit (administrators: any city, or none), each language a draft."""
    values = body.model_dump(exclude={"versions"})
    texts: dict[str, VersionText] = {
        lang: service_input(VersionText, **v.model_dump()) for lang, v in body.versions.items()
    }
    with db.write() as session:
        fields = _fields(session, values)
        case = cases.create_case(session, actor, fields, texts)
        return case_out(session, cases.get_case(session, actor, case.id))


@router.patch("/{case_id}", response_model=CaseOut, responses=WRITE_ERRORS)
def update_case(case_id: CaseId, body: CasePatch, db: DbDep, actor: WriterDep) -> CaseOut:
    """Change some facts of a case (its city's editors, administrators); 409 if the case changed since you read it."""
    changes = body.model_dump(exclude_unset=True, exclude={"version"})
    with db.write() as session:
        detail = cases.get_case(session, actor, case_id)
        current = cases.fields_of(detail.case)
        current["results"] = [r.model_dump() for r in current["results"]]
        current["links"] = [link.model_dump() for link in current["links"]]
        city = changes.pop("city") if "city" in changes else None
        city_id = _city_id(session, city) if "city" in body.model_fields_set else current["city_id"]
        fields = service_input(CaseFields, **(current | changes | {"city_id": city_id}))
        cases.update_case(session, actor, case_id, fields, expected_version=body.version)
        return case_out(session, cases.get_case(session, actor, case_id))


@router.put("/{case_id}/versions/{lang}", response_model=CaseOut, responses=WRITE_ERRORS)
def save_version(case_id: CaseId, lang: Lang, body: VersionPut, db: DbDep, actor: WriterDep) -> CaseOut:
    """Write one language's words (a new translation starts as a draft). City editors change drafts only."""
    text = service_input(VersionText, **body.model_dump(exclude={"version"}))
    expected = body.version or None
    with db.write() as session:
        cases.save_version(session, actor, case_id, lang, text, expected_version=expected)
        return case_out(session, cases.get_case(session, actor, case_id))


@router.post("/{case_id}/versions/{lang}/status", response_model=CaseOut, responses=WRITE_ERRORS)
def change_status(case_id: CaseId, lang: Lang, body: VersionStatusChange, db: DbDep, actor: WriterDep) -> CaseOut:
    """Move one language version through review: submit, withdraw, publish, unpublish."""
    with db.write() as session:
        cases.change_version_status(session, actor, case_id, lang, body.action, reason=body.reason,
                                    expected_version=body.version)  # fmt: skip
        return case_out(session, cases.get_case(session, actor, case_id))


@router.delete("/{case_id}", status_code=204, responses=WRITE_ERRORS)
def delete_case(
    case_id: CaseId,
    db: DbDep,
    actor: WriterDep,
    reason: Annotated[str, Query(max_length=2000, pattern=NO_NUL)] = "",
) -> Response:
    """Delete a case with its versions and images (administrators)."""
    with db.write() as session:
        cases.delete_case(session, actor, case_id, reason=reason)
    return Response(status_code=204)
