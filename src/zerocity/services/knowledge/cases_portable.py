"""The portable shape of a case, shared by the JSON export, its import and the demo loader's TOML file.

One record per case, keyed by a stable ``slug``; the words per language under ``zh`` and ``en`` (either may be
absent: "translation needed"). Writing a record into the database checks it like an editor's input
(``cases.CaseFields``) and keeps the language versions' statuses as given: content that was reviewed and published
elsewhere (another platform, the demo's authors) lands published, on the word of the administrator or loader who
brings it in, and the audit log says so.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field, StringConstraints
from sqlalchemy import select
from sqlalchemy.orm import Session

from zerocity.services.actor import Actor
from zerocity.services.knowledge import cases
from zerocity.services.knowledge.cases import CaseFields, CaseLink, CaseResult, VersionText
from zerocity.store.hub_models import Case, CaseVersion
from zerocity.store.models import City

#: Dates without a time (the demo file's ``published_at = 2026-03-15``) are noon in Taiwan, the centre's time zone,
#: so they fall in the same calendar month wherever the digest is read.
CENTRE_TIMEZONE = ZoneInfo("Asia/Taipei")
SLUG = r"^[a-z0-9][a-z0-9-]{0,99}$"


class PortableVersion(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    status: Literal["draft", "in_review", "published"] = "published"
    title: str
    summary: str = ""
    body: str = ""
    published_at: dt.datetime | dt.date | None = None


class PortableCase(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    slug: Annotated[str, StringConstraints(pattern=SLUG)]
    city_zh: str = ""
    city_en: str = ""
    city_slug: str | None = None
    country: str
    year: int | None = None
    themes: list[str] = Field(default_factory=list)
    gpc_sectors: list[str] = Field(default_factory=list)
    action_templates: list[str] = Field(default_factory=list)
    published_at: dt.datetime | dt.date | None = None
    sample: bool = False
    zh: PortableVersion | None = None
    en: PortableVersion | None = None
    results: list[dict[str, Any]] = Field(default_factory=list)
    links: list[dict[str, Any]] = Field(default_factory=list)
    images: list[dict[str, Any]] = Field(default_factory=list, description="Informational; not imported.")
    url: str = Field(default="", description="Where the case was published; informational.")


def as_datetime(value: dt.datetime | dt.date | None) -> dt.datetime | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
    return dt.datetime(value.year, value.month, value.day, 12, tzinfo=CENTRE_TIMEZONE).astimezone(dt.UTC)


def checked_fields(session: Session, record: PortableCase) -> tuple[CaseFields, dict[str, VersionText]]:
    """The record as an editor's input, checked by the same rules (raises pydantic's ValidationError)."""
    city_id = None
    if record.city_slug:
        city_id = session.scalar(select(City.id).where(City.slug == record.city_slug))
    fields = CaseFields(
        city_id=city_id,
        city_name_zh=record.city_zh,
        city_name_en=record.city_en,
        country=record.country,
        year=record.year,
        themes=record.themes,
        gpc_sectors=record.gpc_sectors,
        action_templates=record.action_templates,
        results=[CaseResult.model_validate(r) for r in record.results],
        links=[CaseLink.model_validate(link) for link in record.links],
    )
    versions = {
        lang: VersionText(title=v.title, summary=v.summary, body=v.body)
        for lang, v in (("zh_Hant", record.zh), ("en", record.en))
        if v is not None
    }
    return fields, versions


def insert(session: Session, actor: Actor, record: PortableCase, *, sample: bool) -> Case:
    """Create the case of a portable record, with each version in the status the record gives."""
    fields, texts = checked_fields(session, record)
    case = cases.create_case(session, actor, fields, texts, slug=record.slug, sample=sample)
    stored = cases.versions_of(session, case.id)
    for lang, given in (("zh_Hant", record.zh), ("en", record.en)):
        if given is None:
            continue
        version: CaseVersion = stored[lang]
        if given.status == "published":
            when = as_datetime(given.published_at) or as_datetime(record.published_at)
            cases.publish_as_system(session, case, version, when)
        elif given.status == "in_review":
            version.status = "in_review"
    first = as_datetime(record.published_at)
    if first is not None and case.first_published_at is not None:
        case.first_published_at = first
    cases.reindex(session, case)
    return case


def export_record(case: Case, versions: dict[str, CaseVersion], city_slug: str | None, url: str) -> dict[str, Any]:
    """A published case as a portable record (published versions only)."""

    def version(lang: str) -> dict[str, Any] | None:
        found = versions.get(lang)
        if found is None:
            return None
        published = found.published_at.isoformat() if found.published_at else None
        return {"status": "published", "title": found.title, "summary": found.summary, "body": found.body,
                "published_at": published}  # fmt: skip

    return {
        "slug": case.slug or f"case-{case.id}",
        "city_zh": case.city_name_zh,
        "city_en": case.city_name_en,
        "city_slug": city_slug,
        "country": case.country,
        "year": case.year,
        "themes": list(case.themes),
        "gpc_sectors": list(case.gpc_sectors),
        "action_templates": list(case.action_templates),
        "published_at": case.first_published_at.isoformat() if case.first_published_at else None,
        "sample": case.sample,
        "zh": version("zh_Hant"),
        "en": version("en"),
        "results": list(case.results),
        "links": list(case.links),
        "url": url,
    }
