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

from zerocity.core.planning.scenario import InvalidScenario, Scenario, ScenarioResult, run
from zerocity.planning_file import ScenarioDocument, ScenarioFileError, build_scenario, read_document, run_settings
from zerocity.services import inventories
from zerocity.services.actor import Actor
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
            city, inventory = inventories.get_inventory(session, actor, slug, year)
            rows = session.execute(
                select(RefResult.ref, RefResult.tco2e).where(
                    RefResult.city_id == city.id, RefResult.inventory_id == inventory.id
                )
            ).all()
        return {ref: float(tco2e) for ref, tco2e in rows if tco2e is not None}

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
    return out


def _list(values: Any) -> list[float]:
    return [float(v) for v in values]


__all__ = ["PlanRun", "ScenarioFileError", "StoredInventory", "result_to_dict", "run_scenario_file"]


# -- scenarios given as text (the web and the API) ------------------------------------------------------------
#: The name the submitted text gets in the temporary directory, and so in error messages.
SCENARIO_NAME: Final[str] = "scenario.toml"
DEMO_SCENARIO: Final[str] = "kaohsiung_plan.toml"
#: A run takes seconds (the Monte Carlo draws): the demo page and repeated calls reuse the last runs.
RUN_CACHE_SIZE: Final[int] = 32


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
    text: str, *, method: str | None = None, draws: int | None = None, seed: int | None = None
) -> PlanRun:
    """Run a scenario given as TOML text (``None`` keeps the file's own method, draws and seed); cached.

    Raises ``ScenarioFileError`` naming the key when the scenario cannot be run.
    """
    return _run_cached(_ScenarioText.of(text), method, draws, seed)


@functools.lru_cache(maxsize=RUN_CACHE_SIZE)
def _run_cached(scenario: _ScenarioText, method: str | None, draws: int | None, seed: int | None) -> PlanRun:
    # The service reads files and a scenario names its base inventory by a path relative to itself, so the text is
    # written to a private temporary directory; a path chosen by a caller never reaches the server's own files.
    with tempfile.TemporaryDirectory(prefix="zerocity-plan-") as directory:
        path = Path(directory) / SCENARIO_NAME
        path.write_text(scenario.text, encoding="utf-8")
        _bring_activity_file(scenario.text, Path(directory))
        try:
            return run_scenario_file(path, draws=draws, seed=seed, wedge_method=method)
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
