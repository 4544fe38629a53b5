"""``zerocity cases export``: the published cases written as importable JSON or as CSV for Excel."""

from __future__ import annotations

import csv
import io
import json
import tomllib
from pathlib import Path

import pytest
from tests.services.knowledge.cases_fixtures import CASES_TOML
from typer.testing import CliRunner

from zerocity.cli import app
from zerocity.services.knowledge import cases_demo
from zerocity.store.db import Database

runner = CliRunner()


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("ZEROCITY_DATABASE_URL", raising=False)
    data_dir = tmp_path / "var"
    assert runner.invoke(app, ["db", "upgrade", "--data-dir", str(data_dir)]).exit_code == 0
    db = Database(f"sqlite:///{(data_dir / 'zerocity.sqlite3').resolve()}")
    with db.write() as session:
        cases_demo.load_cases(session, tomllib.loads(CASES_TOML))
    db.dispose()
    return data_dir


def test_the_json_export_holds_every_published_case(data_dir: Path, tmp_path: Path) -> None:
    target = tmp_path / "cases.json"
    result = runner.invoke(app, ["cases", "export", "--format", "json", "-o", str(target), "--data-dir", str(data_dir)])
    assert result.exit_code == 0, result.output
    document = json.loads(target.read_text("utf-8"))
    assert sorted(c["slug"] for c in document["cases"]) == [
        "test-kaohsiung-buses",
        "test-kyoto-homes",
        "test-tainan-landfill-gas",
    ]


def test_the_csv_export_opens_in_excel(data_dir: Path, tmp_path: Path) -> None:
    target = tmp_path / "cases.csv"
    result = runner.invoke(app, ["cases", "export", "-f", "csv", "-o", str(target), "--data-dir", str(data_dir)])
    assert result.exit_code == 0, result.output
    data = target.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert {row["title_zh"] for row in rows} == {"高雄市電動公車", "臺南市掩埋場沼氣發電", "京都住宅節能診斷"}
