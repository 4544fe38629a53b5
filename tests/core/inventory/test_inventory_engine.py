"""The inventory engine (``zerocity.core.inventory.engine`` and ``result``): gas masses, CO2e under the pinned
GWP set, and GPC totals.

Check cases: DOMAIN.md §7. "IPCC-default cases" are derived (AR5 unless stated), tolerance relative 1e-6.
Metropolitan Council (MC, AR6 27.9/273), ghgtools (GT) and Taipower (TP) cases are published input × factor
figures, tolerance relative 1e-6 or ±0.005 t where the source rounds.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zerocity.core.factors import bundled_library
from zerocity.core.gpc import gpc_catalogue
from zerocity.core.inventory.columns import KNOWN
from zerocity.core.inventory.compile import compile_activity
from zerocity.core.inventory.compiled import CompiledActivity
from zerocity.core.inventory.engine import compute_inventory, gwp_weights
from zerocity.core.inventory.result import InventoryResult
from zerocity.core.table import RawTable

FILE = "activity.csv"
YEAR = 2021
REL = 1e-6
# Every column the engine reads; cells a row does not name stay blank.
HEADER = KNOWN
LANDFILL_CHECK_CASE = "mcf=1; docf=0.5; food=0.5; paper=0.2; garden=0.1; wood=0.05; textiles=0.05; ox=0.1"


def row(**cells: str) -> list[str]:
    unknown = set(cells) - set(HEADER)
    assert not unknown, unknown
    cells.setdefault("year", str(YEAR))
    return [cells.get(name, "") for name in HEADER]


def compile_rows(rows: Sequence[Sequence[str]], year: int | None = None) -> CompiledActivity:
    return compile_activity(RawTable.from_rows(FILE, HEADER, rows), bundled_library(), inventory_year=year)


def compute(rows: Sequence[Sequence[str]], gwp: str = "AR5", year: int | None = None) -> InventoryResult:
    return compute_inventory(compile_rows(rows, year), gwp)


def ref_t(result: InventoryResult, ref: str) -> float:
    value = result.by_ref()[ref]["tco2e"]
    assert value is not None
    return float(value)


# -- IPCC-default check cases (DOMAIN.md §7, derived) --------------------------------------------------------------

DIESEL_ROAD_1_TJ = row(
    gpc_ref="II.1.1", activity_value="1", activity_unit="TJ", factor_id="ipcc2006/road/gas_diesel_oil"
)


@pytest.mark.parametrize(("gwp", "kg"), [("AR5", 75242.7), ("AR4", 75359.7), ("AR6-fossil", 75280.92)])
def test_one_tj_of_road_diesel_emits_the_ipcc_default_co2e(gwp: str, kg: float) -> None:
    result = compute([DIESEL_ROAD_1_TJ], gwp)
    assert ref_t(result, "II.1.1") == pytest.approx(kg / 1000, rel=REL)
    assert result.total("basic") == pytest.approx(kg / 1000, rel=REL)


def test_road_diesel_gas_masses_are_kept_beside_co2e() -> None:
    gases = compute([DIESEL_ROAD_1_TJ]).by_ref()["II.1.1"]["gases_t"]
    assert gases == pytest.approx({"CO2": 74.1, "CH4": 0.0039, "N2O": 0.0039}, rel=1e-12)


def test_a_thousand_tonnes_of_residential_natural_gas_emit_2700_792_t() -> None:
    result = compute(
        [row(gpc_ref="I.1.1", activity_value="1000", activity_unit="t", factor_id="ipcc2006/residential/natural_gas")]
    )
    assert ref_t(result, "I.1.1") == pytest.approx(2700.792, rel=REL)


def test_sub_bituminous_coal_for_grid_generation_counts_in_territorial_only() -> None:
    result = compute(
        [
            row(
                gpc_ref="I.4.4",
                activity_value="1000",
                activity_unit="t",
                factor_id="ipcc2006/energy_industries/sub_bituminous_coal",
            )
        ]
    )
    assert result.total("territorial") == pytest.approx(1824.33195, rel=REL)
    assert result.generation_t == pytest.approx(1824.33195, rel=REL)
    assert result.total("basic") == 0.0
    assert result.total("basic_plus") == 0.0
    assert result.scope(1) == pytest.approx(1824.33195, rel=REL)
    assert result.scope(1, excluding_generation=True) == 0.0


def test_landfill_methane_commitment_of_the_check_case_is_625_5_t_ch4() -> None:
    result = compute(
        [
            row(
                gpc_ref="III.1.1",
                activity_value="10000",
                activity_unit="t",
                method="landfill_mc",
                method_params=LANDFILL_CHECK_CASE,
            )
        ]
    )
    entry = result.by_ref()["III.1.1"]
    assert entry["gases_t"] == pytest.approx({"CH4": 625.5}, rel=REL)
    assert entry["tco2e"] == pytest.approx(17514.0, rel=REL)
    assert result.total("basic") == pytest.approx(17514.0, rel=REL)


def test_a_method_records_its_equation_for_the_audit() -> None:
    compiled = compile_rows(
        [
            row(
                gpc_ref="III.1.1",
                activity_value="10000",
                activity_unit="t",
                method="landfill_mc",
                method_params=LANDFILL_CHECK_CASE,
            )
        ]
    )
    conversion = compiled.conversions[compiled.conversion_index[0]]
    assert conversion.method == "landfill_mc"
    assert "8.1" in conversion.method_equation


def test_td_losses_scale_the_grid_energy_by_loss_share_over_one_minus_loss_share() -> None:
    result = compute(
        [
            row(
                gpc_ref="I.1.3",
                activity_value="1000",
                activity_unit="MWh",
                factor_id="tw-grid",
                method="td_losses",
                method_params="loss_share=0.035",
            )
        ]
    )
    expected = 1000 * 0.035 / 0.965 * 0.509  # MWh × λ/(1−λ) × t CO2e/MWh (tw-grid:2021)
    assert ref_t(result, "I.1.3") == pytest.approx(expected, rel=1e-12)
    assert result.total("basic") == 0.0
    assert result.total("basic_plus") == pytest.approx(expected, rel=1e-12)
    assert result.scope(3) == pytest.approx(expected, rel=1e-12)


# -- published input × factor check cases -------------------------------------------------------------------------


def test_c1_hennepin_electricity_with_inline_lb_per_mwh_factors() -> None:
    # MC minnesota_county_elec_ActivityAndEmissions.csv, Hennepin 2021.
    rows = [
        row(
            gpc_ref="I.1.2",
            activity_value="11766463.154",
            activity_unit="MWh",
            ef_co2="995.8",
            ef_ch4="0.107",
            ef_n2o="0.015",
            ef_unit="lb/MWh",
        )
    ]
    ar6 = compute(rows, "AR6")
    assert ar6.by_ref()["I.1.2"]["gases_t"] == pytest.approx(
        {"CO2": 5314761.7613, "CH4": 571.0780, "N2O": 80.0577}, abs=0.005
    )
    assert ref_t(ar6, "I.1.2") == pytest.approx(5352550.582, rel=REL)
    assert ref_t(compute(rows, "AR5"), "I.1.2") == pytest.approx(5351967.228, rel=REL)


# DOMAIN.md §7 check cases C2–C4 (Met Council, Anoka 2021); tests/external recomputes them from the data files.
ANOKA_2021_CASES = {
    "c2 natural gas per mcf": (
        {"ef_co2": "54.44", "ef_ch4": "0.00103", "ef_n2o": "0.0001", "ef_unit": "kg/mcf"},
        ("I.1.1", "15522567.789", "mcf"),
        845918.4285,
    ),
    "c3 propane per mmBtu": (
        {"ef_co2": "62.87", "ef_ch4": "0.003", "ef_n2o": "0.0006", "ef_unit": "kg/mmBtu"},
        ("I.1.1", "185749.9", "mmBtu"),
        11724.06931,
    ),
    "c4 vehicle miles with a CO2e factor in grams per mile": (
        {"ef_co2e": "356.439", "ef_unit": "g/mi"},
        ("II.1.1", "2681385338", "mi"),
        955750.3085,
    ),
}


@pytest.mark.parametrize("case", list(ANOKA_2021_CASES))
def test_anoka_2021_check_cases_match_met_council_under_ar6(case: str) -> None:
    factor, (ref, value, unit), expected_t = ANOKA_2021_CASES[case]
    rows = [row(gpc_ref=ref, activity_value=value, activity_unit=unit, **factor)]
    assert compute(rows, "AR6").total("basic") == pytest.approx(expected_t, rel=REL)


def test_c5_minneapolis_residential_electricity_with_ef_co2e_in_t_per_mwh() -> None:
    rows = [row(gpc_ref="I.1.2", activity_value="1128700112.62", activity_unit="kWh", ef_co2e="0.286", ef_unit="t/MWh")]
    assert compute(rows).total("basic") == pytest.approx(322808.2322, rel=REL)


def test_c8_ghgtools_therms_with_a_co2e_factor() -> None:
    rows = [
        row(gpc_ref="I.2.1", activity_value="2569.69", activity_unit="therm", ef_co2e="5.31145", ef_unit="kg/therm")
    ]
    assert compute(rows).total("basic") == pytest.approx(13.6487799505, rel=1e-9)


def test_c10_kaohsiung_2020_electricity_in_du_with_the_taiwan_grid_factor() -> None:
    rows = [row(gpc_ref="I.3.2", activity_value="29585918226", activity_unit="度", factor_id="tw-grid", year="2020")]
    result = compute(rows)
    assert result.scope(2) == pytest.approx(14852130.95, abs=0.005)
    assert result.by_ref()["I.3.2"]["gases_t"] == pytest.approx({"CO2e": 14852130.95}, abs=0.005)


# -- gases, GWP and biogenic CO2 -----------------------------------------------------------------------------------


def test_directly_reported_co2e_enters_its_ref_unchanged() -> None:
    result = compute([row(gpc_ref="III.2.2", emissions_tco2e="1234.5")])
    assert ref_t(result, "III.2.2") == 1234.5
    assert result.total("basic") == 1234.5  # III.x.2 is scope 3 yet in BASIC


@pytest.mark.parametrize(("gwp", "value"), [("AR4", 1430), ("AR5", 1300), ("AR6", 1530)])
def test_reported_hfc134a_mass_is_weighted_by_its_gwp(gwp: str, value: float) -> None:
    result = compute([row(gpc_ref="IV.2", gas="HFC-134a", emissions_t="10")], gwp)
    assert ref_t(result, "IV.2") == pytest.approx(10 * value, rel=1e-12)
    assert result.by_ref()["IV.2"]["gases_t"] == {"HFC-134a": 10.0}
    assert result.total("basic") == 0.0
    assert result.total("basic_plus") == pytest.approx(10 * value, rel=1e-12)
    assert result.total("territorial") == pytest.approx(10 * value, rel=1e-12)


def test_gas_names_in_the_gas_column_are_read_in_any_spelling() -> None:
    result = compute(
        [row(gpc_ref="IV.1", gas="sf6", emissions_t="0.1"), row(gpc_ref="IV.2", gas="hfc134a", emissions_t="1")]
    )
    assert result.gas_totals_t()["SF6"] == pytest.approx(0.1)
    assert result.gas_totals_t()["HFC-134a"] == pytest.approx(1.0)


def test_switching_the_gwp_set_changes_co2e_but_not_the_gas_masses() -> None:
    rows = [DIESEL_ROAD_1_TJ, row(gpc_ref="IV.2", gas="HFC-134a", emissions_t="10")]
    ar4, ar6 = compute(rows, "AR4"), compute(rows, "AR6")
    assert ar4.total("basic_plus") != pytest.approx(ar6.total("basic_plus"), rel=1e-6)
    assert ar4.gas_totals_t() == ar6.gas_totals_t()
    assert ar4.summary()["gwp"] == "AR4" and ar6.summary()["gwp"] == "AR6"


def test_a_co2e_only_factor_is_not_reweighted_when_the_gwp_set_changes() -> None:
    rows = [row(gpc_ref="I.1.2", activity_value="1000", activity_unit="MWh", factor_id="tw-grid")]
    assert compute(rows, "AR4").total("basic") == compute(rows, "AR6").total("basic") == pytest.approx(509.0)


def test_biogenic_co2_of_wood_is_reported_beside_the_totals_never_in_them() -> None:
    result = compute(
        [row(gpc_ref="I.1.1", activity_value="1", activity_unit="TJ", factor_id="ipcc2006/residential/wood_wood_waste")]
    )
    assert result.biogenic_co2_t == pytest.approx(112.0, rel=1e-12)
    ch4_n2o_only = (300 * 28 + 4 * 265) / 1000  # its CH4 and N2O do count (ECRF)
    for total in ("basic", "basic_plus", "territorial"):
        assert result.total(total) == pytest.approx(ch4_n2o_only, rel=1e-12)
    assert result.summary()["biogenic_co2_t"] == pytest.approx(112.0)
    assert result.scope(1) == pytest.approx(ch4_n2o_only, rel=1e-12)


def test_reported_biogenic_co2_is_kept_out_of_totals() -> None:
    result = compute(
        [row(gpc_ref="III.3.1", gas="CO2(b)", emissions_t="50"), row(gpc_ref="III.3.1", gas="CO2", emissions_t="5")]
    )
    assert result.biogenic_co2_t == 50.0
    assert result.total("basic") == 5.0


def test_gwp_weights_are_one_for_co2e_and_zero_for_biogenic_co2() -> None:
    from zerocity.core.gwp import gwp_set

    weights = gwp_weights(("CO2", "CH4", "N2O", "CO2e", "CO2_biogenic"), gwp_set("AR5"))
    assert weights.tolist() == [1.0, 28.0, 265.0, 1.0, 0.0]


# -- market-based scope 2 ------------------------------------------------------------------------------------------


def test_market_based_scope_2_uses_the_contract_factor_beside_the_location_based_figure() -> None:
    result = compute(
        [
            row(
                gpc_ref="I.2.2",
                activity_value="1000",
                activity_unit="MWh",
                factor_id="tw-grid",
                market_ef_co2e="0.1",
                market_ef_unit="kg/kWh",
            ),
            row(gpc_ref="I.3.2", activity_value="2000", activity_unit="MWh", factor_id="tw-grid"),
        ]
    )
    location = (1000 + 2000) * 0.509
    assert result.scope(2) == pytest.approx(location, rel=1e-12)
    assert result.total("basic") == pytest.approx(location, rel=1e-12)
    summary = result.summary()
    assert summary["scope2_location_based_tco2e"] == pytest.approx(location, rel=1e-12)
    assert summary["scope2_market_based_tco2e"] == pytest.approx(1000 * 0.1 + 2000 * 0.509, rel=1e-12)


def test_without_market_factors_there_is_no_market_based_figure() -> None:
    result = compute([row(gpc_ref="I.2.2", activity_value="1000", activity_unit="MWh", factor_id="tw-grid")])
    assert result.summary()["scope2_market_based_tco2e"] is None


def test_a_market_factor_id_from_the_library_is_accepted() -> None:
    result = compute(
        [
            row(
                gpc_ref="I.2.2",
                activity_value="1000",
                activity_unit="MWh",
                factor_id="tw-grid",
                market_factor_id="tw-grid",
            )
        ]
    )
    assert result.summary()["scope2_market_based_tco2e"] == pytest.approx(509.0, rel=1e-12)


# -- notation keys, quality, summaries -----------------------------------------------------------------------------


def test_notation_keys_count_as_zero_and_are_kept_per_ref() -> None:
    result = compute(
        [
            DIESEL_ROAD_1_TJ,
            row(gpc_ref="I.7.1", notation_key="NO"),
            row(gpc_ref="I.8.1", notation_key="NE; IE (I.4.1)"),
            row(gpc_ref="II.1.1", notation_key="IE (II.1.1)"),
        ]
    )
    assert result.notation_keys() == {"I.7.1": "NO", "I.8.1": "NE; IE", "II.1.1": "IE"}
    by_ref = result.by_ref()
    assert by_ref["I.7.1"]["tco2e"] is None and by_ref["I.7.1"]["notation_key"] == "NO"
    assert by_ref["II.1.1"]["tco2e"] == pytest.approx(75.2427)
    assert result.total("basic") == pytest.approx(75.2427)


def test_completeness_counts_estimated_keyed_ne_and_missing_basic_refs() -> None:
    result = compute(
        [DIESEL_ROAD_1_TJ, row(gpc_ref="I.7.1", notation_key="NO"), row(gpc_ref="I.8.1", notation_key="NE")]
    )
    completeness = result.completeness()
    basic_refs = len(gpc_catalogue().refs_in("basic"))
    assert completeness == {
        "basic_refs": basic_refs,
        "estimated": 1,
        "notation_key_only": 2,
        "not_estimated_ne": 1,
        "missing": basic_refs - 3,
    }


def test_a_ref_reports_the_worst_data_quality_of_its_rows() -> None:
    result = compute(
        [
            row(gpc_ref="I.1.1", emissions_tco2e="1", data_quality="H"),
            row(gpc_ref="I.1.1", emissions_tco2e="2", data_quality="L"),
            row(gpc_ref="I.2.1", emissions_tco2e="3", data_quality="m"),
            row(gpc_ref="I.3.1", emissions_tco2e="4"),
        ]
    )
    by_ref = result.by_ref()
    assert (by_ref["I.1.1"]["data_quality"], by_ref["I.2.1"]["data_quality"], by_ref["I.3.1"]["data_quality"]) == (
        "L",
        "M",
        None,
    )


def test_v2_removals_lower_basic_plus_and_territorial_but_not_basic() -> None:
    result = compute([DIESEL_ROAD_1_TJ, row(gpc_ref="V.2", emissions_tco2e="-50")])
    assert result.total("basic") == pytest.approx(75.2427)
    assert result.total("basic_plus") == pytest.approx(75.2427 - 50)
    assert result.total("territorial") == pytest.approx(75.2427 - 50)


def test_other_scope_3_is_only_in_basic_plus_s3() -> None:
    result = compute([DIESEL_ROAD_1_TJ, row(gpc_ref="VI.1", emissions_tco2e="100")])
    assert result.total("basic_plus") == pytest.approx(75.2427)
    assert result.total("basic_plus_s3") == pytest.approx(175.2427)
    assert result.total("territorial") == pytest.approx(75.2427)


def test_the_summary_has_the_headline_figures_and_the_breakdowns() -> None:
    summary = compute([DIESEL_ROAD_1_TJ]).summary()
    for key in (
        "gwp",
        "basic_tco2e",
        "basic_plus_tco2e",
        "territorial_tco2e",
        "biogenic_co2_t",
        "by_ref",
        "by_sector",
        "by_scope",
    ):
        assert key in summary
    assert summary["year"] == YEAR
    assert summary["gwp_values"] == {"CO2": 1.0, "CH4": 28.0, "N2O": 265.0}
    assert set(summary["by_ref"]["II.1.1"]) >= {"tco2e", "gases_t", "notation_key", "data_quality"}
    assert summary["by_scope"]["1"] == pytest.approx(75.2427)
    assert summary["by_sector"]["Transportation"]["basic_tco2e"] == pytest.approx(75.2427)


# -- property tests ------------------------------------------------------------------------------------------------

#: Row templates: (cells, unit alternatives as (unit, value multiplier)). Alternatives describe the same amount.
TEMPLATES: list[tuple[dict[str, str], list[tuple[str, float]]]] = [
    ({"gpc_ref": "I.1.1", "activity_unit": "TJ", "factor_id": "ipcc2006/residential/natural_gas"}, [("GJ", 1000.0)]),
    (
        {
            "gpc_ref": "I.2.1",
            "activity_unit": "t",
            "factor_id": "ipcc2006/commercial_institutional/liquefied_petroleum_gases",
        },
        [("kg", 1000.0)],
    ),
    ({"gpc_ref": "I.1.2", "activity_unit": "MWh", "factor_id": "tw-grid"}, [("kWh", 1000.0), ("度", 1000.0)]),
    ({"gpc_ref": "I.3.2", "activity_unit": "MWh", "factor_id": "tw-grid"}, [("kWh", 1000.0)]),
    ({"gpc_ref": "II.1.1", "activity_unit": "t", "factor_id": "ipcc2006/road/gas_diesel_oil"}, [("kg", 1000.0)]),
    (
        {"gpc_ref": "I.4.4", "activity_unit": "t", "factor_id": "ipcc2006/energy_industries/sub_bituminous_coal"},
        [("kg", 1000.0)],
    ),
    (
        {"gpc_ref": "I.1.1", "activity_unit": "TJ", "factor_id": "ipcc2006/residential/wood_wood_waste"},
        [("GJ", 1000.0)],
    ),
    (
        {
            "gpc_ref": "I.1.3",
            "activity_unit": "MWh",
            "factor_id": "tw-grid",
            "method": "td_losses",
            "method_params": "loss_share=0.04",
        },
        [("kWh", 1000.0)],
    ),
    (
        {"gpc_ref": "III.1.1", "activity_unit": "t", "method": "landfill_mc", "method_params": LANDFILL_CHECK_CASE},
        [("kg", 1000.0)],
    ),
    ({"gpc_ref": "II.2.2", "activity_unit": "MWh", "ef_co2e": "0.5", "ef_unit": "t/MWh"}, [("kWh", 1000.0)]),
    ({"gpc_ref": "III.1.2", "value_column": "emissions_tco2e"}, []),
    ({"gpc_ref": "IV.2", "value_column": "emissions_t", "gas": "HFC-134a"}, []),
    ({"gpc_ref": "V.1", "value_column": "emissions_t", "gas": "CH4"}, []),
    ({"gpc_ref": "VI.1", "value_column": "emissions_tco2e"}, []),
    ({"gpc_ref": "III.3.3", "value_column": "emissions_tco2e"}, []),
]

amounts = st.floats(min_value=0.0, max_value=1e7, allow_nan=False, allow_infinity=False)
row_specs = st.lists(st.tuples(st.integers(0, len(TEMPLATES) - 1), amounts, st.integers(0, 1)), min_size=1, max_size=12)
GWP_SETS = st.sampled_from(["AR4", "AR5", "AR6", "AR6-fossil"])


def build_row(index: int, spec: tuple[int, float, int], alternative: bool = False) -> list[str]:
    template_index, value, _ = spec
    template, alternatives = TEMPLATES[template_index]
    cells = {k: v for k, v in template.items() if k != "value_column"}
    column = template.get("value_column", "activity_value")
    if alternative and alternatives:
        unit, multiplier = alternatives[(spec[2]) % len(alternatives)]
        cells["activity_unit"] = unit
        value *= multiplier
    cells[column] = repr(value)
    cells["description"] = f"row {index}"  # distinct rows: identical rows would be flagged as duplicates
    return row(**cells)


def build_rows(specs: Sequence[tuple[int, float, int]], alternative: bool = False) -> list[list[str]]:
    return [build_row(i, spec, alternative) for i, spec in enumerate(specs)]


def headline(result: InventoryResult) -> dict[str, Any]:
    return {
        "basic": result.total("basic"),
        "basic_plus": result.total("basic_plus"),
        "territorial": result.total("territorial"),
        "other_scope3": result.total("other_scope3"),
        "biogenic": result.biogenic_co2_t,
        "scope1": result.scope(1),
        "scope2": result.scope(2),
        "scope3": result.scope(3),
        "by_ref": {ref: entry["tco2e"] for ref, entry in result.by_ref().items()},
        "gases": result.gas_totals_t(),
    }


PROPERTY_SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY_SETTINGS
@given(specs=row_specs, gwp=GWP_SETS)
def test_every_total_equals_the_sum_of_its_reference_numbers(specs: list[tuple[int, float, int]], gwp: str) -> None:
    result = compute(build_rows(specs), gwp)
    by_ref = result.by_ref()
    catalogue = gpc_catalogue()

    def summed(flag: str) -> float:
        return sum(by_ref[r.ref]["tco2e"] or 0.0 for r in catalogue.refs if getattr(r, flag) and r.ref in by_ref)

    scale = max(1.0, sum(abs(e["tco2e"] or 0.0) for e in by_ref.values()))
    tolerance = 1e-9 * scale
    for total in ("basic", "basic_plus", "territorial", "other_scope3"):
        assert result.total(total) == pytest.approx(summed(total), abs=tolerance), total
    assert result.total("basic_plus_s3") == pytest.approx(
        result.total("basic_plus") + result.total("other_scope3"), abs=tolerance
    )
    all_refs = sum(e["tco2e"] or 0.0 for e in by_ref.values())
    assert result.scope(1) + result.scope(2) + result.scope(3) == pytest.approx(all_refs, abs=tolerance)
    assert float(result.row_co2e_t.sum()) == pytest.approx(all_refs, abs=tolerance)
    sectors = result.by_sector()
    for total in ("basic", "basic_plus", "territorial"):
        assert sum(s[f"{total}_tco2e"] for s in sectors.values()) == pytest.approx(result.total(total), abs=tolerance)
    assert result.scope(1) == pytest.approx(
        result.scope(1, excluding_generation=True) + result.generation_t, abs=tolerance
    )
    gases = result.gas_totals_t()
    assert result.biogenic_co2_t == gases["CO2_biogenic"]


def assert_same_headline(a: InventoryResult, b: InventoryResult) -> None:
    first, second = headline(a), headline(b)
    assert first.keys() == second.keys()
    for key in ("basic", "basic_plus", "territorial", "other_scope3", "biogenic", "scope1", "scope2", "scope3"):
        assert first[key] == pytest.approx(second[key], rel=1e-9, abs=1e-9), key
    assert first["by_ref"].keys() == second["by_ref"].keys()
    for ref, value in first["by_ref"].items():
        assert value == pytest.approx(second["by_ref"][ref], rel=1e-9, abs=1e-9), ref
    for gas, value in first["gases"].items():
        assert value == pytest.approx(second["gases"][gas], rel=1e-9, abs=1e-12), gas


@PROPERTY_SETTINGS
@given(specs=row_specs, gwp=GWP_SETS)
def test_stating_activity_in_another_unit_leaves_every_result_unchanged(
    specs: list[tuple[int, float, int]], gwp: str
) -> None:
    base = compute(build_rows(specs), gwp)
    switched = compute(build_rows(specs, alternative=True), gwp)
    assert_same_headline(base, switched)


@PROPERTY_SETTINGS
@given(specs=row_specs, data=st.data())
def test_the_order_of_input_rows_does_not_matter(specs: list[tuple[int, float, int]], data: st.DataObject) -> None:
    rows = build_rows(specs)
    shuffled = data.draw(st.permutations(rows))
    assert_same_headline(compute(rows), compute(shuffled))


@PROPERTY_SETTINGS
@given(specs=row_specs, data=st.data())
def test_permuting_compiled_rows_does_not_change_the_inventory(
    specs: list[tuple[int, float, int]], data: st.DataObject
) -> None:
    compiled = compile_rows(build_rows(specs))
    order = np.asarray(data.draw(st.permutations(range(compiled.n_rows))), dtype=np.int64)
    assert_same_headline(compute_inventory(compiled, "AR5"), compute_inventory(compiled.with_rows(order), "AR5"))


@PROPERTY_SETTINGS
@given(specs=row_specs, extra=st.tuples(st.integers(0, len(TEMPLATES) - 1), amounts, st.integers(0, 1)))
def test_adding_a_non_negative_row_never_lowers_basic(
    specs: list[tuple[int, float, int]], extra: tuple[int, float, int]
) -> None:
    rows = build_rows(specs)
    before = compute(rows)
    after = compute([*rows, build_row(len(rows), extra)])
    for total in ("basic", "basic_plus", "territorial"):
        assert after.total(total) >= before.total(total) - 1e-9 * max(1.0, before.total(total)), total
