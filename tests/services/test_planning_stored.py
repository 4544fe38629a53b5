"""Planning from an inventory stored in the platform: the base-year figures come from its stored results."""

from __future__ import annotations

from pathlib import Path

import pytest

from zerocity.services.actor import Actor
from zerocity.services.demo import load_demo
from zerocity.services.errors import NotFound
from zerocity.services.planning import run_scenario_file, stored_inventory_reader
from zerocity.store.db import Database
from zerocity.store.migrate import upgrade

SCENARIO = """
[scenario]
name = "stored base"
base_year = 2019
end_year = 2030

[base_inventory]
stored = "kaohsiung"

[pools.homes]
subsector = "I.1"
carrier = "grid electricity"
gpc_refs = ["I.1.2"]
growth_rate = 0.0
"""


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Database:
    url = f"sqlite:///{tmp_path_factory.mktemp('plan') / 'z.sqlite3'}"
    upgrade(url)
    database = Database(url)
    load_demo(database)
    return database


def test_a_scenario_takes_its_base_year_from_the_stored_inventory(db: Database, tmp_path: Path) -> None:
    read = stored_inventory_reader(db, Actor.public())
    base = read("kaohsiung", 2019)
    path = tmp_path / "plan.toml"
    path.write_text(SCENARIO, encoding="utf-8")

    run = run_scenario_file(path, draws=0, today=2019, stored_inventory=read)

    assert run.inventory_source == "stored inventory kaohsiung 2019"
    assert run.result.bau_frozen_t_co2e[0] == pytest.approx(base["I.1.2"])
    assert base["I.1.2"] > 1e6  # residential electricity of the demo city


def test_the_public_cannot_plan_from_an_unpublished_inventory(db: Database) -> None:
    with pytest.raises(NotFound):
        stored_inventory_reader(db, Actor.public())("kaohsiung", 2020)
