"""Reading a scenario file (TOML, documented in ``docs/scenario-file.md``) into the core's :class:`Scenario`.

Not in the core because it reads files. Every problem is reported as :class:`ScenarioFileError` naming the file and
the key (``actions.heat_pumps.curve.p_max``), so that the CLI can print it and write nothing.
Base-year emissions of a pool come from its ``base_t_co2e`` or from the base inventory (``gpc_refs``), which the
caller computes and passes in as tCO2e per GPC reference number (see ``zerocity.services.planning``).

The file is read in sibling modules: the document, its errors and typed getters
(:mod:`zerocity.planning_file_document`), pools, targets, drivers and uncertain inputs
(:mod:`zerocity.planning_file_sections`) and actions (:mod:`zerocity.planning_file_actions`). This module keeps the
entry points and the scenario-wide tables, and re-exports the public names, so callers import from here.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from zerocity.core.errors import ZeroCityError
from zerocity.core.planning import costs, one_point_five
from zerocity.core.planning.bau import tw_grid_pathway
from zerocity.core.planning.budgets import AllocationRule
from zerocity.core.planning.scenario import InvalidScenario, Scenario, SensitivitySettings
from zerocity.planning_file_actions import _action
from zerocity.planning_file_document import (
    ScenarioDocument,
    ScenarioFileError,
    _float,
    _int,
    _list,
    _tables,
    locate_key,
    read_document,
)
from zerocity.planning_file_sections import _distribution, _driver, _pool, _target, _uncertain_inputs

__all__ = [
    "ScenarioDocument",
    "ScenarioFileError",
    "build_scenario",
    "locate_key",
    "read_document",
    "run_settings",
    "wrap",
]


def build_scenario(doc: ScenarioDocument, base_emissions_by_ref: Mapping[str, float] | None = None) -> Scenario:
    """The core scenario described by ``doc``; ``base_emissions_by_ref`` is the base inventory (tCO2e per GPC ref)."""
    head = doc.table("scenario")
    base_year = doc.base_year
    end_year = _int(doc, head, "scenario", "end_year", 2050)
    years = np.arange(base_year, end_year + 1)
    pools = tuple(_pool(doc, pool_id, spec, base_emissions_by_ref) for pool_id, spec in _tables(doc, "pools").items())
    subsectors = {pool.pool_id: pool.subsector for pool in pools}
    actions = tuple(_action(doc, action_id, spec, subsectors) for action_id, spec in _tables(doc, "actions").items())
    needs_grid = any(p.grid_electricity for p in pools) or any(a.fuel_switch or a.pv for a in actions)
    grid = None
    if needs_grid:
        grid_spec = doc.table("grid")
        pathway = grid_spec.get("pathway", "tw")
        if pathway != "tw":
            raise doc.fail("grid.pathway", "only the bundled Taiwan national path 'tw' is available")
        try:
            grid = tw_grid_pathway(years).kg_co2e_per_kwh
        except ZeroCityError as exc:
            raise doc.fail("grid.pathway", exc.message) from None
    costs_spec = doc.table("costs")
    rate_id = str(costs_spec.get("discount_rate", "uk-green-book-stpr"))
    try:
        rate = costs.discount_rate(rate_id).rate
    except ZeroCityError as exc:
        raise doc.fail("costs.discount_rate", exc.message) from None
    macc_year = costs_spec.get("macc_year")
    scenario = Scenario(
        name=str(head.get("name", doc.path.stem)),
        base_year=base_year,
        end_year=end_year,
        pools=pools,
        actions=actions,
        targets=tuple(_target(doc, i, spec) for i, spec in enumerate(_list(doc, "targets"), start=1)),
        drivers={name: _driver(doc, name, spec) for name, spec in _tables(doc, "drivers").items()},
        grid_factor_kg_per_kwh=grid,
        uncertain={name: _distribution(doc, name, spec) for name, spec in _uncertain_inputs(doc).items()},
        discount_rate=rate,
        discount_rate_id=rate_id,
        macc_year=None if macc_year is None else _int(doc, costs_spec, "costs", "macc_year"),
        one_point_five=_one_point_five(doc),
        sensitivity=_sensitivity(doc),
    )
    return scenario


def _one_point_five(doc: ScenarioDocument) -> one_point_five.Settings:
    """``[one_point_five]``: the global budget and allocation rule, CO2 / CO2e, and the base figures the 1.5 °C
    reference tests need where the scenario's own years do not hold them."""
    spec = doc.table("one_point_five")
    key = "one_point_five"
    known = {"budget", "allocation", "population_weight", "co2_share", "co2_2010_t", "ghg_2019_t_co2e",
             "population", "allocation_co2_t"}  # fmt: skip
    unknown = sorted(set(spec) - known)
    if unknown:
        raise doc.fail(f"{key}.{unknown[0]}", f"not a key of [one_point_five]; keys are {', '.join(sorted(known))}")
    rule = spec.get("allocation", AllocationRule.PER_CAPITA.value)
    try:
        allocation = AllocationRule(rule)
    except ValueError:
        raise doc.fail(f"{key}.allocation", f"one of {', '.join(r.value for r in AllocationRule)}") from None

    def optional(name: str) -> float | None:
        return None if name not in spec else _float(doc, spec, key, name)

    return one_point_five.Settings(
        budget_id=str(spec.get("budget", one_point_five.DEFAULT_BUDGET)),
        rule=allocation,
        population_weight=optional("population_weight"),
        co2_share=_float(doc, spec, key, "co2_share", 1.0),
        co2_share_stated="co2_share" in spec,
        co2_2010_t=optional("co2_2010_t"),
        ghg_2019_t_co2e=optional("ghg_2019_t_co2e"),
        population=optional("population"),
        allocation_co2_t=optional("allocation_co2_t"),
    )


def _sensitivity(doc: ScenarioDocument) -> SensitivitySettings:
    """``[sensitivity]``: ``enabled`` (default true), ``year`` and ``samples`` (Sobol base samples N)."""
    spec = doc.table("sensitivity")
    enabled = spec.get("enabled", True)
    if not isinstance(enabled, bool):
        raise doc.fail("sensitivity.enabled", "true or false")
    return SensitivitySettings(
        enabled=enabled,
        year=None if "year" not in spec else _int(doc, spec, "sensitivity", "year"),
        base_samples=_int(doc, spec, "sensitivity", "samples", SensitivitySettings.base_samples),
    )


def run_settings(doc: ScenarioDocument) -> tuple[int, int, str]:
    """``(draws, seed, wedge_method)`` from ``[uncertainty]`` and ``[scenario]`` (the CLI may override them)."""
    spec = doc.table("uncertainty")
    draws = _int(doc, spec, "uncertainty", "draws", 0)
    seed = _int(doc, spec, "uncertainty", "seed", 0)
    if draws < 0 or seed < 0:
        raise doc.fail("uncertainty", "draws and seed must be ≥ 0")
    return draws, seed, str(doc.table("scenario").get("wedge_method", "loading_order"))


def wrap(doc: ScenarioDocument, exc: InvalidScenario) -> ScenarioFileError:
    """A core validation error, located in the file."""
    return doc.fail(exc.key, exc.reason)
