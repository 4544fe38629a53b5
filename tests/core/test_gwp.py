"""GWP-100 sets (``zerocity.core.gwp``). Values: DOMAIN.md §3, published (GHG Protocol GWP table 2016 for AR4/AR5;
IPCC AR6 WG1 Table 7.SM.7; AR6 fossil CH4 29.8 from Table 7.15)."""

from __future__ import annotations

import pytest

from zerocity.core.gwp import (
    DEFAULT_GWP_SET,
    UnknownGas,
    UnknownGwpSet,
    all_gases,
    canonical_gas,
    gwp_set,
    gwp_set_names,
)

PUBLISHED = {
    "AR4": {"CO2": 1, "CH4": 25, "N2O": 298, "SF6": 22800, "NF3": 17200, "HFC-134a": 1430, "CF4": 7390},
    "AR5": {"CO2": 1, "CH4": 28, "N2O": 265, "SF6": 23500, "NF3": 16100, "HFC-134a": 1300, "CF4": 6630},
    "AR6": {"CO2": 1, "CH4": 27.9, "N2O": 273, "SF6": 25200, "NF3": 17400, "HFC-134a": 1530, "CF4": 7380},
    "AR6-fossil": {"CO2": 1, "CH4": 29.8, "N2O": 273, "SF6": 25200, "NF3": 17400, "HFC-134a": 1530, "CF4": 7380},
}
CASES = [(name, gas, value) for name, values in PUBLISHED.items() for gas, value in values.items()]


@pytest.mark.parametrize(("set_name", "gas", "value"), CASES)
def test_each_set_has_the_published_gwp_of_each_gas(set_name: str, gas: str, value: float) -> None:
    assert gwp_set(set_name)[gas] == value


def test_the_four_sets_are_offered() -> None:
    assert gwp_set_names() == ("AR4", "AR5", "AR6", "AR6-fossil")


def test_ar5_is_the_default_like_taiwans_registry() -> None:
    assert DEFAULT_GWP_SET == "AR5"


def test_ar5_methane_is_never_the_value_with_climate_carbon_feedback() -> None:
    assert gwp_set("AR5")["CH4"] != 34


def test_every_set_covers_the_same_gases_and_each_value_has_a_source() -> None:
    gases = set(gwp_set("AR5").values)
    for name in gwp_set_names():
        chosen = gwp_set(name)
        assert set(chosen.values) == gases, name
        assert all(chosen.sources[g] for g in gases), name
        assert chosen["CO2"] == 1


def test_the_seven_kyoto_gas_families_are_covered() -> None:
    gases = set(all_gases())
    assert {"CO2", "CH4", "N2O", "SF6", "NF3"} <= gases
    assert any(g.startswith("HFC-") for g in gases)
    assert {"CF4", "C2F6"} <= gases


@pytest.mark.parametrize("spelling", ["ar5", "AR5", " Ar5 ", "aR5"])
def test_set_names_are_case_insensitive(spelling: str) -> None:
    assert gwp_set(spelling).name == "AR5"


def test_ar6_fossil_is_found_in_any_case() -> None:
    assert gwp_set("ar6-FOSSIL").name == "AR6-fossil"


@pytest.mark.parametrize("bad", ["AR3", "SAR", "AR6 fossil", "", "AR7"])
def test_an_unknown_set_raises_naming_the_choices(bad: str) -> None:
    with pytest.raises(UnknownGwpSet) as caught:
        gwp_set(bad)
    assert caught.value.code == "unknown_gwp_set"
    assert caught.value.params == {"gwp_set": bad}
    for name in ("AR4", "AR5", "AR6", "AR6-fossil"):
        assert name in caught.value.message


@pytest.mark.parametrize(
    ("spelling", "gas"),
    [
        ("co2", "CO2"),
        ("Ch4", "CH4"),
        ("n2o", "N2O"),
        ("hfc134a", "HFC-134a"),
        ("HFC-134A", "HFC-134a"),
        ("HFC 134a", "HFC-134a"),
        ("hfc_134a", "HFC-134a"),
        ("sf6", "SF6"),
        ("nf3", "NF3"),
        ("cf4", "CF4"),
        ("c-c4f8", "c-C4F8"),
        ("hfc-227EA", "HFC-227ea"),
    ],
)
def test_gas_spellings_map_to_the_canonical_name(spelling: str, gas: str) -> None:
    assert canonical_gas(spelling) == gas
    assert gwp_set("AR5")[spelling] == gwp_set("AR5")[gas]


def test_an_unknown_gas_is_returned_cleaned_and_has_no_gwp() -> None:
    assert canonical_gas(" unobtainium ") == "unobtainium"
    with pytest.raises(UnknownGas) as caught:
        gwp_set("AR5")["unobtainium"]
    assert caught.value.code == "unknown_gas"
    assert caught.value.params["gwp_set"] == "AR5"


def test_biogenic_co2_and_co2e_are_not_gases_with_a_gwp() -> None:
    # The engine weights these itself (0 and 1); a GWP set must not pretend to know them.
    for pseudo_gas in ("CO2_biogenic", "CO2e"):
        with pytest.raises(UnknownGas):
            gwp_set("AR5")[pseudo_gas]
