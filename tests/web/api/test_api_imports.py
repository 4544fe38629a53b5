"""File imports through the API: a preview listing every problem, a commit that lands whole or not at all."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.web.api import Api, counts, csv_bytes, demo_api, error_of

DRAFT = "/api/cities/kaohsiung/inventories/2020"
GOOD_ROWS = [
    {
        "year": "2020",
        "gpc_ref": "I.1.1",
        "description": "household piped gas",
        "activity_value": "3500",
        "activity_unit": "TJ",
        "factor_id": "ipcc2006/residential/natural_gas",
        "data_quality": "M",
        "source": "test figure",
    },
    {
        "year": "2020",
        "gpc_ref": "I.1.2",
        "description": "residential electricity",
        "activity_value": "5600000000",
        "activity_unit": "kWh",
        "factor_id": "tw-grid",
        "data_quality": "H",
        "source": "test figure",
    },
]
#: Row 3 of the file (the header is row 1) has a unit that is not a unit.
BAD_ROWS = [GOOD_ROWS[0], GOOD_ROWS[1] | {"activity_unit": "furlongs"}]


@pytest.fixture
def api(tmp_path: Path) -> Api:
    return demo_api(tmp_path)


def upload(api: Api, content: bytes, *, commit: bool, mode: str = "replace", name: str = "activity.csv") -> object:
    return api.post(
        f"{DRAFT}/imports",
        files={"file": (name, content, "text/csv")},
        data={"mode": mode, "commit": "true" if commit else "false"},
    )


def test_a_preview_gives_the_figures_and_changes_no_record(api: Api) -> None:
    before = counts(api.db)

    response = upload(api, csv_bytes(GOOD_ROWS), commit=False)

    assert response.status_code == 201
    body = response.json()
    assert (body["status"], body["ok"], body["rows"], body["issue_count"]) == ("preview", True, 2, 0)
    assert body["figures"]["basic_tco2e"] > 0
    assert api.get(DRAFT).json()["record_count"] == 45
    assert counts(api.db)["activity_records"] == before["activity_records"]


def test_a_preview_with_an_error_names_the_row_and_column(api: Api) -> None:
    response = upload(api, csv_bytes(BAD_ROWS), commit=False)

    assert response.status_code == 201
    body = response.json()
    assert (body["status"], body["ok"], body["figures"]) == ("rejected", False, None)
    assert body["issue_count"] == len(body["issues"]) == 1
    issue = body["issues"][0]
    assert (issue["file"], issue["row"], issue["column"]) == ("activity.csv", 3, "activity_unit")
    assert "furlongs" in issue["reason"]


def test_a_previewed_import_is_committed_by_its_batch_id(api: Api) -> None:
    batch = upload(api, csv_bytes(GOOD_ROWS), commit=False).json()

    response = api.post(f"/api/imports/{batch['batch_id']}/commit", role="kaohsiung editor", json={"reason": "2020"})

    assert response.status_code == 200
    assert response.json()["status"] == "committed"
    inventory = api.get(DRAFT).json()
    assert inventory["record_count"] == 2
    assert inventory["version"] == response.json()["inventory_version"]
    assert inventory["totals"]["basic_tco2e"] == pytest.approx(batch["figures"]["basic_tco2e"])


def test_a_commit_needs_no_body(api: Api) -> None:
    batch = upload(api, csv_bytes(GOOD_ROWS), commit=False).json()

    assert api.post(f"/api/imports/{batch['batch_id']}/commit").status_code == 200


def test_committing_twice_is_a_conflict(api: Api) -> None:
    batch = upload(api, csv_bytes(GOOD_ROWS), commit=False).json()
    api.post(f"/api/imports/{batch['batch_id']}/commit")

    response = api.post(f"/api/imports/{batch['batch_id']}/commit")

    assert response.status_code == 409
    assert error_of(response)["message"] == "this file was already imported"


def test_a_rejected_preview_cannot_be_committed(api: Api) -> None:
    batch = upload(api, csv_bytes(BAD_ROWS), commit=False).json()

    response = api.post(f"/api/imports/{batch['batch_id']}/commit")

    assert response.status_code == 409
    assert api.get(DRAFT).json()["record_count"] == 45


def test_an_import_committed_at_once_replaces_the_records(api: Api) -> None:
    response = upload(api, csv_bytes(GOOD_ROWS), commit=True)

    assert response.status_code == 201
    assert (response.json()["status"], response.json()["ok"]) == ("committed", True)
    assert api.get(DRAFT).json()["record_count"] == 2


def test_an_import_in_append_mode_adds_to_the_records(api: Api) -> None:
    response = upload(api, csv_bytes(GOOD_ROWS), commit=True, mode="append")

    assert response.status_code == 201
    assert api.get(DRAFT).json()["record_count"] == 47


def test_an_import_committed_at_once_with_errors_is_a_422_listing_every_issue(api: Api) -> None:
    rows = [*BAD_ROWS, GOOD_ROWS[0] | {"factor_id": "ipcc2006/residential/unobtainium"}]
    before = counts(api.db)

    response = upload(api, csv_bytes(rows), commit=True)

    assert response.status_code == 422
    error = error_of(response)
    assert error["code"] == "input_errors"
    assert [(i["row"], i["column"]) for i in error["issues"]] == [(3, "activity_unit"), (4, "factor_id")]
    assert counts(api.db) == before


def test_an_unknown_mode_is_a_validation_error(api: Api) -> None:
    response = upload(api, csv_bytes(GOOD_ROWS), commit=False, mode="merge")

    assert response.status_code == 422
    assert error_of(response)["details"][0]["loc"] == ["body", "mode"]


def test_a_file_that_is_not_csv_or_xlsx_is_a_bad_request(api: Api) -> None:
    response = upload(api, b"%PDF-1.7", commit=False, name="report.pdf")

    assert response.status_code == 400
    assert error_of(response)["params"] == {"field": "file"}


def test_a_file_over_the_size_limit_is_refused(tmp_path: Path) -> None:
    small = demo_api(tmp_path, max_upload_bytes=1000)
    content = csv_bytes(GOOD_ROWS * 20)
    assert len(content) > 1000

    response = small.post(
        f"{DRAFT}/imports", files={"file": ("big.csv", content, "text/csv")}, data={"mode": "replace"}
    )

    assert response.status_code == 413
    assert error_of(response)["code"] == "too_large"


def test_a_viewer_may_not_import(api: Api) -> None:
    before = counts(api.db)

    response = api.post(
        f"{DRAFT}/imports", role="kaohsiung viewer", files={"file": ("a.csv", csv_bytes(GOOD_ROWS), "text/csv")}
    )

    assert response.status_code == 403
    assert counts(api.db) == before
