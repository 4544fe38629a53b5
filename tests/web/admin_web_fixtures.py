"""Shared by the administration page tests: a small fresh world on SQLite and on PostgreSQL, and browser-like clients.

Not the demo copy the other web tests use: these tests create cities and accounts, and the demo is slow to load on
PostgreSQL. The world is Kaohsiung with a 2020 draft holding one activity row, a centre administrator, and
Kaohsiung's editor and viewer. Its accounts are written straight into the table with one shared argon2 hash
(hashing costs about 0.1 s a password; ``tests/services/test_accounts.py`` covers ``create_user``).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import func, select

from zerocity.services import accounts, cities, inventories, records
from zerocity.services.actor import EDITOR, VIEWER, Actor
from zerocity.settings import Settings
from zerocity.store.db import Database
from zerocity.store.migrate import upgrade
from zerocity.store.models import ActivityRecord, AuditEntry, City, Membership, User
from zerocity.web.app import create_app
from zerocity.web.i18n import LOCALE_COOKIE

PASSWORD = "correct horse battery"
ADMIN_EMAIL = "admin@centre.example.org"
EDITOR_EMAIL = "editor@kaohsiung.example.org"
VIEWER_EMAIL = "viewer@kaohsiung.example.org"
SLUG, YEAR = "kaohsiung", 2020
ROW = {
    "gpc_ref": "I.2.1",
    "description": "hotel kitchens piped gas",
    "activity_value": "100",
    "activity_unit": "TJ",
    "factor_id": "ipcc2006/commercial_institutional/natural_gas",
}


@dataclass(frozen=True)
class AdminSite:
    db: Database
    settings: Settings
    admin_id: int
    editor_id: int
    viewer_id: int
    city_id: int
    record_id: int

    def client(self, email: str | None = None, password: str = PASSWORD, locale: str = "en") -> TestClient:
        """A browser-like client of a new app on this world's database (``Origin`` set, redirects not followed),
        signed in through the form when given an e-mail address."""
        app = create_app(self.settings, db=self.db)
        client = TestClient(app, headers={"Origin": "http://testserver"}, follow_redirects=False)
        client.cookies.set(LOCALE_COOKIE, locale)
        if email:
            answer = sign_in(client, email, password)
            assert answer.status_code == 303, answer.text
        return client

    def user(self, email: str) -> User:
        with self.db.read() as session:
            user = session.scalar(select(User).where(User.email == email))
            assert user is not None, email
            return user

    def roles(self, user_id: int) -> dict[str, str]:
        with self.db.read() as session:
            query = select(City.slug, Membership.role).join(City).where(Membership.user_id == user_id)
            return {slug: role for slug, role in session.execute(query)}

    def counts(self) -> dict[str, int]:
        """Row counts of what the administration pages change, to show that a refused request changed nothing."""
        with self.db.read() as session:
            return {
                model.__name__: session.scalar(select(func.count()).select_from(model)) or 0
                for model in (City, User, Membership, AuditEntry, ActivityRecord)
            }

    def record_form(self, **changes: str) -> dict[str, str]:
        """The inline editor's form for the draft's one row, at its current version."""
        with self.db.read() as session:
            record = session.get(ActivityRecord, self.record_id)
            assert record is not None
            cells, version = dict(record.cells), record.version
        form = {name: cells.get(name, "") for name in ("description", "activity_value", "activity_unit", "factor_id")}
        return {**form, "notation_key": "", "data_quality": "", "reason": "", "version": str(version), **changes}


def sign_in(client: TestClient, email: str, password: str) -> Response:
    return client.post("/login", data={"email": email, "password": password, "next": "/"})


def hidden_version(html: str) -> str:
    found = re.search(r'name="version" value="(\d+)"', html)
    assert found, "the form carries no version"
    return found.group(1)


def shown_password(html: str) -> str:
    found = re.search(r'id="one-time-password"[^>]*value="([^"]+)"', html)
    assert found, "no password on the page"
    return found.group(1)


@functools.cache
def _password_hash() -> str:
    return accounts.hash_password(PASSWORD)


@pytest.fixture
def admin_site(db_url: str, tmp_path: Path) -> Iterator[AdminSite]:
    upgrade(db_url)
    db = Database(db_url)
    system = Actor.system()
    with db.write() as session:
        fields = cities.NewCity(slug=SLUG, name_zh="高雄市", name_en="Kaohsiung", country="TW", area_km2=2951.85)
        city_id = cities.create_city(session, system, fields).id
        users = {
            email: User(email=email, display_name=name, password_hash=_password_hash(), is_admin=is_admin)
            for email, name, is_admin in (
                (ADMIN_EMAIL, "中心管理員", True),
                (EDITOR_EMAIL, "高雄承辦人", False),
                (VIEWER_EMAIL, "高雄檢視者", False),
            )
        }
        session.add_all(users.values())
        session.flush()
        session.add(Membership(user_id=users[EDITOR_EMAIL].id, city_id=city_id, role=EDITOR))
        session.add(Membership(user_id=users[VIEWER_EMAIL].id, city_id=city_id, role=VIEWER))
        inventories.create_inventory(session, system, SLUG, inventories.InventoryFields(year=YEAR))
        record = records.add_record(session, system, SLUG, YEAR, records.NewRecord(cells=ROW))
        ids = {email: user.id for email, user in users.items()}
        record_id = record.id
    try:
        yield AdminSite(
            db=db,
            settings=Settings(data_dir=tmp_path),
            admin_id=ids[ADMIN_EMAIL],
            editor_id=ids[EDITOR_EMAIL],
            viewer_id=ids[VIEWER_EMAIL],
            city_id=city_id,
            record_id=record_id,
        )
    finally:
        db.dispose()
