"""Run a scenario file (``docs/scenario-file.md``): the use case behind ``zerocity plan run``.

The base-year inventory a scenario's pools draw on (``gpc_refs``) comes from ``[base_inventory]``: an activity file
computed with :func:`zerocity.services.inventory.compute_inventory_file`, or a stored inventory supplied by the
caller as a function ``(city, year) -> tCO2e per GPC reference number``.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import shutil
import tempfile
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from zerocity.core.errors import ZeroCityError
from zerocity.core.planning import one_point_five
from zerocity.core.planning.scenario import (
    Action,
    InvalidScenario,
    PvOutcome,
    Scenario,
    ScenarioResult,
    SensitivityOutcome,
    run,
)
from zerocity.planning_file import ScenarioDocument, ScenarioFileError, build_scenario, read_document, run_settings
from zerocity.services import inventories
from zerocity.services.actor import Actor
from zerocity.services.errors import NotFound
from zerocity.services.inventory import compute_inventory_file
from zerocity.store.db import Database
from zerocity.store.models import RefResult

StoredInventory = Callable[[str, int], Mapping[str, float]]


@dataclass(frozen=True)
class PlanRun:
    scenario: Scenario
    result: ScenarioResult
    inventory_source: str  # where the base-year emissions came from


def run_scenario_file(
    path: str | Path,
    *,
    draws: int | None = None,
    seed: int | None = None,
    wedge_method: str | None = None,
    today: int | None = None,
    stored_inventory: StoredInventory | None = None,
) -> PlanRun:
    """Read, validate and run a scenario file; raises ``ScenarioFileError`` (file and key) on bad input."""
    doc = read_document(path)
    inventory, source = _base_inventory(doc, stored_inventory)
    scenario = build_scenario(doc, inventory)
    file_draws, file_seed, file_method = run_settings(doc)
    year_now = dt.date.today().year if today is None else today
    try:
        result = run(
            scenario,
            draws=file_draws if draws is None else draws,
            seed=file_seed if seed is None else seed,
            wedge_method=wedge_method or file_method,
            today=year_now,
        )
    except InvalidScenario as exc:
        raise doc.fail(exc.key, exc.reason) from None
    return PlanRun(scenario, result, source)


def stored_inventory_reader(db: Database, actor: Actor) -> StoredInventory:
    """``(city slug, year) -> tCO2e per GPC reference number`` from the results stored at the inventory's last
    computation, read with ``actor``'s rights (the public sees published inventories only)."""

    def read(slug: str, year: int) -> Mapping[str, float]:
        with db.read() as session:
            return _stored_results(session, actor, slug, year)

    return read


def _base_inventory(
    doc: ScenarioDocument, stored_inventory: StoredInventory | None
) -> tuple[Mapping[str, float] | None, str]:
    spec = doc.base_inventory()
    if not spec:
        return None, "base_t_co2e in the scenario file"
    year = doc.base_year
    if "activity_file" in spec:
        file = doc.resolve(str(spec["activity_file"]))
        city = spec.get("city")
        inventory = compute_inventory_file(
            file, year=year, city=None if city is None else str(city), gwp=str(spec.get("gwp", "AR5"))
        )
        by_ref = {ref: row["tco2e"] for ref, row in inventory.by_ref().items() if row["tco2e"] is not None}
        return by_ref, f"{file.name}, {year}"
    if "stored" in spec:
        if stored_inventory is None:
            raise doc.fail("base_inventory.stored", "no inventory store is available here; use activity_file")
        city = str(spec["stored"])
        return stored_inventory(city, year), f"stored inventory {city} {year}"
    raise doc.fail("base_inventory", "give activity_file (a path relative to the scenario file) or stored")


def result_to_dict(run_: PlanRun) -> dict[str, Any]:
    """The JSON shape of a run (``docs/scenario-file.md``, output); numbers unrounded (rounding is for reports)."""
    result = run_.result
    out: dict[str, Any] = {
        "scenario": run_.scenario.name,
        "base_inventory": run_.inventory_source,
        "years": [int(y) for y in result.years],
        "bau_tco2e": _list(result.bau_frozen_t_co2e),
        "bau_adjusted_tco2e": _list(result.bau_adjusted_t_co2e),
        "plan_tco2e": _list(result.plan_t_co2e),
        "wedges": {name: _list(values) for name, values in result.wedges_t_co2e.items()},
        "external_wedges": list(result.external_wedges),
        "wedge_method": result.wedge_method.value,
        "loading_order": list(result.loading_order),
        "bau_methods": result.bau_methods,
        "targets": [
            {
                "label": t.label,
                "type": t.result.type.value,
                "year": t.result.year,
                "target_tco2e": t.result.target_tco2e,
                "projected_tco2e": t.result.projected_tco2e,
                "met": t.result.met,
                "percent_achieved": t.result.percent_achieved,
                "on_track": t.result.on_track,
                "p_met": t.p_met,
            }
            for t in result.targets
        ],
        "p_target_met": result.p_target_met,
        "seed": result.seed,
        "draws": result.draws,
        "discount_rate": result.discount_rate,
        "discount_rate_id": result.discount_rate_id,
    }
    if result.fan_chart is not None:
        out["fan_chart"] = {
            f"p{p:g}": _list(row) for p, row in zip(result.fan_chart.percentiles, result.fan_chart.values, strict=True)
        }
    if result.macc is not None:
        out["macc"] = {
            "year": result.macc_year,
            "bars": [
                {"action": a, "x0_tco2e": float(x0), "x1_tco2e": float(x1), "mac_per_tco2e": float(h)}
                for a, x0, x1, h in zip(
                    result.macc.action_ids, result.macc.x0, result.macc.x1, result.macc.height, strict=True
                )
            ],
        }
    if result.cost_by_payer is not None:
        out["cost_by_payer"] = {
            "capital": result.cost_by_payer.capital_cost,
            "net_present_cost": result.cost_by_payer.net_present_cost,
        }
    out["actions"] = [_action_dict(action) for action in run_.scenario.actions]
    if result.pv:
        out["pv"] = {action_id: _pv_dict(pv) for action_id, pv in result.pv.items()}
    if result.one_point_five is not None:
        out["one_point_five"] = _one_point_five_dict(result.one_point_five)
    if result.sensitivity is not None:
        out["sensitivity"] = _sensitivity_dict(result.sensitivity, result.seed)
    return out


def _action_dict(action: Action) -> dict[str, Any]:
    """An action as run: its template, stage, pools and co-benefits (qualitative, never in tonnes or costs)."""
    return {
        "id": action.action_id,
        "template": action.template or None,
        "stage": action.stage.value,
        "pools": list(action.pools),
        "co_benefits": [{"benefit": b.benefit, "level": b.level} for b in action.co_benefits],
    }


def _pv_dict(pv: PvOutcome) -> dict[str, Any]:
    return {
        "accounting": pv.accounting,
        "generation_kwh": _list(pv.generation_kwh),
        "national_pathway_kwh": _list(pv.national_pathway_kwh),
        "counted_kwh": _list(pv.counted_kwh),
        "city_wedge_tco2e": _list(pv.city_wedge_t_co2e),
        "share_of_national": None if pv.share_of_national is None else _list(pv.share_of_national),
    }


def _one_point_five_dict(assessment: one_point_five.OnePointFive) -> dict[str, Any]:
    """The 1.5 °C reference tests: each applied test, or why it could not be, and the city carbon budget."""
    tests = []
    for outcome in assessment.tests:
        entry: dict[str, Any] = {
            "id": outcome.parameter_id,
            "source": outcome.source,
            "available": outcome.test is not None,
        }
        if outcome.test is None:
            entry["reason"] = outcome.unavailable
            entry["reason_code"] = outcome.reason_code
        else:
            test = outcome.test
            entry |= {
                "base_year": test.base_year,
                "target_year": test.target_year,
                "base_tco2": test.base_tco2,
                "required_reduction": test.required_reduction,
                "target_tco2": test.target_tco2,
                "projected_tco2": test.projected_tco2,
                "achieved_reduction": test.achieved_reduction,
                "met": test.met,
            }
        tests.append(entry)
    budget = assessment.budget
    parameter = budget.parameter
    budget_out: dict[str, Any] = {
        "parameter_id": parameter.parameter_id,
        "source": parameter.source,
        "publication_year": parameter.year,
        "status": parameter.status,
        "global_budget_tco2": parameter.value_tonnes,
        "from_year": parameter.base_year,
        "likelihood": parameter.likelihood,
        "temperature_c": parameter.temperature_c,
        "rule": budget.rule.value,
        "allocation_year": budget.allocation_year,
        "available": budget.check is not None,
    }
    if budget.allocation is not None:
        budget_out |= {
            "population_weight": budget.allocation.population_weight,
            "population_share": budget.allocation.population_share,
            "emissions_share": budget.allocation.emissions_share,
            "city_budget_tco2": budget.allocation.budget_tco2,
        }
    if budget.check is None:
        budget_out["reason"] = budget.unavailable
        budget_out["reason_code"] = budget.reason_code
    else:
        budget_out |= {
            "start_year": budget.check.start_year,
            "end_year": budget.check.end_year,
            "cumulative_tco2": budget.check.cumulative_tco2,
            "share_of_budget": budget.check.share_of_budget,
            "met": budget.check.met,
            "first_year_tco2": budget.first_year_tco2,
            "constant_annual_cut": budget.constant_annual_cut,
            "linear_zero_year": None if budget.linear is None else budget.linear.zero_year,
            "cut_note": budget.cut_note,
            "p_exceeded": budget.p_exceeded,
        }
    return {
        "co2_share": assessment.co2_share,
        "co2_basis": "stated" if assessment.co2_share_stated else "co2e_stands_in",
        "reference_points": True,
        "tests": tests,
        "budget": budget_out,
    }


def _sensitivity_dict(outcome: SensitivityOutcome, seed: int) -> dict[str, Any]:
    out: dict[str, Any] = {"output": "plan_tco2e", "year": outcome.year, "available": outcome.result is not None}
    if outcome.result is None:
        out["reason"] = outcome.note
        return out
    sobol = outcome.result
    return out | {
        "method": "sobol",
        "base_samples": sobol.base_samples,
        "model_runs": sobol.model_runs,
        "seed": sobol.seed,
        "confidence_level": sobol.confidence_level,
        "top_driver": sobol.top_driver,
        "indices": [
            {
                "input": index.name,
                "first_order": index.first_order,
                "first_order_conf": index.first_order_conf,
                "total": index.total,
                "total_conf": index.total_conf,
            }
            for index in sobol.indices
        ],
    }


def _list(values: Any) -> list[float]:
    return [float(v) for v in values]


__all__ = ["PlanRun", "ScenarioFileError", "StoredInventory", "result_to_dict", "run_scenario_file"]


# -- scenarios given as text (the web and the API) ------------------------------------------------------------
#: The name the submitted text gets in the temporary directory, and so in error messages.
SCENARIO_NAME: Final[str] = "scenario.toml"
DEMO_SCENARIO: Final[str] = "kaohsiung_plan.toml"
#: A run takes seconds (the Monte Carlo draws): the demo page and repeated calls reuse the last runs.
RUN_CACHE_SIZE: Final[int] = 32
#: Scenarios given as text run inside a web worker: their draws and years are bounded before anything is computed
#: (2,000 draws take well under a second; 5,000 draws over a century of years would hold a worker for long).
MAX_TEXT_DRAWS: Final[int] = 5_000
MAX_TEXT_YEARS: Final[int] = 100


def demo_directory() -> Path:
    """The bundled demo data: the worked scenario and the activity files a submitted scenario may use."""
    return Path(str(resources.files("zerocity.data").joinpath("demo")))


def demo_scenario_text() -> str:
    return (demo_directory() / DEMO_SCENARIO).read_text(encoding="utf-8")


@dataclass(frozen=True)
class _ScenarioText:
    """A scenario's text, equal and hashed by its SHA-256 only, so that the run cache is keyed on the digest."""

    digest: str
    text: str = field(compare=False, hash=False, repr=False)

    @classmethod
    def of(cls, text: str) -> _ScenarioText:
        return cls(hashlib.sha256(text.encode("utf-8")).hexdigest(), text)


def run_scenario_text(
    text: str,
    *,
    method: str | None = None,
    draws: int | None = None,
    seed: int | None = None,
    stored_inventory: StoredInventory | None = None,
) -> PlanRun:
    """Run a scenario given as TOML text (``None`` keeps the file's own method, draws and seed); cached.

    ``stored_inventory`` reads ``[base_inventory] stored = CITY`` with the caller's rights (see
    :func:`session_inventory_reader`); the figures it gives are part of the cache key, so a recomputed inventory
    is never answered from an older run. Raises ``ScenarioFileError`` naming the key (and, where it can be found,
    the line) when the scenario cannot be run.
    """
    try:
        _check_size(text, draws)
        base = _stored_base(text, stored_inventory)
        return _run_cached(_ScenarioText.of(text), base, method, draws, seed)
    except ScenarioFileError as exc:
        raise exc.located(text) from None


def _check_size(text: str, draws: int | None) -> None:
    """Refuse, before running, a text whose draws or years exceed what a web worker may compute."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return  # the run reports the syntax error with its line
    uncertainty = data.get("uncertainty")
    file_draws = uncertainty.get("draws") if isinstance(uncertainty, dict) else None
    effective = draws if draws is not None else file_draws
    if isinstance(effective, int) and not isinstance(effective, bool) and effective > MAX_TEXT_DRAWS:
        raise ScenarioFileError(
            SCENARIO_NAME, "uncertainty.draws", f"at most {MAX_TEXT_DRAWS} draws here, not {effective}"
        )
    head = data.get("scenario")
    if isinstance(head, dict):
        base, end = head.get("base_year"), head.get("end_year", 2050)
        if isinstance(base, int) and isinstance(end, int) and end - base > MAX_TEXT_YEARS:
            raise ScenarioFileError(SCENARIO_NAME, "scenario.end_year", f"at most {MAX_TEXT_YEARS} years here")


def session_inventory_reader(session: Session, actor: Actor) -> StoredInventory:
    """Like :func:`stored_inventory_reader`, inside the caller's transaction (a save runs its scenario there)."""

    def read(slug: str, year: int) -> Mapping[str, float]:
        return _stored_results(session, actor, slug, year)

    return read


def _stored_results(session: Session, actor: Actor, slug: str, year: int) -> dict[str, float]:
    """t CO2e per GPC reference number of a stored inventory, read with ``actor``'s rights."""
    city, inventory = inventories.get_inventory(session, actor, slug, year)
    query = select(RefResult.ref, RefResult.tco2e).where(
        RefResult.city_id == city.id, RefResult.inventory_id == inventory.id
    )
    rows = session.execute(query).all()
    return {ref: float(tco2e) for ref, tco2e in rows if tco2e is not None}


#: A stored base inventory as a hashable cache key: (GPC reference number, t CO2e) pairs.
_FrozenInventory = tuple[tuple[str, float], ...]


def _stored_base(text: str, stored_inventory: StoredInventory | None) -> _FrozenInventory | None:
    """The stored inventory the text names, read now (the run itself cannot reach the database)."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return None  # the run reports the syntax error with its line
    spec = data.get("base_inventory")
    scenario = data.get("scenario")
    if stored_inventory is None or not isinstance(spec, dict) or not isinstance(scenario, dict):
        return None
    city, year = spec.get("stored"), scenario.get("base_year")
    if not isinstance(city, str) or isinstance(year, bool) or not isinstance(year, int):
        return None  # the run names what is missing
    try:
        figures = stored_inventory(city, year)
    except (NotFound, ZeroCityError) as exc:
        raise ScenarioFileError(
            SCENARIO_NAME,
            "base_inventory.stored",
            f"no {year} inventory of {city!r} that you may read ({exc.message})",
        ) from None
    return tuple(sorted(figures.items()))


@functools.lru_cache(maxsize=RUN_CACHE_SIZE)
def _run_cached(
    scenario: _ScenarioText, base: _FrozenInventory | None, method: str | None, draws: int | None, seed: int | None
) -> PlanRun:
    # The service reads files and a scenario names its base inventory by a path relative to itself, so the text is
    # written to a private temporary directory; a path chosen by a caller never reaches the server's own files.
    reader: StoredInventory | None = None if base is None else (lambda city, year: dict(base))
    with tempfile.TemporaryDirectory(prefix="zerocity-plan-") as directory:
        path = Path(directory) / SCENARIO_NAME
        path.write_text(scenario.text, encoding="utf-8")
        _bring_activity_file(scenario.text, Path(directory))
        try:
            return run_scenario_file(path, draws=draws, seed=seed, wedge_method=method, stored_inventory=reader)
        except InvalidScenario as exc:  # a core check the service did not locate in the file
            raise ScenarioFileError(SCENARIO_NAME, exc.key, exc.reason) from None


def _bring_activity_file(text: str, directory: Path) -> None:
    """Copy the base inventory's activity file next to the scenario, if it is one of the bundled demo files."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return  # the service reports the syntax error with its line
    spec = data.get("base_inventory")
    if not isinstance(spec, dict) or "activity_file" not in spec:
        return
    name = spec["activity_file"]
    bundled = demo_directory()
    allowed = sorted(p.name for p in bundled.glob("*.csv"))
    if not isinstance(name, str) or name not in allowed:
        raise ScenarioFileError(
            SCENARIO_NAME,
            "base_inventory.activity_file",
            f"over the web only a bundled demo file may be named ({', '.join(allowed)}); "
            "give pools a base_t_co2e instead",
        )
    shutil.copyfile(bundled / name, directory / name)
