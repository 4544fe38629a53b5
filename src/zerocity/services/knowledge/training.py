"""Training programmes and their sessions: reading them (public) and keeping them (centre administrators).

A programme is a course (bilingual title, summary and Markdown description, level, teaching language, the hub's
theme codes); a session is one run of it, with its own date and time, place or online link, trainers, language
and capacity. Times are stored in UTC and entered and shown in Taiwan's zone (:data:`TIMEZONE`), whatever zone
the server runs in. Registrations, attendance and feedback live in ``training_registrations``; materials in
``training_materials``; certificates in ``training_certificates``; the centre's figures in ``training_dashboard``.

Deleting (administrators): a session goes with its materials and registrations, but never once attendance was
recorded, feedback given or a certificate issued: a certificate's code must stay verifiable at
``/training/certificates/{code}``, and the capacity dashboard counts those attendances. Registrations of people who
still hold a seat go only when the administrator confirms (``force``), and each one is written to the audit log. A
programme goes only when every one of its sessions can.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Annotated, Final, Literal
from zoneinfo import ZoneInfo

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator, model_validator
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from zerocity.core.datafiles import read_bundled_csv
from zerocity.services import audit
from zerocity.services.actor import Actor
from zerocity.services.errors import Conflict, NotFound
from zerocity.services.text import Text
from zerocity.store.models import utcnow
from zerocity.store.training_models import (
    TrainingFeedback,
    TrainingMaterial,
    TrainingProgramme,
    TrainingRegistration,
    TrainingSession,
)


def N_(message: str) -> str:
    """Marks a message for the translation catalogue (the web layer translates it where it is shown)."""
    return message


#: Sessions are entered and shown in the member cities' own zone, never the server's (which may run in UTC).
TIMEZONE: Final[ZoneInfo] = ZoneInfo("Asia/Taipei")
LEVELS: Final[tuple[str, ...]] = ("introductory", "intermediate", "advanced")
LANGUAGES: Final[tuple[str, ...]] = ("zh_Hant", "en", "bilingual")
#: Languages a certificate can be written in (the participant's).
CERTIFICATE_LOCALES: Final[tuple[str, ...]] = ("zh_Hant", "en")
SLUG_PATTERN: Final[str] = r"^[a-z0-9][a-z0-9-]{0,62}$"
#: Path segments of /training/... that are pages of their own, so no programme may take them as its slug.
RESERVED_SLUGS: Final[frozenset[str]] = frozenset(
    {"new", "edit", "my", "dashboard", "sessions", "certificates", "registrations", "materials", "programmes"}
)
MAX_CAPACITY: Final[int] = 10_000
#: A session is a day or a short course, not a term: a longer span is almost surely a typing error.
MAX_SESSION_LENGTH: Final[timedelta] = timedelta(days=14)

NO_PROGRAMME = N_("no such training programme")
NO_SESSION = N_("no such training session")
SLUG_TAKEN = N_("this short name is already used by another programme or session")
SLUG_RESERVED = N_("this short name is reserved for a page of its own; choose another")
STALE = N_("someone else changed this since you opened it; reload and try again")
CAPACITY_BELOW_REGISTRATIONS = N_("the capacity cannot be lower than the number of people already registered")
SESSION_HAS_ATTENDANCE = N_(
    "this session cannot be deleted: attendance was recorded for it, and the certificates it gave must stay verifiable"
)
PROGRAMME_HAS_ATTENDANCE = N_(
    "this programme cannot be deleted: attendance was recorded for one of its sessions, and the certificates it "
    "gave must stay verifiable"
)
SESSION_HAS_REGISTRATIONS = N_(
    "people are registered for this session; confirm that the session and their registrations are to be deleted"
)
PROGRAMME_HAS_REGISTRATIONS = N_(
    "people are registered for sessions of this programme; confirm that the sessions and their registrations are "
    "to be deleted"
)


def _known_theme(code: str) -> str:
    if code not in {row["code"] for row in read_bundled_csv("knowledge/themes.csv")}:
        raise ValueError("not a theme of data/knowledge/themes.csv")
    return code


ThemeCode = Annotated[str, AfterValidator(_known_theme)]


def _web_url(value: str) -> str:
    if value and not re.match(r"^https?://[^\s/$.?#][^\s]*$", value, re.IGNORECASE):
        raise ValueError("must be an http:// or https:// address")
    return value


WebUrl = Annotated[Text, Field(max_length=1000), AfterValidator(_web_url)]


class ProgrammeFields(BaseModel):
    """What an administrator may change in a programme (its short name is fixed once created)."""

    model_config = ConfigDict(strict=True, extra="forbid", str_strip_whitespace=True)

    level: Literal["introductory", "intermediate", "advanced"]
    language: Literal["zh_Hant", "en", "bilingual"]
    title_zh: Text = Field(default="", max_length=300)
    title_en: Text = Field(default="", max_length=300)
    summary_zh: Text = Field(default="", max_length=2000)
    summary_en: Text = Field(default="", max_length=2000)
    description_zh: Text = Field(default="", max_length=50_000)
    description_en: Text = Field(default="", max_length=50_000)
    topics: tuple[ThemeCode, ...] = Field(min_length=1, max_length=20)
    sample: bool = False

    @model_validator(mode="after")
    def _titled(self) -> ProgrammeFields:
        if not (self.title_zh or self.title_en):
            raise ValueError("give the programme a title in Chinese or in English")
        return self

    @field_validator("topics")
    @classmethod
    def _distinct(cls, topics: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(dict.fromkeys(topics))


class NewProgramme(ProgrammeFields):
    slug: str = Field(pattern=SLUG_PATTERN)


class SessionFields(BaseModel):
    """One run of a programme. ``starts_at``/``ends_at`` must carry a time zone (see :func:`local_datetime`)."""

    model_config = ConfigDict(strict=True, extra="forbid", str_strip_whitespace=True)

    title_zh: Text = Field(default="", max_length=300)
    title_en: Text = Field(default="", max_length=300)
    starts_at: datetime
    ends_at: datetime
    place_zh: Text = Field(default="", max_length=300)
    place_en: Text = Field(default="", max_length=300)
    online_url: WebUrl = ""
    capacity: int = Field(ge=1, le=MAX_CAPACITY)
    trainers: tuple[Annotated[Text, Field(min_length=1, max_length=200)], ...] = Field(default=(), max_length=20)
    language: Literal["zh_Hant", "en", "bilingual"]
    sample: bool = False

    @model_validator(mode="after")
    def _consistent(self) -> SessionFields:
        if self.starts_at.tzinfo is None or self.ends_at.tzinfo is None:
            raise ValueError("the start and end need a time zone")
        if self.ends_at <= self.starts_at:
            raise ValueError("the session must end after it starts")
        if self.ends_at - self.starts_at > MAX_SESSION_LENGTH:
            raise ValueError("a session lasts at most 14 days; make several sessions for a longer course")
        if not (self.place_zh or self.place_en or self.online_url):
            raise ValueError("give a place or an online link")
        return self


class NewSession(SessionFields):
    slug: str = Field(pattern=SLUG_PATTERN)


# -- reading ----------------------------------------------------------------------------------------------------------
def localized(zh: str, en: str, locale: str) -> str:
    """The text in the reader's language, or the other one when it is missing (bilingual content may lack one)."""
    return (zh or en) if locale == "zh_Hant" else (en or zh)


def local_datetime(day: str, time_of_day: str) -> datetime:
    """A date (``2026-09-15``) and time (``09:30``) as typed in a form, read in :data:`TIMEZONE`."""
    naive = datetime.strptime(f"{day.strip()} {time_of_day.strip()}", "%Y-%m-%d %H:%M")
    return naive.replace(tzinfo=TIMEZONE)


def in_taipei(moment: datetime) -> datetime:
    return moment.astimezone(TIMEZONE)


def session_hours(training_session: TrainingSession) -> float:
    """The session's length in hours as its certificate states it (to the quarter hour)."""
    seconds = (training_session.ends_at - training_session.starts_at).total_seconds()
    return round(seconds / 900) / 4


def list_programmes(session: Session) -> list[TrainingProgramme]:
    """Every programme, by English title (programmes are public, like the sessions they offer)."""
    return list(session.scalars(select(TrainingProgramme).order_by(TrainingProgramme.title_en, TrainingProgramme.id)))


def get_programme(session: Session, slug: str) -> TrainingProgramme:
    programme = session.scalar(select(TrainingProgramme).where(TrainingProgramme.slug == slug))
    if programme is None:
        raise NotFound(NO_PROGRAMME, slug=slug)
    return programme


def get_session(session: Session, slug: str, *, for_update: bool = False) -> TrainingSession:
    """A session by its short name. ``for_update`` locks its row until the transaction ends (PostgreSQL ``FOR
    UPDATE``; SQLite write transactions are already exclusive), which is what keeps registrations within capacity."""
    query = select(TrainingSession).where(TrainingSession.slug == slug)
    if for_update:
        query = query.with_for_update().execution_options(populate_existing=True)
    training_session = session.scalar(query)
    if training_session is None:
        raise NotFound(NO_SESSION, slug=slug)
    return training_session


def get_programme_slug(session: Session, training_session: TrainingSession) -> str:
    slug = session.scalar(select(TrainingProgramme.slug).where(TrainingProgramme.id == training_session.programme_id))
    if slug is None:
        raise NotFound(NO_PROGRAMME)
    return slug


def programme_sessions(session: Session, programme_id: int) -> list[TrainingSession]:
    query = select(TrainingSession).where(TrainingSession.programme_id == programme_id)
    return list(session.scalars(query.order_by(TrainingSession.starts_at, TrainingSession.id)))


def upcoming_sessions(session: Session, *, now: datetime | None = None, limit: int = 50) -> list[TrainingSession]:
    """Sessions that have not ended yet, soonest first."""
    query = select(TrainingSession).where(TrainingSession.ends_at > (now or utcnow()))
    return list(session.scalars(query.order_by(TrainingSession.starts_at, TrainingSession.id).limit(limit)))


def registered_counts(session: Session, session_ids: Sequence[int]) -> dict[int, int]:
    """People holding a place (not cancelled) per session id; sessions nobody registered for are absent."""
    if not session_ids:
        return {}
    query = (
        select(TrainingRegistration.session_id, func.count())
        .where(TrainingRegistration.session_id.in_(list(session_ids)), TrainingRegistration.status == "registered")
        .group_by(TrainingRegistration.session_id)
    )
    return {session_id: count for session_id, count in session.execute(query)}


@dataclass(frozen=True)
class SessionSeats:
    capacity: int
    registered: int

    @property
    def left(self) -> int:
        return max(0, self.capacity - self.registered)

    @property
    def full(self) -> bool:
        return self.registered >= self.capacity


def seats(session: Session, training_session: TrainingSession) -> SessionSeats:
    registered = registered_counts(session, [training_session.id]).get(training_session.id, 0)
    return SessionSeats(training_session.capacity, registered)


# -- keeping programmes and sessions (centre administrators) ----------------------------------------------------------
def _slug_free(session: Session, slug: str) -> None:
    if slug in RESERVED_SLUGS:
        raise Conflict(SLUG_RESERVED, field="slug")
    taken = session.scalar(select(TrainingProgramme.id).where(TrainingProgramme.slug == slug))
    taken = taken or session.scalar(select(TrainingSession.id).where(TrainingSession.slug == slug))
    if taken is not None:
        raise Conflict(SLUG_TAKEN, field="slug")


def create_programme(session: Session, actor: Actor, fields: NewProgramme) -> TrainingProgramme:
    actor.require_admin()
    _slug_free(session, fields.slug)
    programme = TrainingProgramme(**fields.model_dump(exclude={"topics"}), topics=list(fields.topics))
    session.add(programme)
    session.flush()
    audit.record(session, actor, entity="training_programme", entity_id=programme.id, action="create",
                 new=fields.model_dump(mode="json"))  # fmt: skip
    return programme


def update_programme(
    session: Session, actor: Actor, slug: str, fields: ProgrammeFields, *, expected_version: int | None = None
) -> TrainingProgramme:
    actor.require_admin()
    programme = get_programme(session, slug)
    if expected_version is not None and programme.version != expected_version:
        raise Conflict(STALE)
    changes = fields.model_dump(mode="json")
    old = {name: getattr(programme, name) for name in changes}
    for name, value in changes.items():
        setattr(programme, name, value)
    programme.version += 1
    programme.updated_at = utcnow()
    audit.record(session, actor, entity="training_programme", entity_id=programme.id, action="update",
                 old=old, new=changes)  # fmt: skip
    return programme


def create_session(session: Session, actor: Actor, programme_slug: str, fields: NewSession) -> TrainingSession:
    actor.require_admin()
    programme = get_programme(session, programme_slug)
    _slug_free(session, fields.slug)
    values = fields.model_dump(exclude={"trainers"})
    training_session = TrainingSession(programme_id=programme.id, **values, trainers=list(fields.trainers))
    session.add(training_session)
    session.flush()
    audit.record(session, actor, entity="training_session", entity_id=training_session.id, action="create",
                 new=fields.model_dump(mode="json"))  # fmt: skip
    return training_session


def update_session(
    session: Session, actor: Actor, slug: str, fields: SessionFields, *, expected_version: int | None = None
) -> TrainingSession:
    """Change a session. Its row is locked first, so a capacity cut and a registration cannot cross."""
    actor.require_admin()
    training_session = get_session(session, slug, for_update=True)
    if expected_version is not None and training_session.version != expected_version:
        raise Conflict(STALE)
    if fields.capacity < seats(session, training_session).registered:
        raise Conflict(CAPACITY_BELOW_REGISTRATIONS, field="capacity")
    changes = fields.model_dump()
    old = {name: getattr(training_session, name) for name in changes}
    for name, value in changes.items():
        setattr(training_session, name, list(value) if name == "trainers" else value)
    training_session.version += 1
    training_session.updated_at = utcnow()
    audit.record(session, actor, entity="training_session", entity_id=training_session.id, action="update",
                 old=old, new=fields.model_dump(mode="json"))  # fmt: skip
    return training_session


# -- deleting (centre administrators) ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class SessionRecords:
    """What hangs on a session, as far as deleting it is concerned."""

    #: Registrations marked attended, with a certificate code, or with feedback: these make a session permanent.
    attended: int
    #: People holding a seat (not cancelled): deleting them needs the administrator's confirmation. Cancelled
    #: registrations go with the session without it (each is still audited).
    registered: int

    @property
    def deletable(self) -> bool:
        return self.attended == 0


def session_records(session: Session, training_session: TrainingSession) -> SessionRecords:
    rows = session.execute(
        select(TrainingRegistration.id, TrainingRegistration.status, TrainingRegistration.attended,
               TrainingRegistration.certificate_code)
        .where(TrainingRegistration.session_id == training_session.id)
    ).all()  # fmt: skip
    rated = set(
        session.scalars(
            select(TrainingFeedback.registration_id).where(TrainingFeedback.session_id == training_session.id)
        )
    )
    return SessionRecords(
        attended=sum(1 for row in rows if row.attended or row.certificate_code is not None or row.id in rated),
        registered=sum(1 for row in rows if row.status == "registered"),
    )


def _remove_session(session: Session, actor: Actor, training_session: TrainingSession) -> None:
    """Delete the session with its materials and registrations, each registration audited (it is personal data
    that leaves, and the city's editors may ask where it went)."""
    registrations = session.scalars(
        select(TrainingRegistration).where(TrainingRegistration.session_id == training_session.id)
    ).all()
    for registration in registrations:
        audit.record(session, actor, entity="training_registration", entity_id=registration.id, action="delete",
                     city_id=registration.city_id, reason="the session was deleted",
                     old={"session": training_session.slug, "name": registration.name, "email": registration.email,
                          "status": registration.status})  # fmt: skip
    materials = session.execute(
        select(TrainingMaterial.title_zh, TrainingMaterial.title_en, TrainingMaterial.filename, TrainingMaterial.url)
        .where(TrainingMaterial.session_id == training_session.id)
    ).all()  # fmt: skip
    old = {name: getattr(training_session, name) for name in (*SessionFields.model_fields, "slug", "programme_id")}
    old |= {
        "registrations": len(registrations),
        "materials": [m.title_zh or m.title_en or m.filename or m.url for m in materials],
    }
    audit.record(session, actor, entity="training_session", entity_id=training_session.id, action="delete",
                 old=old)  # fmt: skip
    session.execute(delete(TrainingFeedback).where(TrainingFeedback.session_id == training_session.id))
    session.execute(delete(TrainingMaterial).where(TrainingMaterial.session_id == training_session.id))
    session.execute(delete(TrainingRegistration).where(TrainingRegistration.session_id == training_session.id))
    session.delete(training_session)
    session.flush()


def delete_session(session: Session, actor: Actor, slug: str, *, force: bool = False) -> None:
    """Delete a session (see the module docstring). Its row is locked first, so no registration or attendance can
    slip in between the checks and the delete."""
    actor.require_admin()
    training_session = get_session(session, slug, for_update=True)
    records = session_records(session, training_session)
    if not records.deletable:
        raise Conflict(SESSION_HAS_ATTENDANCE, slug=slug, attended=records.attended)
    if records.registered and not force:
        raise Conflict(SESSION_HAS_REGISTRATIONS, slug=slug, registered=records.registered)
    _remove_session(session, actor, training_session)


def delete_programme(session: Session, actor: Actor, slug: str, *, force: bool = False) -> None:
    """Delete a programme with all its sessions, only if every session may go (``force`` as for a session)."""
    actor.require_admin()
    programme = get_programme(session, slug)
    sessions = [get_session(session, s.slug, for_update=True) for s in programme_sessions(session, programme.id)]
    records = {s.slug: session_records(session, s) for s in sessions}
    kept = sorted(name for name, found in records.items() if not found.deletable)
    if kept:
        raise Conflict(PROGRAMME_HAS_ATTENDANCE, slug=slug, sessions=kept)
    registered = sum(found.registered for found in records.values())
    if registered and not force:
        raise Conflict(PROGRAMME_HAS_REGISTRATIONS, slug=slug, registered=registered)
    for training_session in sessions:
        _remove_session(session, actor, training_session)
    old = {name: getattr(programme, name) for name in ProgrammeFields.model_fields}
    audit.record(session, actor, entity="training_programme", entity_id=programme.id, action="delete",
                 old=old | {"slug": programme.slug, "sessions": [s.slug for s in sessions]})  # fmt: skip
    session.delete(programme)
    session.flush()
