"""Certificates through the service: only for attendees, downloaded by the participant, their city's editor or the
centre, in the participant's language, and checked by anyone holding the code."""

from __future__ import annotations

import io

import pypdf
import pytest
from tests.services.conftest import World
from tests.services.knowledge.training_fixtures import (
    FINANCE,
    PAST,
    courses,
    mark_attended,
    register_self,
    register_staff,
    registration,
)

from zerocity.services.errors import Conflict, NotFound
from zerocity.services.knowledge import training_certificates

__all__ = ["courses"]
BASE = "https://zerocity.example.org"


def _text(pdf: bytes) -> str:
    return "".join("".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages).split())


def test_an_attendee_gets_a_certificate_in_their_language_naming_them_their_city_and_the_session(
    courses: World,
) -> None:
    registration_id = register_staff(courses, courses.editor, PAST, "王小明", "wang@kaohsiung.example.org")
    mark_attended(courses, PAST, registration_id)
    code = registration(courses, registration_id).certificate_code
    with courses.db.read() as session:
        filename, pdf = training_certificates.certificate_file(
            session, courses.admin, registration_id, verify_base=BASE
        )
    text = _text(pdf)
    assert filename == f"certificate-{code}.pdf"
    for expected in ("證書", "王小明", "高雄市", "溫室氣體盤查入門", "2026年3月10日", "7小時", str(code)):
        assert expected in text, expected
    assert f"{BASE}/training/certificates/{code}" in text


def test_the_reader_may_ask_for_the_other_language(courses: World) -> None:
    registration_id = register_self(courses, courses.other_editor, FINANCE, locale="zh_Hant")
    mark_attended(courses, FINANCE, registration_id)
    with courses.db.read() as session:
        _, pdf = training_certificates.certificate_file(
            session, courses.other_editor, registration_id, verify_base=BASE, locale="en"
        )
    text = _text(pdf)
    assert "Certificateofattendance" in text and "Climatefinance" in text and "3.5hours" in text


def test_someone_who_registered_but_did_not_attend_is_refused_a_certificate_with_a_reason(courses: World) -> None:
    came = register_self(courses, courses.editor, PAST)
    absent = register_self(courses, courses.viewer, PAST)
    mark_attended(courses, PAST, came)
    with pytest.raises(Conflict, match="only to people the centre has marked as attended"), courses.db.read() as s:
        training_certificates.certificate_file(s, courses.viewer, absent, verify_base=BASE)


def test_a_cancelled_registration_has_no_certificate(courses: World) -> None:
    registration_id = register_self(courses, courses.viewer, PAST)
    with pytest.raises(Conflict), courses.db.read() as session:
        training_certificates.certificate_for(session, courses.admin, registration_id)


@pytest.mark.parametrize(
    ("role", "allowed"),
    [("admin", True), ("editor", True), ("viewer", True), ("other_editor", False), ("public", False)],
)
def test_a_certificate_is_downloaded_by_the_participant_their_citys_editor_or_the_centre(
    courses: World, role: str, allowed: bool
) -> None:
    registration_id = register_self(courses, courses.viewer, PAST)
    mark_attended(courses, PAST, registration_id)
    with courses.db.read() as session:
        if allowed:
            certificate, locale = training_certificates.certificate_for(
                session, getattr(courses, role), registration_id
            )
            assert certificate.participant == "viewer" and locale == "zh_Hant"
        else:
            with pytest.raises(NotFound):
                training_certificates.certificate_for(session, getattr(courses, role), registration_id)


def test_anyone_checks_a_code_and_reads_what_the_certificate_states(courses: World) -> None:
    registration_id = register_staff(courses, courses.editor, PAST, "王小明", "wang@kaohsiung.example.org")
    mark_attended(courses, PAST, registration_id)
    code = str(registration(courses, registration_id).certificate_code)
    with courses.db.read() as session:
        checked = training_certificates.verify_certificate(session, f"  {code.lower()} ")
    assert (checked.participant, checked.city_zh, checked.programme_en, checked.hours) == (
        "王小明",
        "高雄市",
        "GHG inventory basics",
        7.0,
    )


@pytest.mark.parametrize("code", ["ZC-AAAA-BBBB", "nonsense", "", "ZC-" + "A" * 500])
def test_an_unknown_or_malformed_code_is_not_found(courses: World, code: str) -> None:
    with pytest.raises(NotFound), courses.db.read() as session:
        training_certificates.verify_certificate(session, code)


def test_a_code_withdrawn_by_unmarking_attendance_no_longer_checks(courses: World) -> None:
    registration_id = register_self(courses, courses.editor, PAST)
    mark_attended(courses, PAST, registration_id)
    code = str(registration(courses, registration_id).certificate_code)
    mark_attended(courses, PAST)
    with pytest.raises(NotFound), courses.db.read() as session:
        training_certificates.verify_certificate(session, code)
