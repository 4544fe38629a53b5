"""Tests of ``zerocity plan run`` (src/zerocity/cli_plan.py) on the demo scenario and on bad scenario files."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import numpy as np
import openpyxl
import pytest
from typer.testing import CliRunner

from zerocity.cli import app

runner = CliRunner()
DEMO = Path(str(resources.files("zerocity") / "data" / "demo" / "kaohsiung_plan.toml"))


def plan(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["plan", "run", *args])
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(scope="module")
def demo_json() -> dict[str, object]:
    code, out, err = plan(str(DEMO), "--format", "json", "--draws", "300", "--seed", "11")
    assert code == 0, err
    data: dict[str, object] = json.loads(out)
    return data


def test_the_json_has_the_documented_keys(demo_json: dict[str, object]) -> None:
    for key in (
        "years",
        "bau_tco2e",
        "plan_tco2e",
        "wedges",
        "wedge_method",
        "targets",
        "p_target_met",
        "seed",
        "draws",
    ):
        assert key in demo_json
    assert demo_json["years"] == list(range(2020, 2051))
    assert (demo_json["seed"], demo_json["draws"]) == (11, 300)
    assert demo_json["wedge_method"] == "loading_order"


def test_the_demo_wedges_sum_to_the_gap_and_include_the_national_grid(demo_json: dict[str, object]) -> None:
    wedges = demo_json["wedges"]
    assert isinstance(wedges, dict)
    assert "national_grid" in wedges and "power_plant_renewables" in wedges
    total = np.sum([np.asarray(v) for v in wedges.values()], axis=0)
    gap = np.asarray(demo_json["bau_tco2e"]) - np.asarray(demo_json["plan_tco2e"])
    np.testing.assert_allclose(total, gap, rtol=1e-9, atol=1e-3)


def test_each_target_states_type_year_level_and_whether_it_is_met(demo_json: dict[str, object]) -> None:
    entries = demo_json["targets"]
    assert isinstance(entries, list) and len(entries) == 3
    first = entries[0]
    assert (first["type"], first["year"]) == ("base_year", 2030)
    assert first["target_tco2e"] == pytest.approx(66_140_000 * 0.7)
    assert isinstance(first["met"], bool)
    assert 0.0 <= first["p_met"] <= 1.0
    p_all = demo_json["p_target_met"]
    assert isinstance(p_all, float) and p_all <= min(t["p_met"] for t in entries)


def test_the_text_format_is_a_readable_table() -> None:
    code, out, _ = plan(str(DEMO), "--draws", "100")
    assert code == 0
    assert "frozen BAU" in out and "national_grid" in out and "(external)" in out
    assert "P(all targets met)" in out and "100 draws" in out


def test_the_xlsx_workbook_has_pathway_wedges_and_targets(tmp_path: Path) -> None:
    target = tmp_path / "plan.xlsx"
    code, _, err = plan(str(DEMO), "--format", "xlsx", "-o", str(target), "--draws", "50")
    assert code == 0, err
    book = openpyxl.load_workbook(target)
    assert book.sheetnames == ["pathway", "wedges", "targets", "actions", "one_point_five", "sensitivity"]
    pathway = list(book["pathway"].iter_rows(values_only=True))
    assert pathway[0] == ("year", "bau_frozen_tco2e", "bau_adjusted_tco2e", "plan_tco2e")
    assert pathway[1][0] == 2020 and pathway[-1][0] == 2050
    assert book["wedges"].cell(1, 2).value == "national_grid"
    assert book["targets"].cell(2, 2).value == "base_year"
    actions = list(book["actions"].iter_rows(values_only=True))
    assert actions[0][:5] == ("action", "template", "stage", "pools", "air_quality")
    solar = next(row for row in actions if row[0] == "rooftop_solar")
    assert solar[1] == "rooftop_pv" and "high" in solar
    tests = list(book["one_point_five"].iter_rows(values_only=True))
    assert tests[0][0] == "id" and tests[2][0] == "race-to-zero-halve-2030"
    assert book["sensitivity"].cell(1, 1).value == "input"
    assert book["sensitivity"].cell(2, 1).value == "action.power_plant_renewables.p_max"


def test_every_action_states_its_template_stage_and_co_benefits(demo_json: dict[str, object]) -> None:
    actions = {a["id"]: a for a in demo_json["actions"]}  # type: ignore[attr-defined]
    assert actions["rooftop_solar"]["template"] == "rooftop_pv"
    assert actions["rooftop_solar"]["stage"] == "supply"
    assert {"benefit": "energy_security", "level": "high"} in actions["rooftop_solar"]["co_benefits"]
    assert actions["power_plant_renewables"]["co_benefits"] == []  # no template, none stated


def test_the_demo_rooftop_pv_counts_only_what_is_additional_to_the_national_pathway(
    demo_json: dict[str, object],
) -> None:
    pv = demo_json["pv"]["rooftop_solar"]  # type: ignore[index]
    assert pv["accounting"] == "additional_only"
    generation, national, counted = (
        np.asarray(pv[k]) for k in ("generation_kwh", "national_pathway_kwh", "counted_kwh")
    )
    np.testing.assert_allclose(counted, np.maximum(generation - national, 0.0))


def test_the_json_has_the_one_point_five_tests_and_the_city_budget(demo_json: dict[str, object]) -> None:
    assessment = demo_json["one_point_five"]
    assert isinstance(assessment, dict)
    assert assessment["reference_points"] is True and assessment["co2_basis"] == "co2e_stands_in"
    tests = {t["id"]: t for t in assessment["tests"]}
    assert not tests["sr15-co2-2030-vs-2010"]["available"] and "2010" in tests["sr15-co2-2030-vs-2010"]["reason"]
    halving = tests["race-to-zero-halve-2030"]
    assert halving["available"] and halving["base_year"] == 2020 and halving["required_reduction"] == 0.5
    budget = assessment["budget"]
    assert budget["parameter_id"] == "ar6-wg1-1p5c-50" and budget["rule"] == "per_capita"
    assert budget["start_year"] == 2020 and budget["end_year"] == 2050
    years, plan = demo_json["years"], demo_json["plan_tco2e"]
    assert budget["cumulative_tco2"] == pytest.approx(sum(plan))  # type: ignore[arg-type]
    assert budget["constant_annual_cut"] == pytest.approx(plan[0] / budget["city_budget_tco2"])  # type: ignore[index]
    assert 0.0 <= budget["p_exceeded"] <= 1.0
    assert years[0] == 2020  # type: ignore[index]


def test_the_json_names_what_drives_the_uncertainty_most(demo_json: dict[str, object]) -> None:
    sensitivity = demo_json["sensitivity"]
    assert isinstance(sensitivity, dict)
    assert sensitivity["available"] and sensitivity["method"] == "sobol" and sensitivity["year"] == 2030
    totals = [index["total"] for index in sensitivity["indices"]]
    assert totals == sorted(totals, reverse=True)
    assert sensitivity["top_driver"] == sensitivity["indices"][0]["input"]
    assert sensitivity["seed"] == demo_json["seed"]


def test_the_text_format_shows_co_benefits_one_point_five_and_sensitivity() -> None:
    code, out, err = plan(str(DEMO), "--draws", "100")
    assert code == 0, err
    assert "co-benefits" in out and "energy security high" in out
    assert "1.5 °C reference tests (reference points, not obligations" in out
    assert "race-to-zero-halve-2030" in out and "constant cut of" in out
    assert "driven most by" in out


def test_xlsx_without_an_output_file_is_refused(tmp_path: Path) -> None:
    code, _, err = plan(str(DEMO), "--format", "xlsx")
    assert code == 1 and "--output" in err


MINIMAL = """
[scenario]
base_year = 2024
end_year = 2050

[pools.gas]
subsector = "I.1.1"
carrier = "natural_gas"
{pool_extra}

[actions.heaters]
stage = "efficiency"
pools = ["gas"]
effect = 0.2
stock = "boilers"
curve = {{ kind = "linear", start_year = 2025, end_year = 2030, p_max = {p_max} }}
{action_extra}

[[targets]]
type = "base_year"
target_year = {target_year}
reduction = 0.3
"""


def write_case(
    tmp_path: Path,
    *,
    pool_extra: str = "base_t_co2e = 1000.0\ngrowth_rate = 0.0",
    p_max: str = "0.5",
    action_extra: str = "",
    target_year: int = 2030,
    tail: str = "",
) -> Path:
    path = tmp_path / "case.toml"
    text = MINIMAL.format(pool_extra=pool_extra, p_max=p_max, action_extra=action_extra, target_year=target_year)
    path.write_text(text + tail, encoding="utf-8")
    return path


def test_a_minimal_file_runs(tmp_path: Path) -> None:
    code, out, err = plan(str(write_case(tmp_path)), "--format", "json")
    assert code == 0, err
    data = json.loads(out)
    assert data["plan_tco2e"][-1] == pytest.approx(1000.0 * (1 - 0.5 * 0.2))
    assert data["draws"] == 0 and data["p_target_met"] is None


@pytest.mark.parametrize(
    ("case", "key"),
    [
        ({"target_year": 2025}, "targets[1].target_year"),
        ({"p_max": "1.5"}, "actions.heaters.curve.p_max"),
        (
            {
                "tail": '\n[actions.heat_pumps]\nstage = "fuel_switch"\npools = ["gas"]\nstock = "boilers"\n'
                'curve = { kind = "step", year = 2026, p = 0.8 }\n'
            },
            "actions",
        ),
        ({"action_extra": "costs = { capital = -5.0, lifetime_years = 10 }"}, "actions.heaters.costs.capital"),
        ({"pool_extra": 'gpc_refs = ["I.1.1"]\ngrowth_rate = 0.0'}, "pools.gas.gpc_refs"),
        (
            {"tail": '\n[uncertainty.inputs]\n"pool.gas.colour" = { distribution = "normal", mean = 1, sd = 1 }\n'},
            "uncertainty",
        ),
    ],
    ids=[
        "target-in-the-past",
        "penetration-above-one",
        "shares-exceed-the-stock",
        "negative-cost",
        "no-inventory",
        "unknown-input",
    ],
)
def test_bad_input_names_file_and_key_exits_1_and_writes_nothing(
    tmp_path: Path, case: dict[str, object], key: str
) -> None:
    source = write_case(tmp_path, **case)  # type: ignore[arg-type]
    out = tmp_path / "out.json"
    code, _, err = plan(str(source), "--format", "json", "-o", str(out))
    assert code == 1
    assert f"case.toml: {key}" in err
    assert "nothing was written" in err
    assert not out.exists()


def test_a_toml_syntax_error_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "broken.toml"
    path.write_text("[scenario\nbase_year = 2024\n", encoding="utf-8")
    code, _, err = plan(str(path))
    assert code == 1 and "broken.toml" in err
