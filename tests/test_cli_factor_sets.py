"""``zerocity store factor-set``: upload a city's factor file, list the sets, and make an inventory use one."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from zerocity.cli import app
from zerocity.services.demo import load_demo
from zerocity.store.db import Database
from zerocity.store.models import City, FactorSet, Inventory

runner = CliRunner()
FACTORS = (
    "factor_id,activity_unit,mass_unit,co2e,year,status,source\n"
    "city:kaohsiung/retailer,kWh,kg,0.5,2020,published,Retailer letter 2021-03\n"
)


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("ZEROCITY_DATABASE_URL", raising=False)
    directory = tmp_path / "var"
    assert runner.invoke(app, ["db", "upgrade", "--data-dir", str(directory)]).exit_code == 0
    load_demo(database(directory))
    return directory


def database(data_dir: Path) -> Database:
    return Database(f"sqlite:///{(data_dir / 'zerocity.sqlite3').resolve()}")


def draft_id(data_dir: Path) -> int:
    with database(data_dir).read() as session:
        found = session.scalar(
            select(Inventory.id).join(City, City.id == Inventory.city_id).where(City.slug == "kaohsiung",
                                                                                 Inventory.year == 2020)
        )  # fmt: skip
        assert found is not None
        return found


def test_a_factor_file_is_uploaded_listed_and_used_by_an_inventory(data_dir: Path, tmp_path: Path) -> None:
    path = tmp_path / "retailer.csv"
    path.write_text(FACTORS, encoding="utf-8")
    folder = ["--data-dir", str(data_dir)]

    uploaded = runner.invoke(app, ["store", "factor-set", "upload", "kaohsiung", str(path), "--name", "售電業者 2020",
                                   *folder])  # fmt: skip
    assert uploaded.exit_code == 0, uploaded.output
    assert "with 1 factors" in uploaded.output
    with database(data_dir).read() as session:
        set_id = session.scalars(select(FactorSet.id)).one()

    used = runner.invoke(app, ["store", "factor-set", "use", str(draft_id(data_dir)), str(set_id), *folder])
    assert used.exit_code == 0, used.output
    listed = runner.invoke(app, ["store", "factor-set", "list", "kaohsiung", *folder])
    assert listed.exit_code == 0 and f"{set_id}\t售電業者 2020\tretailer.csv\t1 factors\tused by: 2020" in listed.output

    cleared = runner.invoke(app, ["store", "factor-set", "use", str(draft_id(data_dir)), "none", *folder])
    assert cleared.exit_code == 0, cleared.output
    with database(data_dir).read() as session:
        assert session.get(Inventory, draft_id(data_dir)).factor_set_id is None  # type: ignore[union-attr]


def test_a_bad_factor_file_lists_its_problems_and_stores_nothing(data_dir: Path, tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(FACTORS + "tw-grid:2020,kWh,kg,0.1,2020,user,\n", encoding="utf-8")

    result = runner.invoke(app, ["store", "factor-set", "upload", "kaohsiung", str(path), "--name", "bad",
                                 "--data-dir", str(data_dir)])  # fmt: skip

    assert result.exit_code == 1
    assert "bad.csv, row 3, column factor_id" in result.output and "column source" in result.output
    assert "nothing was saved" in result.output
    with database(data_dir).read() as session:
        assert session.scalars(select(FactorSet)).first() is None


def test_using_a_set_that_does_not_exist_is_a_clear_error(data_dir: Path) -> None:
    result = runner.invoke(app, ["store", "factor-set", "use", str(draft_id(data_dir)), "999", "--data-dir",
                                 str(data_dir)])  # fmt: skip
    assert result.exit_code == 1 and "no such factor set" in result.output
