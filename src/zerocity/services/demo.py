"""Demo content for ``zerocity serve --demo``: member cities, accounts and inventories over several years.

Idempotent: running it again changes nothing. Kaohsiung's electricity rows are Taipower's published sales; every
other figure is illustrative and says so in its ``source`` cell (data/demo/cities.csv, kaohsiung_demo.csv).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from importlib import resources

from sqlalchemy import select
from sqlalchemy.orm import Session

from zerocity.core.datafiles import read_bundled_csv
from zerocity.services import accounts, cities, imports, inventories
from zerocity.services.actor import EDITOR, VIEWER, Actor
from zerocity.store.db import Database
from zerocity.store.models import City, User

YEARS = (2017, 2018, 2019, 2020)
#: Years approved and published in the demo: the public sees a trend; 2020 stays a draft to edit.
PUBLISHED_YEARS = (2017, 2018, 2019)
DEMO_PASSWORD = "zerocity-demo-2026"
SCALED_COLUMNS = ("activity_value", "emissions_tco2e", "emissions_t")


@dataclass(frozen=True)
class DemoAccount:
    email: str
    display_name: str
    role: str  # admin | editor | viewer
    city: str = ""


ACCOUNTS = (
    DemoAccount("admin@zerocity.demo", "中心管理員 Centre admin", "admin"),
    DemoAccount("editor@kaohsiung.demo", "高雄承辦人 Kaohsiung editor", EDITOR, "kaohsiung"),
    DemoAccount("viewer@kaohsiung.demo", "高雄檢視者 Kaohsiung viewer", VIEWER, "kaohsiung"),
    DemoAccount("editor@tainan.demo", "臺南承辦人 Tainan editor", EDITOR, "tainan"),
)


def demo_activity_file(scale: float, source_note: str) -> bytes:
    """The Kaohsiung demo file, scaled for another demo city (every figure then illustrative)."""
    text = resources.files("zerocity.data").joinpath("demo/kaohsiung_demo.csv").read_text(encoding="utf-8")
    if scale == 1.0:
        return text.encode("utf-8")
    reader = csv.DictReader(io.StringIO(text))
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(reader.fieldnames or []), lineterminator="\n")
    writer.writeheader()
    for row in reader:
        for column in SCALED_COLUMNS:
            if row.get(column):
                row[column] = repr(round(float(row[column]) * scale, 6))
        row["city"] = ""
        row["source"] = source_note
        writer.writerow(row)
    return out.getvalue().encode("utf-8")


def load_demo(db: Database) -> bool:
    """Loads the demo once; returns False when the cities and inventories were already there.

    The hub's content (cases, news, training, network attributes, stored plans) is loaded after them by loaders that
    are themselves idempotent, so a data directory made before the hub existed gets its content too.
    """
    created = _load_cities_and_inventories(db)
    from zerocity.services import plans
    from zerocity.services.knowledge import cases_demo, network_demo, training_demo

    for load in (cases_demo.load_demo, training_demo.load_demo, network_demo.load_demo, plans.load_demo):
        load(db)
    return created


def _load_cities_and_inventories(db: Database) -> bool:
    system = Actor.system()
    with db.write() as session:
        if session.scalar(select(City.id).where(City.slug == "kaohsiung")) is not None:
            return False
        for row in read_bundled_csv("demo/cities.csv"):
            _city(session, system, row)
        _accounts(session, system)
    for row in read_bundled_csv("demo/cities.csv"):
        data = demo_activity_file(float(row["scale"]), row["source"])
        for year in YEARS:
            with db.write() as session:
                inventories.create_inventory(session, system, row["slug"], inventories.InventoryFields(year=year))
                imports.import_file(session, system, row["slug"], year, f"{row['slug']}_demo.csv", data)
                if year in PUBLISHED_YEARS:
                    for action in ("submit", "approve", "publish"):
                        inventories.change_status(session, system, row["slug"], year, action)
    return True


def _city(session: Session, system: Actor, row: dict[str, str]) -> None:
    fields = cities.NewCity(
        slug=row["slug"],
        name_zh=row["name_zh"],
        name_en=row["name_en"],
        country=row["country"],
        region=row["region"],
        area_km2=float(row["area_km2"]),
        boundary=row["boundary"],
    )
    cities.create_city(session, system, fields)
    for year in YEARS:
        stat = cities.StatFields(year=year, population=float(row[f"pop_{year}"]), source=row["source"])
        cities.set_stat(session, system, row["slug"], stat)


def _accounts(session: Session, system: Actor) -> None:
    for account in ACCOUNTS:
        user = accounts.create_user(
            session,
            system,
            email=account.email,
            display_name=account.display_name,
            password=DEMO_PASSWORD,
            is_admin=account.role == "admin",
        )
        if account.city:
            city = cities.get_city(session, account.city)
            accounts.grant_role(session, system, user_id=user.id, city_id=city.id, role=account.role)


def demo_users(session: Session) -> list[User]:
    emails = [a.email for a in ACCOUNTS]
    return list(session.scalars(select(User).where(User.email.in_(emails))))
