"""The action template catalogue (``zerocity.core.planning.templates``, data/planning/action_templates.csv)."""

from __future__ import annotations

import pytest

from zerocity.core.datafiles import STATUSES
from zerocity.core.planning.costs import PAYERS
from zerocity.core.planning.pools import PvAccounting, Stage
from zerocity.core.planning.templates import (
    CO_BENEFIT_LEVELS,
    CO_BENEFITS,
    InvalidCoBenefit,
    UnknownActionTemplate,
    action_template,
    action_templates,
    co_benefits,
)

#: The ids other parts of the platform link to (best-practice cases name them): they must never change.
LINKED_IDS = (
    "building_retrofit",
    "appliance_efficiency",
    "heat_pump",
    "e_bus",
    "ev_uptake",
    "rooftop_pv",
    "mode_shift",
    "vkt_reduction",
    "waste_diversion",
    "landfill_gas_capture",
    "industrial_efficiency",
    "re_procurement",
)
#: kWh in one TJ (10^12 J / 3.6·10^6 J), to turn IPCC 2006 Vol. 2 Table 1.4 factors (kg CO2/TJ) into kg/kWh.
KWH_PER_TJ = 1e12 / 3.6e6


def test_the_catalogue_keeps_every_id_other_parts_link_to() -> None:
    assert tuple(t.template_id for t in action_templates()) == LINKED_IDS


def test_every_template_names_its_source_status_and_both_names() -> None:
    for template in action_templates():
        assert template.source and template.status in STATUSES
        assert template.name_zh and template.name_en
        assert template.status == "illustrative" or "IPCC" in template.source


def test_every_template_has_a_stage_sub_sectors_a_curve_costs_and_co_benefits() -> None:
    for template in action_templates():
        assert isinstance(template.stage, Stage)
        assert template.gpc_subsectors and all(
            ref.split(".")[0] in ("I", "II", "III") for ref in template.gpc_subsectors
        )
        assert 0.0 < template.effect <= 1.0
        assert template.curve_kind in ("linear", "step", "logistic")
        assert template.costs is not None and template.costs.lifetime_years > 0
        assert set(template.costs.payer_shares) <= set(PAYERS)
        assert sum(template.costs.payer_shares.values()) == pytest.approx(1.0)
        assert template.co_benefits
        assert all(b.benefit in CO_BENEFITS and b.level in CO_BENEFIT_LEVELS for b in template.co_benefits)


@pytest.mark.parametrize(
    ("template_id", "kg_co2_per_tj"),
    [("heat_pump", 56_100), ("e_bus", 74_100), ("ev_uptake", 69_300)],
    ids=["natural-gas", "diesel", "gasoline"],
)
def test_fuel_switch_factors_are_the_ipcc_2006_table_1_4_values_per_kwh(template_id: str, kg_co2_per_tj: float) -> None:
    fuel_switch = action_template(template_id).fuel_switch
    assert fuel_switch is not None
    assert fuel_switch["old_factor_kg_per_kwh"] == pytest.approx(kg_co2_per_tj / KWH_PER_TJ, abs=5e-4)


def test_rooftop_pv_counts_only_additional_generation_by_default() -> None:
    template = action_template("rooftop_pv")
    assert template.stage is Stage.SUPPLY
    assert template.pv is not None and template.pv.accounting is PvAccounting.ADDITIONAL_ONLY
    assert 0.0 < template.pv.capacity_factor < 0.25


def test_a_template_covers_the_reference_numbers_inside_its_sub_sectors() -> None:
    pv = action_template("rooftop_pv")
    assert pv.covers("I.1") and pv.covers("I.1.2") and pv.covers("I.3.2")
    assert not pv.covers("II.1.1") and not pv.covers("I.4.4") and not pv.covers("I.10")


def test_an_unknown_template_lists_the_known_ids() -> None:
    with pytest.raises(UnknownActionTemplate, match="rooftop_pv"):
        action_template("solar_roads")


def test_co_benefits_come_in_the_catalogue_order() -> None:
    listed = co_benefits({"jobs": "high", "air_quality": "low"})
    assert [(b.benefit, b.level) for b in listed] == [("air_quality", "low"), ("jobs", "high")]


@pytest.mark.parametrize("levels", [{"happiness": "high"}, {"jobs": "very high"}], ids=["name", "level"])
def test_an_unknown_co_benefit_or_level_is_refused(levels: dict[str, str]) -> None:
    with pytest.raises(InvalidCoBenefit):
        co_benefits(levels)
