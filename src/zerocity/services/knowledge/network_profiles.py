"""Keeping a member city's network profile: climate zone, coast and economic structure, each with source and year.

A city's editors (or a centre administrator) change their own city's profile; the change is audited in the same
transaction. The profile is public (it describes the city, not its emissions), which is why "cities like mine"
may use it for every reader.
"""

from __future__ import annotations

from typing import Final

from pydantic import BaseModel, ConfigDict, Field, model_validator
from sqlalchemy import select
from sqlalchemy.orm import Session

from zerocity.services import audit
from zerocity.services.actor import Actor
from zerocity.services.cities import get_city
from zerocity.services.errors import Conflict
from zerocity.services.text import Text
from zerocity.store.models import utcnow
from zerocity.store.network_models import CityProfile

#: A Köppen-Geiger code: main group A-E, then up to two letters (Af, BSh, Cwa, Dfb, ET); "" for unknown.
CLIMATE_ZONE_PATTERN: Final[str] = r"^([A-E][a-zA-Z]{0,2})?$"
#: Sector shares are usually rounded to a percent: three of them may miss 1 by this much.
SHARE_TOLERANCE: Final[float] = 0.02
FIELDS: Final[tuple[str, ...]] = (
    "climate_zone",
    "climate_year",
    "climate_source",
    "coastal",
    "coastal_source",
    "primary_share",
    "secondary_share",
    "tertiary_share",
    "structure_year",
    "structure_source",
)


class ProfileFields(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid", str_strip_whitespace=True)

    climate_zone: str = Field(default="", pattern=CLIMATE_ZONE_PATTERN)
    climate_year: int | None = Field(default=None, ge=1900, le=2100)
    climate_source: Text = Field(default="", max_length=2000)
    coastal: bool | None = None
    coastal_source: Text = Field(default="", max_length=2000)
    primary_share: float | None = Field(default=None, ge=0, le=1)
    secondary_share: float | None = Field(default=None, ge=0, le=1)
    tertiary_share: float | None = Field(default=None, ge=0, le=1)
    structure_year: int | None = Field(default=None, ge=1900, le=2100)
    structure_source: Text = Field(default="", max_length=2000)

    @model_validator(mode="after")
    def _shares_add_up(self) -> ProfileFields:
        shares = [s for s in (self.primary_share, self.secondary_share, self.tertiary_share) if s is not None]
        if sum(shares) > 1 + SHARE_TOLERANCE:
            raise ValueError("the sector shares add up to more than 1")
        if len(shares) == 3 and sum(shares) < 1 - SHARE_TOLERANCE:
            raise ValueError("the three sector shares should add up to 1")
        return self


def get_profile(session: Session, city_id: int) -> CityProfile | None:
    return session.get(CityProfile, city_id)


def set_profile(
    session: Session, actor: Actor, slug: str, fields: ProfileFields, *, expected_version: int | None = None
) -> CityProfile:
    """Create or change the city's profile (its editors or an administrator); 409 when ``expected_version`` is
    stale (0 stands for "no profile yet"). A new profile is audited whole, a change field by field."""
    city = get_city(session, slug)
    actor.require_edit(city.id)
    profile = session.scalar(
        select(CityProfile)
        .where(CityProfile.city_id == city.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if profile is None:
        if expected_version not in (None, 0):
            raise Conflict("someone else changed this profile since you opened it; reload and try again")
        profile = CityProfile(city_id=city.id, version=0, **fields.model_dump())
        session.add(profile)
        audit.record(session, actor, entity="city_profile", entity_id=city.id, action="create", city_id=city.id,
                     new=fields.model_dump())  # fmt: skip
    else:
        if expected_version is not None and profile.version != expected_version:
            raise Conflict("someone else changed this profile since you opened it; reload and try again")
        for name, value in fields.model_dump().items():
            old = getattr(profile, name)
            if old != value:
                audit.record(session, actor, entity="city_profile", entity_id=city.id, action="update",
                             city_id=city.id, field=name, old=old, new=value)  # fmt: skip
                setattr(profile, name, value)
    profile.version = (profile.version or 0) + 1
    profile.updated_at = utcnow()
    profile.updated_by = actor.user_id
    session.flush()
    return profile
