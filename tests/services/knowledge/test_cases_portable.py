"""Images in the portable case export (format version 2, ``docs/case-export.md``): exported with their bytes in
base64 and imported back through the upload's checks, whole or not at all.

The pictures are real PNG, JPEG and WebP files made with Pillow, and are opened again after the round trip. The
round trip runs on both backends; the checks of single images read one export of the demo made once per module
(loading and indexing the demo's cases is the slow part) and import it into an empty database of each backend."""

from __future__ import annotations

import base64
import copy
import csv
import hashlib
import io
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from sqlalchemy import func, select

from zerocity.core.errors import InputErrors
from zerocity.services.actor import Actor
from zerocity.services.errors import InvalidRequest
from zerocity.services.knowledge import cases_demo, cases_images, exchange
from zerocity.services.knowledge.cases_images import MAX_IMAGE_BYTES
from zerocity.store.db import Database
from zerocity.store.hub_models import Case, CaseImage
from zerocity.store.migrate import upgrade
from zerocity.store.models import AuditEntry

BASE = "https://zerocity.example.org"
SYSTEM = Actor.system()


def picture(kind: str, colour: tuple[int, int, int] = (20, 120, 60), size: tuple[int, int] = (6, 4)) -> bytes:
    """A real image file of that format (PNG, JPEG or WEBP)."""
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, kind)
    return out.getvalue()


#: What the demo gets before it is exported: (case slug, file name, format, Chinese and English descriptions).
PICTURES = [
    ("kaohsiung-electric-buses", "bus depot.png", "PNG", "公車充電站", "Bus charging depot"),
    ("kaohsiung-electric-buses", "route.jpg", "JPEG", "", "Route map"),
    ("tainan-landfill-gas-capture", "engine.webp", "WEBP", "沼氣發電機組", ""),
]


def _new_database(make_db_url: Callable[[str], str], db_url: str) -> Database:
    url = make_db_url("postgresql" if db_url.startswith("postgresql") else "sqlite")
    upgrade(url)
    return Database(url)


def _case_id(db: Database, slug: str) -> int:
    with db.read() as session:
        case_id = session.scalar(select(Case.id).where(Case.slug == slug))
    assert case_id is not None, slug
    return case_id


def _load_demo_with_pictures(db: Database) -> None:
    """The demo's sample cases and news, with three images on two cases (added as an upload adds them)."""
    cases_demo.load_demo(db)
    for number, (slug, filename, kind, alt_zh, alt_en) in enumerate(PICTURES):
        data = picture(kind, colour=(20 * number, 100, 200))
        with db.write() as session:
            cases_images.add_image(session, SYSTEM, _case_id(db, slug), filename, data, alt_zh=alt_zh, alt_en=alt_en)


@pytest.fixture
def demo(db: Database) -> Database:
    _load_demo_with_pictures(db)
    return db


@pytest.fixture(scope="module")
def demo_on_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    """The same, once for the module, on SQLite; tests only read it."""
    url = f"sqlite:///{Path(tmp_path_factory.mktemp('portable')) / 'demo.sqlite3'}"
    upgrade(url)
    database = Database(url)
    _load_demo_with_pictures(database)
    yield database
    database.dispose()


@pytest.fixture
def empty(make_db_url: Callable[[str], str], db_url: str) -> Iterator[Database]:
    """Another database on the same backend, migrated and empty (not even member cities)."""
    database = _new_database(make_db_url, db_url)
    yield database
    database.dispose()


def _export(db: Database) -> dict[str, Any]:
    with db.read() as session:
        return json.loads(exchange.export_json(session, BASE))  # type: ignore[no-any-return]


def _import(db: Database, document: dict[str, Any]) -> exchange.ImportReport:
    with db.write() as session:
        return exchange.import_json(session, SYSTEM, json.dumps(document).encode())


def _stored_images(db: Database) -> dict[str, list[tuple[str, str, str, str, str, bytes]]]:
    """Every stored image by its case's slug, in upload order."""
    with db.read() as session:
        rows = session.execute(
            select(Case.slug, CaseImage.filename, CaseImage.content_type, CaseImage.alt_zh, CaseImage.alt_en,
                   CaseImage.sha256, CaseImage.content)
            .join(Case, Case.id == CaseImage.case_id)
            .order_by(CaseImage.id)
        ).all()  # fmt: skip
    found: dict[str, list[tuple[str, str, str, str, str, bytes]]] = {}
    for slug, *rest in rows:
        found.setdefault(slug, []).append(tuple(rest))  # type: ignore[arg-type]
    return found


def _count(db: Database, model: type[Case] | type[CaseImage]) -> int:
    with db.read() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def _with_images(document: dict[str, Any]) -> list[dict[str, Any]]:
    return [case for case in document["cases"] if case["images"]]


# -- export --------------------------------------------------------------------------------------------------------
def test_the_json_export_carries_each_image_with_its_type_descriptions_sha256_and_bytes(
    demo_on_sqlite: Database,
) -> None:
    document = _export(demo_on_sqlite)
    assert document["format_version"] == 2
    by_slug = {case["slug"]: case for case in document["cases"]}
    first, second = by_slug["kaohsiung-electric-buses"]["images"]
    assert (first["filename"], first["media_type"], first["alt_zh"], first["alt_en"]) == (
        "bus depot.png",
        "image/png",
        "公車充電站",
        "Bus charging depot",
    )
    assert second["media_type"] == "image/jpeg" and second["alt_zh"] == ""
    for image in (first, second):
        data = base64.b64decode(image["content_base64"], validate=True)
        assert hashlib.sha256(data).hexdigest() == image["sha256"] and len(data) == image["size"]
    assert Image.open(io.BytesIO(base64.b64decode(first["content_base64"]))).size == (6, 4)
    assert by_slug["tainan-landfill-gas-capture"]["images"][0]["media_type"] == "image/webp"
    assert sum(len(case["images"]) for case in document["cases"]) == len(PICTURES)


def test_the_csv_export_counts_the_images_without_carrying_them(demo_on_sqlite: Database) -> None:
    with demo_on_sqlite.read() as session:
        data = exchange.export_csv(session, BASE)
    rows = {row["slug"]: row for row in csv.DictReader(io.StringIO(data.decode("utf-8-sig")))}
    assert rows["kaohsiung-electric-buses"]["image_count"] == "2"
    assert rows["tainan-landfill-gas-capture"]["image_count"] == "1"
    pictured = {slug for slug, *_ in PICTURES}
    assert {row["image_count"] for slug, row in rows.items() if slug not in pictured} == {"0"}
    assert not any("base64" in key or "content" in key for key in next(iter(rows.values())))


# -- round trip ----------------------------------------------------------------------------------------------------
def test_the_demo_with_images_exported_and_imported_into_an_empty_database_has_the_same_bytes_and_audit(
    demo: Database, empty: Database
) -> None:
    exported = _export(demo)

    report = _import(empty, exported)

    assert sorted(report.created) == sorted(case["slug"] for case in exported["cases"])
    assert _stored_images(empty) == _stored_images(demo)
    for images in _stored_images(empty).values():
        for *_, content in images:
            Image.open(io.BytesIO(content)).verify()  # still a whole, readable picture
    again = _export(empty)
    assert [c["images"] for c in _with_images(again)] == [c["images"] for c in _with_images(exported)]
    with empty.read() as session:  # each image audited as an upload is
        entries = session.scalars(select(AuditEntry).where(AuditEntry.entity == "case_image")).all()
    assert len(entries) == len(PICTURES) and {e.action for e in entries} == {"create"}


def test_a_version_1_file_without_images_still_imports(demo_on_sqlite: Database, empty: Database) -> None:
    document = _export(demo_on_sqlite)
    document["format_version"] = 1
    for case in document["cases"]:
        del case["images"]
    _import(empty, document)
    assert _count(empty, Case) == len(document["cases"]) and _count(empty, CaseImage) == 0


# -- bad images ----------------------------------------------------------------------------------------------------
def _spoil_second_image(image: dict[str, Any], how: str) -> None:
    if how == "sha256":
        image["sha256"] = hashlib.sha256(b"another picture").hexdigest()
    elif how == "truncated":
        image["content_base64"] = image["content_base64"][: len(image["content_base64"]) // 2 // 4 * 4]
    elif how == "not base64":
        image["content_base64"] = "not base64!"
    elif how == "not an image":
        data = b"GIF89a\x01\x00\x01\x00" + b"\x00" * 40
        image.update(content_base64=base64.b64encode(data).decode(), sha256=hashlib.sha256(data).hexdigest())
    elif how == "svg":
        data = b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>"
        image.update(content_base64=base64.b64encode(data).decode(), sha256=hashlib.sha256(data).hexdigest(),
                     media_type="image/svg+xml")  # fmt: skip
    elif how == "too large":
        data = picture("PNG") + b"\x00" * MAX_IMAGE_BYTES
        image.update(content_base64=base64.b64encode(data).decode(), sha256=hashlib.sha256(data).hexdigest())
    elif how == "wrong media type":
        image["media_type"] = "image/png"  # the bytes are a JPEG
    elif how == "control characters":
        image["alt_en"] = "a\x00b"


@pytest.mark.parametrize(
    ("how", "reason"),
    [
        ("sha256", "do not match their sha256"),
        ("truncated", "do not match their sha256"),
        ("not base64", "not base64"),
        ("not an image", "not a PNG, JPEG or WebP image"),
        ("svg", "not a PNG, JPEG or WebP image"),
        ("too large", "at most 2 MB"),
        ("wrong media type", "the bytes are image/jpeg, not the image/png"),
        ("control characters", "control characters"),
    ],
)
def test_one_bad_image_fails_the_whole_import_naming_the_case_and_the_image(
    demo_on_sqlite: Database, empty: Database, how: str, reason: str
) -> None:
    document = _export(demo_on_sqlite)
    buses = next(case for case in document["cases"] if case["slug"] == "kaohsiung-electric-buses")
    _spoil_second_image(buses["images"][1], how)

    with pytest.raises(InputErrors) as raised:
        _import(empty, document)

    (issue,) = raised.value.issues
    position = [case["slug"] for case in document["cases"]].index("kaohsiung-electric-buses") + 1
    assert (issue.row, issue.column) == (position, "images")
    assert issue.reason.startswith("case kaohsiung-electric-buses, image 2: ") and reason in issue.reason
    assert _count(empty, Case) == 0 and _count(empty, CaseImage) == 0


def test_more_than_twenty_images_on_one_case_are_refused(demo_on_sqlite: Database, empty: Database) -> None:
    document = _export(demo_on_sqlite)
    buses = next(case for case in document["cases"] if case["slug"] == "kaohsiung-electric-buses")
    buses["images"] = [copy.deepcopy(buses["images"][0]) for _ in range(21)]
    with pytest.raises(InputErrors, match="case kaohsiung-electric-buses, image 21: a case may have at most 20"):
        _import(empty, document)
    assert _count(empty, Case) == 0


def test_every_bad_image_of_every_case_is_reported_at_once(demo_on_sqlite: Database, empty: Database) -> None:
    document = _export(demo_on_sqlite)
    for case in _with_images(document):
        for image in case["images"]:
            image["sha256"] = "0" * 64
    with pytest.raises(InputErrors) as raised:
        _import(empty, document)
    assert len(raised.value.issues) == len(PICTURES)
    assert {issue.reason.split(":")[0] for issue in raised.value.issues} == {
        "case kaohsiung-electric-buses, image 1",
        "case kaohsiung-electric-buses, image 2",
        "case tainan-landfill-gas-capture, image 1",
    }


def test_a_file_of_an_unknown_format_version_is_refused(demo_on_sqlite: Database, empty: Database) -> None:
    document = _export(demo_on_sqlite)
    document["format_version"] = 3
    with pytest.raises(InvalidRequest):
        _import(empty, document)
