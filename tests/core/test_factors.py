"""The emission factor library (``zerocity.core.factors``).

Values: IPCC 2006 GL Vol. 2 Ch. 1 Table 1.2 (NCV), Table 1.4 (CO2), Ch. 2 Tables 2.2–2.5 and Ch. 3 Table 3.2.2
(CH4/N2O), as listed in DOMAIN.md §2; Taiwan grid factors DOMAIN.md §5.1.
"""

from __future__ import annotations

import re

import pytest

from zerocity.core.datafiles import STATUSES
from zerocity.core.errors import FactorMissing, InvalidData, UnknownFactor
from zerocity.core.factors import (
    USABLE_STATUSES,
    EmissionFactor,
    FactorLibrary,
    UnknownFuel,
    bundled_library,
    factor_from_row,
    read_factor_row,
    usable_for_inventory,
)

LIBRARY = bundled_library()

#: IPCC 2006 Vol. 2 Ch. 1 Table 1.4 default CO2 (kg/TJ) and Table 1.2 NCV (TJ/Gg), DOMAIN.md §2 (published).
TABLE_1_4 = {
    "motor_gasoline": (69300, 44.3),
    "gas_diesel_oil": (74100, 43.0),
    "residual_fuel_oil": (77400, 40.4),
    "other_kerosene": (71900, 43.8),
    "jet_kerosene": (71500, 44.1),
    "naphtha": (73300, 44.5),
    "petroleum_coke": (97500, 32.5),
    "liquefied_petroleum_gases": (63100, 47.3),
    "natural_gas": (56100, 48.0),
    "compressed_natural_gas": (56100, 48.0),
    "refinery_gas": (57600, 49.5),
    "anthracite": (98300, 26.7),
    "other_bituminous_coal": (94600, 25.8),
    "sub_bituminous_coal": (96100, 18.9),
    "lignite": (101000, 11.9),
    "coke_oven_coke": (107000, 28.2),
    "municipal_wastes_non_biomass": (91700, 10.0),
}
#: Biomass (b): CO2 goes to CO2(b), never to the CO2 column.
BIOGENIC_CO2 = {"wood_wood_waste": (112000, 15.6), "biodiesels": (70800, 27.0), "landfill_gas": (54600, 50.4)}

#: DOMAIN.md §5.1, kg CO2e/kWh by year with status.
TW_GRID = {
    2017: (0.554, "published"),
    2018: (0.533, "published"),
    2019: (0.509, "published"),
    2020: (0.502, "published"),
    2021: (0.509, "published"),
    2022: (0.495, "published"),
    2023: (0.494, "published"),
    2024: (0.474, "secondary"),
    2025: (0.424, "target"),
}

ENERGY_FACTORS = [f for f in LIBRARY.factors.values() if f.factor_id.startswith("ipcc2006/")]


def user_row(**overrides: str) -> dict[str, str]:
    row = {
        "factor_id": "city:boiler_gas",
        "activity_unit": "m3",
        "mass_unit": "kg",
        "co2": "1.879",
        "source": "Kaohsiung boiler test 2023",
        "year": "2023",
    }
    row.update(overrides)
    return row


# -- bundled values ----------------------------------------------------------------------------------------------


def test_residential_natural_gas_has_the_ipcc_tier_1_values() -> None:
    factor = LIBRARY.get("ipcc2006/residential/natural_gas")
    assert dict(factor.gases) == {"CO2": 56100, "CH4": 5, "N2O": 0.1}
    assert factor.unit_text == "kg/TJ"
    assert (factor.ncv, factor.ncv_unit, factor.basis) == (48.0, "TJ/Gg", "NCV")
    assert factor.category == "residential" and factor.fuel == "natural_gas"


def test_road_diesel_has_74100_kg_co2_per_tj_not_a_stationary_or_invented_value() -> None:
    factor = LIBRARY.get("ipcc2006/road/gas_diesel_oil")
    assert dict(factor.gases) == {"CO2": 74100, "CH4": 3.9, "N2O": 3.9}
    assert factor.unit_text == "kg/TJ"
    assert factor.ncv == 43.0


@pytest.mark.parametrize(
    ("factor_id", "ch4", "n2o"),
    [
        ("ipcc2006/energy_industries/natural_gas", 1, 0.1),
        ("ipcc2006/manufacturing_construction/other_bituminous_coal", 10, 1.5),
        ("ipcc2006/commercial_institutional/gas_diesel_oil", 10, 0.6),
        ("ipcc2006/residential/anthracite", 300, 1.5),
        ("ipcc2006/residential/wood_wood_waste", 300, 4),
        ("ipcc2006/energy_industries/sub_bituminous_coal", 1, 1.5),
        ("ipcc2006/road/motor_gasoline_uncontrolled", 33, 3.2),
        ("ipcc2006/road/compressed_natural_gas", 92, 3),
        ("ipcc2006/off_road/gas_diesel_oil", 4.15, 28.6),
        ("ipcc2006/rail/gas_diesel_oil", 4.15, 28.6),
        ("ipcc2006/navigation/residual_fuel_oil", 7, 2),
        ("ipcc2006/aviation/jet_kerosene", 0.5, 2),
    ],
)
def test_ch4_and_n2o_follow_the_ipcc_class_and_mode_tables(factor_id: str, ch4: float, n2o: float) -> None:
    gases = LIBRARY.get(factor_id).gases
    assert (gases["CH4"], gases["N2O"]) == (ch4, n2o)


@pytest.mark.parametrize("factor", ENERGY_FACTORS, ids=lambda f: f.factor_id)
def test_every_energy_factor_carries_the_table_1_4_co2_and_table_1_2_ncv_of_its_fuel(factor: EmissionFactor) -> None:
    assert factor.unit_text == "kg/TJ"
    if factor.fuel in BIOGENIC_CO2:
        co2, ncv = BIOGENIC_CO2[factor.fuel]
        assert "CO2" not in factor.gases
        assert factor.gases["CO2_biogenic"] == co2
        assert factor.ncv == ncv
    elif factor.fuel in TABLE_1_4:
        co2, ncv = TABLE_1_4[factor.fuel]
        assert factor.gases["CO2"] == co2
        assert factor.ncv == ncv
    else:
        assert factor.gases.get("CO2", 0) > 0 or factor.gases.get("CO2_biogenic", 0) > 0


def test_no_bundled_road_fuel_uses_the_invalid_60600_co2_value() -> None:
    assert all(f.gases.get("CO2") != 60600 for f in LIBRARY.factors.values())


@pytest.mark.parametrize("factor_id", sorted(bundled_library().factors), ids=str)
def test_every_bundled_factor_has_a_source_a_known_status_and_a_year(factor_id: str) -> None:
    factor = LIBRARY.get(factor_id)
    assert factor.source.strip()
    assert factor.status in STATUSES
    assert factor.year is not None and 1990 <= factor.year <= 2100
    assert factor.origin.startswith("bundled:")


def test_the_library_contains_energy_and_grid_factors() -> None:
    assert len(ENERGY_FACTORS) >= 140
    assert sum(1 for f in LIBRARY.factors.values() if f.category == "grid") == len(TW_GRID)


# -- Taiwan grid ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("year", "expected"), TW_GRID.items())
def test_the_taiwan_grid_factor_of_each_year_is_the_announced_value(year: int, expected: tuple[float, str]) -> None:
    value, status = expected
    factor = LIBRARY.get(f"tw-grid:{year}")
    assert dict(factor.gases) == {"CO2e": value}
    assert factor.unit_text == "kg/kWh"
    assert factor.status == status
    assert factor.valid_year == year
    assert factor.is_co2e_only


def test_the_grid_factor_is_never_split_into_invented_gas_shares() -> None:
    for year in TW_GRID:
        assert set(LIBRARY.get(f"tw-grid:{year}").gases) == {"CO2e"}


def test_the_2025_target_is_not_usable_in_an_inventory_and_measured_years_are() -> None:
    assert "target" not in USABLE_STATUSES
    problem = usable_for_inventory(LIBRARY.get("tw-grid:2025"))
    assert problem is not None and "target" in problem
    for year in range(2017, 2025):
        assert usable_for_inventory(LIBRARY.get(f"tw-grid:{year}")) is None


def test_no_grid_factor_before_2017_is_shipped() -> None:
    # Older copies used another CHP allocation (DOMAIN §5.1); 2016 is derived and 2005–2015 unconfirmed.
    assert "tw-grid:2016" not in LIBRARY
    assert "tw-grid:2005" not in LIBRARY


@pytest.mark.parametrize("year", range(2017, 2026))
def test_tw_grid_without_a_year_resolves_to_the_inventory_year(year: int) -> None:
    assert LIBRARY.resolve("tw-grid", year).factor_id == f"tw-grid:{year}"


@pytest.mark.parametrize("year", [2005, 2016, 2026, 2030])
def test_tw_grid_for_a_year_without_a_factor_raises_and_never_falls_back(year: int) -> None:
    with pytest.raises(FactorMissing) as caught:
        LIBRARY.resolve("tw-grid", year)
    assert caught.value.code == "factor_missing"
    assert caught.value.params == {"factor_id": f"tw-grid:{year}", "year": year}


def test_tw_grid_without_an_inventory_year_is_an_error() -> None:
    with pytest.raises(FactorMissing):
        LIBRARY.resolve("tw-grid", None)


# -- lookup --------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("fuel", ["天然氣", "natural gas", "Natural Gas", "natural_gas", "LNG", "液化天然氣"])
def test_a_category_and_a_fuel_name_in_any_language_resolve_to_the_full_id(fuel: str) -> None:
    assert LIBRARY.resolve("ipcc2006/residential", 2023, fuel).factor_id == "ipcc2006/residential/natural_gas"


def test_a_full_id_resolves_to_itself_whatever_the_year() -> None:
    assert LIBRARY.resolve("ipcc2006/road/gas_diesel_oil", 2023).factor_id == "ipcc2006/road/gas_diesel_oil"
    assert LIBRARY.resolve(" ipcc2006/road/gas_diesel_oil ", None).factor_id == "ipcc2006/road/gas_diesel_oil"


def test_a_category_without_a_fuel_is_an_unknown_factor_with_suggestions() -> None:
    with pytest.raises(UnknownFactor) as caught:
        LIBRARY.resolve("ipcc2006/residential", 2023)
    assert "did you mean" in caught.value.message
    assert "ipcc2006/residential/" in caught.value.message


def test_an_unknown_factor_id_suggests_close_ids() -> None:
    with pytest.raises(UnknownFactor) as caught:
        LIBRARY.get("ipcc2006/road/gas_diesel_oli")
    assert caught.value.params == {"factor_id": "ipcc2006/road/gas_diesel_oli"}
    assert "'ipcc2006/road/gas_diesel_oil'" in caught.value.message


@pytest.mark.parametrize(
    ("name", "fuel"),
    [
        ("柴油", "gas_diesel_oil"),
        ("diesel", "gas_diesel_oil"),
        ("LPG", "liquefied_petroleum_gases"),
        ("汽油", "motor_gasoline"),
        ("Gas/Diesel Oil", "gas_diesel_oil"),
        ("firewood", "wood_wood_waste"),
    ],
)
def test_fuel_names_in_english_and_chinese_resolve_to_one_fuel(name: str, fuel: str) -> None:
    assert LIBRARY.canonical_fuel(name) == fuel


def test_an_unknown_fuel_raises_with_a_hint() -> None:
    with pytest.raises(UnknownFuel) as caught:
        LIBRARY.canonical_fuel("diesl")
    assert caught.value.code == "unknown_fuel"
    assert "did you mean" in caught.value.message


def test_search_in_chinese_finds_the_diesel_factors() -> None:
    found = {f.factor_id for f in LIBRARY.search("柴油")}
    assert "ipcc2006/road/gas_diesel_oil" in found
    assert "ipcc2006/residential/gas_diesel_oil" in found
    assert all(f.fuel in ("gas_diesel_oil", "biodiesels") for f in LIBRARY.search("柴油"))


def test_search_in_english_needs_every_word() -> None:
    found = [f.factor_id for f in LIBRARY.search("diesel road")]
    assert "ipcc2006/road/gas_diesel_oil" in found
    assert "ipcc2006/residential/gas_diesel_oil" not in found


def test_search_mixes_chinese_and_english_words() -> None:
    assert [f.factor_id for f in LIBRARY.search("天然氣 residential")] == ["ipcc2006/residential/natural_gas"]


def test_search_filters_by_status_and_category() -> None:
    assert [f.factor_id for f in LIBRARY.search(status="target")] == ["tw-grid:2025"]
    grid = LIBRARY.search(category="grid")
    assert {f.factor_id for f in grid} == {f"tw-grid:{y}" for y in TW_GRID}


def test_search_for_nonsense_finds_nothing() -> None:
    assert LIBRARY.search("unobtainium") == []


# -- user factors --------------------------------------------------------------------------------------------------


def test_a_user_factor_is_added_in_a_new_library_leaving_the_bundled_one_alone() -> None:
    factor = factor_from_row(user_row(), origin="user:f.csv", where="f.csv, row 2")
    extended = LIBRARY.with_factors([factor])
    assert "city:boiler_gas" in extended
    assert "city:boiler_gas" not in LIBRARY
    assert len(extended) == len(LIBRARY) + 1
    assert extended.get("city:boiler_gas").origin == "user:f.csv"
    assert factor.status == "user"
    assert factor.year == 2023


def test_a_user_factor_id_colliding_with_a_bundled_one_raises() -> None:
    factor = factor_from_row(user_row(factor_id="tw-grid:2023"), origin="user:f.csv", where="f.csv, row 2")
    with pytest.raises(InvalidData) as caught:
        LIBRARY.with_factors([factor])
    assert caught.value.params == {"factor_id": "tw-grid:2023"}
    assert "already exists" in caught.value.message


def test_two_user_factors_with_the_same_id_collide_too() -> None:
    factor = factor_from_row(user_row(), origin="user:f.csv", where="f.csv, row 2")
    with pytest.raises(InvalidData):
        FactorLibrary({}, {}).with_factors([factor, factor])


@pytest.mark.parametrize(
    ("overrides", "reason"),
    [
        ({"source": ""}, "source is required"),
        ({"source": "   "}, "source is required"),
        ({"co2": "-1"}, "must not be negative"),
        ({"co2": "", "ch4": "-0.1"}, "must not be negative"),
        ({"co2e": "2.1"}, "not both"),
        ({"co2": ""}, "no gas value"),
        ({"co2": "abc"}, "could not convert"),
        ({"mass_unit": "kWh"}, "is not a mass"),
        ({"activity_unit": "furlongs of joy"}, "unknown unit"),
        ({"factor_id": "city boiler"}, "may use letters"),
        ({"status": "guess"}, "unknown status"),
        ({"year": "twenty"}, "invalid literal"),
    ],
)
def test_factor_from_row_rejects_a_bad_row_naming_where_and_why(overrides: dict[str, str], reason: str) -> None:
    with pytest.raises(InvalidData) as caught:
        factor_from_row(user_row(**overrides), origin="user:f.csv", where="f.csv, row 7")
    assert caught.value.message.startswith("f.csv, row 7: ")
    assert reason in caught.value.message


def test_factor_from_row_reports_a_missing_required_column() -> None:
    row = user_row()
    del row["activity_unit"]
    with pytest.raises(InvalidData) as caught:
        factor_from_row(row, origin="user:f.csv", where="f.csv, row 3")
    assert "missing column" in caught.value.message and "activity_unit" in caught.value.message


def test_a_co2e_only_user_factor_is_kept_as_co2e() -> None:
    factor = factor_from_row(user_row(co2="", co2e="0.5", activity_unit="kWh"), origin="user", where="w")
    assert dict(factor.gases) == {"CO2e": 0.5}
    assert factor.is_co2e_only


def test_kg_per_activity_unit_converts_the_mass_unit() -> None:
    factor = factor_from_row(user_row(mass_unit="lb", co2="2"), origin="user", where="w")
    assert factor.kg_per_activity_unit()["CO2"] == pytest.approx(2 * 0.45359237, rel=1e-12)


def test_reading_a_factor_row_names_every_bad_cell_at_once_in_reading_order() -> None:
    row = user_row(factor_id="bad id", co2="abc", ch4="-1", status="guess", source="", mass_unit="kWh", year="x")
    factor, problems = read_factor_row(row, origin="user:f.csv")
    assert factor is None
    assert [column for column, _ in problems] == ["factor_id", "co2", "ch4", "status", "source", "mass_unit", "year"]
    first = problems[0][1]
    with pytest.raises(InvalidData, match=re.escape(f"f.csv, row 2: {first}")):
        factor_from_row(row, origin="user:f.csv", where="f.csv, row 2")


def test_a_good_factor_row_reads_without_problems() -> None:
    factor, problems = read_factor_row(user_row(), origin="user:f.csv")
    assert problems == [] and factor is not None and factor.gases == {"CO2": 1.879} and factor.year == 2023
