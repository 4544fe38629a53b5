"""Fixtures for the service tests: a migrated database on both backends (``db_url`` from ``tests/conftest.py``) and
a small two-city world in it, with one actor per role.

The world's accounts are written straight into the tables with one shared argon2 hash: hashing costs about 0.1 s a
password, and ``tests/services/test_accounts.py`` covers ``create_user`` itself.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import select

from zerocity.services import accounts, cities, imports, inventories
from zerocity.services.actor import EDITOR, VIEWER, Actor
from zerocity.store.db import Database
from zerocity.store.models import ActivityRecord, AuditEntry, ImportBatch, Inventory, Membership, RefResult, User

PASSWORD = "correct horse battery"
YEAR = 2020

#: A small 2020 inventory: fuel rows (IPCC defaults), grid electricity (CO2e-only factor), a notation key and a
#: directly reported F-gas. Spreadsheet rows 2-7.
ACTIVITY = (
    b"gpc_ref,activity_value,activity_unit,factor_id,gas,emissions_t,notation_key,data_quality,source,year\n"
    b"I.1.1,100,TJ,ipcc2006/residential/natural_gas,,,,M,utility gas sales,2020\n"
    b"I.1.2,1000000,kWh,tw-grid,,,,H,Taipower sales,2020\n"
    b"I.2.1,50,TJ,ipcc2006/commercial_institutional/liquefied_petroleum_gases,,,,M,LPG survey,2020\n"
    b"II.1.1,200,TJ,ipcc2006/road/gas_diesel_oil,,,,M,fuel sales,2020\n"
    b"I.7.1,,,,,,NO,,no coal mines,2020\n"
    b"IV.2,,,,HFC-134a,2,,L,refrigerant survey,2020\n"
)


@dataclass(frozen=True)
class World:
    """Kaohsiung (with a 2020 draft holding ``ACTIVITY``) and Tainan (no inventory), and who acts on them."""

    db: Database
    admin: Actor
    editor: Actor  # Kaohsiung editor
    viewer: Actor  # Kaohsiung viewer
    other_editor: Actor  # Tainan editor
    public: Actor
    city_id: int
    other_city_id: int
    inventory_id: int
    slug: str = "kaohsiung"
    other_slug: str = "tainan"
    year: int = YEAR
    activity: bytes = ACTIVITY


@pytest.fixture(scope="session")
def password_hash() -> str:
    return accounts.hash_password(PASSWORD)


@pytest.fixture
def world(db: Database, password_hash: str) -> World:
    system = Actor.system()
    with db.write() as session:
        ids = {}
        for slug, name_zh, name_en in (("kaohsiung", "高雄市", "Kaohsiung"), ("tainan", "臺南市", "Tainan")):
            fields = cities.NewCity(slug=slug, name_zh=name_zh, name_en=name_en, country="TW", area_km2=2000.0)
            ids[slug] = cities.create_city(session, system, fields).id
        users = {}
        for key, email, is_admin in (
            ("admin", "admin@example.org", True),
            ("editor", "editor@kaohsiung.example.org", False),
            ("viewer", "viewer@kaohsiung.example.org", False),
            ("other_editor", "editor@tainan.example.org", False),
        ):
            users[key] = User(email=email, display_name=key, password_hash=password_hash, is_admin=is_admin)
            session.add(users[key])
        session.flush()
        roles: dict[str, dict[int, str]] = {key: {} for key in users}
        for key, slug, role in (
            ("editor", "kaohsiung", EDITOR),
            ("viewer", "kaohsiung", VIEWER),
            ("other_editor", "tainan", EDITOR),
        ):
            session.add(Membership(user_id=users[key].id, city_id=ids[slug], role=role))
            roles[key][ids[slug]] = role
        session.flush()
        # Built here rather than with accounts.actor_for, which test_accounts.py tests on its own.
        actors = {
            key: Actor(user_id=user.id, display_name=key, email=user.email, is_admin=user.is_admin, roles=roles[key])
            for key, user in users.items()
        }
        inventory = inventories.create_inventory(
            session, actors["admin"], "kaohsiung", inventories.InventoryFields(year=YEAR)
        )
        inventory_id = inventory.id
    with db.write() as session:
        imports.import_file(session, actors["editor"], "kaohsiung", YEAR, "kaohsiung-2020.csv", ACTIVITY)
    return World(
        db=db,
        admin=actors["admin"],
        editor=actors["editor"],
        viewer=actors["viewer"],
        other_editor=actors["other_editor"],
        public=Actor.public(),
        city_id=ids["kaohsiung"],
        other_city_id=ids["tainan"],
        inventory_id=inventory_id,
    )


def _state(db: Database, inventory_id: int) -> dict[str, Any]:
    with db.read() as session:
        inventory = session.get(Inventory, inventory_id)
        assert inventory is not None
        records = session.execute(
            select(
                ActivityRecord.id,
                ActivityRecord.line,
                ActivityRecord.gpc_ref,
                ActivityRecord.cells,
                ActivityRecord.co2e_t,
                ActivityRecord.detail,
                ActivityRecord.version,
            )
            .where(ActivityRecord.inventory_id == inventory_id)
            .order_by(ActivityRecord.id)
        ).all()
        results = session.execute(
            select(RefResult.ref, RefResult.tco2e, RefResult.gases_t, RefResult.notation_key, RefResult.data_quality)
            .where(RefResult.inventory_id == inventory_id)
            .order_by(RefResult.ref)
        ).all()
        audit = session.execute(
            select(
                AuditEntry.id, AuditEntry.action, AuditEntry.field, AuditEntry.old_value, AuditEntry.new_value
            ).order_by(AuditEntry.id)
        ).all()
        batches = session.execute(select(ImportBatch.id, ImportBatch.status).order_by(ImportBatch.id)).all()
        return {
            "inventory": {
                "version": inventory.version,
                "status": inventory.status,
                "published": inventory.published,
                "record_count": inventory.record_count,
                "summary": inventory.summary,
                "computed_at": inventory.computed_at,
                "updated_at": inventory.updated_at,
            },
            "records": [tuple(r) for r in records],
            "results": [tuple(r) for r in results],
            "audit": [tuple(r) for r in audit],
            "batches": [tuple(r) for r in batches],
        }


@pytest.fixture
def state() -> Callable[[Database, int], dict[str, Any]]:
    """``state(db, inventory_id)``: everything an inventory is made of (records, results, audit log, imports,
    version), to compare before and after an operation that must change nothing."""
    return _state
