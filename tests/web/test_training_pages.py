"""The training pages against the real app on a copy of the demo database, with the test programmes of
``tests/services/knowledge/training_fixtures.py`` added: lists, a session's registration, staff registration,
cancelling, attendance, materials, feedback, certificates and their check, in both languages and without
JavaScript (plain forms and redirects)."""

from __future__ import annotations

import io
import re
import tomllib
from collections.abc import Callable
from datetime import timedelta

import pypdf
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from tests.services.knowledge.training_fixtures import FINANCE, PAST, UPCOMING, programmes_toml

from zerocity.services.accounts import actor_for
from zerocity.services.actor import Actor
from zerocity.services.knowledge import training_demo, training_registrations
from zerocity.store.db import Database
from zerocity.store.models import User
from zerocity.store.training_models import TrainingFeedback, TrainingRegistration, TrainingSession

ADMIN, EDITOR, VIEWER, TAINAN = (
    "admin@zerocity.demo", "editor@kaohsiung.demo", "viewer@kaohsiung.demo", "editor@tainan.demo"
)  # fmt: skip
PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\n%%EOF\n"
Client = Callable[..., TestClient]


@pytest.fixture
def db_with_courses(db: Database) -> Database:
    training_demo.load_programmes(db, tomllib.loads(programmes_toml()))
    return db


def _actor(db: Database, email: str) -> Actor:
    with db.read() as session:
        user = session.scalar(select(User).where(User.email == email))
        assert user is not None
        return actor_for(session, user)


def _session(db: Database, slug: str) -> TrainingSession:
    with db.read() as session:
        found = session.scalar(select(TrainingSession).where(TrainingSession.slug == slug))
    assert found is not None
    return found


def _attended(db: Database, email: str, slug: str = PAST) -> int:
    """The demo account registered (a week before) and marked as attending the session; returns the registration."""
    training_session = _session(db, slug)
    with db.write() as session:
        registration = training_registrations.register_self(
            session, _actor(db, email), slug, now=training_session.starts_at - timedelta(days=7)
        )
        registration_id = registration.id
        training_registrations.set_attendance(
            session, Actor.system(), slug, [registration_id], now=training_session.ends_at
        )
    return registration_id


def _registration(db: Database, registration_id: int) -> TrainingRegistration:
    with db.read() as session:
        found = session.get(TrainingRegistration, registration_id)
    assert found is not None
    return found


def _inline_free(html: str) -> None:
    """The CSP allows no inline script or style (default-src 'self')."""
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)
    assert " style=" not in html and "<style" not in html


# -- lists ----------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("locale", "words"),
    [("zh_Hant", ("培訓課程", "溫室氣體盤查入門", "即將舉行的場次", "示範內容")),
     ("en", ("Training programmes", "GHG inventory basics", "Upcoming sessions", "Sample content"))],
)  # fmt: skip
def test_the_training_page_lists_programmes_and_upcoming_sessions_in_the_readers_language(
    db_with_courses: Database, make_client: Client, locale: str, words: tuple[str, ...]
) -> None:
    answer = make_client(locale=locale).get("/training")
    assert answer.status_code == 200
    for word in words:
        assert word in answer.text, word
    assert f"/training/sessions/{UPCOMING}" in answer.text
    assert f"/training/sessions/{PAST}" not in answer.text  # over: not upcoming
    _inline_free(answer.text)


def test_a_programme_page_renders_its_markdown_description_without_the_script_in_it(
    db_with_courses: Database, make_client: Client
) -> None:
    answer = make_client(locale="zh_Hant").get("/training/gpc-basics")
    assert answer.status_code == 200
    assert "<h3>課程內容</h3>" in answer.text  # "##" in a page that has its own h1 and h2
    assert "<script>alert" not in answer.text
    assert f"/training/sessions/{UPCOMING}" in answer.text and f"/training/sessions/{PAST}" in answer.text
    assert "入門" in answer.text and "淨零轉型" in answer.text  # level and topic names
    _inline_free(answer.text)


def test_an_unknown_programme_or_session_is_a_friendly_404(db_with_courses: Database, make_client: Client) -> None:
    client = make_client(locale="en")
    for url in ("/training/no-such-course", "/training/sessions/no-such-session"):
        answer = client.get(url)
        assert answer.status_code == 404
        assert "Traceback" not in answer.text


def test_a_session_shows_its_time_in_taiwan_time_in_both_languages(
    db_with_courses: Database, make_client: Client
) -> None:
    chinese = make_client(locale="zh_Hant").get(f"/training/sessions/{PAST}").text
    english = make_client(locale="en").get(f"/training/sessions/{PAST}").text.replace("\u202f", " ")  # CLDR
    assert "2026年3月10日 上午9:30 – 下午4:30" in chinese
    assert "Mar 10, 2026, 9:30 AM – 4:30 PM" in english
    assert "林老師" in chinese and "https://ghgprotocol.org/ghg-protocol-cities" in english


# -- registering ----------------------------------------------------------------------------------------------------
def test_a_visitor_is_asked_to_sign_in_to_register(db_with_courses: Database, make_client: Client) -> None:
    page = make_client(locale="en").get(f"/training/sessions/{UPCOMING}").text
    assert "Sign in to register" in page and "/login?next=" in page
    refused = make_client(locale="en").post(f"/training/sessions/{UPCOMING}/register")
    assert refused.status_code == 303 and refused.headers["location"].startswith("/login")


def test_a_city_member_registers_with_one_click_and_sees_it_among_their_registrations(
    db_with_courses: Database, make_client: Client
) -> None:
    client = make_client(VIEWER, locale="zh_Hant")
    answer = client.post(f"/training/sessions/{UPCOMING}/register", data={"locale": "en"})
    assert answer.status_code == 303 and answer.headers["location"] == f"/training/sessions/{UPCOMING}"
    page = client.get(answer.headers["location"]).text
    assert "報名完成" in page and "您已報名本場次" in page and "取消我的報名" in page
    mine = client.get("/training/my")
    assert mine.status_code == 200 and "溫室氣體盤查入門" in mine.text
    assert mine.headers["cache-control"] == "no-store"


def test_a_full_session_refuses_with_a_clear_message_in_the_readers_language(
    db_with_courses: Database, make_client: Client
) -> None:
    make_client(EDITOR).post(f"/training/sessions/{UPCOMING}/register")
    make_client(TAINAN).post(f"/training/sessions/{UPCOMING}/register")  # two seats: now full
    page = make_client(VIEWER, locale="zh_Hant").get(f"/training/sessions/{UPCOMING}").text
    assert (
        "本場次已額滿，且不設候補名單" in page and 'action="/training/sessions/' + UPCOMING + '/register"' not in page
    )
    refused = make_client(VIEWER, locale="en").post(f"/training/sessions/{UPCOMING}/register")
    assert refused.status_code == 409
    assert "this session is full: every seat is taken, and there is no waiting list" in refused.text


def test_an_editor_registers_a_colleague_by_name_and_e_mail(db_with_courses: Database, make_client: Client) -> None:
    client = make_client(EDITOR, locale="en")
    form = client.get(f"/training/sessions/{UPCOMING}").text
    assert "Register a staff member" in form
    data = {"city": "kaohsiung", "name": "王小明", "email": "wang@kaohsiung.example.org", "locale": "zh_Hant"}
    answer = client.post(f"/training/sessions/{UPCOMING}/register-staff", data=data)
    assert answer.status_code == 303
    page = client.get(answer.headers["location"]).text
    assert "王小明" in page and "wang@kaohsiung.example.org" in page


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"city": "kaohsiung", "name": "王小明", "email": "not-an-address"}, "not an e-mail address"),
        ({"city": "kaohsiung", "name": "", "email": "a@example.org"}, "Give the participant"),
    ],
)
def test_a_colleague_with_a_bad_name_or_address_is_refused_and_the_form_keeps_the_input(
    db_with_courses: Database, make_client: Client, data: dict[str, str], message: str
) -> None:
    answer = make_client(EDITOR, locale="en").post(f"/training/sessions/{UPCOMING}/register-staff", data=data)
    assert answer.status_code in (400, 422)
    assert message in answer.text and f'value="{data["email"]}"' in answer.text


def test_a_viewer_or_another_citys_editor_cannot_register_kaohsiungs_staff(
    db_with_courses: Database, make_client: Client
) -> None:
    data = {"city": "kaohsiung", "name": "王小明", "email": "wang@kaohsiung.example.org"}
    viewer = make_client(VIEWER, locale="en")
    assert "Register a staff member" not in viewer.get(f"/training/sessions/{UPCOMING}").text
    assert viewer.post(f"/training/sessions/{UPCOMING}/register-staff", data=data).status_code == 403
    assert make_client(TAINAN).post(f"/training/sessions/{UPCOMING}/register-staff", data=data).status_code == 403
    upcoming = _session(db_with_courses, UPCOMING)
    with db_with_courses.read() as session:
        assert (
            session.scalar(select(TrainingRegistration.id).where(TrainingRegistration.session_id == upcoming.id))
            is None
        )


def test_a_participant_cancels_and_the_seat_is_free_again(db_with_courses: Database, make_client: Client) -> None:
    client = make_client(VIEWER, locale="en")
    client.post(f"/training/sessions/{UPCOMING}/register")
    registration_id = re.search(r"/training/registrations/(\d+)/cancel", client.get("/training/my").text)
    assert registration_id is not None
    answer = client.post(f"/training/registrations/{registration_id.group(1)}/cancel", data={"next": "/training/my"})
    assert answer.status_code == 303 and answer.headers["location"] == "/training/my"
    assert "Cancelled" in client.get("/training/my").text
    assert "2 seats left" in client.get(f"/training/sessions/{UPCOMING}").text
    stranger = make_client(TAINAN).post(f"/training/registrations/{registration_id.group(1)}/cancel")
    assert stranger.status_code == 404


# -- attendance, certificates and feedback --------------------------------------------------------------------------
def test_the_centre_marks_attendance_with_checkboxes_and_the_attendee_downloads_a_chinese_certificate(
    db_with_courses: Database, make_client: Client
) -> None:
    past = _session(db_with_courses, PAST)
    with db_with_courses.write() as session:
        fields = training_registrations.StaffRegistration(city="kaohsiung", name="王小明", email=EDITOR)
        registration_id = training_registrations.register_staff(
            session, Actor.system(), PAST, fields, now=past.starts_at - timedelta(days=3)
        ).id
    admin = make_client(ADMIN, locale="en")
    form = admin.get(f"/training/sessions/{PAST}").text
    assert f'name="attended" value="{registration_id}"' in form
    saved = admin.post(f"/training/sessions/{PAST}/attendance", data={"attended": [str(registration_id)]})
    assert saved.status_code == 303
    assert _registration(db_with_courses, registration_id).attended

    editor = make_client(EDITOR, locale="zh_Hant")
    links = editor.get("/training/my").text
    assert f"/training/registrations/{registration_id}/certificate.pdf" in links
    pdf = editor.get(f"/training/registrations/{registration_id}/certificate.pdf")
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert "attachment" in pdf.headers["content-disposition"]
    text = "".join(pypdf.PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text().split())
    assert "證書" in text and "王小明" in text and "高雄市（示範）" in text
    english = editor.get(f"/training/registrations/{registration_id}/certificate.pdf?lang=en")
    assert "Certificateofattendance" in "".join(
        pypdf.PdfReader(io.BytesIO(english.content)).pages[0].extract_text().split()
    )


def test_a_certificate_for_someone_who_did_not_attend_is_refused_with_the_reason(
    db_with_courses: Database, make_client: Client
) -> None:
    past = _session(db_with_courses, PAST)
    with db_with_courses.write() as session:
        registration_id = training_registrations.register_self(
            session, _actor(db_with_courses, VIEWER), PAST, now=past.starts_at - timedelta(days=3)
        ).id
    answer = make_client(VIEWER, locale="zh_Hant").get(f"/training/registrations/{registration_id}/certificate.pdf")
    assert answer.status_code == 409
    assert (
        "研習證書只核發給中心登記為出席的學員" in answer.text
        and "application/pdf" not in answer.headers["content-type"]
    )


def test_anyone_checks_a_certificate_code_and_an_unknown_one_is_not_found(
    db_with_courses: Database, make_client: Client
) -> None:
    code = _registration(db_with_courses, _attended(db_with_courses, EDITOR)).certificate_code
    client = make_client(locale="en")
    lookup = client.get("/training/certificates", params={"code": f" {str(code).lower()} "})
    assert lookup.status_code == 303 and lookup.headers["location"] == f"/training/certificates/{code}"
    page = client.get(f"/training/certificates/{code}")
    assert page.status_code == 200
    assert "This certificate is valid" in page.text and "GHG inventory basics" in page.text and ">7<" in page.text
    assert client.get("/training/certificates/ZC-AAAA-BBBB").status_code == 404
    assert "Verification code" in client.get("/training/certificates").text


def test_an_attendee_gives_feedback_once_and_others_may_not(db_with_courses: Database, make_client: Client) -> None:
    _attended(db_with_courses, EDITOR)
    client = make_client(EDITOR, locale="en")
    assert "Your feedback" in client.get(f"/training/sessions/{PAST}").text
    ratings = {"content_rating": "5", "trainer_rating": "4", "usefulness_rating": "5", "comment": "很實用"}
    sent = client.post(f"/training/sessions/{PAST}/feedback", data=ratings)
    assert sent.status_code == 303
    page = client.get(sent.headers["location"]).text
    assert "Thank you: your feedback was recorded." in page and "Your feedback" not in page
    again = client.post(f"/training/sessions/{PAST}/feedback", data=ratings)
    assert again.status_code == 409 and "you have already given feedback for this session" in again.text
    stranger = make_client(TAINAN, locale="en").post(f"/training/sessions/{PAST}/feedback", data=ratings)
    assert stranger.status_code == 403 and "only people who attended this session can give feedback" in stranger.text
    past = _session(db_with_courses, PAST)
    with db_with_courses.read() as session:
        answers = session.scalars(select(TrainingFeedback).where(TrainingFeedback.session_id == past.id))
        assert [a.comment for a in answers] == ["很實用"]
    assert "很實用" in make_client(ADMIN).get(f"/training/sessions/{PAST}").text  # the centre reads answers


def test_a_rating_outside_one_to_five_is_refused_and_kept_in_the_form(
    db_with_courses: Database, make_client: Client
) -> None:
    _attended(db_with_courses, EDITOR)
    data = {"content_rating": "9", "trainer_rating": "x", "usefulness_rating": "5"}
    answer = make_client(EDITOR, locale="en").post(f"/training/sessions/{PAST}/feedback", data=data)
    assert answer.status_code == 422 and "Rate the session from 1 to 5 on each question." in answer.text


# -- materials ------------------------------------------------------------------------------------------------------
def test_the_centre_uploads_a_file_that_everyone_can_download_and_removes_it(
    db_with_courses: Database, make_client: Client
) -> None:
    admin = make_client(ADMIN, locale="en")
    files = {"file": ("講義.pdf", PDF, "application/pdf")}
    uploaded = admin.post(f"/training/sessions/{PAST}/materials", data={"title_zh": "講義"}, files=files)
    assert uploaded.status_code == 303
    page = make_client(locale="zh_Hant").get(f"/training/sessions/{PAST}").text
    material_id = re.search(r'href="/training/materials/(\d+)">講義', page)
    assert material_id is not None
    download = make_client().get(f"/training/materials/{material_id.group(1)}")
    assert download.status_code == 200 and download.content == PDF
    assert (
        download.headers["content-type"] == "application/pdf"
        and "attachment" in download.headers["content-disposition"]
    )
    assert admin.post(f"/training/materials/{material_id.group(1)}/delete").status_code == 303
    assert make_client().get(f"/training/materials/{material_id.group(1)}").status_code == 404


def test_a_file_of_a_refused_type_is_not_stored_and_the_centre_is_told_why(
    db_with_courses: Database, make_client: Client
) -> None:
    admin = make_client(ADMIN, locale="en")
    files = {"file": ("slides.pdf", b"<html><script>alert(1)</script>", "application/pdf")}
    answer = admin.post(f"/training/sessions/{PAST}/materials", data={"title_en": "Slides"}, files=files)
    assert answer.status_code == 303
    assert "the file&#39;s content does not match its extension" in admin.get(answer.headers["location"]).text


@pytest.mark.parametrize("email", [EDITOR, VIEWER, None])
def test_only_the_centre_adds_materials(db_with_courses: Database, make_client: Client, email: str | None) -> None:
    client = make_client(email)
    files = {"file": ("講義.pdf", PDF, "application/pdf")}
    answer = client.post(f"/training/sessions/{PAST}/materials", data={"title_zh": "講義"}, files=files)
    assert answer.status_code == (303 if email is None else 403)  # the public is sent to sign in
    link = client.post(f"/training/sessions/{PAST}/links", data={"title_en": "x", "url": "https://example.org"})
    assert link.status_code == (303 if email is None else 403)
    assert "講義" not in make_client().get(f"/training/sessions/{PAST}").text


def test_the_centre_adds_a_link_and_a_dangerous_one_is_refused(db_with_courses: Database, make_client: Client) -> None:
    admin = make_client(ADMIN, locale="en")
    admin.post(
        f"/training/sessions/{FINANCE}/links", data={"title_en": "Recording", "url": "https://video.example.org/1"}
    )
    bad = admin.post(f"/training/sessions/{FINANCE}/links", data={"title_en": "Bad", "url": "javascript:alert(1)"})
    page = admin.get(bad.headers["location"]).text
    assert 'href="https://video.example.org/1"' in page and "javascript:alert" not in page
