"""``/api/training``: the training programmes and their sessions (public), registering for a session and cancelling,
``/api/me/registrations`` (the caller's own), and deleting programmes and sessions (centre administrators).

Registering follows the same rules as the pages (``services.knowledge.training_registrations``): a signed-in
member of a city registers themselves (naming the city when they belong to several); a city editor registers a
staff member of their city by sending ``participant`` (name and e-mail; no account needed). A full session answers
409 (there is no waiting list), as does a session that has started or a person already registered.

Cancelling is ``POST .../registrations/{id}/cancel``, not ``DELETE``: the registration stays (status
``cancelled``), and registering again reuses it. The participant, their city's editor or the centre may cancel,
before the session starts and never once attendance was recorded.

Deleting a session with recorded attendance (certificates that must stay verifiable) is 409 whatever is asked; a
session people are registered for is 409 unless ``force=true`` confirms that their registrations go with it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Response
from pydantic import BaseModel, Field, StringConstraints
from sqlalchemy.orm import Session

from zerocity.services.knowledge import training, training_materials, training_registrations
from zerocity.store.models import City, utcnow
from zerocity.store.training_models import (
    TrainingMaterial,
    TrainingProgramme,
    TrainingRegistration,
    TrainingSession,
)
from zerocity.web.api_models import _CONTROL, _SPACE, MAX_ID, NON_BLANK, SLUG, STRICT, Paginated
from zerocity.web.routers.api import (
    OPTIONAL_AUTH,
    READ_ERRORS,
    WRITE_ERRORS,
    CallerDep,
    DbDep,
    PageDep,
    WriterDep,
    error_responses,
    page_fields,
    service_input,
)

#: Prefix ``/api``, not ``/api/training``: ``/api/me/registrations`` belongs here too.
router = APIRouter(prefix="/api", tags=["training"])

ProgrammeSlug = Annotated[str, Path(pattern=SLUG, description="The programme's short name.")]
SessionSlug = Annotated[str, Path(pattern=SLUG, description="The session's short name.")]
RegistrationId = Annotated[int, Path(ge=1, le=MAX_ID, description="The registration's number.")]
Force = Annotated[
    bool, Query(description="Confirm that registrations of people who still hold a seat are deleted too.")
]
#: An e-mail address as the service accepts it: no spaces or control characters, one @, a dot in the domain.
_NOT_IN_EMAIL = f"@{_SPACE}{_CONTROL}"
EMAIL = rf"^[^{_NOT_IN_EMAIL}]{{1,64}}@[^{_NOT_IN_EMAIL}]+\.[^{_NOT_IN_EMAIL}]+$"
Language = Literal["zh_Hant", "en", "bilingual"]


# -- bodies -----------------------------------------------------------------------------------------------------------
class MaterialOut(BaseModel):
    id: int
    kind: Literal["file", "link"]
    title_zh: str
    title_en: str
    url: str = Field(description="The link, or for a file the path that downloads it.")
    filename: str
    size: int = Field(description="Bytes of an uploaded file; 0 for a link.")


class SessionOut(BaseModel):
    slug: str
    title_zh: str
    title_en: str
    starts_at: datetime
    ends_at: datetime
    timezone: str = Field(description="The zone the session is announced in (times above are ISO 8601 with offset).")
    place_zh: str
    place_en: str
    online_url: str
    trainers: list[str]
    language: Language
    capacity: int
    registered: int = Field(description="Seats taken (registrations not cancelled).")
    seats_left: int
    registration_open: bool = Field(description="Not started and not full.")
    materials: list[MaterialOut]


class ProgrammeBrief(BaseModel):
    slug: str
    level: Literal["introductory", "intermediate", "advanced"]
    language: Language
    title_zh: str
    title_en: str
    summary_zh: str
    summary_en: str
    topics: list[str] = Field(description="Theme codes of the hub's vocabulary (net_zero, buildings, ...).")
    sample: bool = Field(description="Demonstration content, not a real programme.")
    session_count: int
    next_session_at: datetime | None


class ProgrammeOut(ProgrammeBrief):
    description_zh: str = Field(description="Markdown.")
    description_en: str = Field(description="Markdown.")
    sessions: list[SessionOut]


class Participant(BaseModel):
    """A staff member registered by their city's editor; no account is needed."""

    model_config = STRICT

    name: Annotated[str, StringConstraints(max_length=200, pattern=NON_BLANK)]
    email: Annotated[str, StringConstraints(max_length=254, pattern=EMAIL)]


class RegistrationCreate(BaseModel):
    """Without ``participant``: register yourself, for ``city`` (needed when you belong to several cities). With
    ``participant``: register a staff member of ``city`` (required then), as that city's editor."""

    model_config = STRICT

    city: Annotated[str, StringConstraints(pattern=SLUG)] | None = None
    participant: Participant | None = None
    locale: Literal["zh_Hant", "en"] | None = Field(
        default=None, description="The certificate's language (default: yours, or Chinese for staff)."
    )


class RegistrationOut(BaseModel):
    id: int
    session: str
    city: str
    name: str
    email: str
    locale: Literal["zh_Hant", "en"]
    status: Literal["registered", "cancelled"]
    attended: bool
    created_at: datetime


class MyRegistrationOut(RegistrationOut):
    """One of your registrations, with its session and what you can do with it."""

    programme: str = Field(description="The programme's short name.")
    title_zh: str = Field(description="The session's title, or the programme's when the session has none.")
    title_en: str
    starts_at: datetime
    ends_at: datetime
    cancellable: bool = Field(description="You may cancel it now (registered, not started, attendance not recorded).")
    certificate_url: str | None = Field(description="The PDF certificate, once attendance was recorded.")


# -- shaping ----------------------------------------------------------------------------------------------------------
def _material_out(material: TrainingMaterial) -> MaterialOut:
    url = material.url if material.kind == "link" else f"/training/materials/{material.id}"
    return MaterialOut(id=material.id, kind=material.kind, title_zh=material.title_zh,  # type: ignore[arg-type]
                       title_en=material.title_en, url=url, filename=material.filename, size=material.size)  # fmt: skip


def _session_out(session: Session, training_session: TrainingSession, registered: int) -> SessionOut:
    materials = training_materials.list_materials(session, training_session)
    return SessionOut(
        slug=training_session.slug,
        title_zh=training_session.title_zh,
        title_en=training_session.title_en,
        starts_at=training.in_taipei(training_session.starts_at),
        ends_at=training.in_taipei(training_session.ends_at),
        timezone=str(training.TIMEZONE),
        place_zh=training_session.place_zh,
        place_en=training_session.place_en,
        online_url=training_session.online_url,
        trainers=list(training_session.trainers or []),
        language=training_session.language,  # type: ignore[arg-type]
        capacity=training_session.capacity,
        registered=registered,
        seats_left=max(0, training_session.capacity - registered),
        registration_open=utcnow() < training_session.starts_at and registered < training_session.capacity,
        materials=[_material_out(m) for m in materials],
    )


def _brief_fields(programme: TrainingProgramme, sessions: list[TrainingSession]) -> dict[str, object]:
    now = utcnow()
    upcoming = [s.starts_at for s in sessions if s.starts_at > now]
    return {
        "slug": programme.slug,
        "level": programme.level,
        "language": programme.language,
        "title_zh": programme.title_zh,
        "title_en": programme.title_en,
        "summary_zh": programme.summary_zh,
        "summary_en": programme.summary_en,
        "topics": list(programme.topics or []),
        "sample": programme.sample,
        "session_count": len(sessions),
        "next_session_at": training.in_taipei(min(upcoming)) if upcoming else None,
    }


def _registration_out_fields(registration: TrainingRegistration, session_slug: str, city_slug: str) -> dict[str, Any]:
    return {
        "id": registration.id,
        "session": session_slug,
        "city": city_slug,
        "name": registration.name,
        "email": registration.email,
        "locale": registration.locale,
        "status": registration.status,
        "attended": registration.attended,
        "created_at": registration.created_at,
    }


def _registration_out(session: Session, registration: TrainingRegistration, session_slug: str) -> RegistrationOut:
    city = session.get(City, registration.city_id)
    return RegistrationOut(**_registration_out_fields(registration, session_slug, city.slug if city else ""))


def _my_registration_out(view: training_registrations.RegistrationView) -> MyRegistrationOut:
    registration, training_session, programme = view.registration, view.training_session, view.programme
    certificate = f"/training/registrations/{registration.id}/certificate.pdf" if registration.attended else None
    return MyRegistrationOut(
        **_registration_out_fields(registration, training_session.slug, view.city.slug),
        programme=programme.slug,
        title_zh=training_session.title_zh or programme.title_zh,
        title_en=training_session.title_en or programme.title_en,
        starts_at=training.in_taipei(training_session.starts_at),
        ends_at=training.in_taipei(training_session.ends_at),
        cancellable=training_registrations.cancellable(registration, training_session, utcnow()),
        certificate_url=certificate,
    )


# -- routes -----------------------------------------------------------------------------------------------------------
@router.get(
    "/training/programmes", response_model=Paginated[ProgrammeBrief], responses=READ_ERRORS, openapi_extra=OPTIONAL_AUTH
)
def list_programmes(db: DbDep, _actor: CallerDep, paging: PageDep) -> Paginated[ProgrammeBrief]:
    """Every training programme, by English title, with its number of sessions and the next one's start."""
    with db.read() as session:
        programmes = training.list_programmes(session)
        chosen = programmes[paging.offset : paging.offset + paging.per_page]
        items = [
            ProgrammeBrief.model_validate(_brief_fields(p, training.programme_sessions(session, p.id))) for p in chosen
        ]
    return Paginated[ProgrammeBrief](
        items=items,
        **page_fields(len(programmes), paging),
    )


@router.get(
    "/training/programmes/{slug}", response_model=ProgrammeOut, responses=READ_ERRORS, openapi_extra=OPTIONAL_AUTH
)
def get_programme(slug: ProgrammeSlug, db: DbDep, _actor: CallerDep) -> ProgrammeOut:
    """A programme with its description (Markdown, both languages) and every session, with seats and materials."""
    with db.read() as session:
        programme = training.get_programme(session, slug)
        sessions = training.programme_sessions(session, programme.id)
        counts = training.registered_counts(session, [s.id for s in sessions])
        return ProgrammeOut.model_validate(
            {
                **_brief_fields(programme, sessions),
                "description_zh": programme.description_zh,
                "description_en": programme.description_en,
                "sessions": [_session_out(session, s, counts.get(s.id, 0)) for s in sessions],
            }
        )


@router.post(
    "/training/sessions/{slug}/registrations", response_model=RegistrationOut, status_code=201, responses=WRITE_ERRORS
)
def register(slug: SessionSlug, body: RegistrationCreate, db: DbDep, actor: WriterDep) -> RegistrationOut:
    """Register yourself, or (with ``participant``) a staff member of your city. 409 when the session is full
    (no waiting list), has started, or the person is already registered; 403 when you may not register for that
    city."""
    with db.write() as session:
        training.get_session(session, slug)  # an unknown session is 404 whatever else is wrong
        if body.participant is None:
            registration = training_registrations.register_self(
                session, actor, slug, city_slug=body.city, locale=body.locale
            )
        else:
            fields = service_input(
                training_registrations.StaffRegistration,
                city=body.city or training_registrations.staff_city(session, actor),
                name=body.participant.name,
                email=body.participant.email,
                locale=body.locale or "zh_Hant",
            )
            registration = training_registrations.register_staff(session, actor, slug, fields)
        return _registration_out(session, registration, slug)


@router.post("/training/registrations/{registration_id}/cancel", response_model=RegistrationOut, responses=WRITE_ERRORS)
def cancel_registration(registration_id: RegistrationId, db: DbDep, actor: WriterDep) -> RegistrationOut:
    """Give the seat back: the participant, their city's editor or the centre, before the session starts. 409 once
    it has started, once attendance was recorded, or when it is already cancelled; 404 for a registration that is
    not yours to see."""
    with db.write() as session:
        registration = training_registrations.cancel_registration(session, actor, registration_id)
        training_session = session.get(TrainingSession, registration.session_id)
        return _registration_out(session, registration, training_session.slug if training_session else "")


@router.get("/me/registrations", response_model=Paginated[MyRegistrationOut], responses=error_responses(401, 422))
def my_registrations(db: DbDep, actor: CallerDep, paging: PageDep) -> Paginated[MyRegistrationOut]:
    """Your own registrations (cancelled ones too), latest session first: those you made, and those your city's
    editor made with your account's e-mail address."""
    actor.require_authenticated()
    with db.read() as session:
        views = training_registrations.my_registrations(session, actor)
        items = [_my_registration_out(v) for v in views[paging.offset : paging.offset + paging.per_page]]
    return Paginated[MyRegistrationOut](items=items, **page_fields(len(views), paging))


@router.delete("/training/programmes/{slug}", status_code=204, responses=WRITE_ERRORS)
def delete_programme(slug: ProgrammeSlug, db: DbDep, actor: WriterDep, force: Force = False) -> Response:
    """Delete a programme with all its sessions (administrators). 409 when attendance was recorded for any session,
    or, without ``force``, when people are registered."""
    with db.write() as session:
        training.delete_programme(session, actor, slug, force=force)
    return Response(status_code=204)


@router.delete("/training/sessions/{slug}", status_code=204, responses=WRITE_ERRORS)
def delete_session(slug: SessionSlug, db: DbDep, actor: WriterDep, force: Force = False) -> Response:
    """Delete a session with its materials and registrations (administrators). 409 when attendance was recorded
    (its certificates must stay verifiable), or, without ``force``, when people are registered."""
    with db.write() as session:
        training.delete_session(session, actor, slug, force=force)
    return Response(status_code=204)
