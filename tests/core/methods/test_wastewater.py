"""Domestic wastewater methods. Check cases: DOMAIN.md §7, "IPCC-default cases (derived, AR5)"."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zerocity.core.errors import MethodParameterError
from zerocity.core.methods.base import MethodFactors, MethodFunction, MethodParams
from zerocity.core.methods.wastewater import WASTEWATER_METHODS, wastewater_ch4, wastewater_n2o

INVENTORY_YEAR = 2021
SEPTIC_CHECK_CASE = "bod=40; i=1; b0=0.6; mcf=0.5"


def run(method: MethodFunction, text: str) -> MethodFactors:
    return method(MethodParams.parse(text), INVENTORY_YEAR)


def tonnes(result: MethodFactors, gas: str, persons: float) -> float:
    assert result.kg_per_unit is not None
    return result.kg_per_unit[gas] * persons / 1000


def rejects(method: MethodFunction, text: str, parameter: str) -> None:
    with pytest.raises(MethodParameterError) as caught:
        run(method, text)
    assert caught.value.parameter == parameter


# --- methane ------------------------------------------------------------------------------------------------


def test_septic_system_methane_matches_the_domain_check_case() -> None:
    # DOMAIN.md §7 "wastewater septic": 100000 people, 40 g BOD, B0 0.6, MCF 0.5, I 1 → 438 t CH4.
    result = run(wastewater_ch4, SEPTIC_CHECK_CASE)
    assert tonnes(result, "CH4", 100_000) == pytest.approx(438, rel=1e-9)
    assert result.activity_unit == "person"
    assert "6.1" in result.equation


def test_region_pathway_and_collection_defaults_give_the_check_case() -> None:
    # IPCC 2006 Vol.5 Ch.6: Table 6.4 BOD Asia 40 g; Table 6.3 septic MCF 0.5; Table 6.2 B0 0.6; Eq. 6.3 I 1.
    result = run(wastewater_ch4, "region=asia; collected_with_industry=no; pathway=septic_system")
    assert tonnes(result, "CH4", 100_000) == pytest.approx(438, rel=1e-9)
    assert "septic_system" in result.explanation and "B0 0.6 (default)" in result.explanation


def test_sewage_collected_with_industry_carries_a_quarter_more_organics() -> None:
    # IPCC 2006 Vol.5 Ch.6 Eq. 6.3: I = 1.25 for collected domestic wastewater with industrial discharge.
    base = tonnes(run(wastewater_ch4, SEPTIC_CHECK_CASE), "CH4", 1)
    collected = tonnes(run(wastewater_ch4, "bod=40; collected_with_industry=yes; mcf=0.5"), "CH4", 1)
    assert collected == pytest.approx(1.25 * base, rel=1e-12)


def test_sludge_removal_and_recovery_reduce_methane() -> None:
    base = tonnes(run(wastewater_ch4, SEPTIC_CHECK_CASE), "CH4", 1)
    reduced = tonnes(run(wastewater_ch4, f"{SEPTIC_CHECK_CASE}; sludge_fraction=0.2; f_rec=0.5"), "CH4", 1)
    assert reduced == pytest.approx(base * 0.8 * 0.5, rel=1e-12)


def test_a_flowing_sewer_emits_no_methane() -> None:
    # Table 6.3: flowing sewer MCF 0.
    assert tonnes(run(wastewater_ch4, "bod=40; i=1.25; pathway=flowing_sewer"), "CH4", 1) == 0


@pytest.mark.parametrize(
    "text, parameter",
    [
        ("i=1; mcf=0.5", "bod"),
        ("bod=40; mcf=0.5", "i"),
        ("bod=40; i=1", "mcf"),
        ("bod=40; i=1; mcf=0.5; pathway=septic_system", "pathway"),
        ("bod=40; region=asia; i=1; mcf=0.5", "region"),
        ("bod=40; i=1; pathway=river", "pathway"),
        ("bod=-40; i=1; mcf=0.5", "bod"),
        ("bod=40; i=0.8; mcf=0.5", "i"),
        ("bod=40; i=1; mcf=1.5", "mcf"),
        ("bod=40; i=1; mcf=0.5; bo=0.6", "bo"),
    ],
)
def test_missing_conflicting_or_out_of_range_methane_parameters_are_errors(text: str, parameter: str) -> None:
    rejects(wastewater_ch4, text, parameter)


@settings(max_examples=50)
@given(mcf=st.floats(min_value=0, max_value=1), bod=st.floats(min_value=0, max_value=200))
def test_wastewater_methane_scales_with_mcf_and_bod(mcf: float, bod: float) -> None:
    unit = tonnes(run(wastewater_ch4, "bod=1; i=1; mcf=1"), "CH4", 1)
    scaled = tonnes(run(wastewater_ch4, f"bod={bod!r}; i=1; mcf={mcf!r}"), "CH4", 1)
    assert scaled == pytest.approx(unit * mcf * bod, rel=1e-12, abs=1e-15)


# --- nitrous oxide ------------------------------------------------------------------------------------------


def test_effluent_nitrous_oxide_matches_the_domain_check_case() -> None:
    # DOMAIN.md §7 "effluent N2O": 100000 people, 25 kg protein/yr → 4.3214 t N2O (source rounds: ±1e-4 t).
    result = run(wastewater_n2o, "protein=25")
    assert tonnes(result, "N2O", 100_000) == pytest.approx(4.3214, abs=1e-4)
    assert result.activity_unit == "person"
    assert "6.7" in result.equation


def test_protein_in_grams_per_day_is_converted_to_kilograms_per_year() -> None:
    # DOMAIN.md pitfall 4: FAOSTAT g/person/day × 0.365 = kg/person/yr.
    per_day = run(wastewater_n2o, "protein_g_per_day=100")
    per_year = run(wastewater_n2o, "protein=36.5")
    assert tonnes(per_day, "N2O", 1) == pytest.approx(tonnes(per_year, "N2O", 1), rel=1e-12)
    assert "36.5 kg/person/yr" in per_day.explanation


def test_an_advanced_plant_adds_its_own_emission() -> None:
    # IPCC 2006 Vol.5 Ch.6 Box 6.1: F_IND-COM 1.25 × 3.2 g N2O/person/yr = 4 g.
    without_plant = tonnes(run(wastewater_n2o, "protein=25"), "N2O", 1)
    with_plant = tonnes(run(wastewater_n2o, "protein=25; advanced_plant=yes"), "N2O", 1)
    assert with_plant - without_plant == pytest.approx(0.004 / 1000, rel=1e-9)


def test_nitrogen_removed_with_sludge_is_not_emitted() -> None:
    # 25 kg protein × 0.16 × 1.1 × 1.25 = 5.5 kg N/person/yr; removing 1.5 kg leaves 4 kg.
    result = run(wastewater_n2o, "protein=25; n_sludge_kg_per_person=1.5")
    assert tonnes(result, "N2O", 1000) == pytest.approx(4 * 0.005 * 44 / 28, rel=1e-12)


def test_more_sludge_nitrogen_than_the_wastewater_carries_is_an_error() -> None:
    rejects(wastewater_n2o, "protein=25; n_sludge_kg_per_person=6", "n_sludge_kg_per_person")


@pytest.mark.parametrize(
    "text, parameter",
    [
        ("ef=0.005", "protein"),
        ("protein=25; protein_g_per_day=68", "protein_g_per_day"),
        ("protein=-1", "protein"),
        ("protein=25; f_npr=1.6", "f_npr"),
        ("protein=25; advanced_plant=maybe", "advanced_plant"),
        ("protein=25; population=100", "population"),
    ],
)
def test_missing_conflicting_or_invalid_n2o_parameters_are_errors(text: str, parameter: str) -> None:
    rejects(wastewater_n2o, text, parameter)


@settings(max_examples=50)
@given(protein_g_per_day=st.floats(min_value=0, max_value=300))
def test_nitrous_oxide_is_proportional_to_protein(protein_g_per_day: float) -> None:
    per_kg = tonnes(run(wastewater_n2o, "protein=1"), "N2O", 1)
    result = tonnes(run(wastewater_n2o, f"protein_g_per_day={protein_g_per_day!r}"), "N2O", 1)
    assert result == pytest.approx(per_kg * protein_g_per_day * 0.365, rel=1e-12, abs=1e-15)


def test_both_wastewater_methods_are_registered() -> None:
    assert WASTEWATER_METHODS["wastewater_ch4"] is wastewater_ch4
    assert WASTEWATER_METHODS["wastewater_n2o"] is wastewater_n2o
    assert len(WASTEWATER_METHODS) == 2
