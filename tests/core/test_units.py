"""Units of activity data and factors (``zerocity.core.units`` with ``data/units``).

Reference values: US EPA GHG Emission Factors Hub (therm = 100,000 Btu, mmBtu, scf/mcf); NIST SP 811 (lb, mile,
short ton, US gallon, barrel); IEA Energy Statistics Manual (toe = 10^7 kcal IT = 41.868 GJ); Taiwan Energy
Administration 能源統計手冊 (1 公秉油當量 = 9,000,000 kcal; 度 = kWh; 公秉 = kL).
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zerocity.core.errors import IncompatibleUnits, UnknownUnit
from zerocity.core.units import units

REL = 1e-12

CONVERSIONS = [
    ("lb", "kg", 0.45359237),
    ("lbs", "g", 453.59237),
    ("therm", "MJ", 105.5056),
    ("therms", "Btu", 100_000),
    ("thm", "kWh", 105.5056 / 3.6),
    ("mmBtu", "GJ", 1.055056),
    ("MMBtu", "therm", 10),
    ("scf", "m3", 0.3048**3),
    ("mcf", "scf", 1000),
    ("mcf", "m³", 1000 * 0.3048**3),
    ("mi", "km", 1.609344),
    ("miles", "m", 1609.344),
    ("short ton", "t", 0.90718474),
    ("short tons", "lb", 2000),
    ("gallon", "L", 3.785411784),
    ("gal", "m3", 3.785411784e-3),
    ("barrel", "gallon", 42),
    ("bbl", "L", 42 * 3.785411784),
    ("kLOE", "GJ", 37.6812),
    ("公秉油當量", "kcal", 9e6),
    ("TOE", "GJ", 41.868),
    ("toe", "kcal", 1e7),
    ("ktoe", "TJ", 41.868),
    ("kcal", "kJ", 4.1868),
    ("千卡", "J", 4186.8),
    ("Gcal", "GJ", 4.1868),
    ("度", "kWh", 1),
    ("千度", "MWh", 1),
    ("百萬度", "kWh", 1e6),
    ("公秉", "kL", 1),
    ("公秉", "L", 1000),
    ("公秉", "m3", 1),
    ("公升", "L", 1),
    ("m³", "L", 1000),
    ("m3", "m³", 1),
    ("立方公尺", "m3", 1),
    ("公噸", "kg", 1000),
    ("t", "kg", 1000),
    ("ton", "t", 1),
    ("kt", "t", 1000),
    ("TJ", "GJ", 1000),
    ("MWh", "kWh", 1000),
    ("vehicle-mile", "vehicle-km", 1.609344),
]


@pytest.mark.parametrize(("from_unit", "to_unit", "expected"), CONVERSIONS)
def test_a_unit_converts_by_its_published_definition(from_unit: str, to_unit: str, expected: float) -> None:
    assert units().factor(from_unit, to_unit) == pytest.approx(expected, rel=REL)


def test_therm_is_a_hundred_thousand_international_btu_not_the_ec_therm() -> None:
    # EC therm is 105.506 MJ, US 105.4804 MJ; EPA's Hub uses 100,000 Btu(IT) = 105.5056 MJ.
    assert units().factor("therm", "MJ") == pytest.approx(105.5056, rel=1e-9)


def test_kcal_is_the_international_table_calorie_not_the_thermochemical_one() -> None:
    assert units().factor("kcal", "kJ") == pytest.approx(4.1868, rel=REL)
    assert units().factor("kcal", "kJ") != pytest.approx(4.184, rel=1e-6)


def test_kloe_is_nine_million_international_kilocalories() -> None:
    assert units().factor("kLOE", "kcal") == pytest.approx(9e6, rel=REL)
    assert units().factor("kLOE", "TOE") == pytest.approx(0.9, rel=REL)


def test_metric_ton_spellings_are_tonnes_and_short_ton_is_the_us_ton() -> None:
    for spelling in ("t", "ton", "tons", "tonne", "tonnes", "metric ton", "公噸", "噸"):
        assert units().factor(spelling, "kg") == pytest.approx(1000, rel=REL), spelling
    assert units().factor("short ton", "kg") == pytest.approx(907.18474, rel=REL)


@pytest.mark.parametrize("spelling", ["m3", "m³", "Nm3", "立方公尺", " m3 ", "ｍ３"])
def test_cubic_metre_spellings_all_mean_a_cubic_metre(spelling: str) -> None:
    assert units().factor(spelling, "L") == pytest.approx(1000, rel=REL)


def test_compound_factor_units_parse_with_a_slash_or_per() -> None:
    assert units().factor("lb/MWh", "kg/kWh") == pytest.approx(0.45359237 / 1000, rel=REL)
    assert units().factor("kg per TJ", "g/GJ") == pytest.approx(1.0, rel=REL)
    assert units().factor("kg/度", "kg/kWh") == pytest.approx(1.0, rel=REL)


def test_vehicle_km_and_passenger_km_cannot_be_converted_into_each_other() -> None:
    with pytest.raises(IncompatibleUnits) as caught:
        units().factor("vehicle-km", "passenger-km")
    assert caught.value.code == "incompatible_units"
    assert caught.value.params == {"from_unit": "vehicle-km", "to_unit": "passenger-km"}


@pytest.mark.parametrize(("a", "b"), [("vehicle-km", "km"), ("tonne-km", "vehicle-km"), ("passenger-km", "km")])
def test_transport_work_is_never_mistaken_for_plain_distance(a: str, b: str) -> None:
    assert not units().same_dimension(a, b)
    with pytest.raises(IncompatibleUnits):
        units().factor(a, b)


@pytest.mark.parametrize(("a", "b"), [("t", "L"), ("TJ", "t"), ("kWh", "m3"), ("person", "kg")])
def test_mass_volume_and_energy_of_a_fuel_are_never_bridged_by_the_unit_system(a: str, b: str) -> None:
    with pytest.raises(IncompatibleUnits):
        units().factor(a, b)


@pytest.mark.parametrize(("typo", "suggestion"), [("therrm", "therm"), ("gallns", "gallons"), ("barels", "barrel")])
def test_an_unknown_unit_error_suggests_close_spellings(typo: str, suggestion: str) -> None:
    with pytest.raises(UnknownUnit) as caught:
        units().parse(typo)
    assert caught.value.code == "unknown_unit"
    assert caught.value.params["unit"] == typo
    assert "did you mean" in caught.value.message
    assert repr(suggestion) in caught.value.message


@pytest.mark.parametrize(("typo", "suggestion"), [("kwh", "kWh"), ("THERM", "therm")])
def test_an_unknown_unit_in_the_wrong_case_suggests_the_right_case(typo: str, suggestion: str) -> None:
    with pytest.raises(UnknownUnit) as caught:
        units().parse(typo)
    assert repr(suggestion) in caught.value.message


@pytest.mark.parametrize("bad", ["", "   ", "furlongs of joy", "kg/m3/s", "therm/"])
def test_nonsense_units_raise_unknown_unit_not_a_pint_error(bad: str) -> None:
    with pytest.raises(UnknownUnit):
        units().parse(bad)


def test_a_bare_number_is_not_a_unit() -> None:
    with pytest.raises(UnknownUnit):
        units().parse("1000")


def test_unit_info_reports_canonical_form_and_dimension() -> None:
    info = units().info("度")
    assert info.text == "度"
    assert info.dimensionality == "[mass] * [length] ** 2 / [time] ** 2"
    assert "kWh" in info.canonical


def test_quantity_carries_the_magnitude_in_the_parsed_unit() -> None:
    q = units().quantity(2.0, "公秉")
    assert q.to("L").magnitude == pytest.approx(2000, rel=REL)


def test_the_unit_system_is_built_once_per_process() -> None:
    assert units() is units()


ROUND_TRIP_GROUPS = [
    ["kg", "t", "lb", "short ton", "公噸", "kt", "g"],
    ["L", "kL", "m3", "gallon", "barrel", "scf", "mcf", "公秉"],
    ["kWh", "MWh", "度", "GJ", "TJ", "therm", "mmBtu", "kcal", "kLOE", "TOE", "MJ"],
    ["km", "mi", "m"],
    ["vehicle-km", "vehicle-mile"],
]
SAME_DIMENSION_PAIRS = [(a, b) for group in ROUND_TRIP_GROUPS for a in group for b in group]


@settings(max_examples=200, deadline=None)
@given(
    pair=st.sampled_from(SAME_DIMENSION_PAIRS),
    magnitude=st.floats(min_value=1e-6, max_value=1e12, allow_nan=False, allow_infinity=False),
)
def test_converting_a_to_b_and_back_returns_the_same_amount(pair: tuple[str, str], magnitude: float) -> None:
    a, b = pair
    there = magnitude * units().factor(a, b)
    back = there * units().factor(b, a)
    assert back == pytest.approx(magnitude, rel=1e-12)


@settings(max_examples=100, deadline=None)
@given(triple=st.tuples(*(st.sampled_from(ROUND_TRIP_GROUPS[2]) for _ in range(3))))
def test_conversion_factors_compose_through_an_intermediate_unit(triple: tuple[str, str, str]) -> None:
    a, b, c = triple
    assert units().factor(a, b) * units().factor(b, c) == pytest.approx(units().factor(a, c), rel=1e-12)
