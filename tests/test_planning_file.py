"""Scenario files (``zerocity.planning_file``): actions inherit their template's defaults, the 1.5 °C and sensitivity
sections, and bad input named by key."""

from __future__ import annotations

from pathlib import Path

import pytest

from zerocity.core.planning.budgets import AllocationRule
from zerocity.core.planning.pools import PvAccounting, Stage
from zerocity.core.planning.scenario import Scenario
from zerocity.core.planning.templates import action_template
from zerocity.planning_file import ScenarioFileError, build_scenario, read_document

HEAD = """
[scenario]
base_year = 2024
end_year = 2050

[grid]
pathway = "tw"

[pools.homes]
subsector = "I.1.2"
carrier = "electricity"
base_t_co2e = 500000.0
growth_rate = 0.0
grid_electricity = true

[pools.cars]
subsector = "II.1.1"
carrier = "gasoline"
base_t_co2e = 300000.0
growth_rate = 0.0
"""


def build(tmp_path: Path, tail: str) -> Scenario:
    path = tmp_path / "plan.toml"
    path.write_text(HEAD + tail, encoding="utf-8")
    return build_scenario(read_document(path))


def failing_key(tmp_path: Path, tail: str) -> str:
    with pytest.raises(ScenarioFileError) as caught:
        build(tmp_path, tail)
    return caught.value.key


def test_an_action_inherits_stage_effect_curve_fuel_switch_and_co_benefits_from_its_template(tmp_path: Path) -> None:
    scenario = build(tmp_path, '[actions.evs]\ntemplate = "ev_uptake"\npools = ["cars"]\n')

    action = scenario.actions[0]
    template = action_template("ev_uptake")
    assert action.template == "ev_uptake" and action.stage is Stage.FUEL_SWITCH
    assert action.effect == template.effect
    assert (action.curve.kind, dict(action.curve.parameters)) == ("logistic", dict(template.curve_parameters))
    assert action.fuel_switch is not None and template.fuel_switch is not None
    assert action.fuel_switch.old_factor_kg_per_kwh == template.fuel_switch["old_factor_kg_per_kwh"]
    assert action.co_benefits == template.co_benefits


def test_what_the_action_states_wins_over_the_template(tmp_path: Path) -> None:
    scenario = build(
        tmp_path,
        '[actions.evs]\ntemplate = "ev_uptake"\npools = ["cars"]\nstage = "demand_avoidance"\n'
        "curve = { t_mid = 2040 }\nfuel_switch = { efficiency_new = 0.9 }\n"
        'co_benefits = { jobs = "high", noise = "none" }\n',
    )

    action = scenario.actions[0]
    assert action.stage is Stage.DEMAND_AVOIDANCE
    assert action.curve.parameters["t_mid"] == 2040 and action.curve.parameters["p_max"] == 0.6
    assert action.fuel_switch is not None and action.fuel_switch.efficiency_new == 0.9
    assert action.fuel_switch.efficiency_old == 0.25  # inherited
    levels = {b.benefit: b.level for b in action.co_benefits}
    assert levels["jobs"] == "high" and "noise" not in levels


def test_a_curve_of_another_kind_replaces_the_templates(tmp_path: Path) -> None:
    scenario = build(
        tmp_path,
        '[actions.evs]\ntemplate = "ev_uptake"\npools = ["cars"]\ncurve = { kind = "step", year = 2030, p = 0.2 }\n',
    )

    assert dict(scenario.actions[0].curve.parameters) == {"year": 2030, "p": 0.2}


def test_units_take_the_templates_costs_per_unit(tmp_path: Path) -> None:
    scenario = build(
        tmp_path,
        '[actions.evs]\ntemplate = "ev_uptake"\npools = ["cars"]\ncosts = { units = 1000, capital_year = 2026 }\n',
    )

    costs = scenario.actions[0].costs
    per_unit = action_template("ev_uptake").costs
    assert costs is not None and per_unit is not None
    assert costs.capital_cost == 1000 * per_unit.capex_per_unit
    assert costs.energy_savings_per_year == 1000 * per_unit.savings_per_unit_year
    assert costs.lifetime_years == per_unit.lifetime_years
    assert dict(costs.payer_shares) == dict(per_unit.payer_shares)


def test_rooftop_pv_takes_the_templates_capacity_factor_and_accounting(tmp_path: Path) -> None:
    scenario = build(
        tmp_path,
        '[actions.solar]\ntemplate = "rooftop_pv"\npools = ["homes"]\n'
        "pv = { capacity_kw = 50000, national_pathway_kw = { 2024 = 10000, 2050 = 30000 } }\n",
    )

    pv = scenario.actions[0].pv
    assert pv is not None
    assert pv.capacity_factor == 0.13 and pv.accounting is PvAccounting.ADDITIONAL_ONLY
    assert pv.national_anchor_years == (2024, 2050) and pv.national_anchor_kw == (10000.0, 30000.0)


def test_the_one_point_five_and_sensitivity_sections_are_read(tmp_path: Path) -> None:
    scenario = build(
        tmp_path,
        '[one_point_five]\nbudget = "igcc2024-1p5c-50"\nallocation = "blended"\npopulation_weight = 0.5\n'
        "co2_share = 0.95\npopulation = 2700000\n\n[sensitivity]\nyear = 2035\nsamples = 64\n",
    )

    settings = scenario.one_point_five
    assert (settings.budget_id, settings.rule, settings.population_weight) == (
        "igcc2024-1p5c-50",
        AllocationRule.BLENDED,
        0.5,
    )
    assert settings.co2_share == 0.95 and settings.co2_share_stated and settings.population == 2700000
    assert (scenario.sensitivity.year, scenario.sensitivity.base_samples) == (2035, 64)


@pytest.mark.parametrize(
    ("tail", "key"),
    [
        ('[actions.x]\ntemplate = "solar_roads"\npools = ["homes"]\n', "actions.x.template"),
        ('[actions.x]\ntemplate = "rooftop_pv"\npools = ["cars"]\npv = { capacity_kw = 1, national_pathway_kw = 0 }\n',
         "actions.x.pools"),
        ('[actions.x]\ntemplate = "ev_uptake"\npools = ["cars"]\nco_benefits = { happiness = "high" }\n',
         "actions.x.co_benefits.happiness"),
        ('[actions.x]\nstage = "efficiency"\npools = ["cars"]\ncurve = { kind = "step", year = 2030, p = 0.2 }\n'
         "costs = { units = 10 }\n", "actions.x.costs.units"),
        ('[actions.x]\ntemplate = "rooftop_pv"\npools = ["homes"]\npv = { capacity_kw = 1 }\n',
         "actions.x.pv.national_pathway_kw"),
        ('[actions.x]\ntemplate = "rooftop_pv"\npools = ["homes"]\n'
         'pv = { capacity_kw = 1, national_pathway_kw = 0, accounting = "both" }\n', "actions.x.pv.accounting"),
        ('[one_point_five]\nbuget = "ar6-wg1-1p5c-50"\n', "one_point_five.buget"),
        ('[one_point_five]\nallocation = "by_area"\n', "one_point_five.allocation"),
    ],
    ids=["unknown-template", "template-outside-its-sub-sectors", "unknown-co-benefit", "units-without-template",
         "pv-without-national-pathway", "unknown-pv-accounting", "misspelt-key", "unknown-allocation"],
)  # fmt: skip
def test_bad_input_is_refused_naming_the_key(tmp_path: Path, tail: str, key: str) -> None:
    assert failing_key(tmp_path, tail) == key


def unit_pool(activity: str, intensity: str) -> str:
    return (
        '\n[pools.offices]\nsubsector = "I.2.2"\ncarrier = "electricity"\ngrowth_rate = 0.0\n'
        f"activity = {activity}\nintensity = {intensity}\n"
    )


def test_base_year_emissions_may_be_activity_times_intensity_with_units(tmp_path: Path) -> None:
    scenario = build(tmp_path, unit_pool('{ value = 1200, unit = "GWh" }', '{ value = 0.502, unit = "kg CO2e/kWh" }'))

    offices = next(pool for pool in scenario.pools if pool.pool_id == "offices")
    assert offices.base_t_co2e == pytest.approx(1200e6 * 0.502 / 1000)  # 602,400 t


def test_units_are_converted_not_assumed(tmp_path: Path) -> None:
    scenario = build(tmp_path, unit_pool('{ value = 3.6, unit = "TJ" }', '{ value = 0.5, unit = "t/GWh" }'))

    offices = next(pool for pool in scenario.pools if pool.pool_id == "offices")
    assert offices.base_t_co2e == pytest.approx(0.5)  # 3.6 TJ = 1 GWh


@pytest.mark.parametrize(
    ("activity", "intensity", "key"),
    [
        ('{ value = 100, unit = "passenger-km" }', '{ value = 150, unit = "g/vkm" }', "pools.offices.intensity.unit"),
        ('{ value = 100, unit = "widgets" }', '{ value = 1, unit = "kg/kWh" }', "pools.offices.activity.unit"),
        ('{ value = 100, unit = "GWh" }', '{ value = 1, unit = "kg/parsec" }', "pools.offices.intensity.unit"),
        ('{ value = 100, unit = "GWh" }', '"0.5 kg/kWh"', "pools.offices.intensity"),
    ],
    ids=["vehicle-factor-on-passenger-km", "unknown-activity-unit", "unknown-intensity-unit", "not-a-table"],
)
def test_activity_and_intensity_units_that_do_not_give_a_mass_are_refused(
    tmp_path: Path, activity: str, intensity: str, key: str
) -> None:
    assert failing_key(tmp_path, unit_pool(activity, intensity)) == key
