"""The ``zerocity`` command line: a thin shell over the services (STYLE.md: Datasette's cli.py)."""

from __future__ import annotations

import sys
from collections.abc import Callable
from enum import StrEnum
from importlib import resources
from pathlib import Path
from typing import Annotated, TypeVar

import typer

from zerocity.cli_hub import cases_app
from zerocity.cli_plan import plan_app
from zerocity.cli_platform import register as register_platform_commands
from zerocity.core.errors import InputErrors, ZeroCityError
from zerocity.core.factors import EmissionFactor
from zerocity.core.gwp import DEFAULT_GWP_SET, gwp_set_names
from zerocity.core.inventory.result import InventoryResult
from zerocity.files import write_atomically
from zerocity.services.factors import load_factor_library
from zerocity.services.inventory import compute_inventory_file

app = typer.Typer(help="ZeroCity: GPC city greenhouse-gas inventories.", no_args_is_help=True, add_completion=False)
inventory_app = typer.Typer(help="Compute community inventories (GPC).", no_args_is_help=True)
factors_app = typer.Typer(help="Browse the emission factor library.", no_args_is_help=True)
app.add_typer(inventory_app, name="inventory")
app.add_typer(factors_app, name="factors")
register_platform_commands(app)
app.add_typer(plan_app, name="plan")
app.add_typer(cases_app, name="cases")

EXIT_INPUT_ERROR = 1
EXIT_INTERNAL_ERROR = 70
DEMO_FILE = "demo/kaohsiung_demo.csv"

T = TypeVar("T")


class OutputFormat(StrEnum):
    text = "text"
    json = "json"
    csv = "csv"
    xlsx = "xlsx"


GwpOption = Annotated[
    str, typer.Option("--gwp", help=f"GWP-100 set: {', '.join(gwp_set_names())}.", case_sensitive=False)
]
FormatOption = Annotated[OutputFormat, typer.Option("--format", "-f", help="Output format.")]
OutputOption = Annotated[
    Path | None,
    typer.Option("--output", "-o", help="Write to this file (required for xlsx).", dir_okay=False),
]
YearOption = Annotated[int | None, typer.Option("--year", help="Inventory year, when the file holds several.")]
CityOption = Annotated[str | None, typer.Option("--city", help="City, when the file holds several.")]
FactorsOption = Annotated[
    list[Path] | None,
    typer.Option("--factors", help="Your own factor file (CSV/XLSX); repeat for several.", exists=True, dir_okay=False),
]


def _fail(message: str, code: int = EXIT_INPUT_ERROR) -> typer.Exit:
    typer.echo(message, err=True)
    return typer.Exit(code)


def _guarded(action: Callable[[], T]) -> T:
    """Run an action; input problems become a clear message and exit 1, never a traceback."""
    try:
        return action()
    except InputErrors as exc:
        lines = [f"error: {issue}" for issue in exc.issues]
        raise _fail("\n".join(lines) + f"\n{len(exc.issues)} problem(s); nothing was written.") from None
    except ZeroCityError as exc:
        raise _fail(f"error: {exc.message}") from None


def _write_output(result: InventoryResult, output_format: OutputFormat, output: Path | None) -> None:
    from zerocity.reports.tabular import to_csv, to_json
    from zerocity.reports.text import render_text

    if output_format is OutputFormat.xlsx:
        if output is None:
            raise _fail("error: --format xlsx needs --output FILE.xlsx")
        from zerocity.reports.xlsx import write_inventory_xlsx

        write_atomically(output, lambda tmp: write_inventory_xlsx(result, tmp))
        typer.echo(f"wrote {output}", err=True)
        return
    text = {
        OutputFormat.text: render_text,
        OutputFormat.json: to_json,
        OutputFormat.csv: to_csv,
    }[output_format](result)
    if output is None:
        typer.echo(text, nl=not text.endswith("\n"))
        return
    encoding = "utf-8-sig" if output_format is OutputFormat.csv else "utf-8"
    write_atomically(output, lambda tmp: Path(tmp).write_text(text, encoding=encoding, newline=""))
    typer.echo(f"wrote {output}", err=True)


@inventory_app.command("compute")
def inventory_compute(
    file: Annotated[Path, typer.Argument(help="Activity data, CSV or XLSX (README: input format).", dir_okay=False)],
    gwp: GwpOption = DEFAULT_GWP_SET,
    output_format: FormatOption = OutputFormat.text,
    output: OutputOption = None,
    year: YearOption = None,
    city: CityOption = None,
    factors: FactorsOption = None,
) -> None:
    """Compute a GPC inventory from an activity file."""
    result = _guarded(lambda: compute_inventory_file(file, gwp=gwp, year=year, city=city, factor_files=factors or []))
    _write_output(result, output_format, output)


@app.command("demo")
def demo(
    gwp: GwpOption = DEFAULT_GWP_SET,
    output_format: FormatOption = OutputFormat.text,
    output: OutputOption = None,
    year: YearOption = 2020,
) -> None:
    """Compute and print the bundled demo city's inventory (a Kaohsiung-like, partly illustrative city)."""
    demo_file = resources.files("zerocity.data").joinpath(DEMO_FILE)
    with resources.as_file(demo_file) as path:
        result = _guarded(lambda: compute_inventory_file(path, gwp=gwp, year=year))
    if output_format is OutputFormat.text and output is None:
        typer.echo(
            "ZeroCity demo: a Kaohsiung-like city. Electricity is Taipower's published sales for Kaohsiung; "
            "other figures are ILLUSTRATIVE (see the source column of the demo file).\n"
        )
    _write_output(result, output_format, output)


def _factor_line(factor: EmissionFactor) -> str:
    gases = ", ".join(f"{gas} {value:g}" for gas, value in factor.gases.items())
    return f"{factor.factor_id:<58} {gases} {factor.unit_text}  [{factor.status}]"


@factors_app.command("list")
def factors_list(
    category: Annotated[str, typer.Option(help="e.g. residential, road, grid")] = "",
    status: Annotated[str, typer.Option(help="published, secondary, target, ...")] = "",
    factors: FactorsOption = None,
) -> None:
    """List factors, optionally by category or status."""
    library = _guarded(lambda: load_factor_library(factors or []))
    found = library.search("", status=status, category=category)
    for factor in found:
        typer.echo(_factor_line(factor))
    typer.echo(f"{len(found)} factor(s)", err=True)


@factors_app.command("search")
def factors_search(
    words: Annotated[list[str], typer.Argument(help="Words to find in id, fuel (EN/中文), category or source.")],
    factors: FactorsOption = None,
) -> None:
    """Find factors by words, e.g. 'diesel road' or '天然氣 residential'."""
    library = _guarded(lambda: load_factor_library(factors or []))
    found = library.search(" ".join(words))
    for factor in found:
        typer.echo(_factor_line(factor))
    if not found:
        raise _fail("no factor matches")


@factors_app.command("show")
def factors_show(
    factor_id: Annotated[str, typer.Argument(help="e.g. ipcc2006/road/gas_diesel_oil or tw-grid:2023")],
    factors: FactorsOption = None,
) -> None:
    """Show one factor with its source, year, status and per-gas values."""
    library = _guarded(lambda: load_factor_library(factors or []))
    factor = _guarded(lambda: library.get(factor_id))
    fields = {
        "id": factor.factor_id,
        "description": factor.description,
        "category": factor.category,
        "fuel": factor.fuel,
        "values": ", ".join(f"{g} = {v:g} {factor.unit_text}" for g, v in factor.gases.items()),
        "net calorific value": f"{factor.ncv:g} {factor.ncv_unit}" if factor.ncv is not None else "",
        "density": f"{factor.density:g} {factor.density_unit}" if factor.density is not None else "",
        "heating value basis": factor.basis,
        "year": str(factor.year or ""),
        "valid for inventory year": str(factor.valid_year or ""),
        "status": factor.status,
        "source": factor.source,
        "GWP basis (CO2e factors)": factor.gwp_basis,
        "notes": factor.notes,
        "origin": factor.origin,
    }
    for label, value in fields.items():
        if value:
            typer.echo(f"{label:>26}: {value}")


def main() -> None:
    """Entry point: users never see a stack trace; unexpected failures say where to report them."""
    try:
        app()
    except SystemExit:
        raise
    except KeyboardInterrupt:
        sys.exit(130)
    except InputErrors as exc:
        for issue in exc.issues:
            typer.echo(f"error: {issue}", err=True)
        typer.echo(f"{len(exc.issues)} problem(s); nothing was saved.", err=True)
        sys.exit(EXIT_INPUT_ERROR)
    except ZeroCityError as exc:
        typer.echo(f"error: {exc.message}", err=True)
        sys.exit(EXIT_INPUT_ERROR)
    except Exception as exc:  # the last line of defence; details go to stderr for the bug report
        typer.echo(f"internal error: {type(exc).__name__}: {exc}\nPlease report this to the ZeroCity team.", err=True)
        sys.exit(EXIT_INTERNAL_ERROR)
