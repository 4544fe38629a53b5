"""The centre's news and events, in both languages. The centre writes them (administrators only); everybody reads
the published ones. Published items are indexed for search (kind ``news``) in the same transaction, and a deleted
or unpublished item leaves the index in that transaction too.

"Today" is the centre's calendar day in Taiwan (:func:`centre_today`), whatever zone the server runs in, so an
event stays "upcoming" until its last day is over there."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Annotated, Final, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, StringConstraints, model_validator
from sqlalchemy import ColumnElement, and_, func, select
from sqlalchemy.orm import Session

from zerocity.search.index import Document, remove_documents, replace_documents
from zerocity.services import audit
from zerocity.services.actor import Actor
from zerocity.services.errors import Conflict, NotFound
from zerocity.services.knowledge import cases
from zerocity.services.knowledge.cases import N_, URL_PATTERN, ShortText
from zerocity.services.knowledge.cases_portable import CENTRE_TIMEZONE
from zerocity.services.knowledge.cases_vocab import LANGS, pick
from zerocity.services.knowledge.markdown import markdown_to_text
from zerocity.store.hub_models import NewsItem
from zerocity.store.models import utcnow

KINDS: Final = ("news", "event")
NO_ITEM: Final = N_("no such news item")
STALE: Final = N_("someone else changed this item since you opened it; reload and try again")

_Body = Annotated[str, StringConstraints(max_length=50_000), AfterValidator(cases.clean_text)]


class NewsFields(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid", str_strip_whitespace=True)

    kind: Literal["news", "event"]
    item_date: dt.date
    event_end: dt.date | None = None
    place_zh: ShortText = ""
    place_en: ShortText = ""
    online_url: Annotated[str, StringConstraints(max_length=500, pattern=f"^({URL_PATTERN[1:-1]})?$")] = ""
    title_zh: ShortText = ""
    title_en: ShortText = ""
    body_zh: _Body = ""
    body_en: _Body = ""

    @model_validator(mode="after")
    def _consistent(self) -> NewsFields:
        if not (self.title_zh or self.title_en):
            raise ValueError("give a title in at least one language")
        if self.event_end is not None and self.event_end < self.item_date:
            raise ValueError("an event cannot end before it starts")
        return self


def _apply(item: NewsItem, fields: NewsFields) -> None:
    for name, value in fields.model_dump().items():
        setattr(item, name, value)


def create_news(
    session: Session, actor: Actor, fields: NewsFields, *, slug: str | None = None, sample: bool = False
) -> NewsItem:
    actor.require_admin()
    if slug is not None and session.scalar(select(NewsItem.id).where(NewsItem.slug == slug)) is not None:
        raise Conflict(N_("an item with this short name already exists"), field="slug")
    item = NewsItem(slug=slug, sample=sample, created_by=actor.user_id)
    _apply(item, fields)
    session.add(item)
    session.flush()
    audit.record(session, actor, entity="news", entity_id=item.id, action="create", new=fields.model_dump())
    reindex(session, item)
    return item


def centre_today() -> dt.date:
    """Today's date in Taiwan, the centre's time zone."""
    return dt.datetime.now(CENTRE_TIMEZONE).date()


def get_news(session: Session, actor: Actor, item_id: int) -> NewsItem:
    item = session.get(NewsItem, item_id)
    if item is None or not (item.published or actor.is_admin):
        raise NotFound(NO_ITEM, item_id=item_id)
    return item


def _check_version(item: NewsItem, expected_version: int | None) -> None:
    if expected_version is not None and expected_version != item.version:
        raise Conflict(STALE, version=item.version)


def _stored_fields(item: NewsItem) -> dict[str, object]:
    return NewsFields.model_validate(
        {name: getattr(item, name) for name in NewsFields.model_fields}, strict=False
    ).model_dump()


def update_news(
    session: Session, actor: Actor, item_id: int, fields: NewsFields, *, expected_version: int | None = None
) -> NewsItem:
    actor.require_admin()
    item = get_news(session, actor, item_id)
    _check_version(item, expected_version)
    old = _stored_fields(item)
    _apply(item, fields)
    item.version += 1
    item.updated_at = utcnow()
    audit.record(session, actor, entity="news", entity_id=item.id, action="update", old=old, new=fields.model_dump())
    reindex(session, item)
    return item


def set_published(
    session: Session, actor: Actor, item_id: int, published: bool, *, expected_version: int | None = None
) -> NewsItem:
    actor.require_admin()
    item = get_news(session, actor, item_id)
    _check_version(item, expected_version)
    if item.published == published:
        return item
    item.published = published
    item.published_at = utcnow() if published else None
    item.version += 1
    item.updated_at = utcnow()
    audit.record(session, actor, entity="news", entity_id=item.id, action="publish" if published else "unpublish",
                 old={"published": not published}, new={"published": published})  # fmt: skip
    reindex(session, item)
    return item


def delete_news(session: Session, actor: Actor, item_id: int, *, expected_version: int | None = None) -> None:
    """Remove an item for good (administrators). The audit log keeps its words, so a mistake can be undone by hand;
    the search index forgets it in the same transaction."""
    actor.require_admin()
    item = get_news(session, actor, item_id)
    _check_version(item, expected_version)
    old = _stored_fields(item) | {"slug": item.slug, "published": item.published, "sample": item.sample}
    audit.record(session, actor, entity="news", entity_id=item.id, action="delete", old=old)
    remove_documents(session, "news", item.id)
    session.delete(item)
    session.flush()


def title(item: NewsItem, locale: str) -> str:
    return pick((item.title_zh, item.title_en), locale)


def body(item: NewsItem, locale: str) -> str:
    """The body in the reader's language, or the other one's when it has none."""
    if locale == "zh_Hant":
        return item.body_zh if item.title_zh else item.body_en or item.body_zh
    return item.body_en if item.title_en else item.body_zh or item.body_en


def shown_lang(item: NewsItem, locale: str) -> str:
    """The language the item is shown in for this reader (its title's)."""
    has = {"zh_Hant": bool(item.title_zh), "en": bool(item.title_en)}
    return locale if has.get(locale) else next(lang for lang in LANGS if has[lang])


@dataclass(frozen=True)
class NewsPage:
    upcoming_events: list[NewsItem]
    recent: list[NewsItem]


def news_page(session: Session, actor: Actor, today: dt.date, *, limit: int = 20) -> NewsPage:
    """Events from today on (soonest first), and the other published items (newest first). Administrators see
    unpublished items too, so they can find and publish them."""
    query = select(NewsItem)
    if not actor.is_admin:
        query = query.where(NewsItem.published.is_(True))
    items = session.scalars(query.order_by(NewsItem.item_date.desc(), NewsItem.id.desc())).all()

    def upcoming(item: NewsItem) -> bool:
        return item.kind == "event" and (item.event_end or item.item_date) >= today

    events = sorted((i for i in items if upcoming(i)), key=lambda i: (i.item_date, i.id))
    others = [i for i in items if not upcoming(i)]
    return NewsPage(upcoming_events=events[:limit], recent=others[:limit])


def _upcoming(today: dt.date) -> ColumnElement[bool]:
    """Events whose last day (or only day) is today or later."""
    return and_(NewsItem.kind == "event", func.coalesce(NewsItem.event_end, NewsItem.item_date) >= today)


def list_news(
    session: Session,
    actor: Actor,
    *,
    kind: str | None = None,
    lang: str | None = None,
    upcoming_from: dt.date | None = None,
    offset: int = 0,
    limit: int = 50,
) -> tuple[list[NewsItem], int]:
    """One page of items and how many match in all. Filters: ``kind`` (news or event), ``lang`` (items with a
    title in that language), ``upcoming_from`` (events not over on that day, soonest first; otherwise newest
    first). The public reads published items only; administrators also see unpublished ones, as on the page."""
    query = select(NewsItem)
    if not actor.is_admin:
        query = query.where(NewsItem.published.is_(True))
    if kind is not None:
        query = query.where(NewsItem.kind == kind)
    if lang == "zh_Hant":
        query = query.where(NewsItem.title_zh != "")
    elif lang == "en":
        query = query.where(NewsItem.title_en != "")
    if upcoming_from is not None:
        query = query.where(_upcoming(upcoming_from)).order_by(NewsItem.item_date, NewsItem.id)
    else:
        query = query.order_by(NewsItem.item_date.desc(), NewsItem.id.desc())
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    items = session.scalars(query.offset(offset).limit(limit)).all()
    return list(items), total


def published_news(session: Session, *, limit: int = 50) -> list[NewsItem]:
    return list(
        session.scalars(
            select(NewsItem)
            .where(NewsItem.published.is_(True))
            .order_by(NewsItem.published_at.desc(), NewsItem.id.desc())
            .limit(limit)
        )
    )


def reindex(session: Session, item: NewsItem) -> None:
    """One search row per language the item has a title in, while it is published; none otherwise."""

    documents = []
    if item.published:
        for lang, (head, text) in (("zh_Hant", (item.title_zh, item.body_zh)), ("en", (item.title_en, item.body_en))):
            if not head:
                continue
            documents.append(
                Document(
                    kind="news",
                    doc_id=item.id,
                    lang=lang,
                    title=head,
                    summary="",
                    body=markdown_to_text(text),
                    city="",
                    country="",
                    year=item.item_date.year,
                    themes=(),
                    sectors=(),
                    published_at=item.published_at,
                )
            )
    replace_documents(session, "news", item.id, documents)
