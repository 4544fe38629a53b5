"""The platform commands: migrating, accounts and roles, importing into a stored inventory."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from zerocity.cli import app
from zerocity.services.demo import load_demo
from zerocity.store.db import Database
from zerocity.store.models import ActivityRecord, Membership, User

runner = CliRunner()
GOOD = "gpc_ref,year,activity_value,activity_unit,factor_id\nI.1.1,2021,100,TJ,ipcc2006/residential/natural_gas\n"


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("ZEROCITY_DATABASE_URL", raising=False)
    return tmp_path / "var"


def database(data_dir: Path) -> Database:
    return Database(f"sqlite:///{(data_dir / 'zerocity.sqlite3').resolve()}")


def test_db_upgrade_creates_the_database_and_can_run_twice(data_dir: Path) -> None:
    for _ in range(2):
        result = runner.invoke(app, ["db", "upgrade", "--data-dir", str(data_dir)])
        assert result.exit_code == 0, result.output
    assert (data_dir / "zerocity.sqlite3").exists()


def test_an_account_created_on_the_command_line_can_be_given_a_city_role(data_dir: Path) -> None:
    runner.invoke(app, ["db", "upgrade", "--data-dir", str(data_dir)])
    load_demo(database(data_dir))
    created = runner.invoke(
        app,
        ["users", "create", "officer@pingtung.example", "--name", "屏東承辦人", "--data-dir", str(data_dir)],
        input="a long enough password\na long enough password\n",
    )
    assert created.exit_code == 0, created.output
    granted = runner.invoke(app, ["users", "grant", "officer@pingtung.example", "pingtung", "editor", "--data-dir",
                                  str(data_dir)])  # fmt: skip
    assert granted.exit_code == 0, granted.output
    with database(data_dir).read() as session:
        user = session.scalar(select(User).where(User.email == "officer@pingtung.example"))
        assert user is not None and user.password_hash.startswith("$argon2id$")
        assert session.scalar(select(Membership.role).where(Membership.user_id == user.id)) == "editor"


def test_granting_a_role_that_does_not_exist_is_a_clear_error(data_dir: Path) -> None:
    runner.invoke(app, ["db", "upgrade", "--data-dir", str(data_dir)])
    load_demo(database(data_dir))
    result = runner.invoke(app, ["users", "grant", "editor@tainan.demo", "tainan", "owner", "--data-dir",
                                 str(data_dir)])  # fmt: skip
    assert result.exit_code != 0
    assert "Traceback" not in result.output


def test_store_import_lands_a_file_and_a_bad_file_lands_nothing(data_dir: Path, tmp_path: Path) -> None:
    runner.invoke(app, ["db", "upgrade", "--data-dir", str(data_dir)])
    load_demo(database(data_dir))
    good, bad = tmp_path / "good.csv", tmp_path / "bad.csv"
    good.write_text(GOOD, encoding="utf-8")
    bad.write_text(GOOD.replace("TJ", "TJJ"), encoding="utf-8")
    imported = runner.invoke(
        app, ["store", "import", "tainan", "2021", str(good), "--create", "--data-dir", str(data_dir)]
    )
    assert imported.exit_code == 0, imported.output
    refused = runner.invoke(app, ["store", "import", "tainan", "2021", str(bad), "--data-dir", str(data_dir)])
    assert refused.exit_code != 0
    with database(data_dir).read() as session:
        rows = session.scalars(select(ActivityRecord.cells).where(ActivityRecord.line == 2)).all()
    assert {"gpc_ref": "I.1.1", "year": "2021", "activity_value": "100", "activity_unit": "TJ",
            "factor_id": "ipcc2006/residential/natural_gas"} in rows  # fmt: skip
