"""Registering for a training session, cancelling, attendance, and the feedback form.

Who does what (checked here, so pages, API and demo loader obey the same rules):

* any signed-in user with a city membership registers themselves, for one of their cities, and may cancel before
  the session starts;
* a city editor (or a centre administrator) registers staff of that city by name and e-mail, no account needed,
  and may cancel those registrations;
* nobody cancels a registration whose attendance was recorded (its certificate code must stay valid), even if the
  session was moved to a later date afterwards;
* centre administrators mark attendance; attending gives the registration a certificate verification code;
* only attendees rate a session, once.

Capacity: a session never holds more registrations than seats. There is no waiting list: a full session refuses
with a clear message (the session page says so). The session row is locked (``SELECT ... FOR UPDATE``) before
counting, so two people taking the last seat at the same moment on PostgreSQL are served one after the other, and
the second is refused; SQLite write transactions are exclusive already (``BEGIN IMMEDIATE``).
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Final, Literal

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import ColumnElement, false, or_, select
from sqlalchemy.orm import Session

from zerocity.services import audit
from zerocity.services.actor import Actor
from zerocity.services.cities import get_city
from zerocity.services.errors import Conflict, Forbidden, InvalidRequest, NotFound
from zerocity.services.knowledge.training import N_, get_session, seats
from zerocity.services.text import CONTROL_CHARACTERS, Text
from zerocity.store.models import City, User, utcnow
from zerocity.store.training_models import (
    TrainingFeedback,
    TrainingProgramme,
    TrainingRegistration,
    TrainingSession,
)

#: Letters and digits that cannot be mistaken for each other when read off paper (no 0/O, 1/I/L).
CODE_ALPHABET: Final[str] = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_PREFIX: Final[str] = "ZC"
#: An address with one @ and a dot in its domain, without spaces or control characters (the API's schema states
#: the same pattern, so a body it accepts is never refused here).
_NOT_IN_EMAIL = rf"@\s{CONTROL_CHARACTERS}"
EMAIL: Final[re.Pattern[str]] = re.compile(rf"^[^{_NOT_IN_EMAIL}]{{1,64}}@[^{_NOT_IN_EMAIL}]+\.[^{_NOT_IN_EMAIL}]+$")

NEEDS_MEMBERSHIP = N_("only staff of a member city can register; ask your city's editor or the centre")
CHOOSE_CITY = N_("choose the city you work for")
NOT_YOUR_CITY = N_("you can register only for a city you belong to")
ALREADY_REGISTERED = N_("this person is already registered for this session")
SESSION_FULL = N_("this session is full: every seat is taken, and there is no waiting list")
REGISTRATION_CLOSED = N_("registration for this session has closed: it has already started")
NO_REGISTRATION = N_("no such registration")
ALREADY_CANCELLED = N_("this registration is already cancelled")
CANCEL_TOO_LATE = N_("this session has started; a registration can no longer be cancelled")
CANCEL_ATTENDED = N_("attendance was recorded for this registration; it can no longer be cancelled")
NOT_STARTED = N_("attendance can be marked once the session has started")
NOT_AN_ATTENDEE = N_("only people who attended this session can give feedback")
FEEDBACK_GIVEN = N_("you have already given feedback for this session")
BAD_EMAIL = N_("not an e-mail address")
BAD_NAME = N_("give the participant's name")


# -- inputs ---------------------------------------------------------------------------------------------------------
class StaffRegistration(BaseModel):
    """A city's staff member, registered by that city's editor: name, e-mail and certificate language."""

    model_config = ConfigDict(strict=True, extra="forbid", str_strip_whitespace=True)

    city: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{0,62}$")
    name: Text = Field(min_length=1, max_length=200)
    email: Text = Field(min_length=3, max_length=254)
    locale: Literal["zh_Hant", "en"] = "zh_Hant"


class FeedbackFields(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid", str_strip_whitespace=True)

    content_rating: int = Field(ge=1, le=5)
    trainer_rating: int = Field(ge=1, le=5)
    usefulness_rating: int = Field(ge=1, le=5)
    comment: Text = Field(default="", max_length=5000)


# -- reading --------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class RegistrationView:
    """A registration with what the pages show beside it."""

    registration: TrainingRegistration
    training_session: TrainingSession
    programme: TrainingProgramme
    city: City
    has_feedback: bool


def _mine(actor: Actor) -> ColumnElement[bool]:
    """The rows of the actor as a participant (see :func:`is_mine`), as a query condition."""
    if actor.user_id is None:
        return false()  # the public, or the system actor, is nobody's registration
    clauses = [TrainingRegistration.user_id == actor.user_id]
    if actor.email:
        clauses.append(TrainingRegistration.email == actor.email.lower())
    return or_(*clauses)


def is_mine(actor: Actor, registration: TrainingRegistration) -> bool:
    """The actor is the participant: their account, or their account's e-mail given by their city's editor."""
    if actor.user_id is None:
        return False
    return registration.user_id == actor.user_id or (bool(actor.email) and registration.email == actor.email.lower())


def may_manage(actor: Actor, registration: TrainingRegistration) -> bool:
    """Who may see and cancel a registration: the participant, an editor of their city, the centre."""
    return is_mine(actor, registration) or actor.can_edit(registration.city_id)


def cancellable(registration: TrainingRegistration, training_session: TrainingSession, now: datetime) -> bool:
    """Whether :func:`cancel_registration` would accept it now (for pages and API answers that offer the action)."""
    return (
        registration.status == "registered"
        and not registration.attended
        and registration.certificate_code is None
        and now < training_session.starts_at
    )


def _views(session: Session, registrations: list[TrainingRegistration]) -> list[RegistrationView]:
    if not registrations:
        return []
    session_ids = {r.session_id for r in registrations}
    sessions = {s.id: s for s in session.scalars(select(TrainingSession).where(TrainingSession.id.in_(session_ids)))}
    programme_ids = {s.programme_id for s in sessions.values()}
    programmes = {
        p.id: p for p in session.scalars(select(TrainingProgramme).where(TrainingProgramme.id.in_(programme_ids)))
    }
    cities = {c.id: c for c in session.scalars(select(City).where(City.id.in_({r.city_id for r in registrations})))}
    rated = set(
        session.scalars(
            select(TrainingFeedback.registration_id).where(
                TrainingFeedback.registration_id.in_([r.id for r in registrations])
            )
        )
    )
    views = []
    for registration in registrations:
        training_session = sessions[registration.session_id]
        views.append(
            RegistrationView(
                registration=registration,
                training_session=training_session,
                programme=programmes[training_session.programme_id],
                city=cities[registration.city_id],
                has_feedback=registration.id in rated,
            )
        )
    return views


def my_registrations(session: Session, actor: Actor) -> list[RegistrationView]:
    """The actor's own registrations (cancelled ones too), latest session first."""
    actor.require_authenticated()
    if actor.user_id is None:
        return []
    query = (
        select(TrainingRegistration)
        .join(TrainingSession, TrainingSession.id == TrainingRegistration.session_id)
        .where(_mine(actor))
        .order_by(TrainingSession.starts_at.desc(), TrainingRegistration.id)
    )
    return _views(session, list(session.scalars(query)))


def own_registration(session: Session, actor: Actor, training_session: TrainingSession) -> RegistrationView | None:
    """The actor's registration for this session, if any (cancelled included)."""
    if actor.user_id is None:
        return None
    query = select(TrainingRegistration).where(TrainingRegistration.session_id == training_session.id, _mine(actor))
    found = list(session.scalars(query.order_by(TrainingRegistration.id)))
    views = _views(session, found)
    active = [v for v in views if v.registration.status == "registered"]
    chosen = active or views
    return chosen[0] if chosen else None


def session_registrations(session: Session, actor: Actor, training_session: TrainingSession) -> list[RegistrationView]:
    """Who registered for a session, as this actor may see it: the centre sees everyone, a city's editors and
    viewers see their own city's staff, anyone else nobody (names and e-mail addresses are personal data)."""
    query = select(TrainingRegistration).where(TrainingRegistration.session_id == training_session.id)
    if not actor.is_admin:
        if not actor.roles:
            return []
        query = query.where(TrainingRegistration.city_id.in_(list(actor.roles)))
    query = query.order_by(TrainingRegistration.status.desc(), TrainingRegistration.name, TrainingRegistration.id)
    return _views(session, list(session.scalars(query)))


def get_registration(session: Session, actor: Actor, registration_id: int) -> RegistrationView:
    """A registration its participant, their city's editors or the centre may see; to others it does not exist."""
    registration = session.get(TrainingRegistration, registration_id)
    if registration is None or not may_manage(actor, registration):
        raise NotFound(NO_REGISTRATION, registration_id=registration_id)
    return _views(session, [registration])[0]


# -- registering ----------------------------------------------------------------------------------------------------
def _clean_email(email: str) -> str:
    """Checked as typed, then lower-cased (as account e-mails are); lower-casing can lengthen a few letters."""
    email = email.strip()
    if not EMAIL.match(email) or len(email.lower()) > 254:
        raise InvalidRequest(BAD_EMAIL, field="email")
    return email.lower()


def staff_city(session: Session, actor: Actor) -> str:
    """The city an editor registers staff for when they name none: their only city as an editor."""
    edited = [city_id for city_id, role in actor.roles.items() if role == "editor"]
    if len(edited) != 1:
        raise InvalidRequest(CHOOSE_CITY, field="city")
    city = session.get(City, edited[0])
    if city is None:
        raise InvalidRequest(CHOOSE_CITY, field="city")
    return city.slug


def _place(
    session: Session,
    actor: Actor,
    training_session: TrainingSession,
    *,
    city: City,
    name: str,
    email: str,
    user_id: int | None,
    locale: str,
    now: datetime | None,
    sample: bool = False,
) -> TrainingRegistration:
    """Takes a seat in a session whose row the caller has locked; refuses a started or full session and a second
    registration of the same e-mail."""
    if (now or utcnow()) >= training_session.starts_at:
        raise Conflict(REGISTRATION_CLOSED)
    existing = session.scalar(
        select(TrainingRegistration).where(
            TrainingRegistration.session_id == training_session.id, TrainingRegistration.email == email
        )
    )
    if existing is not None and existing.status == "registered":
        raise Conflict(ALREADY_REGISTERED)
    if seats(session, training_session).full:
        raise Conflict(SESSION_FULL, capacity=training_session.capacity)
    registration = existing or TrainingRegistration(session_id=training_session.id, email=email)
    registration.city_id = city.id
    registration.name = name
    registration.user_id = user_id
    registration.locale = locale
    registration.status = "registered"
    registration.attended = False
    registration.certificate_code = None
    registration.cancelled_at = None
    registration.registered_by = actor.user_id
    registration.sample = sample
    if existing is None:
        session.add(registration)
    session.flush()
    audit.record(session, actor, entity="training_registration", entity_id=registration.id, action="register",
                 city_id=city.id, new={"session": training_session.slug, "email": email})  # fmt: skip
    return registration


def register_self(
    session: Session,
    actor: Actor,
    session_slug: str,
    *,
    city_slug: str | None = None,
    locale: str | None = None,
    now: datetime | None = None,
    sample: bool = False,
) -> TrainingRegistration:
    """The signed-in user takes a seat for themselves, for one of their cities (which they must name when they
    belong to several)."""
    actor.require_authenticated()
    if actor.user_id is None or not actor.roles:
        raise Forbidden(NEEDS_MEMBERSHIP)
    if city_slug:
        city = get_city(session, city_slug)
        if city.id not in actor.roles:
            raise Forbidden(NOT_YOUR_CITY, city=city_slug)
    elif len(actor.roles) == 1:
        only = session.get(City, next(iter(actor.roles)))
        if only is None:
            raise NotFound(NOT_YOUR_CITY)
        city = only
    else:
        raise InvalidRequest(CHOOSE_CITY, field="city")
    user = session.get(User, actor.user_id)
    name = (user.display_name if user else "") or actor.display_name
    email = (user.email if user else "") or actor.email
    chosen_locale = locale if locale in ("zh_Hant", "en") else (actor.locale if actor.locale == "en" else "zh_Hant")
    training_session = get_session(session, session_slug, for_update=True)
    return _place(session, actor, training_session, city=city, name=name, email=email.lower(),
                  user_id=actor.user_id, locale=chosen_locale, now=now, sample=sample)  # fmt: skip


def register_staff(
    session: Session,
    actor: Actor,
    session_slug: str,
    fields: StaffRegistration,
    *,
    now: datetime | None = None,
    sample: bool = False,
) -> TrainingRegistration:
    """A city editor (or the centre) registers a staff member of that city; no account is needed. When the
    e-mail belongs to an account, the registration is linked to it, so its owner sees it among their own."""
    city = get_city(session, fields.city)
    actor.require_edit(city.id)
    name = fields.name.strip()
    if not name:
        raise InvalidRequest(BAD_NAME, field="name")
    email = _clean_email(fields.email)
    user_id = session.scalar(select(User.id).where(User.email == email))
    training_session = get_session(session, session_slug, for_update=True)
    return _place(session, actor, training_session, city=city, name=name, email=email, user_id=user_id,
                  locale=fields.locale, now=now, sample=sample)  # fmt: skip


def cancel_registration(
    session: Session, actor: Actor, registration_id: int, *, now: datetime | None = None
) -> TrainingRegistration:
    """The participant, their city's editor or the centre gives the seat back, before the session starts."""
    actor.require_authenticated()
    registration = session.scalar(
        select(TrainingRegistration)
        .where(TrainingRegistration.id == registration_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if registration is None or not may_manage(actor, registration):
        raise NotFound(NO_REGISTRATION, registration_id=registration_id)
    if registration.status == "cancelled":
        raise Conflict(ALREADY_CANCELLED)
    if registration.attended or registration.certificate_code is not None:
        raise Conflict(CANCEL_ATTENDED)
    training_session = session.get(TrainingSession, registration.session_id)
    if training_session is None or (now or utcnow()) >= training_session.starts_at:
        raise Conflict(CANCEL_TOO_LATE)
    registration.status = "cancelled"
    registration.cancelled_at = now or utcnow()
    audit.record(session, actor, entity="training_registration", entity_id=registration.id, action="cancel",
                 city_id=registration.city_id)  # fmt: skip
    return registration


# -- attendance -----------------------------------------------------------------------------------------------------
def new_certificate_code() -> str:
    """``ZC-XXXX-XXXX``: 31^8 (about 850 billion) codes, drawn by ``secrets`` so none can be guessed from another."""
    letters = "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))
    return f"{CODE_PREFIX}-{letters[:4]}-{letters[4:]}"


def _unused_code(session: Session) -> str:
    while True:
        code = new_certificate_code()
        if session.scalar(select(TrainingRegistration.id).where(TrainingRegistration.certificate_code == code)) is None:
            return code


def set_attendance(
    session: Session,
    actor: Actor,
    session_slug: str,
    attended_ids: Collection[int],
    *,
    now: datetime | None = None,
) -> list[TrainingRegistration]:
    """The centre records who came: every active registration of the session is marked attended exactly when its
    id is in ``attended_ids``. Attending gives a certificate code; unmarking takes it back. Returns the changed
    registrations."""
    actor.require_admin()
    training_session = get_session(session, session_slug, for_update=True)
    moment = now or utcnow()
    if moment < training_session.starts_at:
        raise Conflict(NOT_STARTED)
    wanted = set(attended_ids)
    registrations = list(
        session.scalars(
            select(TrainingRegistration).where(
                TrainingRegistration.session_id == training_session.id, TrainingRegistration.status == "registered"
            )
        )
    )
    unknown = wanted - {r.id for r in registrations}
    if unknown:
        raise InvalidRequest(NO_REGISTRATION, registration_id=min(unknown))
    changed = []
    for registration in registrations:
        attended = registration.id in wanted
        if attended == registration.attended:
            continue
        registration.attended = attended
        registration.certificate_code = _unused_code(session) if attended else None
        registration.attendance_marked_at = moment
        changed.append(registration)
        audit.record(session, actor, entity="training_registration", entity_id=registration.id,
                     action="attendance", city_id=registration.city_id, field="attended",
                     old=not attended, new=attended)  # fmt: skip
    return changed


# -- feedback -------------------------------------------------------------------------------------------------------
def submit_feedback(
    session: Session, actor: Actor, session_slug: str, fields: FeedbackFields, *, sample: bool = False
) -> TrainingFeedback:
    """An attendee rates the session, once. The registration row is locked first, so a double submission (two
    tabs, a double click) cannot slip two answers past the check on PostgreSQL; the unique constraint backs it."""
    actor.require_authenticated()
    training_session = get_session(session, session_slug)
    query = select(TrainingRegistration).where(
        TrainingRegistration.session_id == training_session.id,
        TrainingRegistration.status == "registered",
        TrainingRegistration.attended.is_(True),
        _mine(actor),
    )
    if actor.user_id is None:
        raise Forbidden(NOT_AN_ATTENDEE)
    registration = session.scalar(query.with_for_update().execution_options(populate_existing=True))
    if registration is None:
        raise Forbidden(NOT_AN_ATTENDEE)
    exists = session.scalar(select(TrainingFeedback.id).where(TrainingFeedback.registration_id == registration.id))
    if exists is not None:
        raise Conflict(FEEDBACK_GIVEN)
    feedback = TrainingFeedback(
        registration_id=registration.id,
        session_id=training_session.id,
        city_id=registration.city_id,
        sample=sample,
        **fields.model_dump(),
    )
    session.add(feedback)
    session.flush()
    audit.record(session, actor, entity="training_feedback", entity_id=feedback.id, action="create",
                 city_id=registration.city_id)  # fmt: skip
    return feedback


def session_feedback(session: Session, actor: Actor, training_session: TrainingSession) -> list[TrainingFeedback]:
    """Every answer for a session; the centre only (comments can name people)."""
    actor.require_admin()
    query = select(TrainingFeedback).where(TrainingFeedback.session_id == training_session.id)
    return list(session.scalars(query.order_by(TrainingFeedback.created_at, TrainingFeedback.id)))
