"""The CDP-ICLEI Track / GCoM emissions table, checked against the engine's own figures and read back as CSV."""

from __future__ import annotations

import csv
import io

import pytest

from zerocity.core.factors import bundled_library
from zerocity.core.gpc import gpc_catalogue
from zerocity.core.inventory.compile import compile_activity
from zerocity.core.inventory.engine import compute_inventory
from zerocity.core.inventory.result import InventoryResult
from zerocity.core.table import RawTable
from zerocity.reports import cdp

HEADER = ["gpc_ref", "activity_value", "activity_unit", "factor_id", "emissions_tco2e", "gas", "emissions_t"]
HEADER += ["notation_key", "data_quality", "source"]
ROWS = [
    ["I.1.1", "100", "TJ", "ipcc2006/residential/natural_gas", "", "", "", "", "M", "gas utility"],
    ["I.2.1", "10", "TJ", "ipcc2006/commercial_institutional/wood_wood_waste", "", "", "", "", "L", "firewood survey"],
    ["I.1.2", "1000000", "kWh", "tw-grid", "", "", "", "", "H", "Taipower"],
    ["I.4.4", "10", "TJ", "ipcc2006/energy_industries/natural_gas", "", "", "", "", "H", "plant report"],
    ["IV.1", "", "", "", "", "SF6", "0.01", "", "M", "switchgear"],
    ["IV.1", "", "", "", "", "CF4", "0.02", "", "M", "etching"],
    ["IV.1", "", "", "", "", "NF3", "0.03", "", "M", "etching"],
    ["IV.2", "", "", "", "", "HFC-134a", "2", "", "L", '=HYPERLINK("http://example.org")'],
    ["IV.2", "", "", "", "", "HFC-32", "1", "", "L", "car air conditioning"],
    ["V.2", "", "", "", "-500", "", "", "", "L", "forest sink"],
    ["II.1.1", "", "", "", "", "", "", "NE", "", "fuel sales not yet split"],
    ["VI.1", "", "", "", "", "", "", "NE", "", "consumption-based not estimated"],
]
FACTS = cdp.CityFacts(city="Kaohsiung", boundary="38 districts", population=2765932.0, population_year=2020)


def _result(rows: list[list[str]] = ROWS, gwp: str = "AR5") -> InventoryResult:
    raw = RawTable.from_rows("cdp.csv", HEADER, rows)
    return compute_inventory(compile_activity(raw, bundled_library(), inventory_year=2020, city=None), gwp)


@pytest.fixture(scope="module")
def result() -> InventoryResult:
    return _result()


@pytest.fixture(scope="module")
def table(result: InventoryResult) -> cdp.CdpTable:
    return cdp.cdp_table(result, FACTS)


def _row(table: cdp.CdpTable, ref: str) -> cdp.CdpRow:
    return next(r for r in table.rows if r.gpc_ref == ref)


# -- rows -------------------------------------------------------------------------------------------------------------
def test_every_gpc_reference_number_has_one_row_in_the_order_of_the_standard(table: cdp.CdpTable) -> None:
    assert [r.gpc_ref for r in table.rows] == [r.ref for r in gpc_catalogue().refs]


def test_each_row_carries_the_engine_figures_key_and_quality(table: cdp.CdpTable, result: InventoryResult) -> None:
    by_ref = result.by_ref()
    for row in table.rows:
        engine = by_ref.get(row.gpc_ref)
        if engine is None:
            assert (row.status, row.total_tco2e, row.notation_key) == ("missing", None, "")
            continue
        assert row.total_tco2e == engine["tco2e"]
        assert row.notation_key == (engine["notation_key"] or "")
        assert row.data_quality == (engine["data_quality"] or "")
        assert (row.sector, row.subsector, row.scope) == (engine["sector"], engine["subsector"], engine["scope"])


def test_the_gas_columns_add_up_to_each_row_total_under_the_inventory_gwp_set(table: cdp.CdpTable) -> None:
    ar5 = {"co2_t": 1.0, "ch4_t": 28.0, "n2o_t": 265.0, "sf6_t": 23500.0, "nf3_t": 16100.0}
    checked = 0
    for row in table.rows:
        if row.status != "estimated":
            continue
        weighted = sum(value * ar5.get(column, 1.0) for column, value in row.gases.items())
        assert weighted == pytest.approx(row.total_tco2e, rel=1e-12, abs=1e-9), row.gpc_ref
        checked += 1
    assert checked == 7


def test_hfcs_and_pfcs_are_summed_in_co2e_while_sf6_and_nf3_stay_in_tonnes(table: cdp.CdpTable) -> None:
    ippu, product_use = _row(table, "IV.1"), _row(table, "IV.2")
    assert product_use.gases["hfcs_tco2e"] == pytest.approx(2 * 1300 + 1 * 677, rel=1e-12)  # AR5 HFC-134a, HFC-32
    assert ippu.gases["pfcs_tco2e"] == pytest.approx(0.02 * 6630, rel=1e-12)  # AR5 CF4
    assert (ippu.gases["sf6_t"], ippu.gases["nf3_t"]) == pytest.approx((0.01, 0.03), rel=1e-12)
    assert ippu.gases["co2_t"] == 0.0


def test_the_f_gas_families_follow_the_gwp_set_of_the_inventory() -> None:
    ar6 = cdp.cdp_table(_result(gwp="AR6"), FACTS)
    assert ar6.value("gwp_set") == "AR6"
    assert _row(ar6, "IV.2").gases["hfcs_tco2e"] == pytest.approx(2 * 1530 + 1 * 771, rel=1e-12)


def test_a_grid_factor_given_as_co2e_is_not_split_into_gases(table: cdp.CdpTable) -> None:
    grid = _row(table, "I.1.2")
    assert grid.gases["co2e_not_split_tco2e"] == grid.total_tco2e
    assert grid.gases["co2_t"] == grid.gases["ch4_t"] == grid.gases["n2o_t"] == 0.0
    assert grid.total_tco2e == pytest.approx(1_000_000 * 0.502 / 1000, rel=1e-12)  # 2020 grid factor


def test_biogenic_co2_is_reported_beside_the_total_and_never_in_it(table: cdp.CdpTable) -> None:
    wood = _row(table, "I.2.1")
    assert wood.co2_biogenic_t == pytest.approx(10 * 112, rel=1e-12)  # 10 TJ x 112,000 kg CO2(b)/TJ
    assert wood.gases["co2_t"] == 0.0
    # Its CH4 and N2O count (IPCC 2006 Vol. 2 Table 2.4: 300 and 4 kg/TJ).
    assert wood.total_tco2e == pytest.approx(10 * (0.3 * 28 + 0.004 * 265), rel=1e-12)
    assert table.value("biogenic_co2_t") == pytest.approx(1120.0, rel=1e-12)


def test_f_gas_and_co2e_only_columns_appear_only_when_the_inventory_has_them(table: cdp.CdpTable) -> None:
    assert table.gas_columns == (
        "co2_t",
        "ch4_t",
        "n2o_t",
        "hfcs_tco2e",
        "pfcs_tco2e",
        "sf6_t",
        "nf3_t",
        "co2e_not_split_tco2e",
    )
    fuel_only = cdp.cdp_table(_result([ROWS[0]]), FACTS)
    assert fuel_only.gas_columns == ("co2_t", "ch4_t", "n2o_t")
    assert fuel_only.row_columns[-5:] == (
        "co2_biogenic_t",
        "total_tco2e",
        "notation_key",
        "data_quality",
        "methodology",
    )


def test_refs_without_figures_show_blanks_rather_than_zeros(table: cdp.CdpTable) -> None:
    keyed, silent = _row(table, "VI.1"), _row(table, "I.3.1")
    assert (keyed.status, keyed.notation_key, keyed.total_tco2e, keyed.gases) == ("notation key", "NE", None, {})
    assert (silent.status, silent.total_tco2e, silent.co2_biogenic_t, silent.gases) == ("missing", None, None, {})


def test_the_methodology_note_names_the_factors_and_the_reported_sources(table: cdp.CdpTable) -> None:
    assert "ipcc2006/residential/natural_gas (IPCC 2006 GL Vol.2 Ch.2 Table 2.5" in _row(table, "I.1.1").methodology
    assert _row(table, "I.1.2").methodology.startswith("tw-grid:2020 (MOEA Energy Administration")
    assert _row(table, "IV.2").methodology == (
        'reported directly (=HYPERLINK("http://example.org")); reported directly (car air conditioning)'
    )
    assert _row(table, "II.1.1").methodology == "NE: fuel sales not yet split"
    assert _row(table, "I.3.1").methodology == ""


def test_the_methodology_note_lists_each_factor_once() -> None:
    repeated = cdp.cdp_table(_result([ROWS[0], [*ROWS[0][:1], "200", *ROWS[0][2:]]]), FACTS)
    assert _row(repeated, "I.1.1").methodology.count("ipcc2006/residential/natural_gas") == 1


# -- inventory-level fields -----------------------------------------------------------------------------------------
def test_the_inventory_fields_give_the_totals_the_cdp_questionnaire_asks_for(
    table: cdp.CdpTable, result: InventoryResult
) -> None:
    expected = {
        "city": "Kaohsiung",
        "accounting_year": 2020,
        "boundary": "38 districts",
        "protocol": "GPC v1.1",
        "gwp_set": "AR5",
        "gwp_values": "CO2 1; CH4 28; N2O 265",
        "total_basic_tco2e": result.total("basic"),
        "total_basic_plus_tco2e": result.total("basic_plus"),
        "territorial_tco2e": result.total("territorial"),
        "scope1_tco2e": result.scope(1),
        "generation_I44_tco2e": _row(table, "I.4.4").total_tco2e,
        "scope2_location_based_tco2e": _row(table, "I.1.2").total_tco2e,
        "scope2_market_based_tco2e": None,
        "scope3_tco2e": 0.0,
        "population": 2765932.0,
        "population_year": 2020,
        "area_km2": None,
    }
    assert {name: table.value(name) for name in expected} == expected
    scope1_excluding = table.value("scope1_excluding_generation_tco2e")
    assert isinstance(scope1_excluding, float)
    assert scope1_excluding == pytest.approx(result.scope(1) - result.generation_t, rel=1e-12)
    assert table.value("total_basic_plus_tco2e") == pytest.approx(
        result.total("basic") + sum(_row(table, ref).total_tco2e or 0.0 for ref in ("IV.1", "IV.2", "V.2")), rel=1e-12
    )


def test_the_gases_included_are_named_and_co2e_only_factors_say_so(table: cdp.CdpTable) -> None:
    gases = str(table.value("gases_included")).split("; ")
    assert gases[:3] == ["CO2", "CH4", "N2O"]
    assert {"SF6", "NF3", "HFC-134a", "HFC-32", "CF4", "CO2e (factor not split by gas)"} <= set(gases)
    assert gases[-1] == "CO2(b) (reported separately)"


def _all_keyed(omit: tuple[str, ...] = ()) -> list[list[str]]:
    return [[r.ref, "", "", "", "", "", "", "NO", "", ""] for r in gpc_catalogue().refs if r.ref not in omit]


@pytest.mark.parametrize(
    ("omit", "level", "missing_basic", "missing_plus"),
    [
        ((), "BASIC+", "", ""),
        (("II.5.3",), "BASIC+", "", ""),  # optional (DOMAIN.md §1.1)
        (("I.1.3", "V.3", "VI.1", "I.4.4"), "BASIC", "", "I.1.3; V.3"),  # VI.1, I.4.4 are in neither level
        (("I.1.1", "I.1.3"), "incomplete", "I.1.1", "I.1.3"),
    ],
)
def test_the_reporting_level_needs_every_ref_of_the_level_estimated_or_keyed(
    omit: tuple[str, ...], level: str, missing_basic: str, missing_plus: str
) -> None:
    table = cdp.cdp_table(_result(_all_keyed(omit)), FACTS)
    assert table.value("reporting_level") == level
    assert table.value("refs_missing_for_basic") == missing_basic
    assert table.value("refs_missing_for_basic_plus") == missing_plus


def test_the_sample_inventory_is_incomplete_for_basic(table: cdp.CdpTable) -> None:
    assert table.value("reporting_level") == "incomplete"
    assert "I.3.1" in str(table.value("refs_missing_for_basic")).split("; ")


# -- CSV -------------------------------------------------------------------------------------------------------------
def _read_csv(text: str) -> tuple[dict[str, str], list[dict[str, str]]]:
    rows = list(csv.reader(io.StringIO(text)))
    blank = rows.index([])
    assert rows[0] == ["field", "value"]
    header, *body = rows[blank + 1 :]
    return dict(rows[1:blank]), [dict(zip(header, row, strict=True)) for row in body]


def _number(text: str) -> float | None:
    return None if text == "" else float(text)


def test_the_csv_reopens_with_the_csv_module_and_matches_the_table(table: cdp.CdpTable) -> None:
    fields, rows = _read_csv(cdp.to_csv(table))
    assert list(fields) == [name for name, _ in table.fields]
    for name, value in table.fields:
        if isinstance(value, float):
            assert float(fields[name]) == value, name
        elif value is None:
            assert fields[name] == "", name
        else:
            assert fields[name] == str(value), name
    assert [r["gpc_ref"] for r in rows] == [r.gpc_ref for r in table.rows]
    for written, row in zip(rows, table.rows, strict=True):
        assert list(written) == list(table.row_columns)
        assert _number(written["total_tco2e"]) == row.total_tco2e
        assert _number(written["co2_biogenic_t"]) == row.co2_biogenic_t
        assert {c: _number(written[c]) for c in table.gas_columns} == {c: row.gases.get(c) for c in table.gas_columns}
        assert (written["notation_key"], written["data_quality"]) == (row.notation_key, row.data_quality)
        assert written["in_basic"] == ("true" if row.in_basic else "false")
        assert int(written["scope"]) == row.scope


def test_the_csv_keeps_full_precision_and_negative_values(table: cdp.CdpTable) -> None:
    _, rows = _read_csv(cdp.to_csv(table))
    land = next(r for r in rows if r["gpc_ref"] == "V.2")
    assert float(land["total_tco2e"]) == -500.0
    grid = next(r for r in rows if r["gpc_ref"] == "I.1.2")
    assert float(grid["total_tco2e"]) == _row(table, "I.1.2").total_tco2e


def test_text_cells_in_the_csv_cannot_start_a_spreadsheet_formula(result: InventoryResult) -> None:
    hostile = cdp.cdp_table(result, cdp.CityFacts(city="=cmd|' /C calc'!A0", boundary="@SUM(A1)"))
    fields, _ = _read_csv(cdp.to_csv(hostile))
    assert fields["city"] == "'=cmd|' /C calc'!A0"
    assert fields["boundary"] == "'@SUM(A1)"
    assert hostile.value("city") == "=cmd|' /C calc'!A0"  # only the file is defused, not the data
