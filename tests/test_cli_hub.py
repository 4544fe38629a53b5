"""``zerocity cases export`` and ``import``: the published cases written as importable JSON (images included) or as
CSV for Excel, and a JSON export imported into another data directory."""

from __future__ import annotations

import base64
import csv
import hashlib
import io
import json
import tomllib
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import select
from tests.services.knowledge.cases_fixtures import CASES_TOML
from typer.testing import CliRunner

from zerocity.cli import app
from zerocity.core.errors import InputErrors
from zerocity.services.actor import Actor
from zerocity.services.knowledge import cases_demo, cases_images
from zerocity.store.db import Database
from zerocity.store.hub_models import Case, CaseImage

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


def _add_picture(data_dir: Path, slug: str) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (4, 4), (10, 90, 170)).save(out, "JPEG")
    picture = out.getvalue()
    db = Database(f"sqlite:///{(data_dir / 'zerocity.sqlite3').resolve()}")
    with db.write() as session:
        case_id = session.scalar(select(Case.id).where(Case.slug == slug))
        assert case_id is not None
        cases_images.add_image(session, Actor.system(), case_id, "map.jpg", picture, alt_en="Route map")
    db.dispose()
    return picture


def test_the_json_export_carries_the_images_in_base64(data_dir: Path, tmp_path: Path) -> None:
    picture = _add_picture(data_dir, "test-kaohsiung-buses")
    target = tmp_path / "cases.json"
    result = runner.invoke(app, ["cases", "export", "--format", "json", "-o", str(target), "--data-dir", str(data_dir)])
    assert result.exit_code == 0, result.output
    document = json.loads(target.read_text("utf-8"))
    assert document["format_version"] == 2
    buses = next(case for case in document["cases"] if case["slug"] == "test-kaohsiung-buses")
    (image,) = buses["images"]
    assert (image["filename"], image["media_type"], image["alt_en"]) == ("map.jpg", "image/jpeg", "Route map")
    assert base64.b64decode(image["content_base64"]) == picture
    assert image["sha256"] == hashlib.sha256(picture).hexdigest()


def test_an_export_imports_into_another_data_directory_with_its_images(data_dir: Path, tmp_path: Path) -> None:
    picture = _add_picture(data_dir, "test-kaohsiung-buses")
    exported = tmp_path / "cases.json"
    runner.invoke(app, ["cases", "export", "-o", str(exported), "--data-dir", str(data_dir)])
    other = tmp_path / "other"

    result = runner.invoke(app, ["cases", "import", str(exported), "--data-dir", str(other)])

    assert result.exit_code == 0, result.output
    assert "imported 3 cases" in result.output
    db = Database(f"sqlite:///{(other / 'zerocity.sqlite3').resolve()}")
    with db.read() as session:
        stored = session.scalars(select(CaseImage.content)).all()
    db.dispose()
    assert list(stored) == [picture]
    again = runner.invoke(app, ["cases", "import", str(exported), "--data-dir", str(other)])
    assert again.exit_code != 0 and isinstance(again.exception, InputErrors)
    assert "already exists" in str(again.exception)
