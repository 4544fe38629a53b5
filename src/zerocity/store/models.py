"""The relational schema: member cities, accounts, inventories, activity records, results and the audit log.

Every tenant table carries ``city_id`` and its indexes lead with it, so a multi-city deployment can later partition
or distribute the big tables by city (STACK.md §3). Factors, GWP sets and units stay in the package as versioned
reference data; only a city's own factor sets live here.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import JSON, TypeDecorator


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC on both backends (SQLite stores naive text; PostgreSQL ``timestamptz``)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: object) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("naive datetime")
        return value.astimezone(UTC) if value is not None else None

    def process_result_value(self, value: datetime | None, dialect: object) -> datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


# A naming convention keeps constraint names identical on SQLite (batch migrations) and PostgreSQL.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


# -- cities --------------------------------------------------------------------------------------------------------
class City(Base):
    __tablename__ = "cities"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name_zh: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    country: Mapped[str] = mapped_column(String(2))  # ISO 3166-1 alpha-2
    region: Mapped[str] = mapped_column(String(200), default="")
    area_km2: Mapped[float | None] = mapped_column(Float, nullable=True)
    #: The inventory boundary in words (GPC ch. 3.1), e.g. the administrative area after the 2010 merger.
    boundary: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)


class CityStat(Base):
    """Population and GDP by year, for per-capita and per-GDP figures; each with its source."""

    __tablename__ = "city_stats"

    city_id: Mapped[int] = mapped_column(ForeignKey("cities.id", ondelete="CASCADE"), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    population: Mapped[float | None] = mapped_column(Float, nullable=True)
    gdp: Mapped[float | None] = mapped_column(Float, nullable=True)
    gdp_unit: Mapped[str] = mapped_column(String(32), default="")  # e.g. "million TWD"
    source: Mapped[str] = mapped_column(Text, default="")


# -- accounts --------------------------------------------------------------------------------------------------------
class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)  # stored lower-case
    display_name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(255))
    #: A centre administrator: manages cities and accounts, approves inventories.
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    locale: Mapped[str] = mapped_column(String(16), default="zh_Hant")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class Membership(Base):
    """A user's role in one city: ``editor`` (may change the city's data) or ``viewer`` (reads drafts too)."""

    __tablename__ = "memberships"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    city_id: Mapped[int] = mapped_column(ForeignKey("cities.id", ondelete="CASCADE"), primary_key=True)
    role: Mapped[str] = mapped_column(String(16))


class WebSession(Base):
    """A server-side session: only the SHA-256 of the cookie's token is stored, so a leaked table opens nothing."""

    __tablename__ = "sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class ApiToken(Base):
    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(16))  # shown in lists so a user can tell tokens apart
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


# -- inventories -------------------------------------------------------------------------------------------------
class Inventory(Base):
    """One city-year inventory. Status: draft -> submitted -> approved; an approved inventory may be published."""

    __tablename__ = "inventories"
    __table_args__ = (UniqueConstraint("city_id", "year"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    city_id: Mapped[int] = mapped_column(ForeignKey("cities.id", ondelete="CASCADE"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    gwp_set: Mapped[str] = mapped_column(String(16))
    boundary: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16), default="draft")
    published: Mapped[bool] = mapped_column(Boolean, default=False)
    factor_set_id: Mapped[int | None] = mapped_column(ForeignKey("factor_sets.id"), nullable=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    record_count: Mapped[int] = mapped_column(Integer, default=0)
    #: The engine's JSON summary (totals, by sector/scope/gas, completeness, warnings) at the last computation.
    summary: Mapped[dict[str, object] | None] = mapped_column(JSON, nullable=True)
    computed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    submitted_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    approved_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class ActivityRecord(Base):
    """One row of activity data as the city gave it (``cells``: column -> text, exactly the accounting-core input
    format), plus what the engine computed from it at the last computation."""

    __tablename__ = "activity_records"
    __table_args__ = (Index("ix_activity_records_city_inventory_line", "city_id", "inventory_id", "line"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    city_id: Mapped[int] = mapped_column(ForeignKey("cities.id", ondelete="CASCADE"))
    inventory_id: Mapped[int] = mapped_column(ForeignKey("inventories.id", ondelete="CASCADE"))
    #: The row number as a spreadsheet shows it (header = row 1); errors and the editor both use it.
    line: Mapped[int] = mapped_column(Integer)
    gpc_ref: Mapped[str] = mapped_column(String(16))
    cells: Mapped[dict[str, str]] = mapped_column(JSON)
    co2e_t: Mapped[float | None] = mapped_column(Float, nullable=True)
    #: Factor id, source, status, unit conversion and method applied, for the per-row audit view.
    detail: Mapped[dict[str, object] | None] = mapped_column(JSON, nullable=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)


class RefResult(Base):
    """Emissions per GPC reference number at the last computation: what dashboards and the results API read."""

    __tablename__ = "ref_results"

    inventory_id: Mapped[int] = mapped_column(ForeignKey("inventories.id", ondelete="CASCADE"), primary_key=True)
    ref: Mapped[str] = mapped_column(String(16), primary_key=True)
    city_id: Mapped[int] = mapped_column(ForeignKey("cities.id", ondelete="CASCADE"), index=True)
    tco2e: Mapped[float | None] = mapped_column(Float, nullable=True)
    gases_t: Mapped[dict[str, float]] = mapped_column(JSON)
    notation_key: Mapped[str] = mapped_column(String(64), default="")
    data_quality: Mapped[str] = mapped_column(String(4), default="")


class ImportBatch(Base):
    """An uploaded file: previewed first (nothing saved but the batch), then committed in one transaction.
    The file itself is kept (compressed) so any earlier state of the inventory can be rebuilt for an audit."""

    __tablename__ = "imports"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    city_id: Mapped[int] = mapped_column(ForeignKey("cities.id", ondelete="CASCADE"), index=True)
    inventory_id: Mapped[int] = mapped_column(ForeignKey("inventories.id", ondelete="CASCADE"))
    filename: Mapped[str] = mapped_column(String(255))
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    rows: Mapped[int] = mapped_column(Integer, default=0)
    mode: Mapped[str] = mapped_column(String(16), default="replace")
    status: Mapped[str] = mapped_column(String(16), default="preview")  # preview | committed | discarded
    issues: Mapped[list[dict[str, object]]] = mapped_column(JSON, default=list)
    preview: Mapped[dict[str, object] | None] = mapped_column(JSON, nullable=True)
    content: Mapped[bytes] = mapped_column(LargeBinary)
    inventory_version: Mapped[int] = mapped_column(Integer)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    committed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class AuditEntry(Base):
    """Who changed what, when, from which value to which, and why. Written in the same transaction as the change,
    so the log can never miss a change that landed nor record one that did not."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_city_at", "city_id", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    city_id: Mapped[int | None] = mapped_column(ForeignKey("cities.id", ondelete="CASCADE"), nullable=True)
    inventory_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    entity: Mapped[str] = mapped_column(String(32))
    entity_id: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(32))
    field: Mapped[str] = mapped_column(String(64), default="")
    old_value: Mapped[str | None] = mapped_column(Text, nullable=True)
    new_value: Mapped[str | None] = mapped_column(Text, nullable=True)
    reason: Mapped[str] = mapped_column(Text, default="")
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


# -- a city's own factors ---------------------------------------------------------------------------------------
class FactorSet(Base):
    """A city's own emission factors (the accounting core's factor-file format), used on top of the bundled
    library by the inventories that choose it."""

    __tablename__ = "factor_sets"
    __table_args__ = (UniqueConstraint("city_id", "name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    city_id: Mapped[int] = mapped_column(ForeignKey("cities.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    #: Where the set comes from and what it is for, in the city's words (e.g. the utility's letter of 2024-03).
    description: Mapped[str] = mapped_column(Text, default="", server_default="")
    filename: Mapped[str] = mapped_column(String(255))
    #: The file exactly as uploaded; never changed, so an approved inventory's factors can always be shown again.
    content: Mapped[bytes] = mapped_column(LargeBinary)
    sha256: Mapped[str] = mapped_column(String(64), default="", server_default="")
    factor_count: Mapped[int] = mapped_column(Integer, default=0)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


# The knowledge hub, search, training, network and stored-plan tables live in their own modules. Importing them here
# registers them on ``Base.metadata``, so Alembic and the schema tests see the whole schema through this module.
from zerocity.store import (  # noqa: E402
    hub_models,  # noqa: F401
    network_models,  # noqa: F401
    plan_models,  # noqa: F401
    search_models,  # noqa: F401
    training_models,  # noqa: F401
)
