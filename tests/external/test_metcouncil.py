"""Our engine against the Metropolitan Council (Twin Cities) CPRG inventory, ghg-cprg commit d0163b2.

Data: ``../shared/data/external/metcouncil-ghg-cprg/`` (see its SOURCE.md). Met Council uses AR6 GWPs
(CH4 27.9, N2O 273). Check cases C1–C6 of DOMAIN.md §7, plus table-driven checks over every row of the
county files. Expected figures are read from the published files; only selectors (county, year) and the eGRID
2021 MROW electricity factor (quoted in DOMAIN.md C1; the bundled EPA Hub 2021 workbook carries eGRID2019) are
written here.
"""

from __future__ import annotations

import warnings
from collections import defaultdict
from functools import cache
from pathlib import Path

import openpyxl
import pytest

from zerocity.core.gwp import gwp_set

pytestmark = pytest.mark.external

MC = "metcouncil-ghg-cprg"

REL = 1e-6
ROUNDED_T = 0.005  # cprg_county_emissions.csv rounds each value to 0.01 t
AR6_CH4, AR6_N2O = 27.9, 273.0  # Met Council tests/test-gwp.R (SOURCE.md)

#: eGRID 2021 MROW output emission rates, lb per MWh (DOMAIN.md §7 C1): CO2, CH4, N2O.
EGRID2021_MROW_LB_PER_MWH = ("995.8", "0.107", "0.015")

INLINE = ["gpc_ref", "activity_value", "activity_unit", "ef_co2", "ef_ch4", "ef_n2o", "ef_unit", "year"]
DIRECT_GAS = ["gpc_ref", "gas", "emissions_t", "year", "description"]
DIRECT_CO2E = ["gpc_ref", "emissions_tco2e", "year", "description"]


def _year(text: str) -> int:
    return int(float(text))


def _one(rows: list[dict[str, str]], **match: object) -> dict[str, str]:
    found = [r for r in rows if all(str(r[k]) == str(v) for k, v in match.items())]
    assert len(found) == 1, f"expected one row matching {match}, found {len(found)}"
    return found[0]


@cache
def _hub_table1(path: Path) -> dict[str, tuple[float, ...]]:
    """EPA GHG Emission Factors Hub (April 2021), Table 1 Stationary Combustion: fuel -> (heat content,
    kg CO2/mmBtu, g CH4/mmBtu, g N2O/mmBtu, kg CO2/unit, g CH4/unit, g N2O/unit)."""
    with warnings.catch_warnings():  # the EPA workbook's page header and an Excel extension openpyxl skips
        warnings.simplefilter("ignore", UserWarning)
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
        try:
            rows = list(workbook["Emission Factors Hub"].iter_rows(values_only=True))
        finally:
            workbook.close()
    table: dict[str, tuple[float, ...]] = {}
    in_table1 = False
    for row in rows:
        if row[1] == "Table 1":
            in_table1 = True
        elif row[1] == "Table 2":
            break
        elif in_table1 and isinstance(row[2], str) and isinstance(row[3], int | float):
            table.setdefault(row[2].strip(), tuple(float(v) for v in row[3:10]))
    return table


@pytest.fixture(scope="module")
def mc(external_file, read_csv):
    def load(name: str) -> list[dict[str, str]]:
        return read_csv(external_file(MC, name))

    return load


@pytest.fixture(scope="module")
def hub(external_file) -> dict[str, tuple[float, ...]]:
    return _hub_table1(external_file(MC, "epa-ghg-emission-factors-hub-2021.xlsx"))


# -- C1: electricity, Hennepin 2021 ---------------------------------------------------------------------------
@pytest.fixture(scope="module")
def hennepin_2021(mc) -> dict[str, str]:
    # minnesota_county_elec_ActivityAndEmissions.csv, row year=2021.0, county=Hennepin (file line 78)
    return _one(mc("minnesota_county_elec_ActivityAndEmissions.csv"), year="2021.0", county="Hennepin")


def _hennepin_inventory(run_inventory, row: dict[str, str], gwp: str):
    return run_inventory(
        INLINE, [["I.1.2", row["total_mWh_delivered"], "MWh", *EGRID2021_MROW_LB_PER_MWH, "lb/MWh", "2021"]], gwp
    )


def test_hennepin_2021_electricity_matches_met_council_per_gas(run_inventory, hennepin_2021):
    result = _hennepin_inventory(run_inventory, hennepin_2021, "AR6")
    gases = result.compiled.gases
    tonnes = result.row_gas_kg[0] / 1000
    assert tonnes[gases.index("CO2")] == pytest.approx(float(hennepin_2021["total_CO2_emissions_mt"]), rel=REL)
    assert tonnes[gases.index("CH4")] == pytest.approx(float(hennepin_2021["total_CH4_emissions_mt"]), rel=REL)
    assert tonnes[gases.index("N2O")] == pytest.approx(float(hennepin_2021["total_N2O_emissions_mt"]), rel=REL)
    published = float(hennepin_2021["emissions_metric_tons_co2e"])
    assert result.row_co2e_t[0] == pytest.approx(published, rel=REL)
    assert result.total("basic") == pytest.approx(published, rel=REL)


def test_hennepin_2021_electricity_under_ar5_gives_the_derived_5351967_228(run_inventory, hennepin_2021):
    result = _hennepin_inventory(run_inventory, hennepin_2021, "AR5")
    # Derived (DOMAIN.md C1): the published gas masses re-weighted with AR5 (28, 265).
    derived = (
        float(hennepin_2021["total_CO2_emissions_mt"])
        + 28 * float(hennepin_2021["total_CH4_emissions_mt"])
        + 265 * float(hennepin_2021["total_N2O_emissions_mt"])
    )
    assert result.total("basic") == pytest.approx(derived, rel=REL)
    assert result.total("basic") == pytest.approx(5351967.228, abs=ROUNDED_T)


def test_switching_gwp_set_changes_only_co2e_not_the_gas_masses(run_inventory, hennepin_2021):
    results = {
        gwp: _hennepin_inventory(run_inventory, hennepin_2021, gwp) for gwp in ("AR4", "AR5", "AR6", "AR6-fossil")
    }
    masses = {gwp: r.row_gas_kg[0].tolist() for gwp, r in results.items()}
    assert all(m == masses["AR6"] for m in masses.values())
    for gwp, result in results.items():
        weights = gwp_set(gwp)
        kg = dict(zip(result.compiled.gases, result.row_gas_kg[0], strict=True))
        expected = (kg["CO2"] + weights["CH4"] * kg["CH4"] + weights["N2O"] * kg["N2O"]) / 1000
        assert result.row_co2e_t[0] == pytest.approx(expected, rel=1e-12), gwp
    assert len({round(r.total("basic"), 3) for r in results.values()}) == 4


def test_every_county_electricity_row_recomposes_to_met_council_co2e_under_ar6(run_inventory, mc):
    """All rows (2013–2023, 9 counties) of minnesota_county_elec_ActivityAndEmissions.csv: their per-gas tonnes,
    entered as direct per-gas rows, give their emissions_metric_tons_co2e under our AR6 set."""
    rows = mc("minnesota_county_elec_ActivityAndEmissions.csv")
    assert len(rows) == 99
    mismatches = _recompose_direct_gas(run_inventory, rows, "county")
    assert not mismatches


def test_every_county_gas_row_since_2013_recomposes_to_met_council_co2e_under_ar6(run_inventory, mc):
    """minnesota_county_GasEmissions.csv rows from 2013 on (CH4/N2O are tonnes of gas; see the 2005 caveat)."""
    rows = [r for r in mc("minnesota_county_GasEmissions.csv") if _year(r["year"]) >= 2013]
    assert len(rows) == 99
    mismatches = _recompose_direct_gas(run_inventory, rows, "county_name")
    assert not mismatches


def _recompose_direct_gas(run_inventory, rows: list[dict[str, str]], county_column: str) -> list[str]:
    mismatches = []
    for number, row in enumerate(rows, start=2):
        label = f"{row[county_column]} {row['year']} (file row {number})"
        direct = [
            ["I.1.2", gas, row[f"total_{gas}_emissions_mt"], _year(row["year"]), label] for gas in ("CO2", "CH4", "N2O")
        ]
        result = run_inventory(DIRECT_GAS, direct, "AR6")
        published = float(row["emissions_metric_tons_co2e"])
        if result.total("basic") != pytest.approx(published, rel=REL):
            mismatches.append(f"{label}: ours {result.total('basic')!r}, published {published!r}")
    return mismatches


def test_2005_gas_rows_hold_ch4_and_n2o_already_as_co2e_as_source_md_warns(mc, hub):
    """The SOURCE.md caveat, checked: in 2005 rows CH4/N2O equal mcf × EPA Hub g/scf × AR6 GWP (CO2e, not gas),
    and the CO2e column is their plain sum. This is why the table-driven test above starts at 2013."""
    _, _, _, _, _, ch4_g_scf, n2o_g_scf = hub["Natural Gas"]
    rows = [r for r in mc("minnesota_county_GasEmissions.csv") if _year(r["year"]) == 2005]
    assert rows
    for row in rows:
        mcf = float(row["total_mcf"])
        assert float(row["total_CH4_emissions_mt"]) == pytest.approx(mcf * ch4_g_scf * AR6_CH4 / 1000, rel=REL)
        assert float(row["total_N2O_emissions_mt"]) == pytest.approx(mcf * n2o_g_scf * AR6_N2O / 1000, rel=REL)
        parts = sum(float(row[f"total_{g}_emissions_mt"]) for g in ("CO2", "CH4", "N2O"))
        assert float(row["emissions_metric_tons_co2e"]) == pytest.approx(parts, rel=REL)


# -- C2: natural gas -------------------------------------------------------------------------------------------
def _natural_gas_inventory(run_inventory, hub, row: dict[str, str]):
    """mcf × EPA Hub 2021 Table 1 'Natural Gas' per-scf factors (kg CO2, g CH4, g N2O per scf), given in g/scf:
    the engine converts mcf to scf."""
    _, _, _, _, co2_kg_scf, ch4_g_scf, n2o_g_scf = hub["Natural Gas"]
    return run_inventory(
        INLINE,
        [["I.1.1", row["total_mcf"], "mcf", co2_kg_scf * 1000, ch4_g_scf, n2o_g_scf, "g/scf", _year(row["year"])]],
        "AR6",
    )


def test_anoka_2021_natural_gas_mcf_times_epa_hub_factors_matches_met_council(run_inventory, mc, hub):
    row = _one(mc("minnesota_county_GasEmissions.csv"), year="2021.0", county_name="Anoka")
    result = _natural_gas_inventory(run_inventory, hub, row)
    gases = result.compiled.gases
    for gas in ("CO2", "CH4", "N2O"):
        ours = result.row_gas_kg[0, gases.index(gas)] / 1000
        assert ours == pytest.approx(float(row[f"total_{gas}_emissions_mt"]), rel=REL), gas
    assert result.total("basic") == pytest.approx(float(row["emissions_metric_tons_co2e"]), rel=REL)


def test_every_county_gas_row_since_2013_matches_mcf_times_epa_hub_factors(run_inventory, mc, hub):
    rows = [r for r in mc("minnesota_county_GasEmissions.csv") if _year(r["year"]) >= 2013]
    mismatches = []
    for row in rows:
        result = _natural_gas_inventory(run_inventory, hub, row)
        published = float(row["emissions_metric_tons_co2e"])
        if result.total("basic") != pytest.approx(published, rel=REL):
            mismatches.append(f"{row['county_name']} {row['year']}: ours {result.total('basic')}, theirs {published}")
    assert not mismatches


# -- C3: propane and kerosene (fuel_use.csv) -------------------------------------------------------------------
def _fuel_use_inventory(run_inventory, hub, row: dict[str, str]):
    """mmBtu × EPA Hub 2021 Table 1 per-mmBtu factors (kg CO2, g CH4, g N2O), entered in g/mmBtu."""
    _, co2_kg, ch4_g, n2o_g, *_ = hub[row["fuel_type"]]
    return run_inventory(
        INLINE, [["I.1.1", row["mmBtu"], "mmBtu", co2_kg * 1000, ch4_g, n2o_g, "g/mmBtu", _year(row["year"])]], "AR6"
    )


def test_anoka_2021_propane_mmbtu_matches_met_council(run_inventory, mc, hub):
    row = _one(mc("fuel_use.csv"), NAME="Anoka", year="2021.0", fuel_type="Propane")
    result = _fuel_use_inventory(run_inventory, hub, row)
    assert result.total("basic") == pytest.approx(float(row["emissions_metric_tons_co2e"]), rel=REL)


def test_every_county_propane_and_kerosene_row_matches_met_council(run_inventory, mc, hub):
    rows = mc("fuel_use.csv")
    assert {r["fuel_type"] for r in rows} == {"Propane", "Kerosene"}
    for row in rows:
        result = _fuel_use_inventory(run_inventory, hub, row)
        label = f"{row['NAME']} {row['fuel_type']}"
        assert result.total("basic") == pytest.approx(float(row["emissions_metric_tons_co2e"]), rel=REL), label


# -- C4: on-road VMT × MOVES g/mile (county_vmt_emissions.csv) -------------------------------------------------
def _vmt_inventory(run_inventory, row: dict[str, str]):
    return run_inventory(
        INLINE,
        [["II.1.1", row["vmt_total"], "mi", row["co2"], row["ch4"], row["n2o"], "g/mi", _year(row["year"])]],
        "AR6",
    )


def test_anoka_2021_passenger_vmt_times_moves_grams_per_mile_matches_met_council(run_inventory, mc):
    row = _one(mc("county_vmt_emissions.csv"), zone="Anoka", vehicle_weight="Passenger", year="2021.0")
    result = _vmt_inventory(run_inventory, row)
    assert result.total("basic") == pytest.approx(float(row["emissions_metric_tons_co2e"]), rel=REL)


def test_every_vmt_row_matches_met_council_per_gas_grams_and_co2e(run_inventory, mc):
    rows = mc("county_vmt_emissions.csv")
    assert len(rows) == 33
    for row in rows:
        label = f"{row['zone']} {row['vehicle_weight']}"
        result = _vmt_inventory(run_inventory, row)
        gases = result.compiled.gases
        for gas in ("co2", "ch4", "n2o"):  # total_<gas> columns are grams
            ours_g = result.row_gas_kg[0, gases.index(gas.upper())] * 1000
            assert ours_g == pytest.approx(float(row[f"total_{gas}"]), rel=REL), (label, gas)
        assert result.total("basic") == pytest.approx(float(row["emissions_metric_tons_co2e"]), rel=REL), label
        # co2_co2_equivalent is their g CO2e/mi: our AR6 weighting of their per-gas g/mi must give it
        per_mile = float(row["co2"]) + AR6_CH4 * float(row["ch4"]) + AR6_N2O * float(row["n2o"])
        assert per_mile == pytest.approx(float(row["co2_co2_equivalent"]), rel=REL), label


# -- C5: Xcel community energy reports ------------------------------------------------------------------------
XCEL_REFS = {"residential": "I.1.2", "commercial": "I.2.2", "business": "I.2.2", "industrial": "I.3.2"}
XCEL_2021_T_PER_MWH = "0.286"  # DOMAIN.md C5: util_reported_co2e / MWh for every 2021 Xcel row


def test_minneapolis_2021_residential_kwh_at_xcel_0_286_t_per_mwh_matches_reported_co2e(run_inventory, mc):
    row = _one(
        mc("Xcel_activityData_2015_2023.csv"), city_name="City of Minneapolis", year="2021", sector="Residential"
    )
    result = run_inventory(
        ["gpc_ref", "activity_value", "activity_unit", "ef_co2e", "ef_unit", "year"],
        [["I.1.2", row["kwh_delivered"], "kWh", XCEL_2021_T_PER_MWH, "t/MWh", "2021"]],
    )
    assert result.total("basic") == pytest.approx(float(row["util_reported_co2e"]), rel=REL)
    gases = result.compiled.gases  # a CO2e-only factor stays CO2e, never split into gases (pitfall 6)
    assert result.row_gas_kg[0, gases.index("CO2e")] / 1000 == pytest.approx(result.total("basic"), rel=1e-12)
    assert result.row_gas_kg[0, gases.index("CO2")] == 0.0


def test_every_xcel_2021_row_with_data_matches_util_reported_co2e(run_inventory, mc):
    rows = [
        r
        for r in mc("Xcel_activityData_2015_2023.csv")
        if r["year"] == "2021" and r["kwh_delivered"] != "NA" and r["util_reported_co2e"] != "NA"
    ]
    assert len(rows) == 417
    table = [
        [XCEL_REFS[r["sector_mapped"].lower()], r["kwh_delivered"], "kWh", XCEL_2021_T_PER_MWH, "t/MWh", "2021", r[""]]
        for r in rows
    ]
    result = run_inventory(
        ["gpc_ref", "activity_value", "activity_unit", "ef_co2e", "ef_unit", "year", "description"], table
    )
    published = [float(r["util_reported_co2e"]) for r in rows]
    assert result.row_co2e_t.tolist() == pytest.approx(published, rel=REL)
    assert result.total("basic") == pytest.approx(sum(published), rel=REL)


# -- C6: county inventory electricity = C1 ---------------------------------------------------------------------
CPRG_ELECTRICITY_REFS = {
    "Residential electricity": "I.1.2",
    "Commercial electricity": "I.2.2",
    "Industrial electricity": "I.3.2",
}


def _cprg_electricity(mc) -> dict[tuple[int, str], list[dict[str, str]]]:
    by_county_year: dict[tuple[int, str], list[dict[str, str]]] = defaultdict(list)
    for row in mc("cprg_county_emissions.csv"):
        if row["category"] == "Electricity":
            by_county_year[(int(row["emissions_year"]), row["county_name"])].append(row)
    return by_county_year


def test_hennepin_2021_county_inventory_electricity_sums_to_the_c1_figure(run_inventory, mc, hennepin_2021):
    rows = _cprg_electricity(mc)[(2021, "Hennepin")]
    assert sorted(r["source"] for r in rows) == sorted(CPRG_ELECTRICITY_REFS)
    sectors = run_inventory(
        DIRECT_CO2E,
        [[CPRG_ELECTRICITY_REFS[r["source"]], r["value_emissions"], "2021", r["source"]] for r in rows],
    )
    c1 = _hennepin_inventory(run_inventory, hennepin_2021, "AR6")
    # each cprg value is rounded to 0.01 t: the sum of n of them is within n × 0.005 t
    assert sectors.total("basic") == pytest.approx(c1.total("basic"), abs=len(rows) * ROUNDED_T)
    assert sectors.scope(2) == pytest.approx(sectors.total("basic"), rel=1e-12)


def test_every_county_year_inventory_electricity_sums_to_the_county_electricity_file(mc):
    totals = {
        (_year(r["year"]), r["county"]): float(r["emissions_metric_tons_co2e"])
        for r in mc("minnesota_county_elec_ActivityAndEmissions.csv")
    }
    sectors = _cprg_electricity(mc)
    for key, expected in totals.items():
        rows = sectors[key]
        assert len(rows) == 3, key
        assert sum(float(r["value_emissions"]) for r in rows) == pytest.approx(expected, abs=len(rows) * ROUNDED_T)
