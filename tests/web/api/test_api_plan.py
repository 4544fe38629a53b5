"""``POST /api/plans/run`` and ``GET /api/plans/demo``: the planner's JSON over the API."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.web.api import Api, demo_api, error_of

from zerocity.services import planning
from zerocity.services.planning import result_to_dict, run_scenario_file
from zerocity.web.routers import api_plan

TEXT = {"Content-Type": "text/plain"}


@pytest.fixture
def api(tmp_path: Path) -> Api:
    return demo_api(tmp_path)


@pytest.fixture(scope="module")
def demo_toml() -> str:
    return planning.demo_scenario_text()


def run(api: Api, text: str, query: str = "", role: str = "kaohsiung viewer") -> object:
    return api.post(f"/api/plans/run{query}", role=role, content=text.encode("utf-8"), headers=TEXT)


def test_a_signed_in_caller_runs_the_demo_scenario(api: Api, demo_toml: str) -> None:
    response = run(api, demo_toml, "?draws=300")

    assert response.status_code == 200  # type: ignore[attr-defined]
    body = response.json()  # type: ignore[attr-defined]
    for key in ("years", "bau_tco2e", "plan_tco2e", "wedges", "wedge_method", "targets", "p_target_met", "seed"):
        assert key in body
    assert body["draws"] == 300
    assert body["seed"] == 20261127
    assert body["years"][0] == 2020 and body["years"][-1] == 2050
    assert len(body["plan_tco2e"]) == len(body["years"])
    assert [t["label"] for t in body["targets"]] == ["−30 % vs 2005 by 2030", "net zero 2050", "budget 2025–2050"]


def test_the_answer_is_the_json_of_the_command_line(api: Api, demo_toml: str) -> None:
    body = run(api, demo_toml, "?draws=100&seed=7&method=shapley").json()  # type: ignore[attr-defined]

    cli = result_to_dict(
        run_scenario_file(planning.demo_directory() / planning.DEMO_SCENARIO, draws=100, seed=7, wedge_method="shapley")
    )
    assert body["wedge_method"] == "shapley"
    assert body["plan_tco2e"] == pytest.approx(cli["plan_tco2e"])
    assert body["p_target_met"] == cli["p_target_met"]


def test_the_public_may_not_run_scenarios(api: Api, demo_toml: str) -> None:
    response = run(api, demo_toml, role="anonymous")

    assert response.status_code == 401  # type: ignore[attr-defined]
    assert error_of(response)["code"] == "not_authenticated"


def test_a_penetration_above_one_is_refused_naming_the_key(api: Api, demo_toml: str) -> None:
    broken = demo_toml.replace("end_year = 2030, p_max = 0.6 }", "end_year = 2030, p_max = 1.2 }", 1)
    assert broken != demo_toml

    response = run(api, broken, "?draws=0")

    assert response.status_code == 422  # type: ignore[attr-defined]
    error = error_of(response)
    assert error["code"] == "scenario_file"
    assert error["key"] == "actions.efficient_appliances.curve.p_max"
    assert "actions.efficient_appliances.curve.p_max" in error["message"]


def test_a_toml_syntax_error_is_refused(api: Api) -> None:
    response = run(api, "[scenario\nname = 1")

    assert response.status_code == 422  # type: ignore[attr-defined]
    assert error_of(response)["key"] == "(syntax)"


def test_a_scenario_may_not_read_files_of_the_server(api: Api, demo_toml: str) -> None:
    sneaky = demo_toml.replace('activity_file = "kaohsiung_demo.csv"', 'activity_file = "../../settings.py"')

    response = run(api, sneaky, "?draws=0")

    assert response.status_code == 422  # type: ignore[attr-defined]
    assert error_of(response)["key"] == "base_inventory.activity_file"


def test_a_scenario_larger_than_the_limit_is_refused(api: Api, demo_toml: str) -> None:
    padded = demo_toml + "#" * api_plan.MAX_SCENARIO_BYTES

    response = run(api, padded)

    assert response.status_code == 413  # type: ignore[attr-defined]
    assert error_of(response)["code"] == "too_large"


def test_the_draw_count_is_bounded(api: Api, demo_toml: str) -> None:
    response = run(api, demo_toml, f"?draws={api_plan.MAX_DRAWS + 1}")

    assert response.status_code == 422  # type: ignore[attr-defined]


def test_the_demo_run_is_public_and_says_its_method(api: Api) -> None:
    response = api.get("/api/plans/demo?method=proportional", role="anonymous")

    assert response.status_code == 200
    body = response.json()
    assert body["wedge_method"] == "proportional"
    assert body["draws"] == 2000
    assert "fan_chart" in body and "macc" in body


def test_the_openapi_document_declares_a_text_body_for_runs(api: Api) -> None:
    operation = api.get("/api/openapi.json").json()["paths"]["/api/plans/run"]["post"]

    assert list(operation["requestBody"]["content"]) == ["text/plain"]
