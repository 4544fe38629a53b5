"""Stored net-zero plans: a city's scenario files, versioned, and the summary of their last run.

A plan (``city_plans``) is a named scenario file of one city. Every save adds a version (``city_plan_versions``)
holding the TOML text exactly as written, who saved it and the run it gave (the planner's JSON and a short summary),
so a page shows a saved plan without running it again and any earlier version can be read back. The plan row keeps
the latest version's number, text and summary for lists, and which version is published: the public sees that one
only, never a later draft.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.types import JSON

from zerocity.store.models import Base, UTCDateTime, utcnow


class CityPlan(Base):
    __tablename__ = "city_plans"
    __table_args__ = (UniqueConstraint("city_id", "name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    city_id: Mapped[int] = mapped_column(ForeignKey("cities.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    #: The latest version's number and text (also kept in ``city_plan_versions``).
    version: Mapped[int] = mapped_column(Integer, default=1)
    scenario_text: Mapped[str] = mapped_column(Text)
    #: The latest version's run summary (``services.plans.summarise``), for lists.
    summary: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    published: Mapped[bool] = mapped_column(Boolean, default=False)
    #: The version the public sees; later versions stay drafts until published.
    published_version: Mapped[int | None] = mapped_column(Integer, nullable=True)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CityPlanVersion(Base):
    """One saved version of a plan: its text and the run it gave when it was saved."""

    __tablename__ = "city_plan_versions"
    __table_args__ = (
        UniqueConstraint("plan_id", "version"),
        Index("ix_city_plan_versions_city_plan", "city_id", "plan_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    city_id: Mapped[int] = mapped_column(ForeignKey("cities.id", ondelete="CASCADE"))
    plan_id: Mapped[int] = mapped_column(ForeignKey("city_plans.id", ondelete="CASCADE"))
    version: Mapped[int] = mapped_column(Integer)
    #: The plan's name when this version was saved: a renamed draft does not rename the published version.
    name: Mapped[str] = mapped_column(String(200))
    scenario_text: Mapped[str] = mapped_column(Text)
    #: What changed, in the editor's words.
    note: Mapped[str] = mapped_column(Text, default="")
    #: ``services.planning.result_to_dict`` of the run at save time (the file's own method, draws and seed).
    result: Mapped[dict[str, Any]] = mapped_column(JSON)
    summary: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
