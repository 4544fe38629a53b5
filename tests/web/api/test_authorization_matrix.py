"""Every write endpoint of the API, tried by every kind of caller on Kaohsiung's data.

Allowed: a centre administrator and Kaohsiung's editor; approving and reopening an inventory, and creating a city,
only the administrator. Refused: Kaohsiung's viewer, Tainan's editor and the public, and a refused write must
change nothing: the row counts of cities, inventories, activity records, imports and the audit log, and the
versions and states of Kaohsiung's city profile and inventories, are compared before and after.

The matrix runs on SQLite and on PostgreSQL. It shares one demo database per backend across the module (the
root conftest's ``db_url`` gives a fresh, empty database per test, and loading the demo that often would take
minutes), so each case first brings the data it writes to into the state it needs, as the system actor, through
the services. The cases therefore hold in any order, and one at a time.
"""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from tests.web.api import Api, counts, csv_bytes, load_demo_with_tokens

from zerocity.services import factor_sets, imports, inventories
from zerocity.services.actor import Actor
from zerocity.settings import Settings
from zerocity.store.db import Database
from zerocity.store.migrate import upgrade
from zerocity.store.models import ActivityRecord, City, Inventory
from zerocity.web.app import create_app

#: The callers, and how a test name reads them.
ROLES = {
    "admin": "an administrator",
    "kaohsiung editor": "Kaohsiung's editor",
    "kaohsiung viewer": "Kaohsiung's viewer",
    "tainan editor": "Tainan's editor",
    "anonymous": "the public",
}
EDITORS = frozenset({"admin", "kaohsiung editor"})
ADMIN = frozenset({"admin"})
SYSTEM = Actor.system()
BASE = "/api/cities/kaohsiung/inventories"
_unique = itertools.count(1)


def new_row() -> dict[str, str]:
    """A row that computes, and differs from every earlier one (identical rows are refused as duplicates)."""
    return {
        "gpc_ref": "I.2.1",
        "description": f"hotel kitchens piped gas, site {next(_unique)}",
        "activity_value": "100",
        "activity_unit": "TJ",
        "factor_id": "ipcc2006/commercial_institutional/natural_gas",
    }


@dataclass(frozen=True)
class Call:
    method: str
    url: str
    options: dict[str, Any] = field(default_factory=dict)


@pytest.fixture(
    scope="module",
    params=[pytest.param("sqlite", id="sqlite"), pytest.param("postgresql", id="postgresql", marks=pytest.mark.pg)],
)
def world(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    """The demo behind the API, once per backend for the whole module."""
    directory = tmp_path_factory.mktemp("matrix")
    dropped: Callable[[], None] = lambda: None  # noqa: E731
    if request.param == "sqlite":
        url = f"sqlite:///{directory / 'zerocity.sqlite3'}"
    else:
        cluster = request.getfixturevalue("pg_cluster")
        name = f"t_{uuid.uuid4().hex}"
        url = cluster.create_database(name)
        dropped = lambda: cluster.drop_database(name)  # noqa: E731
    upgrade(url)
    db = Database(url)
    tokens = load_demo_with_tokens(db)
    settings = Settings(data_dir=Path(directory))
    yield Api(TestClient(create_app(settings, db=db)), db, tokens, settings)
    db.dispose()
    dropped()


# -- bringing an inventory into the state a case needs ----------------------------------------------------------
def _inventory(world: Api, year: int) -> Inventory:
    with world.db.read() as session:
        return inventories.get_inventory(session, SYSTEM, "kaohsiung", year)[1]


def _step(world: Api, year: int, action: str) -> None:
    with world.db.write() as session:
        inventories.change_status(session, SYSTEM, "kaohsiung", year, action, reason="authorization matrix set-up")


def ensure_state(world: Api, year: int, status: str, published: bool = False) -> Inventory:
    """Walks the inventory through the workflow (as the system) until it has this status and publication."""
    inventory = _inventory(world, year)
    if inventory.status != status and inventory.status != "draft":
        _step(world, year, "reopen")
    if status in ("submitted", "approved") and _inventory(world, year).status == "draft":
        _step(world, year, "submit")
    if status == "approved" and _inventory(world, year).status == "submitted":
        _step(world, year, "approve")
    inventory = _inventory(world, year)
    if inventory.published != published:
        _step(world, year, "publish" if published else "unpublish")
    inventory = _inventory(world, year)
    assert (inventory.status, inventory.published) == (status, published)
    return inventory


def _a_record(world: Api, last: bool = False) -> ActivityRecord:
    draft = ensure_state(world, 2020, "draft")
    order = ActivityRecord.line.desc() if last else ActivityRecord.line
    with world.db.read() as session:
        found = session.scalars(select(ActivityRecord).where(ActivityRecord.inventory_id == draft.id).order_by(order))
        return found.first()  # type: ignore[return-value]


def _status_call(world: Api, year: int, action: str, **body: Any) -> Call:
    version = _inventory(world, year).version
    return Call("POST", f"{BASE}/{year}/status", {"json": {"action": action, "version": version, **body}})


def _upload(commit: bool) -> dict[str, Any]:
    return {
        "files": {"file": ("extra.csv", csv_bytes([new_row()]), "text/csv")},
        "data": {"mode": "append", "commit": str(commit).lower()},
    }


# -- the write endpoints ----------------------------------------------------------------------------------------
def create_city(world: Api) -> Call:
    slug = f"new-city-{next(_unique)}"
    return Call("POST", "/api/cities", {"json": {"slug": slug, "name_zh": "新城", "name_en": "New", "country": "TW"}})


def update_city(world: Api) -> Call:
    with world.db.read() as session:
        version = session.scalars(select(City.version).where(City.slug == "kaohsiung")).one()
    return Call("PATCH", "/api/cities/kaohsiung", {"json": {"version": version, "region": f"r{next(_unique)}"}})


def create_inventory(world: Api) -> Call:
    with world.db.read() as session:
        city = session.scalars(select(City).where(City.slug == "kaohsiung")).one()
        years = set(session.scalars(select(Inventory.year).where(Inventory.city_id == city.id)))
    return Call("POST", BASE, {"json": {"year": min(set(range(2021, 2100)) - years)}})


def submit(world: Api) -> Call:
    ensure_state(world, 2020, "draft")
    return _status_call(world, 2020, "submit")


def approve(world: Api) -> Call:
    ensure_state(world, 2020, "submitted")
    return _status_call(world, 2020, "approve")


def reopen(world: Api) -> Call:
    ensure_state(world, 2019, "approved", published=True)
    return _status_call(world, 2019, "reopen", reason="the grid factor was revised")


def publish(world: Api) -> Call:
    ensure_state(world, 2018, "approved", published=False)
    return _status_call(world, 2018, "publish")


def unpublish(world: Api) -> Call:
    ensure_state(world, 2017, "approved", published=True)
    return _status_call(world, 2017, "unpublish")


def add_record(world: Api) -> Call:
    ensure_state(world, 2020, "draft")
    return Call("POST", f"{BASE}/2020/records", {"json": {"cells": new_row(), "reason": "late data"}})


def update_record(world: Api) -> Call:
    record = _a_record(world)
    body = {"cells": {"description": f"edited {next(_unique)}"}, "version": record.version}
    return Call("PATCH", f"/api/records/{record.id}", {"json": body})


def delete_record(world: Api) -> Call:
    record = _a_record(world, last=True)
    return Call("DELETE", f"/api/records/{record.id}?version={record.version}")


def preview_import(world: Api) -> Call:
    ensure_state(world, 2020, "draft")
    return Call("POST", f"{BASE}/2020/imports", _upload(commit=False))


def import_at_once(world: Api) -> Call:
    ensure_state(world, 2020, "draft")
    return Call("POST", f"{BASE}/2020/imports", _upload(commit=True))


def commit_import(world: Api) -> Call:
    ensure_state(world, 2020, "draft")
    with world.db.write() as session:
        preview = imports.preview_import(
            session, SYSTEM, "kaohsiung", 2020, "extra.csv", csv_bytes([new_row()]), mode="append"
        )
        assert preview.ok, preview.issues
        batch_id = preview.batch.id
    return Call("POST", f"/api/imports/{batch_id}/commit")


FACTOR_FILE = b"factor_id,activity_unit,mass_unit,co2e,source\ncity:kaohsiung/retailer,kWh,kg,0.5,retailer letter\n"


def _a_factor_set(world: Api) -> int:
    with world.db.write() as session:
        fields = factor_sets.FactorSetFields(name=f"matrix set {next(_unique)}")
        return factor_sets.upload_factor_set(session, SYSTEM, "kaohsiung", "f.csv", FACTOR_FILE, fields).id


def upload_factor_set(world: Api) -> Call:
    body = {"files": {"file": ("f.csv", FACTOR_FILE, "text/csv")}, "data": {"name": f"set {next(_unique)}"}}
    return Call("POST", "/api/cities/kaohsiung/factor-sets", body)


def delete_factor_set(world: Api) -> Call:
    return Call("DELETE", f"/api/cities/kaohsiung/factor-sets/{_a_factor_set(world)}")


def choose_factor_set(world: Api) -> Call:
    ensure_state(world, 2020, "draft")
    return Call("PUT", f"{BASE}/2020/factor-set", {"json": {"factor_set_id": _a_factor_set(world)}})


WRITES: list[tuple[str, Callable[[Api], Call], frozenset[str]]] = [
    ("create a city", create_city, ADMIN),
    ("change Kaohsiung's profile", update_city, EDITORS),
    ("start a new Kaohsiung inventory", create_inventory, EDITORS),
    ("submit Kaohsiung's draft for review", submit, EDITORS),
    ("approve Kaohsiung's submitted inventory", approve, ADMIN),
    ("reopen Kaohsiung's approved inventory", reopen, ADMIN),
    ("publish Kaohsiung's approved inventory", publish, EDITORS),
    ("unpublish Kaohsiung's published inventory", unpublish, EDITORS),
    ("add a row to Kaohsiung's draft", add_record, EDITORS),
    ("change a row of Kaohsiung's draft", update_record, EDITORS),
    ("delete a row of Kaohsiung's draft", delete_record, EDITORS),
    ("preview an import into Kaohsiung's draft", preview_import, EDITORS),
    ("import a file into Kaohsiung's draft at once", import_at_once, EDITORS),
    ("commit a previewed import into Kaohsiung's draft", commit_import, EDITORS),
    ("upload a factor set for Kaohsiung", upload_factor_set, EDITORS),
    ("delete an unused factor set of Kaohsiung", delete_factor_set, EDITORS),
    ("choose the factor set of Kaohsiung's draft", choose_factor_set, EDITORS),
]
CASES = [
    pytest.param(role, prepare, role in allowed, id=f"{who} {'may' if role in allowed else 'may not'} {what}")
    for what, prepare, allowed in WRITES
    for role, who in ROLES.items()
]


def snapshot(db: Database) -> dict[str, Any]:
    """Row counts, and the version and state of Kaohsiung's profile and inventories."""
    with db.read() as session:
        city = session.scalars(select(City).where(City.slug == "kaohsiung")).one()
        found = session.scalars(select(Inventory).where(Inventory.city_id == city.id))
        states = {i.year: (i.version, i.status, i.published, i.record_count) for i in found}
        return {"counts": counts(db), "city_version": city.version, "inventories": states}


@pytest.mark.parametrize(("role", "prepare", "allowed"), CASES)
def test_only_the_right_people_may_write(world: Api, role: str, prepare: Callable[[Api], Call], allowed: bool) -> None:
    call = prepare(world)
    before = snapshot(world.db)

    response = world.request(call.method, call.url, role, **call.options)

    after = snapshot(world.db)
    if allowed:
        assert response.status_code in (200, 201, 204), response.text
        assert after != before
    else:
        # The public is asked to sign in, unless the data is a draft it may not even know exists (404).
        refused = (401, 404) if role == "anonymous" else (403, 404)
        assert response.status_code in refused, response.text
        assert response.json()["error"]["code"] in ("not_authenticated", "forbidden", "not_found")
        assert after == before
