"""Shared fixtures of the web tests: a copy of the demo database per test and browser-like clients."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from zerocity.services.demo import DEMO_PASSWORD, load_demo
from zerocity.settings import Settings
from zerocity.store.db import Database
from zerocity.store.migrate import upgrade
from zerocity.web.app import create_app


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo database, migrated and loaded once per test process; tests get their own copy of the file."""
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite3"
    url = f"sqlite:///{path}"
    upgrade(url)
    db = Database(url)
    load_demo(db)
    db.dispose()
    return path


@pytest.fixture
def db(demo_template: Path, tmp_path: Path) -> Iterator[Database]:
    path = tmp_path / "zerocity.sqlite3"
    shutil.copyfile(demo_template, path)
    database = Database(f"sqlite:///{path}")
    yield database
    database.dispose()


@pytest.fixture
def make_client(db: Database, tmp_path: Path) -> Callable[..., TestClient]:
    """``make_client(email=None, locale="en", headers=None, **settings)``: a browser-like client (``Origin`` set, so
    the CSRF check passes; redirects not followed), signed in through the form when given an e-mail."""

    def make(
        email: str | None = None, locale: str = "en", headers: dict[str, str] | None = None, **settings: object
    ) -> TestClient:
        app = create_app(Settings(data_dir=tmp_path, **settings), db=db)  # type: ignore[arg-type]
        client = TestClient(app, headers={"Origin": "http://testserver", **(headers or {})}, follow_redirects=False)
        client.cookies.set("zerocity_locale", locale)
        if email:
            answer = client.post("/login", data={"email": email, "password": DEMO_PASSWORD, "next": "/"})
            assert answer.status_code == 303, answer.text
        return client

    return make
