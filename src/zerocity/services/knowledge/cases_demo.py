"""Demo content for ``zerocity serve --demo``: the sample cases and news of ``data/demo/hub`` (written for the demo,
marked as sample content). Idempotent: a case or news item whose slug is already there is left alone.

Versions marked ``published`` in the file are published by the system actor: the demo's authors reviewed them, and
four eyes apply to people editing in ZeroCity, not to the loader.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from importlib import resources
from typing import Any

from pydantic import BaseModel, ConfigDict
from sqlalchemy import select
from sqlalchemy.orm import Session

from zerocity.services.actor import Actor
from zerocity.services.knowledge import news
from zerocity.services.knowledge.cases_portable import PortableCase, as_datetime, insert
from zerocity.store.db import Database
from zerocity.store.hub_models import Case, NewsItem

CASES_FILE = "demo/hub/cases.toml"
NEWS_FILE = "demo/hub/news.toml"


def _read_toml(relative_path: str) -> dict[str, Any] | None:
    resource = resources.files("zerocity.data").joinpath(relative_path)
    if not resource.is_file():
        return None  # the hub's demo content is optional: the platform demo works without it
    return tomllib.loads(resource.read_text(encoding="utf-8"))


def case_records(document: dict[str, Any]) -> list[PortableCase]:
    """The ``[[case]]`` tables of the demo file as portable records (``meta.sample`` marks every one)."""
    sample = bool(document.get("meta", {}).get("sample", True))
    records = []
    for raw in document.get("case", []):
        values = {key: value for key, value in raw.items() if key not in ("zh", "en")}
        values.update(sample=sample, zh=raw.get("zh"), en=raw.get("en"))
        records.append(PortableCase.model_validate(values))
    return records


class _NewsText(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    title: str = ""
    body: str = ""


class _NewsRecord(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    slug: str
    kind: str
    date: dt.date
    event_end: dt.date | None = None
    place_zh: str = ""
    place_en: str = ""
    online_url: str = ""
    published: bool = True
    zh: _NewsText | None = None
    en: _NewsText | None = None


def load_cases(session: Session, document: dict[str, Any]) -> int:
    system = Actor.system()
    existing = set(session.scalars(select(Case.slug).where(Case.slug.is_not(None))))
    created = 0
    for record in case_records(document):
        if record.slug in existing:
            continue
        insert(session, system, record, sample=record.sample)
        created += 1
    return created


def load_news(session: Session, document: dict[str, Any]) -> int:
    system = Actor.system()
    sample = bool(document.get("meta", {}).get("sample", True))
    existing = set(session.scalars(select(NewsItem.slug).where(NewsItem.slug.is_not(None))))
    created = 0
    for raw in document.get("item", []):
        record = _NewsRecord.model_validate(raw)
        if record.slug in existing:
            continue
        zh, en = record.zh or _NewsText(), record.en or _NewsText()
        fields = news.NewsFields(
            kind=record.kind,  # type: ignore[arg-type]  # checked by NewsFields
            item_date=record.date,
            event_end=record.event_end,
            place_zh=record.place_zh,
            place_en=record.place_en,
            online_url=record.online_url,
            title_zh=zh.title,
            title_en=en.title,
            body_zh=zh.body,
            body_en=en.body,
        )
        item = news.create_news(session, system, fields, slug=record.slug, sample=sample)
        if record.published:
            news.set_published(session, system, item.id, True)
            item.published_at = as_datetime(record.date)  # the item's own date orders the feed, not the load time
            news.reindex(session, item)
        created += 1
    return created


def load_demo(db: Database) -> None:
    """Loads this part of the demo unless it is already there."""
    cases_document = _read_toml(CASES_FILE)
    news_document = _read_toml(NEWS_FILE)
    with db.write() as session:
        if cases_document is not None:
            load_cases(session, cases_document)
        if news_document is not None:
            load_news(session, news_document)
