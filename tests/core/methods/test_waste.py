"""Solid waste methods. Check cases: DOMAIN.md §7, "IPCC-default cases (derived, AR5)"."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zerocity.core.errors import MethodParameterError
from zerocity.core.gwp import gwp_set
from zerocity.core.methods.base import METHOD_GASES, MethodFactors, MethodFunction, MethodParams
from zerocity.core.methods.waste import (
    WASTE_METHODS,
    biological,
    incineration,
    landfill_fod,
    landfill_mc,
    open_burning,
)

INVENTORY_YEAR = 2021
MC_CHECK_CASE = "food=0.5; paper=0.2; garden=0.1; wood=0.05; textiles=0.05; mcf=1; docf=0.5; f=0.5; ox=0.1"
FOD_CHECK_CASE = "food=1; docf=0.5; mcf=1; f=0.5; k=0.4; deposit_year=2020"


def run(method: MethodFunction, text: str, inventory_year: int = INVENTORY_YEAR) -> MethodFactors:
    return method(MethodParams.parse(text), inventory_year)


def tonnes(result: MethodFactors, gas: str, activity: float) -> float:
    assert result.kg_per_unit is not None
    return result.kg_per_unit[gas] * activity / 1000


def tonnes_co2e_ar5(result: MethodFactors, activity: float) -> float:
    assert result.kg_per_unit is not None
    ar5 = gwp_set("AR5")
    fossil_and_non_co2 = {g: kg for g, kg in result.kg_per_unit.items() if g != "CO2_biogenic"}
    return sum(kg * ar5[g] for g, kg in fossil_and_non_co2.items()) * activity / 1000


def run_fod_years(text: str, years: range) -> float:
    return sum(tonnes(run(landfill_fod, text, year), "CH4", 1) for year in years)


def rejects(method: MethodFunction, text: str, parameter: str, inventory_year: int = INVENTORY_YEAR) -> None:
    with pytest.raises(MethodParameterError) as caught:
        run(method, text, inventory_year)
    assert caught.value.parameter == parameter


# --- landfill, methane commitment ---------------------------------------------------------------------------


def test_methane_commitment_matches_the_domain_check_case() -> None:
    # DOMAIN.md §7 "landfill MC": 10000 t → 625.5 t CH4 = 17514 t CO2e (AR5), relative tolerance 1e-6.
    result = run(landfill_mc, MC_CHECK_CASE)
    assert tonnes(result, "CH4", 10_000) == pytest.approx(625.5, rel=1e-6)
    assert tonnes_co2e_ar5(result, 10_000) == pytest.approx(17_514, rel=1e-6)
    assert result.activity_unit == "t"
    assert "8.1" in result.equation and "8.4" in result.equation


def test_methane_commitment_with_docf_0_6_matches_the_domain_check_case() -> None:
    # DOMAIN.md §7 "landfill MC", DOCf 0.6 variant (public GPC calculators): 750.6 t CH4 = 21016.8 t CO2e.
    result = run(landfill_mc, MC_CHECK_CASE.replace("docf=0.5", "docf=0.6"))
    assert tonnes(result, "CH4", 10_000) == pytest.approx(750.6, rel=1e-6)
    assert tonnes_co2e_ar5(result, 10_000) == pytest.approx(21_016.8, rel=1e-6)


def test_methane_commitment_reads_docf_f_and_ox_defaults_from_the_data_file() -> None:
    # IPCC 2006 Vol.5 Ch.3: DOCf 0.5, F 0.5, OX 0 (Table 3.2, "other") → 0.2085 × 0.25 × 4/3 t CH4/t.
    result = run(landfill_mc, "food=0.5; paper=0.2; garden=0.1; wood=0.05; textiles=0.05; mcf=1")
    assert tonnes(result, "CH4", 1) == pytest.approx(0.2085 * 0.5 * 0.5 * 16 / 12, rel=1e-12)
    assert "DOCf 0.5 (default)" in result.explanation
    assert "OX 0 (default)" in result.explanation


def test_explanation_shows_the_doc_and_the_share_without_carbon() -> None:
    explanation = run(landfill_mc, MC_CHECK_CASE).explanation
    assert "DOC 0.2085" in explanation
    assert "rest 0.1 without carbon" in explanation
    assert "\n" not in explanation


def test_a_site_type_sets_the_methane_correction_factor() -> None:
    # IPCC 2006 Vol.5 Ch.3 Table 3.1: managed semi-aerobic MCF 0.5.
    by_site = run(landfill_mc, "doc=0.2; site=managed_semi_aerobic")
    by_number = run(landfill_mc, "doc=0.2; mcf=0.5")
    assert by_site.kg_per_unit == by_number.kg_per_unit
    assert "managed_semi_aerobic" in by_site.explanation


def test_a_direct_doc_gives_the_same_methane_as_the_composition() -> None:
    by_doc = run(landfill_mc, "doc=0.2085; mcf=1; ox=0.1")
    by_composition = run(landfill_mc, MC_CHECK_CASE)
    assert tonnes(by_doc, "CH4", 1) == pytest.approx(tonnes(by_composition, "CH4", 1), rel=1e-12)


def test_plastics_metal_glass_and_inert_add_no_landfill_methane() -> None:
    # DOMAIN.md pitfall 3: their DOC is 0.
    plain = run(landfill_mc, "food=0.5; mcf=1")
    with_inerts = run(landfill_mc, "food=0.5; plastics=0.2; metal=0.1; glass=0.1; inert=0.1; mcf=1")
    assert plain.kg_per_unit == with_inerts.kg_per_unit


def test_recovered_methane_is_not_emitted() -> None:
    full = tonnes(run(landfill_mc, "doc=0.2; mcf=1"), "CH4", 1)
    recovered = tonnes(run(landfill_mc, "doc=0.2; mcf=1; f_rec=0.25"), "CH4", 1)
    assert recovered == pytest.approx(0.75 * full, rel=1e-12)


def test_shares_summing_to_one_with_float_rounding_are_accepted() -> None:
    run(landfill_mc, "food=0.7; paper=0.2; garden=0.1; mcf=1")


def test_landfill_without_mcf_or_site_is_an_error() -> None:
    rejects(landfill_mc, "doc=0.2", "mcf")


def test_landfill_with_both_mcf_and_site_is_an_error() -> None:
    rejects(landfill_mc, "doc=0.2; mcf=1; site=managed_anaerobic", "site")


def test_an_unknown_site_type_is_an_error() -> None:
    rejects(landfill_mc, "doc=0.2; site=somewhere", "site")


def test_composition_shares_above_one_are_an_error() -> None:
    rejects(landfill_mc, "food=0.6; paper=0.5; mcf=1", "composition")


def test_doc_together_with_a_composition_is_an_error() -> None:
    rejects(landfill_mc, "doc=0.2; food=0.5; mcf=1", "doc")


def test_landfill_without_doc_or_composition_is_an_error() -> None:
    rejects(landfill_mc, "mcf=1", "doc")


def test_an_unknown_key_is_an_error_rather_than_a_silent_default() -> None:
    rejects(landfill_mc, "doc=0.2; mcf=1; mfc=0.5", "mfc")


@pytest.mark.parametrize("text, parameter", [("food=-0.1; mcf=1", "food"), ("doc=0.2; mcf=-1", "mcf")])
def test_negative_values_are_an_error(text: str, parameter: str) -> None:
    rejects(landfill_mc, text, parameter)


def test_fractions_above_one_are_an_error() -> None:
    rejects(landfill_mc, "doc=0.2; mcf=1; docf=1.5", "docf")


@settings(max_examples=50)
@given(
    low=st.floats(min_value=0, max_value=1),
    high=st.floats(min_value=0, max_value=1),
    mcf=st.floats(min_value=0, max_value=1),
)
def test_landfill_methane_is_linear_and_monotone_in_doc(low: float, high: float, mcf: float) -> None:
    low, high = sorted((low, high))
    per_unit_doc = tonnes(run(landfill_mc, f"doc=1; mcf={mcf!r}"), "CH4", 1)
    at_low = tonnes(run(landfill_mc, f"doc={low!r}; mcf={mcf!r}"), "CH4", 1)
    at_high = tonnes(run(landfill_mc, f"doc={high!r}; mcf={mcf!r}"), "CH4", 1)
    assert at_low <= at_high
    assert at_high == pytest.approx(high * per_unit_doc, rel=1e-12, abs=1e-15)


# --- landfill, first-order decay ----------------------------------------------------------------------------


def test_first_order_decay_first_year_matches_the_domain_check_case() -> None:
    # DOMAIN.md §7 "landfill FOD year 1": 1000 t food deposited 2020 → 16.4840 t CH4 in 2021 (±1e-4 t).
    result = run(landfill_fod, FOD_CHECK_CASE, inventory_year=2021)
    assert tonnes(result, "CH4", 1000) == pytest.approx(16.4840, abs=1e-4)
    assert result.activity_unit == "t"
    assert "not comparable" in result.explanation


def test_first_order_decay_over_all_years_matches_the_domain_check_case() -> None:
    # DOMAIN.md §7: summed over all years the deposit releases 50.0 t CH4 = its methane commitment.
    total = 1000 * run_fod_years(FOD_CHECK_CASE, range(2021, 2401))
    commitment = tonnes(run(landfill_mc, "food=1; docf=0.5; mcf=1; f=0.5"), "CH4", 1000)
    assert total == pytest.approx(50.0, rel=1e-6)
    assert total == pytest.approx(commitment, rel=1e-9)


def test_nothing_decays_in_the_deposit_year() -> None:
    result = run(landfill_fod, FOD_CHECK_CASE, inventory_year=2020)
    assert tonnes(result, "CH4", 1000) == 0


def test_a_deposit_after_the_inventory_year_is_an_error() -> None:
    rejects(landfill_fod, FOD_CHECK_CASE, "deposit_year", inventory_year=2019)


def test_the_deposit_year_is_required() -> None:
    rejects(landfill_fod, "food=1; mcf=1; k=0.4", "deposit_year")


def test_the_deposit_year_must_be_a_whole_year() -> None:
    rejects(landfill_fod, "food=1; mcf=1; k=0.4; deposit_year=2020.5", "deposit_year")


def test_climate_gives_each_component_its_own_decay_rate() -> None:
    # IPCC 2006 Vol.5 Ch.3 Table 3.3, tropical wet: food k 0.40, paper k 0.07. Third year after deposit.
    result = run(landfill_fod, "food=0.5; paper=0.5; mcf=1; climate=tropical_wet; deposit_year=2018")

    def decayed_ch4(doc: float, k: float) -> float:
        return doc * 0.5 * math.exp(-2 * k) * (1 - math.exp(-k)) * 0.5 * 16 / 12

    expected = decayed_ch4(0.5 * 0.15, 0.40) + decayed_ch4(0.5 * 0.40, 0.07)
    assert tonnes(result, "CH4", 1) == pytest.approx(expected, rel=1e-12)


def test_components_without_their_own_rate_decay_at_the_bulk_rate() -> None:
    # Table 3.3 has no nappies row: bulk MSW, temperate wet k 0.09; nappies DOC 0.24 (Table 2.4).
    nappies = run(landfill_fod, "nappies=1; mcf=1; climate=temperate_wet; deposit_year=2015")
    bulk = run(landfill_fod, "doc=0.24; mcf=1; k=0.09; deposit_year=2015")
    assert tonnes(nappies, "CH4", 1) == pytest.approx(tonnes(bulk, "CH4", 1), rel=1e-12)


def test_decay_needs_k_or_a_climate() -> None:
    rejects(landfill_fod, "food=1; mcf=1; deposit_year=2020", "k")


def test_k_together_with_a_climate_is_an_error() -> None:
    rejects(landfill_fod, "food=1; mcf=1; k=0.4; climate=tropical_wet; deposit_year=2020", "climate")


def test_a_zero_decay_rate_is_an_error() -> None:
    rejects(landfill_fod, "food=1; mcf=1; k=0; deposit_year=2020", "k")


COMPONENTS_WITH_CARBON_DATA = ("food", "garden", "paper", "wood", "textiles", "nappies")
composition_strategy = st.fixed_dictionaries(
    {c: st.floats(min_value=0, max_value=1 / 6) for c in COMPONENTS_WITH_CARBON_DATA}
)


@settings(max_examples=25, deadline=None)
@given(
    shares=composition_strategy,
    climate=st.sampled_from(["tropical_wet", "tropical_dry", "temperate_wet", "temperate_dry"]),
    mcf=st.floats(min_value=0.1, max_value=1),
    ox=st.floats(min_value=0, max_value=1),
)
def test_first_order_decay_summed_over_all_years_equals_the_methane_commitment(
    shares: dict[str, float], climate: str, mcf: float, ox: float
) -> None:
    composition = "; ".join(f"{c}={s!r}" for c, s in shares.items())
    common = f"{composition}; mcf={mcf!r}; ox={ox!r}"
    commitment = tonnes(run(landfill_mc, common), "CH4", 1)
    # The slowest Table 3.3 rate is 0.02/yr: after 1500 years e^(-30) of the carbon is left.
    fod = run_fod_years(f"{common}; climate={climate}; deposit_year=2000", range(2001, 3501))
    assert fod == pytest.approx(commitment, rel=1e-6, abs=1e-12)


# --- biological treatment -----------------------------------------------------------------------------------


def test_composting_matches_the_domain_check_case() -> None:
    # DOMAIN.md §7 "composting": 1000 t wet → 4 t CH4 + 0.3 t N2O = 191.5 t CO2e (AR5).
    result = run(biological, "treatment=composting")
    assert tonnes(result, "CH4", 1000) == pytest.approx(4.0, rel=1e-9)
    assert tonnes(result, "N2O", 1000) == pytest.approx(0.3, rel=1e-9)
    assert tonnes_co2e_ar5(result, 1000) == pytest.approx(191.5, rel=1e-6)


def test_composting_with_the_efdb_n2o_factor_matches_the_domain_check_case() -> None:
    # DOMAIN.md §7 "composting", EFDB N2O 0.24 g/kg variant: 175.6 t CO2e (AR5).
    result = run(biological, "treatment=composting; ef_n2o=0.24")
    assert tonnes_co2e_ar5(result, 1000) == pytest.approx(175.6, rel=1e-6)


def test_composting_always_reports_nitrous_oxide() -> None:
    # DOMAIN.md pitfall 5.
    result = run(biological, "treatment=composting; basis=dry")
    assert result.kg_per_unit is not None
    assert result.kg_per_unit["N2O"] > 0


def test_dry_basis_uses_the_dry_weight_factors() -> None:
    # IPCC 2006 Vol.5 Ch.4 Table 4.1, dry weight: composting 10 g CH4 and 0.6 g N2O per kg.
    result = run(biological, "treatment=composting; basis=dry")
    assert tonnes(result, "CH4", 1000) == pytest.approx(10.0, rel=1e-12)
    assert tonnes(result, "N2O", 1000) == pytest.approx(0.6, rel=1e-12)
    assert "dry" in result.explanation


def test_anaerobic_digestion_recovery_reduces_methane() -> None:
    # Table 4.1: anaerobic digestion 1 g CH4/kg wet, N2O negligible.
    result = run(biological, "treatment=anaerobic_digestion; f_rec=0.5")
    assert tonnes(result, "CH4", 1000) == pytest.approx(0.5, rel=1e-12)
    assert tonnes(result, "N2O", 1000) == 0


def test_an_unknown_treatment_is_an_error() -> None:
    rejects(biological, "treatment=incineration", "treatment")


def test_a_negative_emission_factor_is_an_error() -> None:
    rejects(biological, "treatment=composting; ef_ch4=-1", "ef_ch4")


# --- incineration and open burning --------------------------------------------------------------------------


def test_incineration_without_composition_matches_the_domain_check_case() -> None:
    # DOMAIN.md §7 "incineration stoker": 1000 t → 0.2 kg CH4 + 50 kg N2O = 13.2556 t CO2e (AR5).
    result = run(incineration, "technology=continuous")
    assert tonnes(result, "CH4", 1000) * 1000 == pytest.approx(0.2, rel=1e-9)
    assert tonnes(result, "N2O", 1000) * 1000 == pytest.approx(50, rel=1e-9)
    assert tonnes_co2e_ar5(result, 1000) == pytest.approx(13.2556, rel=1e-6)
    assert tonnes(result, "CO2", 1000) == 0
    assert "no composition" in result.explanation


def test_incineration_nitrous_oxide_is_kilograms_not_tonnes() -> None:
    # DOMAIN.md pitfall 2: 1000 t at 50 g/t is 50 kg N2O, never 50 t.
    assert tonnes(run(incineration, "technology=continuous"), "N2O", 1000) == pytest.approx(0.05)


def test_incineration_splits_fossil_and_biogenic_carbon() -> None:
    # IPCC 2006 Vol.5 Table 2.4, paper: dm 0.9, CF 0.46, FCF 0.01; plastics: dm 1, CF 0.75, FCF 1. OF 1.
    paper = run(incineration, "technology=batch; paper=1")
    plastics = run(incineration, "technology=batch; plastics=1")
    paper_co2 = 1000 * 0.9 * 0.46 * 44 / 12
    assert paper.kg_per_unit is not None and plastics.kg_per_unit is not None
    assert paper.kg_per_unit["CO2"] == pytest.approx(paper_co2 * 0.01, rel=1e-12)
    assert paper.kg_per_unit["CO2_biogenic"] == pytest.approx(paper_co2 * 0.99, rel=1e-12)
    assert plastics.kg_per_unit["CO2"] == pytest.approx(1000 * 0.75 * 44 / 12, rel=1e-12)
    assert plastics.kg_per_unit["CO2_biogenic"] == 0


def test_rubber_and_leather_burn_with_their_table_2_4_carbon() -> None:
    # IPCC 2006 Vol.5 Ch.2 Table 2.4, rubber and leather: dm 0.84, CF 0.67, FCF 0.2 (rows marked unconfirmed).
    result = run(incineration, "technology=continuous; rubber_leather=1")
    co2_kg_per_t = 1000 * 0.84 * 0.67 * 44 / 12
    assert tonnes(result, "CO2", 1000) == pytest.approx(co2_kg_per_t * 0.2, rel=1e-12)
    assert tonnes(result, "CO2_biogenic", 1000) == pytest.approx(co2_kg_per_t * 0.8, rel=1e-12)


def test_metal_glass_and_inert_carry_no_carbon_when_burnt() -> None:
    result = run(incineration, "technology=continuous; metal=0.3; glass=0.3; inert=0.4")
    assert tonnes(result, "CO2", 1) == 0 and tonnes(result, "CO2_biogenic", 1) == 0


def test_a_carbon_bearing_component_without_carbon_data_is_an_error() -> None:
    rejects(incineration, "technology=continuous; industrial=0.5", "industrial")


def test_incineration_needs_a_known_technology() -> None:
    rejects(incineration, "paper=0.5", "technology")
    rejects(incineration, "technology=fluidised", "technology")


@settings(max_examples=50)
@given(shares=composition_strategy, oxidised=st.floats(min_value=0, max_value=1))
def test_burnt_carbon_is_split_without_loss_between_fossil_and_biogenic(
    shares: dict[str, float], oxidised: float
) -> None:
    # IPCC 2006 Vol.5 Table 2.4 dm × CF per component (wet basis).
    carbon_per_wet_t = {"food": 0.4 * 0.38, "garden": 0.4 * 0.49, "paper": 0.9 * 0.46}
    carbon_per_wet_t |= {"wood": 0.85 * 0.5, "textiles": 0.8 * 0.5, "nappies": 0.4 * 0.7}
    composition = "; ".join(f"{c}={s!r}" for c, s in shares.items())
    result = run(incineration, f"technology=continuous; {composition}; of={oxidised!r}")
    expected = 1000 * oxidised * 44 / 12 * sum(shares[c] * carbon_per_wet_t[c] for c in shares)
    assert tonnes(result, "CO2", 1000) >= 0 and tonnes(result, "CO2_biogenic", 1000) >= 0
    total = tonnes(result, "CO2", 1000) + tonnes(result, "CO2_biogenic", 1000)
    assert total == pytest.approx(expected, rel=1e-9, abs=1e-9)


def test_open_burning_needs_a_dry_basis_or_a_dry_matter_fraction() -> None:
    rejects(open_burning, "plastics=0.1", "basis")
    rejects(open_burning, "basis=wet", "dry_matter")
    rejects(open_burning, "basis=dry; dry_matter=0.6", "dry_matter")


def test_open_burning_on_dry_tonnes_uses_the_dry_weight_defaults() -> None:
    # IPCC 2006 Vol.5 Ch.5: CH4 6500 kg/Gg and N2O 150 g/t, per dry weight.
    result = run(open_burning, "basis=dry")
    assert tonnes(result, "CH4", 1000) == pytest.approx(6.5, rel=1e-9)
    assert tonnes(result, "N2O", 1000) == pytest.approx(0.15, rel=1e-9)


def test_open_burning_on_wet_tonnes_scales_by_the_dry_matter_fraction() -> None:
    result = run(open_burning, "dry_matter=0.6")
    assert tonnes(result, "CH4", 1000) == pytest.approx(6.5 * 0.6, rel=1e-9)
    assert tonnes(result, "N2O", 1000) == pytest.approx(0.15 * 0.6, rel=1e-9)


def test_open_burning_uses_its_own_oxidation_factor() -> None:
    # IPCC 2006 Vol.5 Ch.5 Table 5.2: open burning OF 0.58; dry plastics CF 0.75, FCF 1.
    result = run(open_burning, "basis=dry; plastics=1")
    assert tonnes(result, "CO2", 1) == pytest.approx(0.75 * 0.58 * 44 / 12, rel=1e-12)


# --- all methods --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, text",
    [
        ("landfill_mc", MC_CHECK_CASE),
        ("landfill_fod", FOD_CHECK_CASE),
        ("biological", "treatment=composting"),
        ("incineration", "technology=continuous; paper=0.3"),
        ("open_burning", "basis=dry; food=0.5"),
    ],
)
def test_every_waste_method_is_registered_and_yields_known_gases(name: str, text: str) -> None:
    result = run(WASTE_METHODS[name], text)
    assert result.kg_per_unit is not None
    assert set(result.kg_per_unit) <= set(METHOD_GASES)
    assert all(kg >= 0 for kg in result.kg_per_unit.values())
    assert result.equation and result.explanation and result.activity_unit == "t"
