"""The centre's training pages: programme and session forms (deleting included), and the capacity dashboard with
its Excel export (src/zerocity/web/routers/pages_training_admin.py), against the real app on a copy of the demo
database."""

from __future__ import annotations

import io
import re
import tomllib
from collections.abc import Callable
from datetime import timedelta

import openpyxl
import pytest
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import select
from tests.services.knowledge.training_fixtures import FINANCE, PAST, UPCOMING, programmes_toml

from zerocity.services import accounts
from zerocity.services.actor import Actor
from zerocity.services.knowledge import training, training_dashboard, training_demo, training_registrations
from zerocity.store.db import Database
from zerocity.store.models import User, utcnow
from zerocity.store.training_models import TrainingProgramme, TrainingSession

ADMIN, EDITOR, VIEWER = "admin@zerocity.demo", "editor@kaohsiung.demo", "viewer@kaohsiung.demo"
Client = Callable[..., TestClient]

PROGRAMME = {
    "slug": "heat-adaptation",
    "title_zh": "熱調適",
    "title_en": "Heat adaptation",
    "level": "advanced",
    "language": "bilingual",
    "topics": ["adaptation", "engagement"],
    "summary_zh": "極端高溫下的城市。",
    "description_en": "## Why\n\nHeat kills. <script>alert(1)</script>",
}


def _programme(db: Database, slug: str) -> TrainingProgramme | None:
    with db.read() as session:
        return session.scalar(select(TrainingProgramme).where(TrainingProgramme.slug == slug))


# -- programmes -----------------------------------------------------------------------------------------------------
def test_the_centre_creates_a_programme_with_the_form_and_it_is_public(db: Database, make_client: Client) -> None:
    admin = make_client(ADMIN, locale="en")
    assert "Short name (in the address)" in admin.get("/training/new").text
    answer = admin.post("/training/new", data=PROGRAMME)
    assert answer.status_code == 303 and answer.headers["location"] == "/training/heat-adaptation"
    page = make_client(locale="en").get("/training/heat-adaptation").text
    assert "Heat adaptation" in page and "<h3>Why</h3>" in page and "<script>alert" not in page
    saved = _programme(db, "heat-adaptation")
    assert saved is not None and saved.topics == ["adaptation", "engagement"] and not saved.sample


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"topics": []}, "Choose at least one topic."),
        ({"title_zh": "", "title_en": ""}, "Give the programme a title in Chinese or in English."),
        ({"slug": "Not A Slug"}, "Use lower-case letters, digits and hyphens"),
        ({"slug": "dashboard"}, "this short name is reserved for a page of its own"),
        ({"topics": ["no-such-theme"]}, "Choose at least one topic."),
    ],
)
def test_a_programme_form_with_mistakes_is_shown_again_with_the_reasons(
    db: Database, make_client: Client, changes: dict[str, object], message: str
) -> None:
    answer = make_client(ADMIN, locale="en").post("/training/new", data=PROGRAMME | changes)
    assert answer.status_code in (409, 422)
    assert message in answer.text
    if "title_zh" not in changes:
        assert 'value="熱調適"' in answer.text  # what was typed stays in the form
    assert _programme(db, str((PROGRAMME | changes)["slug"])) is None


def test_the_centre_edits_a_programme_and_a_stale_form_is_refused(db: Database, make_client: Client) -> None:
    admin = make_client(ADMIN, locale="zh_Hant")
    admin.post("/training/new", data=PROGRAMME)
    form = admin.get("/training/heat-adaptation/edit").text
    version = re.search(r'name="version" value="(\d+)"', form)
    assert version is not None and 'value="adaptation" checked' in form
    changed = PROGRAMME | {"title_en": "Heat and health", "version": version.group(1)}
    assert admin.post("/training/heat-adaptation/edit", data=changed).status_code == 303
    stale = admin.post("/training/heat-adaptation/edit", data=changed | {"title_en": "Other"})
    assert stale.status_code == 409 and "在您開啟後已有其他人修改過" in stale.text
    saved = _programme(db, "heat-adaptation")
    assert saved is not None and saved.title_en == "Heat and health"


@pytest.mark.parametrize("email", [EDITOR, None])
def test_nobody_but_the_centre_reaches_the_programme_forms(
    db: Database, make_client: Client, email: str | None
) -> None:
    client = make_client(email)
    expected = 403 if email else 303  # the public is sent to sign in
    assert client.get("/training/new").status_code == expected
    assert client.post("/training/new", data=PROGRAMME).status_code == expected
    assert _programme(db, "heat-adaptation") is None


# -- sessions -------------------------------------------------------------------------------------------------------
SESSION = {
    "slug": "heat-2027-taichung",
    "title_zh": "熱調適工作坊",
    "start_date": "2027-05-04",
    "start_time": "09:00",
    "end_date": "",
    "end_time": "12:00",
    "place_zh": "臺中市政府",
    "capacity": "20",
    "language": "zh_Hant",
    "trainers": "王老師\nDr. Lee\n",
}


def test_the_centre_adds_a_session_in_taiwan_time_and_edits_its_capacity(db: Database, make_client: Client) -> None:
    admin = make_client(ADMIN, locale="en")
    admin.post("/training/new", data=PROGRAMME)
    answer = admin.post("/training/heat-adaptation/sessions/new", data=SESSION)
    assert answer.status_code == 303 and answer.headers["location"] == "/training/sessions/heat-2027-taichung"
    with db.read() as session:
        created = training.get_session(session, "heat-2027-taichung")
    assert training.in_taipei(created.starts_at).strftime("%Y-%m-%d %H:%M") == "2027-05-04 09:00"
    assert created.trainers == ["王老師", "Dr. Lee"] and created.capacity == 20
    form = admin.get("/training/sessions/heat-2027-taichung/edit").text
    assert 'value="09:00"' in form and 'value="2027-05-04"' in form
    changed = SESSION | {"capacity": "25", "version": re.search(r'name="version" value="(\d+)"', form).group(1)}  # type: ignore[union-attr]
    assert admin.post("/training/sessions/heat-2027-taichung/edit", data=changed).status_code == 303
    with db.read() as session:
        assert training.get_session(session, "heat-2027-taichung").capacity == 25


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"end_time": "08:00"}, "the end must follow the start"),
        ({"start_date": "not a date"}, "Give the start as a date and a time."),
        ({"capacity": "0"}, "Give the number of seats, from 1 to 10,000."),
        ({"place_zh": "", "online_url": ""}, "give a place or a link"),
        ({"online_url": "javascript:alert(1)"}, "Give an address starting with http:// or https://."),
    ],
)
def test_a_session_form_with_mistakes_is_shown_again_with_the_reasons(
    db: Database, make_client: Client, changes: dict[str, str], message: str
) -> None:
    admin = make_client(ADMIN, locale="en")
    admin.post("/training/new", data=PROGRAMME)
    answer = admin.post("/training/heat-adaptation/sessions/new", data=SESSION | changes)
    assert answer.status_code == 422 and message in answer.text
    with db.read() as session:
        assert session.scalar(select(TrainingSession).where(TrainingSession.slug == SESSION["slug"])) is None


# -- dashboard ------------------------------------------------------------------------------------------------------
def test_the_dashboard_shows_the_demo_figures_with_a_chart_and_the_cities_not_reached(
    db: Database, make_client: Client
) -> None:
    page = make_client(ADMIN, locale="zh_Hant").get("/training/dashboard?year=2026")
    assert page.status_code == 200
    text = page.text
    assert "2026 年能力建構儀表板" in text and "<svg" in text
    assert "屏東縣（示範）" in text and "尚未觸及" in text  # the demo leaves Pingtung out on purpose
    assert "受訓人數" in text and "涵蓋主題" in text and "滿意度" in text
    assert " style=" not in text.split("<svg", 1)[0]  # the page itself has no inline style (the SVG may)


def test_the_dashboard_is_for_the_centre_only(db: Database, make_client: Client) -> None:
    assert make_client(EDITOR).get("/training/dashboard").status_code == 403
    assert make_client(EDITOR).get("/training/dashboard.xlsx").status_code == 403
    visitor = make_client().get("/training/dashboard")
    assert visitor.status_code == 303 and visitor.headers["location"].startswith("/login")


def test_the_dashboard_downloads_as_a_workbook_with_the_same_figures(db: Database, make_client: Client) -> None:
    admin = make_client(ADMIN, locale="en")
    answer = admin.get("/training/dashboard.xlsx?year=2026")
    assert answer.status_code == 200 and "training-dashboard-2026.xlsx" in answer.headers["content-disposition"]
    book = openpyxl.load_workbook(io.BytesIO(answer.content), read_only=True)
    assert book.sheetnames == ["Cities", "People by year", "Topics", "Satisfaction", "Not reached"]
    cities = list(book["Cities"].iter_rows(values_only=True))
    assert cities[0] == ("City", "People trained", "Attendances", "Sessions")
    page = admin.get("/training/dashboard?year=2026").text
    people = {row[0]: row[1] for row in cities[1:] if row[0] and isinstance(row[1], int)}
    for city, count in people.items():
        assert re.search(rf"{re.escape(city)}.*?</td>\s*<td class=\"num\">{count}</td>", page, re.S), city
    assert [row[0] for row in book["Not reached"].iter_rows(min_row=2, values_only=True)] == ["Pingtung County (demo)"]
    chinese = make_client(ADMIN, locale="zh_Hant").get("/training/dashboard.xlsx?year=2026")
    assert openpyxl.load_workbook(io.BytesIO(chinese.content), read_only=True).sheetnames[0] == "城市"


def test_a_year_without_training_shows_zeros_and_every_city_not_reached(db: Database, make_client: Client) -> None:
    page = make_client(ADMIN, locale="en").get("/training/dashboard?year=2019").text
    assert "Capacity dashboard, 2019" in page and "<svg" not in page
    assert page.count("Not reached") >= 4


def test_the_dashboard_year_defaults_to_this_year_or_the_latest_with_sessions(
    db: Database, make_client: Client
) -> None:
    with db.read() as session:
        years = training_dashboard.dashboard_years(session)
    this_year = training.in_taipei(utcnow()).year
    expected = this_year if this_year in years else max(years)
    assert f"Capacity dashboard, {expected}" in make_client(ADMIN, locale="en").get("/training/dashboard").text


# -- deleting programmes and sessions ---------------------------------------------------------------------------------
@pytest.fixture
def db_with_courses(db: Database) -> Database:
    training_demo.load_programmes(db, tomllib.loads(programmes_toml()))
    return db


def _session_row(db: Database, slug: str) -> TrainingSession:
    with db.read() as session:
        return training.get_session(session, slug)


def _session_exists(db: Database, slug: str) -> bool:
    with db.read() as session:
        return session.scalar(select(TrainingSession.id).where(TrainingSession.slug == slug)) is not None


def _followed(client: TestClient, answer: Response) -> str:
    assert answer.status_code == 303, answer.text
    return client.get(answer.headers["location"]).text


def test_the_centre_deletes_a_session_people_registered_for_once_the_box_is_ticked(
    db_with_courses: Database, make_client: Client
) -> None:
    with db_with_courses.write() as session:
        viewer = accounts.actor_for(session, session.scalars(select(User).where(User.email == VIEWER)).one())
        training_registrations.register_self(session, viewer, UPCOMING)
    admin = make_client(ADMIN, locale="en")
    form = admin.get(f"/training/sessions/{UPCOMING}/edit").text
    assert "Delete this session" in form and "1 person is still registered and will lose the seat." in form
    assert f'action="/training/sessions/{UPCOMING}/delete"' in form

    unticked = admin.post(f"/training/sessions/{UPCOMING}/delete")
    assert "Tick the box to confirm the deletion." in _followed(admin, unticked)
    assert _session_exists(db_with_courses, UPCOMING)

    ticked = admin.post(f"/training/sessions/{UPCOMING}/delete", data={"confirm": "yes"})
    assert ticked.headers["location"] == "/training/gpc-basics"
    assert "The session was deleted." in _followed(admin, ticked)
    assert not _session_exists(db_with_courses, UPCOMING)


def test_a_session_with_recorded_attendance_says_why_it_stays_and_refuses_to_go(
    db_with_courses: Database, make_client: Client
) -> None:
    past = _session_row(db_with_courses, PAST)
    with db_with_courses.write() as session:
        editor = accounts.actor_for(session, session.scalars(select(User).where(User.email == EDITOR)).one())
        came = training_registrations.register_self(session, editor, PAST, now=past.starts_at - timedelta(days=7))
        training_registrations.set_attendance(session, Actor.system(), PAST, [came.id], now=past.ends_at)
    admin = make_client(ADMIN, locale="zh_Hant")
    form = admin.get(f"/training/sessions/{PAST}/edit").text
    assert "這個場次不能刪除" in form and f'action="/training/sessions/{PAST}/delete"' in form
    assert 'name="confirm"' not in form

    refused = admin.post(f"/training/sessions/{PAST}/delete", data={"confirm": "yes"})
    assert "這個場次不能刪除" in _followed(admin, refused)
    assert _session_exists(db_with_courses, PAST)
    refused = admin.post("/training/gpc-basics/delete", data={"confirm": "yes"})
    assert "這個課程不能刪除" in _followed(admin, refused)


def test_the_centre_deletes_a_programme_with_its_sessions(db_with_courses: Database, make_client: Client) -> None:
    admin = make_client(ADMIN, locale="en")
    form = admin.get("/training/climate-finance/edit").text
    assert "Delete the programme and its 1 session, with their materials and registrations." in form
    answer = admin.post("/training/climate-finance/delete", data={"confirm": "yes"})
    assert answer.headers["location"] == "/training"
    assert "The programme was deleted." in _followed(admin, answer)
    assert _programme(db_with_courses, "climate-finance") is None and not _session_exists(db_with_courses, FINANCE)
    assert make_client(locale="en").get("/training/climate-finance").status_code == 404


@pytest.mark.parametrize("email", [EDITOR, None])
def test_nobody_but_the_centre_deletes_programmes_or_sessions(
    db_with_courses: Database, make_client: Client, email: str | None
) -> None:
    client = make_client(email)
    expected = 403 if email else 303  # the public is sent to sign in
    assert client.post(f"/training/sessions/{FINANCE}/delete", data={"confirm": "yes"}).status_code == expected
    assert client.post("/training/climate-finance/delete", data={"confirm": "yes"}).status_code == expected
    assert _session_exists(db_with_courses, FINANCE) and _programme(db_with_courses, "climate-finance") is not None
