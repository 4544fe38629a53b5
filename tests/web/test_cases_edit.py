"""Editing cases in the browser without JavaScript: creating, the per-language review with four eyes, images
(real types only, size-limited, served with their type), the work lists, and the import of an export."""

from __future__ import annotations

import json
import re
from collections.abc import Callable

from fastapi.testclient import TestClient
from sqlalchemy import select
from tests.web.cases_web_fixtures import PNG, case_ids

from zerocity.services.knowledge.cases_images import MAX_IMAGE_BYTES
from zerocity.store.db import Database
from zerocity.store.hub_models import Case, CaseImage

__all__ = ["case_ids"]

Client = Callable[..., TestClient]
EDITOR = "editor@kaohsiung.demo"
ADMIN = "admin@zerocity.demo"

NEW_CASE = {
    "zh_Hant-title": "鳳山區社區太陽光電",
    "zh_Hant-summary": "屋頂光電。",
    "zh_Hant-body": "### 做法\n\n社區合作。",
    "en-title": "",
    "city_id": "1",
    "country": "TW",
    "year": "2024",
    "themes": ["energy_governance", "engagement"],
    "gpc_sectors": ["I.1"],
    "action_templates": ["rooftop_pv"],
    "result-0-kind": "tco2e_avoided_per_year",
    "result-0-value": "1,200",
    "result-0-unit": "t CO2e/yr",
    "result-0-source": "Illustrative figure written for the tests",
    "link-0-url": "https://example.org/pv",
    "link-0-label_en": "Background",
}


def _flash(response: object) -> str:
    cookie = getattr(response, "headers", {}).get("set-cookie", "")
    found = re.search(r'zc_flash="?([^;]*)', cookie)
    return found.group(1).encode().decode("unicode_escape") if found else ""


def _create(client: TestClient) -> int:
    answer = client.post("/cases/new", data=NEW_CASE)
    assert answer.status_code == 303, answer.text
    return int(answer.headers["location"].split("/")[2])


def test_an_editor_creates_a_case_that_starts_as_a_draft(make_client: Client, db: Database) -> None:
    editor = make_client(EDITOR, locale="en")
    assert editor.get("/cases/new").status_code == 200
    case_id = _create(editor)
    page = editor.get(f"/cases/{case_id}/edit")
    assert page.status_code == 200
    assert "鳳山區社區太陽光電" in page.text and "Draft" in page.text
    assert "Submit for review" in page.text and ">Publish<" not in page.text
    with db.read() as session:
        case = session.scalar(select(Case).where(Case.id == case_id))
        assert case is not None and case.results[0]["value"] == 1200.0 and case.action_templates == ["rooftop_pv"]
    assert make_client(locale="en").get(f"/cases/{case_id}").status_code == 404
    assert "My drafts and review queue (1)" in editor.get("/cases").text
    assert "鳳山區社區太陽光電" in editor.get("/cases/mine").text


def test_a_form_with_mistakes_is_shown_again_with_the_fields_marked_and_nothing_saved(
    make_client: Client, db: Database
) -> None:
    with db.read() as session:
        before = len(session.scalars(select(Case.id)).all())
    bad = NEW_CASE | {"year": "20x4", "link-0-url": "javascript:alert(1)", "zh_Hant-title": ""}
    answer = make_client(EDITOR, locale="en").post("/cases/new", data=bad)
    assert answer.status_code == 422
    assert "Enter a year between 1900 and 2100" in answer.text
    assert "Each link must start with http:// or https://" in answer.text
    assert 'value="20x4"' in answer.text  # what the person typed comes back
    with db.read() as session:
        assert len(session.scalars(select(Case.id)).all()) == before


def test_the_review_needs_four_eyes(make_client: Client) -> None:
    admin = make_client(ADMIN, locale="en")
    case_id = _create(admin)
    submitted = admin.post(f"/cases/{case_id}/versions/zh_Hant/status", data={"action": "submit", "version": "1"})
    assert submitted.status_code == 303
    refused = admin.post(f"/cases/{case_id}/versions/zh_Hant/status", data={"action": "publish", "version": "2"})
    assert refused.status_code == 303 and "someone other than" in _flash(refused)
    assert make_client(locale="en").get(f"/cases/{case_id}").status_code == 404


def test_an_editor_submits_and_an_administrator_publishes(make_client: Client) -> None:
    editor, admin = make_client(EDITOR, locale="en"), make_client(ADMIN, locale="en")
    case_id = _create(editor)
    editor.post(f"/cases/{case_id}/versions/zh_Hant/status", data={"action": "submit", "version": "1"})
    queue = admin.get("/cases/mine")
    assert "鳳山區社區太陽光電" in queue.text and "Waiting for review" in queue.text
    published = admin.post(f"/cases/{case_id}/versions/zh_Hant/status", data={"action": "publish", "version": "2"})
    assert "published" in _flash(published)
    public = make_client(locale="en").get(f"/cases/{case_id}")
    assert public.status_code == 200 and "鳳山區社區太陽光電" in public.text


def test_an_editor_of_another_city_or_a_viewer_cannot_edit(make_client: Client, case_ids: dict[str, int]) -> None:
    case_id = case_ids["test-kaohsiung-buses"]
    assert make_client("editor@tainan.demo", locale="en").get(f"/cases/{case_id}/edit").status_code == 403
    assert make_client("viewer@kaohsiung.demo", locale="en").get(f"/cases/{case_id}/edit").status_code == 403
    assert make_client("viewer@kaohsiung.demo", locale="en").get("/cases/new").status_code == 403
    signed_out = make_client(locale="en").get("/cases/new")
    assert signed_out.status_code == 303 and signed_out.headers["location"].startswith("/login")


def test_an_image_is_kept_and_served_with_the_type_its_bytes_prove(make_client: Client, db: Database) -> None:
    editor = make_client(EDITOR, locale="en")
    case_id = _create(editor)
    added = editor.post(f"/cases/{case_id}/images", files={"file": ("photo.jpg", PNG, "image/jpeg")},
                        data={"alt_en": "Solar roofs"})  # fmt: skip
    assert added.status_code == 303
    with db.read() as session:
        image = session.scalar(select(CaseImage).where(CaseImage.case_id == case_id))
        assert image is not None
    served = editor.get(f"/cases/images/{image.id}")
    assert served.status_code == 200
    assert served.headers["content-type"] == "image/png" and served.content == PNG
    assert served.headers["x-content-type-options"] == "nosniff"
    assert make_client(locale="en").get(f"/cases/images/{image.id}").status_code == 404  # the case is a draft


def test_a_fake_or_oversized_image_is_refused_with_a_clear_message(make_client: Client, db: Database) -> None:
    editor = make_client(EDITOR, locale="en")
    case_id = _create(editor)
    fake = editor.post(f"/cases/{case_id}/images", files={"file": ("photo.png", b"<svg onload=alert(1)>", "image/png")})
    assert "PNG, JPEG or WebP" in _flash(fake)
    big = editor.post(
        f"/cases/{case_id}/images", files={"file": ("big.png", PNG + b"\x00" * MAX_IMAGE_BYTES, "image/png")}
    )
    assert "at most 2 MB" in _flash(big)
    with db.read() as session:
        assert session.scalars(select(CaseImage).where(CaseImage.case_id == case_id)).all() == []


def test_an_administrator_imports_an_export_whole_and_others_may_not(
    make_client: Client, case_ids: dict[str, int]
) -> None:
    admin = make_client(ADMIN, locale="en")
    exported = json.loads(admin.get("/cases/export.json").content)
    exported["cases"] = [dict(c, slug="copy-" + c["slug"]) for c in exported["cases"] if c["slug"].startswith("test-")]
    data = json.dumps(exported).encode()
    assert make_client(EDITOR, locale="en").post("/cases/import", files={"file": ("c.json", data)}).status_code == 403

    broken = json.loads(data)
    broken["cases"][0]["country"] = "ZZ"
    refused = admin.post("/cases/import", files={"file": ("c.json", json.dumps(broken).encode())})
    assert refused.status_code == 422 and "Nothing was imported" in refused.text
    assert "copy-test" not in admin.get("/cases/export.json").text

    imported = admin.post("/cases/import", files={"file": ("c.json", data)})
    assert imported.status_code == 303
    again = json.loads(admin.get("/cases/export.json").content)
    assert {c["slug"] for c in again["cases"]} >= {c["slug"] for c in exported["cases"]}
    not_json = admin.post("/cases/import", files={"file": ("c.json", b"hello")})
    assert not_json.status_code == 400 and "not a ZeroCity case export" in not_json.text
