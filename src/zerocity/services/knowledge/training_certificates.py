"""Certificates of attendance: who may download one, what it states, and checking a verification code.

A certificate exists only for an attended registration (attendance marked by the centre gives it its code), so
asking for the certificate of someone who registered but did not come is refused with a message saying why. The
participant, an editor of their city and the centre may download it; anyone holding the code may check it at
``/training/certificates/{code}``, which shows what the certificate states (name, city, programme, date, hours),
the way a printed certificate's reader would want to confirm it.
"""

from __future__ import annotations

import re
from typing import Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from zerocity.reports.certificate import Certificate, certificate_pdf
from zerocity.services.actor import Actor
from zerocity.services.errors import Conflict, NotFound
from zerocity.services.knowledge.training import N_, session_hours
from zerocity.services.knowledge.training_registrations import RegistrationView, get_registration
from zerocity.store.models import City, utcnow
from zerocity.store.training_models import TrainingProgramme, TrainingRegistration, TrainingSession

NOT_ATTENDED = N_(
    "no certificate: a certificate of attendance is issued only to people the centre has marked as attended"
)
NO_CERTIFICATE = N_("no certificate has this verification code")
CODE_SHAPE: Final[re.Pattern[str]] = re.compile(r"^ZC-[A-Z0-9]{4}-[A-Z0-9]{4}$")


def _certificate(view: RegistrationView) -> Certificate:
    registration, training_session, programme = view.registration, view.training_session, view.programme
    if registration.status != "registered" or not registration.attended or not registration.certificate_code:
        raise Conflict(NOT_ATTENDED)
    return Certificate(
        code=registration.certificate_code,
        participant=registration.name,
        city_zh=view.city.name_zh,
        city_en=view.city.name_en,
        programme_zh=programme.title_zh,
        programme_en=programme.title_en,
        session_zh=training_session.title_zh,
        session_en=training_session.title_en,
        starts_at=training_session.starts_at,
        ends_at=training_session.ends_at,
        hours=session_hours(training_session),
        trainers=tuple(training_session.trainers or ()),
        issued_on=registration.attendance_marked_at or utcnow(),
        sample=registration.sample or programme.sample,
    )


def certificate_for(session: Session, actor: Actor, registration_id: int) -> tuple[Certificate, str]:
    """The certificate of a registration the actor may see, and the participant's language for it."""
    view = get_registration(session, actor, registration_id)
    return _certificate(view), view.registration.locale


def certificate_file(
    session: Session, actor: Actor, registration_id: int, *, verify_base: str, locale: str | None = None
) -> tuple[str, bytes]:
    """``(filename, PDF bytes)``, in ``locale`` when given (zh_Hant or en), else the participant's language."""
    certificate, participant_locale = certificate_for(session, actor, registration_id)
    chosen = locale if locale in ("zh_Hant", "en") else participant_locale
    pdf = certificate_pdf(certificate, chosen, verification_url(verify_base, certificate.code))
    return f"certificate-{certificate.code}.pdf", pdf


def verification_url(base: str, code: str) -> str:
    return f"{base.rstrip('/')}/training/certificates/{code}"


def normalise_code(code: str) -> str:
    return code.strip().upper()


def verify_certificate(session: Session, code: str) -> Certificate:
    """What the certificate with this code states; an unknown or withdrawn code is not found."""
    code = normalise_code(code)
    if not CODE_SHAPE.match(code):
        raise NotFound(NO_CERTIFICATE)
    registration = session.scalar(select(TrainingRegistration).where(TrainingRegistration.certificate_code == code))
    if registration is None:
        raise NotFound(NO_CERTIFICATE)
    training_session = session.get(TrainingSession, registration.session_id)
    city = session.get(City, registration.city_id)
    if training_session is None or city is None:
        raise NotFound(NO_CERTIFICATE)
    programme = session.get(TrainingProgramme, training_session.programme_id)
    if programme is None:
        raise NotFound(NO_CERTIFICATE)
    view = RegistrationView(registration, training_session, programme, city, has_feedback=False)
    return _certificate(view)
