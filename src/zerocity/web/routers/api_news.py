"""``/api/news``: the centre's news and events. Everyone reads the published items; centre administrators also see
unpublished ones and write, publish and delete items. The rules are the pages' (``services.knowledge.news``).

Request bodies state in the schema every rule the service checks, so a body the schema accepts is saved: a title
in at least one language (``anyOf``), http(s) links, lengths. An event's span is sent as ``event_days`` (1 for a
one-day event) rather than a last day, because "the end is not before the start" is a rule between two fields
that JSON Schema cannot state; answers give both ``event_end`` and ``event_days``.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Response
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints, model_validator

from zerocity.services.knowledge import news
from zerocity.services.knowledge.cases import URL_PATTERN
from zerocity.services.knowledge.markdown import render_markdown
from zerocity.store.hub_models import NewsItem
from zerocity.web.api_models import MAX_ID, NO_NUL, NON_BLANK, Integer, Paginated, Version
from zerocity.web.routers.api import (
    OPTIONAL_AUTH,
    READ_ERRORS,
    WRITE_ERRORS,
    CallerDep,
    DbDep,
    PageDep,
    WriterDep,
    page_fields,
    service_input,
)

router = APIRouter(prefix="/api/news", tags=["news"])

ItemId = Annotated[int, Path(ge=1, le=MAX_ID, description="The item's number.")]
Kind = Literal["news", "event"]
Lang = Literal["zh_Hant", "en"]
#: An event lasts at most a year: anything longer is a typing error, not an event.
MAX_EVENT_DAYS = 366
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _iso_date(value: object) -> object:
    """JSON has no dates: a date arrives as ``YYYY-MM-DD`` text (the schema's ``format: date``). Anything else is
    left to the strict date check, which refuses it (a number is not read as a timestamp)."""
    if isinstance(value, str):
        if not _ISO_DATE.match(value):
            raise ValueError("give the date as YYYY-MM-DD")
        return dt.date.fromisoformat(value)
    return value


IsoDate = Annotated[dt.date, BeforeValidator(_iso_date)]


def _text(max_length: int) -> Any:
    return Annotated[str, StringConstraints(max_length=max_length, pattern=NO_NUL)]


def _titled(language: str) -> dict[str, Any]:
    return {"required": [language], "properties": {language: {"pattern": NON_BLANK}}}


# -- bodies ----------------------------------------------------------------------------------------------------------
class NewsIn(BaseModel):
    """A news item or an event, in one or both languages (at least one title). Bodies are Markdown."""

    model_config = ConfigDict(
        strict=True, extra="forbid", json_schema_extra={"anyOf": [_titled("title_zh"), _titled("title_en")]}
    )

    kind: Kind
    item_date: IsoDate = Field(description="The day of the news, or the first day of the event (YYYY-MM-DD).")
    event_days: Annotated[int, Field(ge=1, le=MAX_EVENT_DAYS), Integer] | None = Field(
        default=None, description="How many days the event lasts (1: one day); null: no stated span."
    )
    place_zh: _text(300) = ""  # type: ignore[valid-type]
    place_en: _text(300) = ""  # type: ignore[valid-type]
    online_url: Annotated[str, StringConstraints(max_length=500, pattern=f"^({URL_PATTERN[1:-1]})?$")] = ""
    title_zh: _text(300) = ""  # type: ignore[valid-type]
    title_en: _text(300) = ""  # type: ignore[valid-type]
    body_zh: _text(50_000) = ""  # type: ignore[valid-type]
    body_en: _text(50_000) = ""  # type: ignore[valid-type]

    @model_validator(mode="after")
    def _has_a_title(self) -> NewsIn:
        if not (self.title_zh.strip() or self.title_en.strip()):
            raise ValueError("give a title in at least one language")
        return self


class NewsUpdate(NewsIn):
    """Every field of the item (those left out become empty); ``version`` is the item's version you read."""

    version: Version


class NewsStatusChange(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid")

    action: Literal["publish", "unpublish"]
    version: Version


class NewsOut(BaseModel):
    id: int
    url: str
    slug: str | None
    kind: Kind
    item_date: dt.date
    event_end: dt.date | None = Field(description="The event's last day; null when no span was given.")
    event_days: int | None
    place_zh: str
    place_en: str
    online_url: str
    title_zh: str
    title_en: str
    body_zh: str = Field(description="Markdown source.")
    body_en: str = Field(description="Markdown source.")
    body_zh_html: str = Field(description="The Chinese body rendered and sanitised.")
    body_en_html: str = Field(description="The English body rendered and sanitised.")
    published: bool
    published_at: dt.datetime | None
    sample: bool = Field(description="Demonstration content, not real news.")
    version: int
    updated_at: dt.datetime


# -- shaping ---------------------------------------------------------------------------------------------------------
def _event_end(start: dt.date, days: int | None) -> dt.date | None:
    if days is None:
        return None
    return start + dt.timedelta(days=days - 1) if start <= dt.date.max - dt.timedelta(days=days - 1) else dt.date.max


def _fields(body: NewsIn) -> news.NewsFields:
    values = body.model_dump(exclude={"event_days", "version"})
    return service_input(news.NewsFields, event_end=_event_end(body.item_date, body.event_days), **values)


def news_out(item: NewsItem) -> NewsOut:
    days = (item.event_end - item.item_date).days + 1 if item.event_end is not None else None
    return NewsOut(
        id=item.id,
        url=f"/news/{item.id}",
        slug=item.slug,
        kind=item.kind,  # type: ignore[arg-type]
        item_date=item.item_date,
        event_end=item.event_end,
        event_days=days,
        place_zh=item.place_zh,
        place_en=item.place_en,
        online_url=item.online_url,
        title_zh=item.title_zh,
        title_en=item.title_en,
        body_zh=item.body_zh,
        body_en=item.body_en,
        body_zh_html=render_markdown(item.body_zh),
        body_en_html=render_markdown(item.body_en),
        published=item.published,
        published_at=item.published_at,
        sample=item.sample,
        version=item.version,
        updated_at=item.updated_at,
    )


# -- routes ----------------------------------------------------------------------------------------------------------
@router.get("", response_model=Paginated[NewsOut], responses=READ_ERRORS, openapi_extra=OPTIONAL_AUTH)
def list_news(
    db: DbDep,
    actor: CallerDep,
    paging: PageDep,
    kind: Annotated[Kind | None, Query(description="News or events only.")] = None,
    lang: Annotated[Lang | None, Query(description="Items with a title in this language.")] = None,
    upcoming: Annotated[bool, Query(description="Only events not over yet (Taiwan's date), soonest first.")] = False,
) -> Paginated[NewsOut]:
    """Published items, newest first (administrators also see unpublished ones)."""
    with db.read() as session:
        items, total = news.list_news(
            session,
            actor,
            kind=kind,
            lang=lang,
            upcoming_from=news.centre_today() if upcoming else None,
            offset=paging.offset,
            limit=paging.per_page,
        )
        return Paginated[NewsOut](items=[news_out(item) for item in items], **page_fields(total, paging))


@router.get("/{item_id}", response_model=NewsOut, responses=READ_ERRORS, openapi_extra=OPTIONAL_AUTH)
def get_news(item_id: ItemId, db: DbDep, actor: CallerDep) -> NewsOut:
    """A published item (administrators: any item)."""
    with db.read() as session:
        return news_out(news.get_news(session, actor, item_id))


@router.post("", response_model=NewsOut, status_code=201, responses=WRITE_ERRORS)
def create_news(body: NewsIn, db: DbDep, actor: WriterDep) -> NewsOut:
    """A new item, not yet published (administrators)."""
    fields = _fields(body)
    with db.write() as session:
        return news_out(news.create_news(session, actor, fields))


@router.put("/{item_id}", response_model=NewsOut, responses=WRITE_ERRORS)
def update_news(item_id: ItemId, body: NewsUpdate, db: DbDep, actor: WriterDep) -> NewsOut:
    """Replace the item's fields (administrators); 409 if it changed since you read it."""
    fields = _fields(body)
    with db.write() as session:
        return news_out(news.update_news(session, actor, item_id, fields, expected_version=body.version))


@router.post("/{item_id}/status", response_model=NewsOut, responses=WRITE_ERRORS)
def change_status(item_id: ItemId, body: NewsStatusChange, db: DbDep, actor: WriterDep) -> NewsOut:
    """Publish the item or take it back (administrators); 409 if it changed since you read it."""
    with db.write() as session:
        item = news.set_published(session, actor, item_id, body.action == "publish", expected_version=body.version)
        return news_out(item)


@router.delete("/{item_id}", status_code=204, responses=WRITE_ERRORS)
def delete_news(
    item_id: ItemId,
    db: DbDep,
    actor: WriterDep,
    version: Annotated[
        int | None, Query(ge=1, le=MAX_ID, description="The version you read; a stale one is refused (409).")
    ] = None,
) -> Response:
    """Delete the item for good (administrators): it leaves the pages, the feed and the search; the audit log
    keeps its words."""
    with db.write() as session:
        news.delete_news(session, actor, item_id, expected_version=version)
    return Response(status_code=204)
