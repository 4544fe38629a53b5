"""Validating and compiling activity rows (``zerocity.core.inventory.compile``).

Every bad input becomes an ``InputIssue`` naming the file, the spreadsheet row (header = row 1, first data
row = 2), the column and the reason; all problems are reported at once and nothing is computed.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pytest

from zerocity.core.errors import InputErrors, InputIssue
from zerocity.core.factors import bundled_library
from zerocity.core.inventory.columns import KNOWN
from zerocity.core.inventory.compile import compile_activity, parse_number
from zerocity.core.inventory.compiled import CompiledActivity
from zerocity.core.table import RawTable

FILE = "activity.csv"
YEAR = 2021
# Every column the engine reads; cells a row does not name stay blank.
HEADER = KNOWN
GAS_ROW = {
    "gpc_ref": "I.1.1",
    "activity_value": "10",
    "activity_unit": "TJ",
    "factor_id": "ipcc2006/residential/natural_gas",
}
GRID_ROW = {"gpc_ref": "I.1.2", "activity_value": "1000", "activity_unit": "MWh", "factor_id": "tw-grid"}


def row(**cells: str) -> list[str]:
    unknown = set(cells) - set(HEADER)
    assert not unknown, unknown
    cells.setdefault("year", str(YEAR))
    return [cells.get(name, "") for name in HEADER]


def raw_table(rows: Sequence[Sequence[str]], header: Sequence[str] = HEADER) -> RawTable:
    return RawTable.from_rows(FILE, header, rows)


def compile_rows(rows: Sequence[Sequence[str]], **options: object) -> CompiledActivity:
    return compile_activity(raw_table(rows), bundled_library(), **options)  # type: ignore[arg-type]


def issues_of(rows: Sequence[Sequence[str]], **options: object) -> list[InputIssue]:
    with pytest.raises(InputErrors) as caught:
        compile_rows(rows, **options)
    assert caught.value.issues, "InputErrors without issues"
    return caught.value.issues


def only_issue(rows: Sequence[Sequence[str]], **options: object) -> InputIssue:
    issues = issues_of(rows, **options)
    assert len(issues) == 1, [str(i) for i in issues]
    return issues[0]


# -- a good file -------------------------------------------------------------------------------------------------


def test_a_valid_file_compiles_one_entry_per_row_in_file_order() -> None:
    compiled = compile_rows([row(**GAS_ROW), row(**GRID_ROW), row(gpc_ref="I.7.1", notation_key="NO")])
    assert compiled.n_rows == 3
    assert compiled.inventory_year == YEAR
    assert compiled.row_numbers.tolist() == [2, 3, 4]
    assert compiled.amount.tolist()[:2] == [10.0, 1000.0]
    assert compiled.conversion_index[2] == -1  # a notation-key row computes nothing


def test_the_inventory_year_comes_from_the_year_column_when_not_given() -> None:
    assert compile_rows([row(**GAS_ROW, year="2019")]).inventory_year == 2019


def test_row_numbers_passed_by_the_reader_are_kept() -> None:
    raw = RawTable.from_rows(FILE, HEADER, [row(**GAS_ROW), row(**GRID_ROW)], row_numbers=[2, 7])
    compiled = compile_activity(raw, bundled_library())
    assert compiled.row_numbers.tolist() == [2, 7]


def test_a_file_without_a_year_compiles_when_the_year_is_given() -> None:
    compiled = compile_rows([row(**GAS_ROW, year="")], inventory_year=2020)
    assert compiled.inventory_year == 2020


def test_grid_energy_in_taiwanese_du_compiles() -> None:
    compiled = compile_rows([row(gpc_ref="I.1.2", activity_value="1000", activity_unit="度", factor_id="tw-grid")])
    assert compiled.conversions[compiled.conversion_index[0]].factor.factor_id == f"tw-grid:{YEAR}"


@pytest.mark.parametrize(
    ("text", "value"), [("1,234.5", 1234.5), ("1e3", 1000.0), ("+5", 5.0), (".5", 0.5), ("7.", 7.0)]
)
def test_numbers_as_spreadsheets_write_them_are_read(text: str, value: float) -> None:
    assert parse_number(text) == value


@pytest.mark.parametrize("text", ["1 234", "1.234,5", "12,34", "abc", "", "nan", "inf", "1e", "--1", "5%"])
def test_text_that_is_not_a_plain_number_is_not_read_as_one(text: str) -> None:
    assert parse_number(text) is None


def test_a_category_factor_with_a_chinese_fuel_name_compiles_to_the_full_factor() -> None:
    compiled = compile_rows(
        [row(gpc_ref="I.1.1", activity_value="1", activity_unit="TJ", factor_id="ipcc2006/residential", fuel="天然氣")]
    )
    assert compiled.conversions[0].factor.factor_id == "ipcc2006/residential/natural_gas"


def test_a_volume_of_gas_compiles_when_the_row_gives_its_density() -> None:
    compiled = compile_rows(
        [row(**{**GAS_ROW, "activity_value": "1000", "activity_unit": "m3"}, density="0.75", density_unit="kg/m3")]
    )
    # 1 m3 × 0.75 kg/m3 × 48 TJ/Gg (IPCC NCV of the factor) = 3.6e-5 TJ
    assert compiled.conversions[0].multiplier == pytest.approx(0.75e-6 * 48, rel=1e-12)


def test_a_volume_of_gas_compiles_when_the_row_gives_an_ncv_per_volume() -> None:
    compiled = compile_rows(
        [row(**{**GAS_ROW, "activity_value": "1000", "activity_unit": "m3"}, ncv="0.036", ncv_unit="GJ/m3")]
    )
    assert compiled.conversions[0].multiplier == pytest.approx(0.036e-3, rel=1e-12)


def test_a_mass_of_fuel_is_bridged_with_the_factors_own_ncv() -> None:
    compiled = compile_rows([row(**{**GAS_ROW, "activity_unit": "t"})])
    assert compiled.conversions[0].multiplier == pytest.approx(48e-3, rel=1e-12)
    assert "NCV" in compiled.conversions[0].conversion


# -- file-level problems -----------------------------------------------------------------------------------------


def test_a_missing_gpc_ref_column_is_reported_on_the_header_row() -> None:
    with pytest.raises(InputErrors) as caught:
        compile_activity(RawTable.from_rows(FILE, ["activity_value"], [["1"]]), bundled_library())
    (issue,) = caught.value.issues
    assert (issue.file, issue.row, issue.column) == (FILE, 1, "gpc_ref")
    assert "required column 'gpc_ref' is missing" in issue.reason


def test_a_header_without_data_rows_is_an_error() -> None:
    with pytest.raises(InputErrors) as caught:
        compile_activity(RawTable.from_rows(FILE, HEADER, []), bundled_library())
    assert "no data rows" in caught.value.issues[0].reason


def test_several_years_without_a_chosen_year_is_an_error() -> None:
    issue = only_issue([row(**GAS_ROW, year="2020"), row(**GAS_ROW, year="2021")])
    assert issue.column == "year"
    assert "several years [2020, 2021]" in issue.reason


def test_several_years_with_a_chosen_year_keep_only_that_years_rows() -> None:
    compiled = compile_rows([row(**GAS_ROW, year="2020"), row(**GRID_ROW, year="2021")], inventory_year=2021)
    assert compiled.row_numbers.tolist() == [3]


def test_no_year_anywhere_is_an_error() -> None:
    issue = only_issue([row(**GAS_ROW, year="")])
    assert issue.column == "year" and "no inventory year" in issue.reason


@pytest.mark.parametrize("year", ["21", "2021.5", "twenty", "1850"])
def test_an_impossible_year_is_reported_on_its_row(year: str) -> None:
    issues = issues_of([row(**GAS_ROW, year=year)], inventory_year=2021)
    assert (issues[0].row, issues[0].column) == (2, "year")


def test_a_chosen_year_with_no_rows_is_an_error() -> None:
    issue = only_issue([row(**GAS_ROW, year="2020")], inventory_year=2021)
    assert "no rows for year 2021" in issue.reason


def test_several_cities_without_a_chosen_city_is_an_error_and_a_chosen_city_selects_its_rows() -> None:
    rows = [row(**GAS_ROW, city="Kaohsiung"), row(**GRID_ROW, city="Tainan")]
    with pytest.raises(InputErrors) as caught:
        compile_activity(raw_table(rows), bundled_library())
    assert "several cities" in caught.value.issues[0].reason
    compiled = compile_activity(raw_table(rows), bundled_library(), city="Tainan")
    assert compiled.city == "Tainan"
    assert compiled.row_numbers.tolist() == [3]


# -- row problems, one at a time ---------------------------------------------------------------------------------


@pytest.mark.parametrize("ref", ["I.9.1", "VII.1", "1.1.1", "I.1"])
def test_an_unknown_gpc_ref_is_reported_on_its_row_and_column(ref: str) -> None:
    issue = only_issue([row(**GAS_ROW), row(**{**GAS_ROW, "gpc_ref": ref})])
    assert (issue.file, issue.row, issue.column) == (FILE, 3, "gpc_ref")
    assert f"unknown GPC reference number {ref!r}" in issue.reason


def test_an_empty_gpc_ref_is_an_error() -> None:
    issue = only_issue([row(**{**GAS_ROW, "gpc_ref": ""})])
    assert (issue.row, issue.column) == (2, "gpc_ref")


def test_the_misspelt_ref_i63_is_accepted_as_i63() -> None:
    compiled = compile_rows([row(gpc_ref="I.63", notation_key="IE (I.6.2)")])
    assert compiled.notation[0].keys == ("IE",)


def test_an_unknown_unit_is_reported_with_a_suggestion() -> None:
    issue = only_issue([row(**{**GAS_ROW, "activity_unit": "therrm"})])
    assert (issue.row, issue.column) == (2, "activity_unit")
    assert "unknown unit 'therrm'" in issue.reason and "'therm'" in issue.reason


def test_an_empty_unit_on_an_activity_row_is_an_error() -> None:
    issue = only_issue([row(**{**GAS_ROW, "activity_unit": ""})])
    assert (issue.row, issue.column) == (2, "activity_unit")


def test_an_unknown_fuel_is_reported_on_the_fuel_column() -> None:
    issues = issues_of([row(**{**GAS_ROW, "factor_id": "ipcc2006/residential"}, fuel="unobtainium")])
    assert any((i.row, i.column) == (2, "fuel") and "unknown fuel 'unobtainium'" in i.reason for i in issues)


def test_a_fuel_that_contradicts_the_factor_is_an_error() -> None:
    issue = only_issue([row(**GAS_ROW, fuel="柴油")])
    assert (issue.row, issue.column) == (2, "factor_id")
    assert "does not match factor" in issue.reason


def test_an_unknown_factor_id_is_reported_with_close_ids() -> None:
    issue = only_issue([row(**{**GAS_ROW, "factor_id": "ipcc2006/residential/natural_gaz"})])
    assert (issue.row, issue.column) == (2, "factor_id")
    assert "unknown factor id" in issue.reason and "ipcc2006/residential/natural_gas" in issue.reason


def test_litres_of_natural_gas_with_an_energy_factor_and_no_density_or_ncv_is_an_error() -> None:
    issue = only_issue([row(**{**GAS_ROW, "activity_unit": "L"})])
    assert (issue.row, issue.column) == (2, "activity_unit")
    assert "volume" in issue.reason and "energy" in issue.reason and "density" in issue.reason


def test_vehicle_km_against_an_energy_factor_is_an_error() -> None:
    issue = only_issue([row(**{**GAS_ROW, "activity_unit": "vehicle-km"})])
    assert issue.column == "activity_unit" and "does not match factor" in issue.reason


def test_a_density_without_its_unit_is_an_error() -> None:
    issue = only_issue([row(**{**GAS_ROW, "activity_unit": "m3"}, density="0.75")])
    assert (issue.row, issue.column) == (2, "density_unit")


def test_a_notation_key_together_with_a_value_is_an_error() -> None:
    issue = only_issue([row(gpc_ref="I.1.1", notation_key="NO", emissions_tco2e="3")])
    assert (issue.row, issue.column) == (2, "notation_key")
    assert "notation key together with a value" in issue.reason


def test_a_notation_key_with_an_activity_value_is_an_error_too() -> None:
    issues = issues_of([row(**GAS_ROW, notation_key="NE")])
    assert any(i.column == "notation_key" and "together with a value" in i.reason for i in issues)


@pytest.mark.parametrize("key", ["NA", "N/A", "n.a.", "0", "NO; NA"])
def test_an_invalid_notation_key_is_an_error(key: str) -> None:
    issue = only_issue([row(gpc_ref="I.7.1", notation_key=key)])
    assert (issue.row, issue.column) == (2, "notation_key")
    assert "invalid notation key" in issue.reason


def test_a_scope_the_ref_does_not_have_is_an_error() -> None:
    issue = only_issue([row(**GAS_ROW, scope="2")])
    assert (issue.row, issue.column) == (2, "scope")
    assert issue.reason == "I.1.1 is scope 1; it has no scope 2"


@pytest.mark.parametrize("scope", ["1", "Scope 1", "scope1", " 1 "])
def test_a_scope_matching_the_ref_is_accepted_in_any_spelling(scope: str) -> None:
    assert compile_rows([row(**GAS_ROW, scope=scope)]).n_rows == 1


@pytest.mark.parametrize("scope", ["4", "one", "0"])
def test_a_scope_that_is_not_1_2_or_3_is_an_error(scope: str) -> None:
    issue = only_issue([row(**GAS_ROW, scope=scope)])
    assert issue.column == "scope" and "scope must be 1, 2 or 3" in issue.reason


@pytest.mark.parametrize("value", ["abc", "1 234", "12,34", "nan", "inf", "1e400", "N/A"])
def test_a_non_numeric_activity_value_is_reported(value: str) -> None:
    issue = only_issue([row(**{**GAS_ROW, "activity_value": value})])
    assert (issue.row, issue.column) == (2, "activity_value")
    assert repr(value) in issue.reason


def test_a_negative_activity_value_is_an_error() -> None:
    issue = only_issue([row(**{**GAS_ROW, "activity_value": "-5"})])
    assert (issue.row, issue.column, issue.reason) == (2, "activity_value", "must not be negative")


def test_negative_emissions_on_i11_are_an_error() -> None:
    issue = only_issue([row(gpc_ref="I.1.1", emissions_tco2e="-5")])
    assert (issue.row, issue.column) == (2, "emissions_tco2e")
    assert "V.2" in issue.reason


def test_negative_gas_emissions_on_ippu_are_an_error() -> None:
    issue = only_issue([row(gpc_ref="IV.1", gas="CO2", emissions_t="-5")])
    assert (issue.row, issue.column) == (2, "emissions_t")


def test_negative_emissions_on_v2_land_are_allowed_as_removals() -> None:
    compiled = compile_rows([row(gpc_ref="V.2", emissions_tco2e="-1500")])
    assert compiled.amount.tolist() == [-1500.0]


def test_negative_inline_factors_are_errors_even_on_v2() -> None:
    issue = only_issue([row(gpc_ref="V.2", activity_value="10", activity_unit="t", ef_co2="-3", ef_unit="t/t")])
    assert (issue.row, issue.column) == (2, "ef_co2")


def test_a_row_identical_to_an_earlier_one_is_reported_as_its_duplicate() -> None:
    issue = only_issue([row(**GAS_ROW), row(**GRID_ROW), row(**GAS_ROW)])
    assert issue.row == 4
    assert "duplicate of row 2" in issue.reason


def test_rows_differing_only_in_description_are_not_duplicates() -> None:
    compiled = compile_rows([row(**GAS_ROW, description="north"), row(**GAS_ROW, description="south")])
    assert compiled.n_rows == 2


def test_three_copies_of_a_row_all_point_to_the_first() -> None:
    issues = issues_of([row(**GAS_ROW)] * 3)
    assert [(i.row, i.reason) for i in issues] == [
        (3, "duplicate of row 2 (every column identical)"),
        (4, "duplicate of row 2 (every column identical)"),
    ]


def test_the_2025_target_grid_factor_is_refused_by_id() -> None:
    issue = only_issue([row(**{**GRID_ROW, "factor_id": "tw-grid:2025"}, year="2025")])
    assert (issue.row, issue.column) == (2, "factor_id")
    assert "target" in issue.reason


def test_the_2025_target_grid_factor_is_refused_when_tw_grid_resolves_to_it() -> None:
    issue = only_issue([row(**GRID_ROW, year="2025")])
    assert issue.column == "factor_id" and "target" in issue.reason


def test_a_grid_factor_of_another_year_is_refused() -> None:
    issue = only_issue([row(**{**GRID_ROW, "factor_id": "tw-grid:2020"})])
    assert (issue.row, issue.column) == (2, "factor_id")
    assert "is for 2020 but the inventory year is 2021" in issue.reason


def test_a_year_without_a_grid_factor_is_an_error_not_a_fallback() -> None:
    issue = only_issue([row(**GRID_ROW, year="2016")])
    assert issue.column == "factor_id" and "no tw-grid factor for 2016" in issue.reason


def test_a_no_key_and_a_value_for_the_same_ref_is_an_error_on_the_key_row() -> None:
    issue = only_issue([row(**GAS_ROW), row(gpc_ref="I.1.1", notation_key="NO")])
    assert (issue.row, issue.column) == (3, "notation_key")
    assert "marked NO" in issue.reason


def test_an_ie_key_beside_values_for_the_same_ref_is_allowed() -> None:
    compiled = compile_rows([row(**GAS_ROW), row(gpc_ref="I.1.1", notation_key="IE (I.2.1)")])
    assert compiled.n_rows == 2


def test_a_row_with_no_value_and_no_key_is_an_error() -> None:
    issue = only_issue([row(gpc_ref="I.1.1")])
    assert (issue.row, issue.column) == (2, "activity_value")


def test_two_values_on_one_row_are_an_error() -> None:
    issues = issues_of([row(**GAS_ROW, emissions_tco2e="5")])
    assert any("only one of activity_value" in i.reason for i in issues)


def test_an_activity_row_without_any_factor_is_an_error() -> None:
    issue = only_issue([row(gpc_ref="I.1.1", activity_value="1", activity_unit="TJ")])
    assert (issue.row, issue.column) == (2, "factor_id")
    assert "no emission factor" in issue.reason


def test_a_factor_id_and_inline_factors_together_are_an_error() -> None:
    issue = only_issue([row(**GAS_ROW, ef_co2="1", ef_unit="kg/TJ")])
    assert issue.column == "factor_id" and "not both" in issue.reason


def test_inline_factors_without_ef_unit_are_an_error() -> None:
    issue = only_issue([row(gpc_ref="I.1.1", activity_value="1", activity_unit="TJ", ef_co2="56100")])
    assert (issue.row, issue.column) == (2, "ef_unit")


def test_an_ef_unit_that_is_not_mass_per_activity_is_an_error() -> None:
    issue = only_issue([row(gpc_ref="I.1.1", activity_value="1", activity_unit="TJ", ef_co2="56100", ef_unit="kWh/TJ")])
    assert issue.column == "ef_unit" and "mass per activity unit" in issue.reason


def test_ef_co2e_together_with_per_gas_inline_factors_is_an_error() -> None:
    issues = issues_of(
        [row(gpc_ref="I.1.2", activity_value="1", activity_unit="MWh", ef_co2="500", ef_co2e="510", ef_unit="kg/MWh")]
    )
    assert any(i.column == "ef_co2e" and "not both" in i.reason for i in issues)


def test_emissions_t_without_a_gas_and_an_unknown_gas_are_errors() -> None:
    issues = issues_of([row(gpc_ref="IV.1", emissions_t="1"), row(gpc_ref="IV.2", gas="HFC-999", emissions_t="1")])
    assert [(i.row, i.column) for i in issues] == [(2, "gas"), (3, "gas")]
    assert "unknown gas 'HFC-999'" in issues[1].reason


def test_an_activity_unit_on_a_directly_reported_row_is_an_error() -> None:
    issue = only_issue([row(gpc_ref="IV.1", emissions_tco2e="1", activity_unit="kWh")])
    assert (issue.row, issue.column) == (2, "activity_unit")


def test_an_invalid_data_quality_code_is_an_error() -> None:
    issue = only_issue([row(**GAS_ROW, data_quality="X")])
    assert (issue.row, issue.column) == (2, "data_quality")


def test_a_method_on_a_ref_it_does_not_apply_to_is_an_error_on_the_method_column() -> None:
    issue = only_issue(
        [
            row(
                gpc_ref="II.1.1",
                activity_value="10",
                activity_unit="t",
                method="landfill_mc",
                method_params="doc=0.1; mcf=1",
            )
        ]
    )
    assert (issue.row, issue.column) == (2, "method")
    assert "III.1." in issue.reason and "II.1.1" in issue.reason


def test_an_unknown_method_is_an_error() -> None:
    issue = only_issue([row(gpc_ref="III.1.1", activity_value="10", activity_unit="t", method="magic")])
    assert issue.column == "method" and "unknown method 'magic'" in issue.reason


def test_a_bad_method_parameter_is_reported_on_method_params() -> None:
    issue = only_issue(
        [
            row(
                gpc_ref="III.1.1",
                activity_value="10",
                activity_unit="t",
                method="landfill_mc",
                method_params="doc=0.1; mcf=2",
            )
        ]
    )
    assert (issue.row, issue.column) == (2, "method_params")
    assert "mcf" in issue.reason


def test_td_losses_without_a_factor_is_an_error() -> None:
    issue = only_issue(
        [
            row(
                gpc_ref="I.1.3",
                activity_value="10",
                activity_unit="MWh",
                method="td_losses",
                method_params="loss_share=0.04",
            )
        ]
    )
    assert issue.column == "factor_id" and "needs a factor_id" in issue.reason


def test_a_factor_on_a_method_that_computes_its_own_is_an_error() -> None:
    issue = only_issue(
        [
            row(
                gpc_ref="III.1.1",
                activity_value="10",
                activity_unit="t",
                factor_id="ipcc2006/residential/natural_gas",
                method="landfill_mc",
                method_params="doc=0.1; mcf=1",
            )
        ]
    )
    assert issue.column == "factor_id" and "computes its own factors" in issue.reason


def test_a_market_based_factor_on_a_scope_1_row_is_an_error() -> None:
    issue = only_issue([row(**GAS_ROW, market_ef_co2e="0.1", market_ef_unit="kg/kWh")])
    assert (issue.row, issue.column) == (2, "market_factor_id")
    assert "scope 2 rows only" in issue.reason


def test_a_market_based_value_without_its_unit_is_an_error() -> None:
    issues = issues_of([row(**GRID_ROW, market_ef_co2e="0.1")])
    assert (issues[0].row, issues[0].column) == (2, "market_ef_unit")
    assert "needs its unit" in issues[0].reason


# -- everything at once ------------------------------------------------------------------------------------------


def test_a_file_with_many_different_problems_reports_each_on_its_own_row_and_column() -> None:
    rows = [
        row(**GAS_ROW),  # row 2: fine
        row(**{**GAS_ROW, "gpc_ref": "I.9.9"}),  # row 3
        row(**{**GAS_ROW, "activity_unit": "therrm"}),  # row 4
        row(**{**GAS_ROW, "activity_value": "ten"}),  # row 5
        row(**GRID_ROW, scope="1"),  # row 6
        row(gpc_ref="I.1.1", emissions_tco2e="-2"),  # row 7
        row(**{**GRID_ROW, "factor_id": "tw-grid:2019"}),  # row 8
        row(gpc_ref="I.7.1", notation_key="NA"),  # row 9
        row(**{**GAS_ROW, "factor_id": "ipcc2006/nowhere/natural_gas"}),  # row 10
        row(**GAS_ROW),  # row 11: duplicate of row 2
    ]
    issues = issues_of(rows)
    located = {(i.row, i.column) for i in issues}
    expected = {
        (3, "gpc_ref"),
        (4, "activity_unit"),
        (5, "activity_value"),
        (6, "scope"),
        (7, "emissions_tco2e"),
        (8, "factor_id"),
        (9, "notation_key"),
        (10, "factor_id"),
        (11, ""),
    }
    assert expected <= located, sorted(located)
    assert len(issues) >= 9
    assert all(i.file == FILE and i.severity == "error" for i in issues)
    assert 2 not in {i.row for i in issues}


def test_issues_come_sorted_by_row_and_print_as_file_row_column_reason() -> None:
    with pytest.raises(InputErrors) as caught:
        compile_rows([row(**{**GAS_ROW, "activity_value": "x"}), row(**{**GAS_ROW, "gpc_ref": "I.0.0"})])
    rows = [i.row for i in caught.value.issues]
    assert rows == sorted(rows)
    text = str(caught.value.issues[0])
    assert text.startswith(f"{FILE}, row 2, column activity_value: ")
    assert caught.value.code == "input_errors"
    assert caught.value.params["count"] == len(caught.value.issues)


def test_the_same_bad_value_on_many_rows_is_reported_on_every_row() -> None:
    rows = [row(**{**GAS_ROW, "activity_unit": "furlong", "description": str(i)}) for i in range(5)]
    issues = issues_of(rows)
    assert [i.row for i in issues] == [2, 3, 4, 5, 6]


def test_a_huge_broken_file_lists_a_capped_number_of_issues_and_says_how_many_more() -> None:
    rows = [row(**{**GAS_ROW, "activity_value": "x", "description": str(i)}) for i in range(1200)]
    issues = issues_of(rows)
    assert len(issues) == 1001
    assert issues[0].row == 0 and "200 more" in issues[0].reason  # row 0 sorts first: the overflow note


def test_a_secondary_factor_compiles_with_a_warning_not_an_error() -> None:
    compiled = compile_rows([row(**GRID_ROW, year="2024")])
    reasons = [w.reason for w in compiled.warnings]
    assert any("tw-grid:2024 is secondary" in r for r in reasons)
    assert any("CO2e only" in r for r in reasons)
    assert all(w.severity == "warning" for w in compiled.warnings)


def test_with_rows_permutes_every_per_row_array_together() -> None:
    compiled = compile_rows([row(**GAS_ROW), row(**GRID_ROW), row(gpc_ref="I.7.1", notation_key="NO")])
    order = np.asarray([2, 0, 1])
    permuted = compiled.with_rows(order)
    assert permuted.row_numbers.tolist() == [4, 2, 3]
    assert permuted.amount.tolist() == compiled.amount[order].tolist()
    assert permuted.ref_index.tolist() == compiled.ref_index[order].tolist()
    assert permuted.conversion_index.tolist() == compiled.conversion_index[order].tolist()


def test_no_keys_repeated_in_every_year_of_a_multi_year_file_are_not_conflicts() -> None:
    rows = [row(gpc_ref="I.7.1", notation_key="NO", year=str(year)) for year in (2019, 2020, 2021)]
    rows += [row(**GAS_ROW, year=str(year)) for year in (2019, 2020, 2021)]
    compiled = compile_rows(rows, inventory_year=2020)
    assert compiled.row_numbers.tolist() == [3, 6]
    assert [e.row for e in compiled.notation] == [3]


def test_values_in_another_year_do_not_conflict_with_a_no_key_in_the_chosen_year() -> None:
    rows = [
        row(gpc_ref="I.7.1", notation_key="NO", year="2021"),
        row(gpc_ref="I.7.1", emissions_tco2e="5", year="2020"),
    ]
    compiled = compile_rows(rows, inventory_year=2021)
    assert compiled.row_numbers.tolist() == [2]


@pytest.mark.parametrize(
    ("unit", "words"),
    [
        ("vehicle-km", "vehicle distance"),
        ("passenger-km", "passenger distance"),
        ("tonne-km", "freight transport work"),
    ],
)
def test_a_unit_mismatch_names_transport_work_in_words(unit: str, words: str) -> None:
    issue = only_issue([row(**{**GAS_ROW, "activity_unit": unit})])
    assert f"activity in {unit} ({words})" in issue.reason
