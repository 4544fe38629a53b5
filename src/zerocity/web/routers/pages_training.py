"""Training pages: the programme list, a programme, a session (registration, materials, feedback), "my
registrations" with certificate downloads, and the public check of a certificate's verification code.

Every page works without JavaScript (plain forms, post/redirect/get) and the role checks are the services'. The
centre's own pages (editing, attendance, materials, dashboard) live in ``pages_training_admin``; their routes are
included here *before* ``/training/{programme_slug}``, which would otherwise take ``/training/dashboard`` for a
programme's short name.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from pydantic import ValidationError
from starlette.responses import Response

from zerocity.core.errors import ZeroCityError
from zerocity.reports.certificate import hour_digits
from zerocity.services.errors import Conflict, Forbidden, InvalidRequest
from zerocity.services.knowledge import (
    training,
    training_certificates,
    training_materials,
    training_registrations,
)
from zerocity.store.models import utcnow
from zerocity.store.training_models import TrainingProgramme
from zerocity.web.deps import get_actor, get_db, get_locale
from zerocity.web.errors import STATUS, human_message
from zerocity.web.i18n import format_number, gettext
from zerocity.web.render import N_, page, redirect, safe_next
from zerocity.web.routers.exports import content_disposition
from zerocity.web.routers.pages_training_admin import admin_router
from zerocity.web.routers.pages_training_common import (
    CERTIFICATE_LANGUAGES,
    LANGUAGE_LABELS,
    TIMEZONE_NAME,
    city_label,
    city_options,
    editable_city_ids,
    field_errors,
    label,
    programme_view,
    session_card,
    session_cards,
)

router = APIRouter(include_in_schema=False)
router.include_router(admin_router)

REGISTERED = N_("You are registered. The session is listed under My registrations.")
STAFF_REGISTERED = N_("The staff member is registered.")
CANCELLED = N_("The registration was cancelled; the seat is free again.")
FEEDBACK_THANKS = N_("Thank you: your feedback was recorded.")
STAFF_ERRORS = {
    "": N_("Check the name and e-mail address."),
    "name": N_("Give the participant's name (up to 200 characters)."),
    "email": N_("Give a valid e-mail address."),
    "city": N_("Choose a city."),
    "locale": N_("Choose the certificate's language."),
}
FEEDBACK_ERRORS = {
    "": N_("Rate the session from 1 to 5 on each question."),
    "comment": N_("The comment is too long (up to 5,000 characters)."),
}
NO_CERTIFICATE_TITLE = N_("No certificate for this registration")


def session_url(slug: str) -> str:
    return f"/training/sessions/{slug}"


def _message(exc: ZeroCityError, locale: str) -> str:
    return human_message(exc.code, exc.message, locale)


# -- lists ------------------------------------------------------------------------------------------------------------
@router.get("/training")
def programme_list(request: Request) -> Response:
    locale = get_locale(request)
    with get_db(request).read() as session:
        programmes = [programme_view(p, locale) for p in training.list_programmes(session)]
        upcoming = session_cards(session, training.upcoming_sessions(session), locale)
    return page(request, "training/list.html", {"programmes": programmes, "upcoming": upcoming})


@router.get("/training/my")
def my_registrations(request: Request) -> Response:
    actor, locale = get_actor(request), get_locale(request)
    actor.require_authenticated()
    with get_db(request).read() as session:
        views = training_registrations.my_registrations(session, actor)
    now = utcnow()
    rows = [
        {
            "id": view.registration.id,
            "session": session_card(view.training_session, view.programme, 0, locale),
            "city": city_label(view.city, locale),
            "status": view.registration.status,
            "attended": view.registration.attended,
            "code": view.registration.certificate_code,
            "locale": view.registration.locale,
            "may_cancel": training_registrations.cancellable(view.registration, view.training_session, now),
            "feedback_due": view.registration.attended and not view.has_feedback,
        }
        for view in views
    ]
    return page(request, "training/my.html", {"rows": rows, "certificate_languages": CERTIFICATE_LANGUAGES})


# -- certificates -----------------------------------------------------------------------------------------------------
@router.get("/training/certificates")
def certificate_lookup(request: Request, code: Annotated[str, Query(max_length=40)] = "") -> Response:
    """The form to type a verification code; a code sent with it goes to that certificate's page."""
    if code.strip():
        return redirect(f"/training/certificates/{training_certificates.normalise_code(code)}", status_code=303)
    return page(request, "training/verify.html", {"certificate": None})


@router.get("/training/certificates/{code}")
def certificate_check(request: Request, code: str) -> Response:
    locale = get_locale(request)
    with get_db(request).read() as session:
        certificate = training_certificates.verify_certificate(session, code)
    context = {
        "certificate": certificate,
        "city": training.localized(certificate.city_zh, certificate.city_en, locale),
        "programme": training.localized(certificate.programme_zh, certificate.programme_en, locale),
        "session_title": training.localized(certificate.session_zh, certificate.session_en, locale),
        "hours": format_number(certificate.hours, locale, digits=hour_digits(certificate.hours)),
        "timezone": TIMEZONE_NAME,
    }
    return page(request, "training/verify.html", context)


@router.get("/training/registrations/{registration_id}/certificate.pdf")
def certificate_pdf(
    request: Request, registration_id: int, lang: Annotated[str, Query(max_length=10)] = ""
) -> Response:
    actor, locale = get_actor(request), get_locale(request)
    actor.require_authenticated()
    try:
        with get_db(request).read() as session:
            filename, pdf = training_certificates.certificate_file(
                session, actor, registration_id, verify_base=str(request.base_url), locale=lang or None
            )
    except Conflict as exc:
        context = {"status": 409, "title": gettext(NO_CERTIFICATE_TITLE, locale), "message": _message(exc, locale)}
        return page(request, "errors/error.html", context, status_code=409)
    return Response(
        pdf,
        media_type="application/pdf",
        headers={"Content-Disposition": content_disposition(filename), "Cache-Control": "private, no-store"},
    )


@router.post("/training/registrations/{registration_id}/cancel")
def cancel(request: Request, registration_id: int, next: Annotated[str, Form(max_length=500)] = "") -> Response:
    actor = get_actor(request)
    actor.require_authenticated()
    with get_db(request).read() as session:
        view = training_registrations.get_registration(session, actor, registration_id)
    target = safe_next(next, session_url(view.training_session.slug))
    try:
        with get_db(request).write() as session:
            training_registrations.cancel_registration(session, actor, registration_id)
    except Conflict as exc:
        return redirect(target, flash=("error", exc.message))
    return redirect(target, flash=("success", CANCELLED))


# -- materials --------------------------------------------------------------------------------------------------------
@router.get("/training/materials/{material_id}")
def material(request: Request, material_id: int) -> Response:
    with get_db(request).read() as session:
        found = training_materials.get_material(session, material_id, with_content=True)
    if found.kind == "link":
        return redirect(found.url, status_code=303)
    return Response(
        found.content or b"",
        media_type=found.content_type,
        headers={"Content-Disposition": content_disposition(found.filename)},
    )


# -- a session --------------------------------------------------------------------------------------------------------
def session_context(request: Request, slug: str) -> dict[str, Any]:
    """Everything the session page shows, for this reader: their own registration, what they may do, and for the
    centre the registrations, attendance and feedback."""
    actor, locale = get_actor(request), get_locale(request)
    now = utcnow()
    with get_db(request).read() as session:
        training_session = training.get_session(session, slug)
        programme = session.get(TrainingProgramme, training_session.programme_id)
        assert programme is not None  # a session always has its programme (foreign key, cascade)
        seats = training.seats(session, training_session)
        own = training_registrations.own_registration(session, actor, training_session)
        visible = training_registrations.session_registrations(session, actor, training_session)
        materials = training_materials.list_materials(session, training_session)
        member_cities = city_options(session, list(actor.roles), locale) if actor.roles else []
        staff_ids = editable_city_ids(session, actor)
        staff_cities = city_options(session, staff_ids, locale) if actor.is_authenticated and staff_ids != [] else []
        answers = training_registrations.session_feedback(session, actor, training_session) if actor.is_admin else []
    started, ended = now >= training_session.starts_at, now >= training_session.ends_at
    own_active = own is not None and own.registration.status == "registered"
    open_for_registration = not started and not seats.full
    rows = [
        {
            "id": view.registration.id,
            "name": view.registration.name,
            "email": view.registration.email,
            "city": city_label(view.city, locale),
            "status": view.registration.status,
            "attended": view.registration.attended,
            "sample": view.registration.sample,
            "may_cancel": training_registrations.cancellable(view.registration, training_session, now)
            and training_registrations.may_manage(actor, view.registration),
        }
        for view in visible
    ]
    return {
        "training_session": training_session,
        "card": session_card(training_session, programme, seats.registered, locale),
        "programme": programme_view(programme, locale),
        "seats": seats,
        "started": started,
        "ended": ended,
        "timezone": TIMEZONE_NAME,
        "own": own,
        "own_active": own_active,
        "can_register_self": actor.is_authenticated and bool(actor.roles) and not own_active and open_for_registration,
        "open_for_registration": open_for_registration,
        "member_cities": member_cities,
        "staff_cities": staff_cities if not started else [],
        "certificate_languages": CERTIFICATE_LANGUAGES,
        "registrations": rows,
        "attendance_form": actor.is_admin and started,
        "materials": materials,
        "feedback_form": own_active and own is not None and own.registration.attended and not own.has_feedback,
        "feedback_given": own is not None and own.has_feedback,
        "answers": answers,
        "language_label": label(LANGUAGE_LABELS, training_session.language, locale),
        "is_admin": actor.is_admin,
        "problem": None,
        "staff_values": {"city": "", "name": "", "email": "", "locale": locale},
        "staff_errors": {},
        "feedback_values": {},
        "feedback_errors": {},
        "default_locale": locale if locale in CERTIFICATE_LANGUAGES else "zh_Hant",
    }


def _session_page(request: Request, slug: str, status_code: int = 200, **overrides: Any) -> Response:
    context = session_context(request, slug)
    context.update(overrides)
    return page(request, "training/session.html", context, status_code=status_code)


@router.get("/training/sessions/{slug}")
def session_page(request: Request, slug: str) -> Response:
    return _session_page(request, slug)


@router.post("/training/sessions/{slug}/register")
def register(
    request: Request,
    slug: str,
    city: Annotated[str, Form(max_length=64)] = "",
    locale: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    actor = get_actor(request)
    actor.require_authenticated()
    try:
        with get_db(request).write() as session:
            training_registrations.register_self(session, actor, slug, city_slug=city or None, locale=locale or None)
    except (Conflict, Forbidden, InvalidRequest) as exc:
        return _session_page(request, slug, STATUS.get(exc.code, 400), problem=_message(exc, get_locale(request)))
    return redirect(session_url(slug), flash=("success", REGISTERED))


@router.post("/training/sessions/{slug}/register-staff")
def register_staff(
    request: Request,
    slug: str,
    city: Annotated[str, Form(max_length=64)] = "",
    name: Annotated[str, Form(max_length=500)] = "",
    email: Annotated[str, Form(max_length=500)] = "",
    locale: Annotated[str, Form(max_length=10)] = "zh_Hant",
) -> Response:
    actor, reader_locale = get_actor(request), get_locale(request)
    actor.require_authenticated()
    values = {"city": city, "name": name, "email": email, "locale": locale}
    try:
        fields = training_registrations.StaffRegistration(city=city, name=name, email=email, locale=locale)  # type: ignore[arg-type]
        with get_db(request).write() as session:
            training_registrations.register_staff(session, actor, slug, fields)
    except ValidationError as exc:
        errors = field_errors(exc, STAFF_ERRORS, reader_locale)
        return _session_page(request, slug, 422, staff_values=values, staff_errors=errors)
    except InvalidRequest as exc:
        errors = {str(exc.params.get("field", "")): _message(exc, reader_locale)}
        return _session_page(request, slug, 400, staff_values=values, staff_errors=errors)
    except Conflict as exc:
        return _session_page(request, slug, 409, staff_values=values, problem=_message(exc, reader_locale))
    return redirect(session_url(slug), flash=("success", STAFF_REGISTERED))


def _rating(value: str) -> int | str:
    """A rating as typed; not a whole number stays text, which the strict model then refuses."""
    return int(value) if value.strip().isdigit() else value


@router.post("/training/sessions/{slug}/feedback")
def feedback(
    request: Request,
    slug: str,
    content_rating: Annotated[str, Form(max_length=10)] = "",
    trainer_rating: Annotated[str, Form(max_length=10)] = "",
    usefulness_rating: Annotated[str, Form(max_length=10)] = "",
    comment: Annotated[str, Form(max_length=20_000)] = "",
) -> Response:
    actor, locale = get_actor(request), get_locale(request)
    actor.require_authenticated()
    values = {"content_rating": content_rating, "trainer_rating": trainer_rating,
              "usefulness_rating": usefulness_rating, "comment": comment}  # fmt: skip
    try:
        fields = training_registrations.FeedbackFields(
            content_rating=_rating(content_rating),  # type: ignore[arg-type]
            trainer_rating=_rating(trainer_rating),  # type: ignore[arg-type]
            usefulness_rating=_rating(usefulness_rating),  # type: ignore[arg-type]
            comment=comment,
        )
        with get_db(request).write() as session:
            training_registrations.submit_feedback(session, actor, slug, fields)
    except ValidationError as exc:
        errors = field_errors(exc, FEEDBACK_ERRORS, locale)
        return _session_page(request, slug, 422, feedback_values=values, feedback_errors=errors)
    except (Conflict, Forbidden) as exc:
        return _session_page(request, slug, STATUS.get(exc.code, 400), problem=_message(exc, locale))
    return redirect(session_url(slug), flash=("success", FEEDBACK_THANKS))


# -- a programme (last: its path would match every /training/<word> page above) -------------------------------------
@router.get("/training/{programme_slug}")
def programme_page(request: Request, programme_slug: str) -> Response:
    actor, locale = get_actor(request), get_locale(request)
    with get_db(request).read() as session:
        programme = training.get_programme(session, programme_slug)
        sessions = training.programme_sessions(session, programme.id)
        cards = session_cards(session, sessions, locale)
    now = utcnow()
    context = {
        "programme": programme_view(programme, locale),
        "record": programme,
        "upcoming": [card for card in cards if card.ends_at > now],
        "past": [card for card in reversed(cards) if card.ends_at <= now],
        "is_admin": actor.is_admin,
    }
    return page(request, "training/programme.html", context)
