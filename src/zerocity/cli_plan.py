"""``zerocity plan``: run a mitigation scenario file and write its pathway, wedges and targets."""

from __future__ import annotations

import json
from collections.abc import Mapping
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from zerocity.core.errors import InputErrors, ZeroCityError
from zerocity.files import write_atomically

plan_app = typer.Typer(help="Mitigation scenarios: BAU, actions, wedges, targets.", no_args_is_help=True)

EXIT_INPUT_ERROR = 1


class PlanFormat(StrEnum):
    text = "text"
    json = "json"
    xlsx = "xlsx"


@plan_app.command("run")
def plan_run(
    scenario_file: Annotated[Path, typer.Argument(help="Scenario file (TOML, see docs/scenario-file.md).")],
    output_format: Annotated[PlanFormat, typer.Option("--format", "-f", help="Output format.")] = PlanFormat.text,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to this file (required for xlsx).", dir_okay=False)
    ] = None,
    draws: Annotated[int | None, typer.Option("--draws", help="Monte Carlo draws (overrides the file).")] = None,
    seed: Annotated[int | None, typer.Option("--seed", help="Monte Carlo seed (overrides the file).")] = None,
    data_dir: Annotated[
        Path | None,
        typer.Option("--data-dir", help="Database for `[base_inventory] stored = CITY` (default: var/)."),
    ] = None,
) -> None:
    """Run SCENARIO_FILE; bad input prints the file and key, exits 1 and writes nothing."""
    from zerocity.services.actor import Actor
    from zerocity.services.planning import result_to_dict, run_scenario_file, stored_inventory_reader
    from zerocity.settings import Settings
    from zerocity.store.db import Database

    if output_format is PlanFormat.xlsx and output is None:
        raise _fail("error: --format xlsx needs --output FILE.xlsx")
    try:
        settings = Settings() if data_dir is None else Settings(data_dir=data_dir)

        def stored(city: str, year: int) -> Mapping[str, float]:
            # Opened only when the file asks for a stored inventory; the operator on this machine reads the
            # local store as the system, as every platform command does.
            return stored_inventory_reader(Database(settings.resolved_database_url()), Actor.system())(city, year)

        run = run_scenario_file(scenario_file, draws=draws, seed=seed, stored_inventory=stored)
    except InputErrors as exc:
        raise _fail("\n".join(f"error: {issue}" for issue in exc.issues) + "\nnothing was written.") from None
    except ZeroCityError as exc:
        raise _fail(f"error: {exc.message}\nnothing was written.") from None
    data = result_to_dict(run)
    if output_format is PlanFormat.xlsx:
        assert output is not None
        write_atomically(output, lambda tmp: write_plan_xlsx(data, tmp))
        typer.echo(f"wrote {output}", err=True)
        return
    text = json.dumps(data, ensure_ascii=False, indent=2) + "\n" if output_format is PlanFormat.json else render(data)
    if output is None:
        typer.echo(text, nl=False)
        return
    write_atomically(output, lambda tmp: Path(tmp).write_text(text, encoding="utf-8"))
    typer.echo(f"wrote {output}", err=True)


def _fail(message: str) -> typer.Exit:
    typer.echo(message, err=True)
    return typer.Exit(EXIT_INPUT_ERROR)


def _mt(value: float) -> str:
    return f"{value / 1e6:,.3f}"


def render(data: dict[str, Any]) -> str:
    """A readable table: pathway in Mt CO2e every fifth year and the last, wedges, targets."""
    years: list[int] = data["years"]
    shown = [i for i, y in enumerate(years) if i == 0 or y % 5 == 0 or i == len(years) - 1]
    wedges: dict[str, list[float]] = data["wedges"]
    name_width = max([len("frozen BAU"), *(len(n) + 2 for n in wedges)])
    order = " → ".join(data["loading_order"]) or "—"
    lines = [
        f"Scenario: {data['scenario']}  (base inventory: {data['base_inventory']})",
        f"Wedges by {data['wedge_method'].replace('_', ' ')}; loading order: {order}",
        "",
        "Mt CO2e".ljust(name_width) + "".join(f"{years[i]:>10}" for i in shown),
    ]

    def row(label: str, values: list[float]) -> str:
        return label.ljust(name_width) + "".join(f"{_mt(values[i]):>10}" for i in shown)

    lines.append(row("frozen BAU", data["bau_tco2e"]))
    lines.append(row("adjusted BAU", data["bau_adjusted_tco2e"]))
    lines.append(row("plan", data["plan_tco2e"]))
    lines.append("wedges (frozen BAU − plan):")
    for name, values in wedges.items():
        suffix = " (external)" if name in data["external_wedges"] else ""
        lines.append(row(f"  {name}", values) + suffix)
    lines += ["", "Targets:"]
    for target in data["targets"]:
        p = "" if target["p_met"] is None else f", P(met) {target['p_met']:.0%}"
        achieved = "" if target["percent_achieved"] is None else f", {target['percent_achieved']:.1f} % achieved"
        lines.append(
            f"  {target['label']}: target {_mt(target['target_tco2e'])} Mt, plan {_mt(target['projected_tco2e'])} Mt"
            f" → {'met' if target['met'] else 'NOT met'}{achieved}{p}"
        )
    if data["p_target_met"] is not None:
        lines.append(f"P(all targets met) = {data['p_target_met']:.1%}  ({data['draws']} draws, seed {data['seed']})")
    else:
        lines.append("No Monte Carlo run (draws = 0).")
    if "macc" in data:
        lines += [
            "",
            f"MACC {data['macc']['year']} (discount rate {data['discount_rate']:.1%}, {data['discount_rate_id']}):",
        ]
        for bar in data["macc"]["bars"]:
            width = (bar["x1_tco2e"] - bar["x0_tco2e"]) / 1e3
            lines.append(f"  {bar['action']}: {bar['mac_per_tco2e']:,.0f} per tCO2e × {width:,.1f} kt")
    return "\n".join(lines) + "\n"


def write_plan_xlsx(data: dict[str, Any], path: str) -> None:
    """A small workbook: pathway, wedges and targets sheets (t CO2e, unrounded)."""
    import xlsxwriter  # type: ignore[import-untyped]

    workbook = xlsxwriter.Workbook(path)
    try:
        pathway = workbook.add_worksheet("pathway")
        pathway.write_row(0, 0, ["year", "bau_frozen_tco2e", "bau_adjusted_tco2e", "plan_tco2e"])
        for i, year in enumerate(data["years"], start=1):
            pathway.write_row(
                i, 0, [year, data["bau_tco2e"][i - 1], data["bau_adjusted_tco2e"][i - 1], data["plan_tco2e"][i - 1]]
            )
        wedges = workbook.add_worksheet("wedges")
        names = list(data["wedges"])
        wedges.write_row(0, 0, ["year", *names])
        for i, year in enumerate(data["years"], start=1):
            wedges.write_row(i, 0, [year, *(data["wedges"][n][i - 1] for n in names)])
        wedges.write(len(data["years"]) + 2, 0, f"wedge method: {data['wedge_method']}")
        sheet = workbook.add_worksheet("targets")
        columns = ["label", "type", "year", "target_tco2e", "projected_tco2e", "met", "percent_achieved", "p_met"]
        sheet.write_row(0, 0, columns)
        for i, target in enumerate(data["targets"], start=1):
            sheet.write_row(i, 0, ["" if target[c] is None else target[c] for c in columns])
        sheet.write(len(data["targets"]) + 2, 0, f"draws: {data['draws']}, seed: {data['seed']}")
    finally:
        workbook.close()
