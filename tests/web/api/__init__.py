"""Helpers for the REST API tests: the demo platform behind an in-process client, with an API token per demo account.

Loading the demo (four cities, four years each, four accounts) takes a second or two, so each test process builds
it once into a template SQLite file and every test gets its own copy (SQLite's backup API copies it in
milliseconds); a test can then change anything without disturbing the others.
"""

from __future__ import annotations

import atexit
import csv
import io
import shutil
import sqlite3
import tempfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from zerocity.services import accounts
from zerocity.services.demo import load_demo
from zerocity.settings import Settings
from zerocity.store.db import Database
from zerocity.store.migrate import upgrade
from zerocity.store.models import ActivityRecord, AuditEntry, City, ImportBatch, Inventory, User
from zerocity.web.app import create_app

#: The demo accounts by the role they play in the tests.
ACCOUNTS = {
    "admin": "admin@zerocity.demo",
    "kaohsiung editor": "editor@kaohsiung.demo",
    "kaohsiung viewer": "viewer@kaohsiung.demo",
    "tainan editor": "editor@tainan.demo",
}
#: What a browser sends with a form post from this site; the CSRF check wants it when no bearer token is used.
SAME_ORIGIN = {"Origin": "http://testserver"}


def load_demo_with_tokens(db: Database) -> dict[str, str]:
    """Loads the demo into a migrated database and returns a new API token per demo account, by role."""
    load_demo(db)
    tokens: dict[str, str] = {}
    with db.write() as session:
        for role, email in ACCOUNTS.items():
            user = session.scalar(select(User).where(User.email == email))
            assert user is not None, email
            _, tokens[role] = accounts.create_api_token(session, accounts.actor_for(session, user), f"tests ({role})")
    return tokens


@cache
def _template() -> tuple[Path, dict[str, str]]:
    directory = Path(tempfile.mkdtemp(prefix="zerocity-api-template-"))
    atexit.register(shutil.rmtree, directory, ignore_errors=True)
    path = directory / "demo.sqlite3"
    url = f"sqlite:///{path}"
    upgrade(url)
    db = Database(url)
    tokens = load_demo_with_tokens(db)
    db.dispose()
    return path, tokens


def copy_demo(target: Path) -> dict[str, str]:
    """Writes a private copy of the demo database to ``target``; returns the API tokens that open it, by role."""
    template, tokens = _template()
    source, copy = sqlite3.connect(template), sqlite3.connect(target)
    try:
        source.backup(copy)
    finally:
        source.close()
        copy.close()
    return tokens


def demo_database(directory: Path) -> tuple[Database, dict[str, str]]:
    """A private copy of the demo database in ``directory`` and the API tokens that open it."""
    target = directory / "zerocity.sqlite3"
    tokens = copy_demo(target)
    return Database(f"sqlite:///{target}"), tokens


@dataclass
class Api:
    """The app, its database and a client; ``as_(role)`` gives the headers of that caller."""

    client: TestClient
    db: Database
    tokens: dict[str, str]
    settings: Settings

    def as_(self, role: str) -> dict[str, str]:
        if role == "anonymous":
            return dict(SAME_ORIGIN)
        return {"Authorization": f"Bearer {self.tokens[role]}"}

    def request(
        self, method: str, url: str, role: str = "admin", headers: dict[str, str] | None = None, **kw: Any
    ) -> Any:
        return self.client.request(method, url, headers=self.as_(role) | (headers or {}), **kw)

    def get(self, url: str, role: str = "admin", **kwargs: Any) -> Any:
        return self.request("GET", url, role, **kwargs)

    def post(self, url: str, role: str = "admin", **kwargs: Any) -> Any:
        return self.request("POST", url, role, **kwargs)

    def patch(self, url: str, role: str = "admin", **kwargs: Any) -> Any:
        return self.request("PATCH", url, role, **kwargs)

    def delete(self, url: str, role: str = "admin", **kwargs: Any) -> Any:
        return self.request("DELETE", url, role, **kwargs)


def demo_api(directory: Path, **settings: Any) -> Api:
    db, tokens = demo_database(directory)
    config = Settings(data_dir=directory, **settings)
    return Api(TestClient(create_app(config, db=db)), db, tokens, config)


def counts(db: Database) -> dict[str, int]:
    """Row counts of the tables a write may touch."""
    with db.read() as session:
        return {
            model.__tablename__: session.scalar(select(func.count()).select_from(model)) or 0
            for model in (City, Inventory, ActivityRecord, AuditEntry, ImportBatch)
        }


def error_of(response: Any) -> dict[str, Any]:
    """The ``error`` object of a JSON error answer (fails when the body does not have that shape)."""
    body = response.json()
    assert set(body) == {"error"}, body
    assert {"code", "message"} <= set(body["error"]), body
    return body["error"]  # type: ignore[no-any-return]


def csv_bytes(rows: list[dict[str, str]]) -> bytes:
    """An activity file with these rows (columns in order of first appearance)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(dict.fromkeys(name for row in rows for name in row)))
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")
