"""``zerocity plan``: run a mitigation scenario file and write its pathway, wedges and targets."""

from __future__ import annotations

import json
from collections.abc import Mapping
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from zerocity.core.errors import InputErrors, ZeroCityError
from zerocity.core.planning.templates import CO_BENEFITS
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
    lines += _co_benefit_lines(data) + _pv_lines(data) + _one_point_five_lines(data) + _sensitivity_lines(data)
    return "\n".join(lines) + "\n"


def _co_benefit_lines(data: dict[str, Any]) -> list[str]:
    lines = ["", "Actions (template, stage) and co-benefits:"]
    for action in data.get("actions", []):
        benefits = ", ".join(f"{b['benefit'].replace('_', ' ')} {b['level']}" for b in action["co_benefits"]) or "—"
        lines.append(f"  {action['id']} ({action['template'] or 'no template'}, {action['stage']}): {benefits}")
    return lines


def _pv_lines(data: dict[str, Any]) -> list[str]:
    years: list[int] = data["years"]
    lines = []
    for action_id, pv in data.get("pv", {}).items():
        last = len(years) - 1
        lines += [
            "",
            f"Rooftop PV {action_id} ({pv['accounting'].replace('_', ' ')}), {years[last]}: generation "
            f"{pv['generation_kwh'][last] / 1e6:,.1f} GWh, national pathway's PV in the city "
            f"{pv['national_pathway_kwh'][last] / 1e6:,.1f} GWh, counted {pv['counted_kwh'][last] / 1e6:,.1f} GWh "
            f"→ {pv['city_wedge_tco2e'][last] / 1e3:,.1f} kt before the loading order",
        ]
    return lines


def _one_point_five_lines(data: dict[str, Any]) -> list[str]:
    assessment = data.get("one_point_five")
    if not assessment:
        return []
    basis = "CO2 = CO2e × {:.2f}".format(assessment["co2_share"])
    if assessment["co2_basis"] == "co2e_stands_in":
        basis = "the plan's CO2e stands in for CO2"
    lines = ["", f"1.5 °C reference tests (reference points, not obligations; {basis}):"]
    for test in assessment["tests"]:
        if not test["available"]:
            lines.append(f"  {test['id']}: not applied: {test['reason']}")
            continue
        lines.append(
            f"  {test['id']}: {test['achieved_reduction']:.1%} below {test['base_year']} by {test['target_year']}"
            f" (needed {test['required_reduction']:.0%}) → {'met' if test['met'] else 'NOT met'}  [{test['source']}]"
        )
    budget = assessment["budget"]
    head = (
        f"  Carbon budget {budget['parameter_id']} ({budget['global_budget_tco2'] / 1e9:,.0f} GtCO2 from "
        f"{budget['from_year']}, {budget['source']}), {budget['rule'].replace('_', ' ')}"
    )
    if "city_budget_tco2" in budget:
        head += f": city share {_mt(budget['city_budget_tco2'])} Mt"
    lines.append(head)
    if not budget["available"]:
        lines.append(f"    not assessed: {budget['reason']}")
        return lines
    lines.append(
        f"    cumulative {budget['start_year']}–{budget['end_year']}: {_mt(budget['cumulative_tco2'])} Mt "
        f"= {budget['share_of_budget']:.0%} of it → {'within' if budget['met'] else 'EXCEEDED'}"
    )
    if budget["constant_annual_cut"] is not None:
        lines.append(
            f"    staying within it needs a constant cut of {budget['constant_annual_cut']:.1%} a year from "
            f"{budget['start_year']} (or a straight line to zero by {budget['linear_zero_year']:.0f})"
        )
    elif budget["cut_note"]:
        lines.append(f"    {budget['cut_note']}")
    if budget["p_exceeded"] is not None:
        lines.append(f"    P(budget exceeded) = {budget['p_exceeded']:.0%}")
    return lines


def _sensitivity_lines(data: dict[str, Any]) -> list[str]:
    sensitivity = data.get("sensitivity")
    if not sensitivity:
        return []
    if not sensitivity["available"]:
        return ["", f"Sobol sensitivity: not computed: {sensitivity['reason']}"]
    lines = [
        "",
        f"Sobol sensitivity of the plan's emissions in {sensitivity['year']} ({sensitivity['model_runs']:,} runs, "
        f"seed {sensitivity['seed']}); the uncertainty is driven most by {sensitivity['top_driver']}:",
    ]
    for index in sensitivity["indices"]:
        lines.append(f"  {index['input']}: total {index['total']:.2f}, first-order {index['first_order']:.2f}")
    return lines


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
        _actions_sheet(workbook, data)
        _one_point_five_sheet(workbook, data)
        _sensitivity_sheet(workbook, data)
    finally:
        workbook.close()


def _actions_sheet(workbook: Any, data: dict[str, Any]) -> None:
    """One row per action: template, stage, pools and one column per co-benefit (its level)."""
    sheet = workbook.add_worksheet("actions")
    sheet.write_row(0, 0, ["action", "template", "stage", "pools", *CO_BENEFITS])
    for row, action in enumerate(data.get("actions", []), start=1):
        levels = {b["benefit"]: b["level"] for b in action["co_benefits"]}
        sheet.write_row(
            row,
            0,
            [action["id"], action["template"], action["stage"], ", ".join(action["pools"]),
             *(levels.get(name, "") for name in CO_BENEFITS)],
        )  # fmt: skip


def _one_point_five_sheet(workbook: Any, data: dict[str, Any]) -> None:
    assessment = data.get("one_point_five")
    if not assessment:
        return
    sheet = workbook.add_worksheet("one_point_five")
    columns = ["id", "available", "base_year", "target_year", "base_tco2", "required_reduction", "target_tco2",
               "projected_tco2", "achieved_reduction", "met", "reason", "source"]  # fmt: skip
    sheet.write_row(0, 0, columns)
    for row, test in enumerate(assessment["tests"], start=1):
        sheet.write_row(row, 0, [_cell(test.get(c)) for c in columns])
    row = len(assessment["tests"]) + 2
    sheet.write(row, 0, "carbon budget")
    for offset, (key, value) in enumerate(assessment["budget"].items(), start=1):
        sheet.write_row(row + offset, 0, [key, _cell(value)])
    note = "reference points with high uncertainty, not negotiated obligations; "
    note += "CO2e stands in for CO2" if assessment["co2_basis"] == "co2e_stands_in" else "CO2 share stated"
    sheet.write(row + len(assessment["budget"]) + 2, 0, note)


def _sensitivity_sheet(workbook: Any, data: dict[str, Any]) -> None:
    sensitivity = data.get("sensitivity")
    if not sensitivity:
        return
    sheet = workbook.add_worksheet("sensitivity")
    if not sensitivity["available"]:
        sheet.write(0, 0, f"not computed: {sensitivity['reason']}")
        return
    columns = ("input", "first_order", "first_order_conf", "total", "total_conf")
    sheet.write_row(0, 0, list(columns))
    for row, index in enumerate(sensitivity["indices"], start=1):
        sheet.write_row(row, 0, [index[c] for c in columns])
    sheet.write(
        len(sensitivity["indices"]) + 2,
        0,
        f"Sobol indices of the plan's emissions in {sensitivity['year']}; {sensitivity['model_runs']} runs, "
        f"seed {sensitivity['seed']}",
    )


def _cell(value: Any) -> Any:
    """A JSON value as a spreadsheet cell: None blank, booleans and numbers as they are."""
    return "" if value is None else value
