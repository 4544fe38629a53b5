"""Knowledge hub tables: best-practice cases (one row per case, one per language version), their images, and the
centre's news and events.

A case's language-neutral facts (city, country, year, themes, GPC sub-sectors, measured results, links, the
planner's action templates it exemplifies) live on ``cases``; the words live on ``case_versions``, one row per
language, each with its own review status, so the English version can still be in review while the Chinese one is
public. Results and links are small ordered lists edited as a whole, kept as JSON; images are binary and served
one by one, so they get their own table.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.types import JSON

from zerocity.store.models import Base, UTCDateTime, utcnow


class Case(Base):
    """A best practice or demonstration action of a city, member or not."""

    __tablename__ = "cases"
    __table_args__ = (Index("ix_cases_city_id_year", "city_id", "year"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: A stable name for loaders and imports (``kaohsiung-electric-buses``); cases made in the editor have none.
    slug: Mapped[str | None] = mapped_column(String(100), unique=True, nullable=True)
    #: The member city whose editors may change the case; none for cities outside the network.
    city_id: Mapped[int | None] = mapped_column(ForeignKey("cities.id", ondelete="SET NULL"), nullable=True)
    city_name_zh: Mapped[str] = mapped_column(String(200), default="")
    city_name_en: Mapped[str] = mapped_column(String(200), default="")
    country: Mapped[str] = mapped_column(String(2))  # ISO 3166-1 alpha-2, from data/knowledge/countries.csv
    year: Mapped[int | None] = mapped_column(Integer, nullable=True)
    themes: Mapped[list[str]] = mapped_column(JSON, default=list)  # codes of data/knowledge/themes.csv
    gpc_sectors: Mapped[list[str]] = mapped_column(JSON, default=list)  # GPC sub-sectors, e.g. "II.1"
    action_templates: Mapped[list[str]] = mapped_column(JSON, default=list)  # ids of planning/action_templates.csv
    #: Measured results, each {kind, value, unit, currency, description_zh, description_en, source}.
    results: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    #: Further reading, each {url, label_zh, label_en}.
    links: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    #: Demo content written for ZeroCity, shown with a "Sample content" badge.
    sample: Mapped[bool] = mapped_column(Boolean, default=False)
    #: When a language version of the case was first published: the digest and the feed order by it.
    first_published_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CaseVersion(Base):
    """The words of a case in one language, with that language's own status: draft -> in_review -> published."""

    __tablename__ = "case_versions"
    __table_args__ = (UniqueConstraint("case_id", "lang"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    lang: Mapped[str] = mapped_column(String(8))  # zh_Hant | en
    title: Mapped[str] = mapped_column(String(300))
    summary: Mapped[str] = mapped_column(Text, default="")
    body: Mapped[str] = mapped_column(Text, default="")  # Markdown, rendered and sanitised when shown
    status: Mapped[str] = mapped_column(String(16), default="draft")
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    submitted_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    published_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class CaseImage(Base):
    """An uploaded picture of a case (PNG, JPEG or WebP, checked by its first bytes), served from the database."""

    __tablename__ = "case_images"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(32))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    alt_zh: Mapped[str] = mapped_column(String(300), default="")
    alt_en: Mapped[str] = mapped_column(String(300), default="")
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class NewsItem(Base):
    """A news item or an event of the centre, in both languages; public once published."""

    __tablename__ = "news_items"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slug: Mapped[str | None] = mapped_column(String(100), unique=True, nullable=True)
    kind: Mapped[str] = mapped_column(String(8))  # news | event
    #: The day of the news, or the first day of the event.
    item_date: Mapped[date] = mapped_column(Date, index=True)
    event_end: Mapped[date | None] = mapped_column(Date, nullable=True)
    place_zh: Mapped[str] = mapped_column(String(300), default="")
    place_en: Mapped[str] = mapped_column(String(300), default="")
    online_url: Mapped[str] = mapped_column(String(500), default="")
    title_zh: Mapped[str] = mapped_column(String(300), default="")
    title_en: Mapped[str] = mapped_column(String(300), default="")
    body_zh: Mapped[str] = mapped_column(Text, default="")
    body_en: Mapped[str] = mapped_column(Text, default="")
    published: Mapped[bool] = mapped_column(Boolean, default=False)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    sample: Mapped[bool] = mapped_column(Boolean, default=False)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
