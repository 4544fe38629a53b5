"""The ``zerocity`` command line (``zerocity.cli``): a thin shell whose contract is exit codes, clear messages
for bad input (file, row, column, reason; never a traceback) and no output file unless everything succeeded."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from zerocity.cli import EXIT_INPUT_ERROR, app

ZEROCITY = Path(sys.executable).with_name("zerocity")
HEADER = "year,gpc_ref,activity_value,activity_unit,factor_id,gas,emissions_t,notation_key,data_quality\n"
GOOD_ROWS = (
    "2021,II.1.1,1,TJ,ipcc2006/road/gas_diesel_oil,,,,M\n"
    "2021,I.1.2,1000,MWh,tw-grid,,,,H\n"
    "2021,IV.2,,,,HFC-134a,10,,\n"
    "2021,I.7.1,,,,,,NO,\n"
)
BAD_ROWS = (
    "2021,II.1.1,1,TJ,ipcc2006/road/gas_diesel_oil,,,,\n"
    "2021,II.9.1,1,TJ,ipcc2006/road/gas_diesel_oil,,,,\n"
    "2021,I.1.2,abc,MWh,tw-grid,,,,\n"
    "2021,I.1.1,5,therrm,ipcc2006/residential/natural_gas,,,,\n"
)
RESULT_KEYS = {
    "gwp",
    "basic_tco2e",
    "basic_plus_tco2e",
    "territorial_tco2e",
    "biogenic_co2_t",
    "by_ref",
    "by_sector",
    "by_scope",
}

runner = CliRunner()


@pytest.fixture
def good_csv(tmp_path: Path) -> Path:
    path = tmp_path / "activity.csv"
    path.write_text(HEADER + GOOD_ROWS, encoding="utf-8")
    return path


@pytest.fixture
def bad_csv(tmp_path: Path) -> Path:
    path = tmp_path / "broken.csv"
    path.write_text(HEADER + BAD_ROWS, encoding="utf-8")
    return path


def invoke(*args: str) -> Any:
    return runner.invoke(app, list(args))


def output_of(result: Any) -> str:
    return f"{result.stdout}\n{result.stderr}"


def compute_json(path: Path, *options: str) -> dict[str, Any]:
    result = invoke("inventory", "compute", str(path), "--format", "json", *options)
    assert result.exit_code == 0, output_of(result)
    data: dict[str, Any] = json.loads(result.stdout)
    return data


# -- inventory compute ---------------------------------------------------------------------------------------------


def test_compute_as_json_has_the_headline_figures_and_breakdowns(good_csv: Path) -> None:
    data = compute_json(good_csv)
    assert set(data) >= RESULT_KEYS
    assert data["gwp"] == "AR5"
    assert data["year"] == 2021
    assert data["basic_tco2e"] == pytest.approx(75.2427 + 509.0, rel=1e-9)
    assert data["basic_plus_tco2e"] == pytest.approx(75.2427 + 509.0 + 13000.0, rel=1e-9)
    assert data["territorial_tco2e"] == pytest.approx(75.2427 + 13000.0, rel=1e-9)
    assert data["biogenic_co2_t"] == 0.0
    for ref, entry in data["by_ref"].items():
        assert {"tco2e", "gases_t", "notation_key", "data_quality"} <= set(entry), ref
    assert data["by_ref"]["I.7.1"] == {**data["by_ref"]["I.7.1"], "tco2e": None, "notation_key": "NO"}
    assert data["by_ref"]["II.1.1"]["data_quality"] == "M"
    assert data["by_scope"]["2"] == pytest.approx(509.0)
    assert data["by_sector"]["Transportation"]["basic_tco2e"] == pytest.approx(75.2427)


def test_the_gwp_option_changes_co2e_and_is_recorded(good_csv: Path) -> None:
    ar4 = compute_json(good_csv, "--gwp", "AR4")
    ar6 = compute_json(good_csv, "--gwp", "ar6")
    assert (ar4["gwp"], ar6["gwp"]) == ("AR4", "AR6")
    assert ar4["basic_plus_tco2e"] != pytest.approx(ar6["basic_plus_tco2e"], rel=1e-6)
    assert ar4["by_ref"]["IV.2"]["tco2e"] == pytest.approx(14300.0)
    assert ar6["by_ref"]["IV.2"]["tco2e"] == pytest.approx(15300.0)


def test_an_unknown_gwp_set_exits_with_an_input_error(good_csv: Path) -> None:
    result = invoke("inventory", "compute", str(good_csv), "--gwp", "AR9")
    assert result.exit_code == EXIT_INPUT_ERROR
    assert "unknown GWP set 'AR9'" in result.stderr


def test_csv_output_is_utf8_with_a_bom_for_excel(good_csv: Path, tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    result = invoke("inventory", "compute", str(good_csv), "--format", "csv", "-o", str(target))
    assert result.exit_code == 0, output_of(result)
    data = target.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("gpc_ref,sector,subsector,scope,tco2e")
    assert any(line.startswith("II.1.1,") for line in text.splitlines())
    assert f"wrote {target}" in result.stderr


def test_json_output_to_a_file_is_plain_utf8(good_csv: Path, tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    result = invoke("inventory", "compute", str(good_csv), "--format", "json", "-o", str(target))
    assert result.exit_code == 0, output_of(result)
    assert not target.read_bytes().startswith(b"\xef\xbb\xbf")
    assert json.loads(target.read_text(encoding="utf-8"))["gwp"] == "AR5"


def test_text_output_shows_the_inventory_table(good_csv: Path) -> None:
    result = invoke("inventory", "compute", str(good_csv))
    assert result.exit_code == 0, output_of(result)
    assert "II.1.1" in result.stdout and "AR5" in result.stdout


def test_xlsx_output_needs_an_output_file(good_csv: Path) -> None:
    result = invoke("inventory", "compute", str(good_csv), "--format", "xlsx")
    assert result.exit_code == EXIT_INPUT_ERROR
    assert "--output" in result.stderr


def test_bad_input_exits_non_zero_lists_every_problem_and_writes_nothing(bad_csv: Path, tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    result = invoke("inventory", "compute", str(bad_csv), "--format", "json", "-o", str(target))
    assert result.exit_code == EXIT_INPUT_ERROR
    assert not target.exists()
    assert list(tmp_path.iterdir()) == [bad_csv]  # no temporary file left behind either
    assert "broken.csv, row 3, column gpc_ref: unknown GPC reference number 'II.9.1'" in result.stderr
    assert "broken.csv, row 4, column activity_value: not a number: 'abc'" in result.stderr
    assert "broken.csv, row 5, column activity_unit: unknown unit 'therrm'" in result.stderr
    assert "3 problem(s); nothing was written." in result.stderr
    assert "Traceback" not in output_of(result)


def test_several_years_need_the_year_option(tmp_path: Path) -> None:
    path = tmp_path / "years.csv"
    path.write_text(HEADER + GOOD_ROWS + "2020,I.1.2,1000,MWh,tw-grid,,,,\n", encoding="utf-8")
    result = invoke("inventory", "compute", str(path))
    assert result.exit_code == EXIT_INPUT_ERROR
    assert "several years" in result.stderr and "--year" in result.stderr
    chosen = compute_json(path, "--year", "2020")
    assert chosen["year"] == 2020
    assert chosen["basic_tco2e"] == pytest.approx(502.0)


def test_a_missing_input_file_is_an_input_error(tmp_path: Path) -> None:
    result = invoke("inventory", "compute", str(tmp_path / "nope.csv"))
    assert result.exit_code != 0
    assert "Traceback" not in output_of(result)


def test_a_user_factor_file_extends_the_library(good_csv: Path, tmp_path: Path) -> None:
    factors = tmp_path / "factors.csv"
    factors.write_text("factor_id,activity_unit,mass_unit,co2e,source\ncity:bus,vehicle-km,kg,1.2,City bus test 2021\n")
    activity = tmp_path / "bus.csv"
    activity.write_text("year,gpc_ref,activity_value,activity_unit,factor_id\n2021,II.1.1,1000,vehicle-km,city:bus\n")
    data = compute_json(activity, "--factors", str(factors))
    assert data["basic_tco2e"] == pytest.approx(1.2)


def test_a_user_factor_shadowing_a_bundled_id_is_an_input_error(good_csv: Path, tmp_path: Path) -> None:
    factors = tmp_path / "factors.csv"
    factors.write_text("factor_id,activity_unit,mass_unit,co2e,source\ntw-grid:2021,kWh,kg,0.1,my guess\n")
    result = invoke("inventory", "compute", str(good_csv), "--factors", str(factors))
    assert result.exit_code == EXIT_INPUT_ERROR
    assert "already exists" in result.stderr
    assert "Traceback" not in output_of(result)


# -- factors -------------------------------------------------------------------------------------------------------


def test_factors_list_filters_by_category() -> None:
    result = invoke("factors", "list", "--category", "grid")
    assert result.exit_code == 0, output_of(result)
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 9
    assert all(line.startswith("tw-grid:") for line in lines)
    assert "9 factor(s)" in result.stderr


def test_factors_list_by_status_shows_the_target() -> None:
    result = invoke("factors", "list", "--status", "target")
    assert result.exit_code == 0
    assert result.stdout.split()[0] == "tw-grid:2025"


def test_factors_show_prints_values_source_year_and_status() -> None:
    result = invoke("factors", "show", "ipcc2006/road/gas_diesel_oil")
    assert result.exit_code == 0, output_of(result)
    assert "CO2 = 74100 kg/TJ" in result.stdout
    assert "CH4 = 3.9 kg/TJ" in result.stdout
    assert "status: published" in result.stdout
    assert "IPCC 2006" in result.stdout
    assert "year: 2006" in result.stdout


def test_factors_show_of_an_unknown_id_suggests_and_exits_non_zero() -> None:
    result = invoke("factors", "show", "ipcc2006/road/gas_diesel_oli")
    assert result.exit_code == EXIT_INPUT_ERROR
    assert "ipcc2006/road/gas_diesel_oil" in result.stderr
    assert "Traceback" not in output_of(result)


def test_factors_search_in_chinese_finds_diesel() -> None:
    result = invoke("factors", "search", "柴油")
    assert result.exit_code == 0, output_of(result)
    assert "ipcc2006/road/gas_diesel_oil" in result.stdout


def test_factors_search_with_several_words_narrows_the_list() -> None:
    result = invoke("factors", "search", "diesel", "road")
    assert result.exit_code == 0
    assert result.stdout.split()[0] == "ipcc2006/road/gas_diesel_oil"
    assert "residential" not in result.stdout


def test_factors_search_without_a_match_exits_non_zero() -> None:
    result = invoke("factors", "search", "unobtainium")
    assert result.exit_code == EXIT_INPUT_ERROR
    assert "no factor matches" in result.stderr


# -- demo ----------------------------------------------------------------------------------------------------------


def test_demo_prints_an_inventory_labelled_as_illustrative() -> None:
    result = invoke("demo")
    assert result.exit_code == 0, output_of(result)
    assert "ILLUSTRATIVE" in result.stdout
    assert "I.1.2" in result.stdout
    assert "Traceback" not in output_of(result)


def test_demo_as_json_is_a_complete_inventory() -> None:
    result = invoke("demo", "--format", "json")
    assert result.exit_code == 0, output_of(result)
    data = json.loads(result.stdout)
    assert set(data) >= RESULT_KEYS
    assert data["year"] == 2020
    assert data["basic_tco2e"] > 0
    assert data["by_ref"]["I.1.2"]["tco2e"] > 0
    assert data["by_ref"]["I.1.2"]["data_quality"] == "H"  # Taipower's published sales


# -- the installed entry point -------------------------------------------------------------------------------------


def run_entry_point(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(ZEROCITY), *args], capture_output=True, text=True, timeout=120, check=False)


@pytest.mark.skipif(not ZEROCITY.exists(), reason="the zerocity script is not installed next to this Python")
def test_the_installed_command_exits_0_on_good_input_and_1_on_bad_input(good_csv: Path, bad_csv: Path) -> None:
    good = run_entry_point("inventory", "compute", str(good_csv), "--format", "json")
    assert good.returncode == 0, good.stderr
    assert json.loads(good.stdout)["gwp"] == "AR5"
    bad = run_entry_point("inventory", "compute", str(bad_csv))
    assert bad.returncode == EXIT_INPUT_ERROR
    assert "row 3, column gpc_ref" in bad.stderr
    assert "Traceback" not in bad.stdout + bad.stderr


@pytest.mark.skipif(not ZEROCITY.exists(), reason="the zerocity script is not installed next to this Python")
@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("binary.csv", b"\x00\x01\x02\x03"),
        ("notes.pdf", b"%PDF-1.4\n"),
        ("latin1.csv", "gpc_ref,description\nI.1.1,café\xa0\n".encode("latin-1") + b"\xff\n"),
        ("empty.csv", b""),
        ("ragged.csv", b"gpc_ref,activity_value\nI.1.1,1,2,3\n"),
    ],
)
def test_unreadable_files_never_print_a_traceback(tmp_path: Path, name: str, data: bytes) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    completed = run_entry_point("inventory", "compute", str(path), "-o", str(tmp_path / "out.json"))
    assert completed.returncode == EXIT_INPUT_ERROR, completed.stderr
    assert "Traceback" not in completed.stdout + completed.stderr
    assert name in completed.stderr
    assert not (tmp_path / "out.json").exists()


@pytest.mark.skipif(not ZEROCITY.exists(), reason="the zerocity script is not installed next to this Python")
def test_a_corrupt_xlsx_is_an_input_error_not_an_internal_error(tmp_path: Path) -> None:
    path = tmp_path / "activity.xlsx"
    path.write_bytes(b"PK\x03\x04" + b"garbage" * 20)
    completed = run_entry_point("inventory", "compute", str(path))
    assert completed.returncode == EXIT_INPUT_ERROR
    assert "internal error" not in completed.stderr
