"""The planner over the API: ``POST /api/plans/run``, ``GET /api/plans/demo`` and a city's stored plans."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select
from tests.web.api import Api, demo_api, error_of

from zerocity.services import planning, plans
from zerocity.services.planning import result_to_dict, run_scenario_file
from zerocity.store.plan_models import CityPlan, CityPlanVersion
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


# -- stored plans ---------------------------------------------------------------------------------------------------
#: The worked example with few draws, so that saving it in these tests is quick.
QUICK = planning.demo_scenario_text().replace("draws = 2000", "draws = 40")


def plan_rows(api: Api) -> tuple[int, int]:
    with api.db.read() as session:
        return (
            session.scalar(select(func.count()).select_from(CityPlan)) or 0,
            session.scalar(select(func.count()).select_from(CityPlanVersion)) or 0,
        )


def create(api: Api, role: str = "kaohsiung editor", **body: object) -> object:
    payload = {"name": "API pathway", "scenario": QUICK, **body}
    return api.post("/api/cities/kaohsiung/plans", role=role, json=payload)


def test_the_public_lists_the_published_demo_plan_with_its_headline(api: Api) -> None:
    response = api.get("/api/cities/kaohsiung/plans", role="anonymous")

    assert response.status_code == 200
    [plan] = response.json()["items"]
    assert plan["name"] == plans.DEMO_PLAN_NAME and plan["published"] and plan["version"] == 1
    assert plan["latest_version"] is None  # members only
    assert plan["summary"]["base_year"] == 2020 and plan["summary"]["draws"] == 2000


def test_a_plan_comes_with_its_scenario_text_and_saved_run(api: Api) -> None:
    [brief] = api.get("/api/cities/kaohsiung/plans", role="anonymous").json()["items"]

    body = api.get(f"/api/plans/{brief['id']}", role="anonymous").json()

    assert body["scenario"] == planning.demo_scenario_text()
    assert body["result"]["seed"] == 20261127 and "one_point_five" in body["result"]
    assert body["result"]["plan_tco2e"] == pytest.approx(
        result_to_dict(planning.run_scenario_text(planning.demo_scenario_text()))["plan_tco2e"]
    )


def test_an_editor_creates_a_plan_that_stays_a_draft_until_published(api: Api) -> None:
    response = create(api)

    assert response.status_code == 201  # type: ignore[attr-defined]
    plan = response.json()  # type: ignore[attr-defined]
    assert (plan["version"], plan["latest_version"], plan["published"]) == (1, 1, False)
    assert api.get(f"/api/plans/{plan['id']}", role="anonymous").status_code == 404
    assert api.get(f"/api/plans/{plan['id']}", role="kaohsiung viewer").status_code == 200

    published = api.post(
        f"/api/plans/{plan['id']}/status", role="kaohsiung editor", json={"action": "publish", "version": 1}
    )
    assert published.status_code == 200 and published.json()["published_version"] == 1
    assert api.get(f"/api/plans/{plan['id']}", role="anonymous").status_code == 200


@pytest.mark.parametrize(
    ("role", "status"),
    [("kaohsiung viewer", 403), ("tainan editor", 403), ("anonymous", 401)],
    ids=["viewer", "another-citys-editor", "public"],
)
def test_only_the_citys_editors_create_plans(api: Api, role: str, status: int) -> None:
    before = plan_rows(api)
    assert create(api, role=role).status_code == status  # type: ignore[attr-defined]
    assert plan_rows(api) == before


def test_a_scenario_that_does_not_run_is_refused_with_its_key_and_line(api: Api) -> None:
    before = plan_rows(api)
    broken = QUICK.replace("reduction = 0.30", "reduction = 1.30")

    response = create(api, scenario=broken)

    assert response.status_code == 422  # type: ignore[attr-defined]
    error = error_of(response)
    assert error["code"] == "scenario_file" and error["key"] == "targets[1].reduction"
    assert error["line"] == broken.splitlines().index("reduction = 1.30") + 1
    assert plan_rows(api) == before


@pytest.mark.parametrize(
    "body",
    [{"name": ""}, {"scenario": ""}, {"colour": "green"}, {"name": 5}],
    ids=["blank-name", "empty-scenario", "unknown-key", "name-not-text"],
)
def test_plan_bodies_are_strict(api: Api, body: dict[str, object]) -> None:
    assert create(api, **body).status_code == 422  # type: ignore[attr-defined]


def test_put_saves_a_new_version_and_a_stale_version_is_refused(api: Api) -> None:
    plan_id = create(api).json()["id"]  # type: ignore[attr-defined]
    changed = QUICK.replace("seed = 20261127", "seed = 3")

    saved = api.request(
        "PUT",
        f"/api/plans/{plan_id}",
        role="kaohsiung editor",
        json={"scenario": changed, "version": 1, "note": "reseed"},
    )
    assert saved.status_code == 200
    assert (saved.json()["version"], saved.json()["note"], saved.json()["result"]["seed"]) == (2, "reseed", 3)

    stale = api.request("PUT", f"/api/plans/{plan_id}", role="kaohsiung editor", json={"scenario": QUICK, "version": 1})
    assert stale.status_code == 409
    older = api.get(f"/api/plans/{plan_id}?version=1", role="kaohsiung viewer").json()
    assert older["version"] == 1 and older["latest_version"] == 2


def test_the_public_sees_the_published_version_not_a_later_draft(api: Api) -> None:
    plan_id = create(api).json()["id"]  # type: ignore[attr-defined]
    api.post(f"/api/plans/{plan_id}/status", role="kaohsiung editor", json={"action": "publish", "version": 1})
    api.request("PUT", f"/api/plans/{plan_id}", role="kaohsiung editor", json={"scenario": QUICK + "\n", "version": 1})

    public = api.get(f"/api/plans/{plan_id}", role="anonymous").json()

    assert public["version"] == 1 and public["scenario"] == QUICK
    assert api.get(f"/api/plans/{plan_id}?version=2", role="anonymous").status_code == 404


def test_delete_removes_the_plan(api: Api) -> None:
    plan_id = create(api).json()["id"]  # type: ignore[attr-defined]

    assert api.delete(f"/api/plans/{plan_id}", role="kaohsiung viewer").status_code == 403
    assert api.delete(f"/api/plans/{plan_id}", role="kaohsiung editor").status_code == 204
    assert api.get(f"/api/plans/{plan_id}", role="admin").status_code == 404


def test_a_run_may_take_its_base_year_from_a_stored_inventory_the_caller_may_read(api: Api) -> None:
    text = (
        '[scenario]\nbase_year = 2020\nend_year = 2030\n\n[base_inventory]\nstored = "kaohsiung"\n\n'
        '[pools.homes]\nsubsector = "I.1.2"\ncarrier = "electricity"\ngpc_refs = ["I.1.2"]\ngrowth_rate = 0.0\n'
    )

    member = run(api, text, role="kaohsiung viewer")
    outsider = run(api, text, role="tainan editor")  # the 2020 inventory is a draft of Kaohsiung

    assert member.status_code == 200  # type: ignore[attr-defined]
    assert member.json()["base_inventory"] == "stored inventory kaohsiung 2020"  # type: ignore[attr-defined]
    assert outsider.status_code == 422  # type: ignore[attr-defined]
    assert error_of(outsider)["key"] == "base_inventory.stored"


def test_a_file_asking_for_more_draws_than_a_worker_may_run_is_refused_before_running(api: Api, demo_toml: str) -> None:
    greedy = demo_toml.replace("draws = 2000", "draws = 10000000")

    response = run(api, greedy)

    assert response.status_code == 422  # type: ignore[attr-defined]
    error = error_of(response)
    assert error["key"] == "uncertainty.draws"
    assert error["line"] == greedy.splitlines().index("draws = 10000000") + 1
