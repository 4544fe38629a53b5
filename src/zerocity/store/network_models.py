"""Member network: the attributes peer benchmarking compares cities on (climate, coast, economic structure).

Population and GDP by year already live in ``city_stats`` (with ``gdp_unit`` and ``source``); this table holds what
does not change from year to year, each attribute with its source and the year (or edition) it refers to, so a
reader of "cities like mine" can check where every input came from.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from zerocity.store.models import Base, UTCDateTime, utcnow


class CityProfile(Base):
    """A member city's climate, geography and economic structure (one row per city, keyed by ``city_id``)."""

    __tablename__ = "city_profiles"

    city_id: Mapped[int] = mapped_column(ForeignKey("cities.id", ondelete="CASCADE"), primary_key=True)
    #: Köppen-Geiger code, e.g. "Cwa" (humid subtropical, dry winter); "" when not known.
    climate_zone: Mapped[str] = mapped_column(String(3), default="")
    #: The map or station record it comes from, and the year or period of that classification.
    climate_source: Mapped[str] = mapped_column(Text, default="")
    climate_year: Mapped[int | None] = mapped_column(Integer, nullable=True)
    #: On the sea (ports, shipping, coastal hazards); None when not stated.
    coastal: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    coastal_source: Mapped[str] = mapped_column(Text, default="")
    #: Shares of the city's output (GDP or gross value added) by sector, as fractions 0-1, for ``structure_year``.
    primary_share: Mapped[float | None] = mapped_column(Float, nullable=True)
    secondary_share: Mapped[float | None] = mapped_column(Float, nullable=True)
    tertiary_share: Mapped[float | None] = mapped_column(Float, nullable=True)
    structure_year: Mapped[int | None] = mapped_column(Integer, nullable=True)
    structure_source: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
