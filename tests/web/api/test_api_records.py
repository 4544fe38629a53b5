"""Activity records through the API: reading them page by page, and adding, changing or deleting one row."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.web.api import Api, counts, demo_api, error_of

DRAFT = "/api/cities/kaohsiung/inventories/2020"
GAS_ROW = {
    "gpc_ref": "I.2.1",
    "description": "hotel kitchens piped gas",
    "activity_value": "100",
    "activity_unit": "TJ",
    "factor_id": "ipcc2006/commercial_institutional/natural_gas",
    "data_quality": "M",
}


@pytest.fixture
def api(tmp_path: Path) -> Api:
    return demo_api(tmp_path)


def first_record(api: Api, gpc_ref: str = "I.1.1") -> dict[str, object]:
    return api.get(f"{DRAFT}/records?gpc_ref={gpc_ref}&per_page=1").json()["items"][0]  # type: ignore[no-any-return]


def test_records_come_a_page_at_a_time_in_spreadsheet_order(api: Api) -> None:
    first = api.get(f"{DRAFT}/records?per_page=10", role="kaohsiung viewer").json()
    last = api.get(f"{DRAFT}/records?per_page=10&page=5", role="kaohsiung viewer").json()

    assert (first["total"], first["pages"], len(first["items"]), len(last["items"])) == (45, 5, 10, 5)
    lines = [r["line"] for r in first["items"]]
    assert lines == sorted(lines)
    assert first["items"][0]["cells"]["gpc_ref"] == "I.1.1"


def test_records_can_be_filtered_by_gpc_reference(api: Api) -> None:
    body = api.get(f"{DRAFT}/records?gpc_ref=I.3.1").json()

    assert body["total"] == 3
    assert {r["gpc_ref"] for r in body["items"]} == {"I.3.1"}


def test_each_record_says_how_it_was_computed(api: Api) -> None:
    record = first_record(api)

    assert record["co2e_t"] > 0  # type: ignore[operator]
    assert record["detail"]["factor_id"] == "ipcc2006/residential/natural_gas"  # type: ignore[index]


def test_the_public_reads_records_of_published_inventories_only(api: Api) -> None:
    assert api.get("/api/cities/kaohsiung/inventories/2019/records", role="anonymous").status_code == 200
    assert api.get(f"{DRAFT}/records", role="anonymous").status_code == 404


def last_line(api: Api) -> int:
    pages = api.get(f"{DRAFT}/records?per_page=200").json()
    return max(r["line"] for r in pages["items"])  # type: ignore[no-any-return]


def test_an_editor_adds_a_row_and_the_inventory_is_recomputed(api: Api) -> None:
    before = api.get(DRAFT).json()
    line = last_line(api)

    response = api.post(f"{DRAFT}/records", role="kaohsiung editor", json={"cells": GAS_ROW, "reason": "new data"})

    assert response.status_code == 201
    record = response.json()
    assert record["line"] == line + 1
    assert record["co2e_t"] > 0
    after = api.get(DRAFT).json()
    assert after["record_count"] == before["record_count"] + 1
    assert after["version"] == before["version"] + 1
    assert after["totals"]["basic_tco2e"] == pytest.approx(before["totals"]["basic_tco2e"] + record["co2e_t"])


def test_a_row_that_does_not_compute_is_refused_naming_its_row_and_column(api: Api) -> None:
    before, line = counts(api.db), last_line(api)

    response = api.post(f"{DRAFT}/records", json={"cells": GAS_ROW | {"factor_id": "ipcc2006/no_such_factor"}})

    assert response.status_code == 422
    error = error_of(response)
    assert error["code"] == "input_errors"
    assert [(i["row"], i["column"]) for i in error["issues"]] == [(line + 1, "factor_id")]
    assert counts(api.db) == before


@pytest.mark.parametrize(
    "cells",
    [{}, {"gpc_ref": 1}, {"gpc_ref": None}, {"gpc_ref": "I.1.1", "   ": "x"}, {"gpc_ref": "I.1.1", "source": "a\x00b"}],
    ids=["no cells", "a number for text", "null for text", "a blank column name", "a NUL"],
)
def test_malformed_cells_are_a_validation_error(api: Api, cells: dict[str, object]) -> None:
    response = api.post(f"{DRAFT}/records", json={"cells": cells})

    assert response.status_code == 422
    assert error_of(response)["code"] == "validation"
    assert error_of(response)["details"][0]["loc"][:2] == ["body", "cells"]


@pytest.mark.parametrize(
    "cells", [{"description": "no reference"}, {"gpc_ref": "  "}, {"gpc_ref": "I.1.1 and more text"}]
)
def test_a_new_row_needs_a_gpc_reference_that_fits_its_column(api: Api, cells: dict[str, str]) -> None:
    response = api.post(f"{DRAFT}/records", json={"cells": cells})

    assert response.status_code == 422
    assert error_of(response)["details"][0]["loc"] == ["body", "cells"]
    assert "gpc_ref" in error_of(response)["details"][0]["msg"]


def test_a_change_may_not_clear_the_gpc_reference(api: Api) -> None:
    record = first_record(api)

    response = api.patch(f"/api/records/{record['id']}", json={"cells": {"gpc_ref": ""}, "version": record["version"]})

    assert response.status_code == 422
    assert first_record(api) == record


def test_an_editor_changes_a_cell_and_the_row_is_recomputed(api: Api) -> None:
    record = first_record(api)
    old_value = float(record["cells"]["activity_value"])  # type: ignore[index]

    response = api.patch(
        f"/api/records/{record['id']}",
        role="kaohsiung editor",
        json={"cells": {"activity_value": str(old_value * 2)}, "version": record["version"], "reason": "typo"},
    )

    assert response.status_code == 200
    assert response.json()["version"] == record["version"] + 1  # type: ignore[operator]
    assert response.json()["co2e_t"] == pytest.approx(2 * record["co2e_t"])  # type: ignore[operator]


def test_a_stale_row_version_is_a_conflict(api: Api) -> None:
    record = first_record(api)
    change = {"cells": {"description": "first"}, "version": record["version"]}
    api.patch(f"/api/records/{record['id']}", json=change)

    response = api.patch(f"/api/records/{record['id']}", json=change | {"cells": {"description": "second"}})

    assert response.status_code == 409
    assert first_record(api)["cells"]["description"] == "first"  # type: ignore[index]


def test_a_change_that_breaks_the_row_is_refused_and_nothing_is_saved(api: Api) -> None:
    record = first_record(api)

    response = api.patch(
        f"/api/records/{record['id']}", json={"cells": {"activity_unit": "furlongs"}, "version": record["version"]}
    )

    assert response.status_code == 422
    assert error_of(response)["issues"][0]["column"] == "activity_unit"
    assert error_of(response)["issues"][0]["row"] == record["line"]
    assert first_record(api) == record


def test_rows_of_a_published_inventory_are_locked(api: Api) -> None:
    record = api.get("/api/cities/kaohsiung/inventories/2019/records?per_page=1").json()["items"][0]

    response = api.patch(f"/api/records/{record['id']}", json={"cells": {"description": "x"}, "version": 1})

    assert response.status_code == 409
    assert "reopen" in error_of(response)["message"]


def test_an_editor_deletes_a_row_with_its_version(api: Api) -> None:
    record = first_record(api, "I.3.1")

    response = api.delete(f"/api/records/{record['id']}?version={record['version']}&reason=duplicate")

    assert response.status_code == 204
    assert response.content == b""
    assert api.get(f"{DRAFT}/records?gpc_ref=I.3.1").json()["total"] == 2


def test_deleting_needs_the_version(api: Api) -> None:
    record = first_record(api)

    response = api.delete(f"/api/records/{record['id']}")

    assert response.status_code == 422
    assert error_of(response)["details"][0]["loc"] == ["query", "version"]


def test_an_unknown_record_is_a_404(api: Api) -> None:
    response = api.delete("/api/records/999999?version=1")

    assert response.status_code == 404
    assert error_of(response)["code"] == "not_found"
