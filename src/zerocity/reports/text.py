"""The inventory as a GPC-style table for people reading a terminal."""

from __future__ import annotations

import io

from rich.console import Console
from rich.table import Table

from zerocity.core.inventory.result import InventoryResult
from zerocity.reports.gpc_rows import gpc_rows


def _t(value: float | None) -> str:
    return "" if value is None else f"{value:,.3f}"


def render_text(result: InventoryResult, *, width: int = 120) -> str:
    summary = result.summary()
    title = f"GPC inventory — {summary['city'] or 'city'} {summary['year']} — GWP {summary['gwp']}"
    table = Table(title=title, show_lines=False, header_style="bold")
    for name, justify in (
        ("Ref", "left"),
        ("Sub-sector", "left"),
        ("Scope", "center"),
        ("t CO2e", "right"),
        ("Key", "left"),
        ("DQ", "center"),
        ("Totals", "left"),
    ):
        table.add_column(name, justify=justify)  # type: ignore[arg-type]
    sector = ""
    for row in gpc_rows(result, include_empty=False):
        if row.sector != sector:
            sector = row.sector
            table.add_row(f"[bold]{sector}[/bold]", "", "", "", "", "", "")
        flags = "".join(
            label for label, on in (("B ", row.basic), ("B+ ", row.basic_plus), ("T", row.territorial)) if on
        )
        table.add_row(row.ref, row.subsector, str(row.scope), _t(row.tco2e), row.notation_key, row.data_quality, flags)
    totals = Table(show_header=False, box=None)
    totals.add_column("", style="bold")
    totals.add_column("", justify="right")
    lines = [
        ("BASIC", summary["basic_tco2e"]),
        ("BASIC+", summary["basic_plus_tco2e"]),
        ("BASIC+ with other scope 3", summary["basic_plus_s3_tco2e"]),
        ("Territorial (all scope 1)", summary["territorial_tco2e"]),
        ("Scope 1 / excl. generation", None),
        ("Scope 2 location-based", summary["scope2_location_based_tco2e"]),
        ("Scope 2 market-based", summary["scope2_market_based_tco2e"]),
        ("Scope 3", summary["by_scope"]["3"]),
        ("I.4.4 grid generation", summary["generation_I44_tco2e"]),
        ("Biogenic CO2 (t, not in totals)", summary["biogenic_co2_t"]),
    ]
    for label, value in lines:
        if label.startswith("Scope 1"):
            text = f"{_t(summary['by_scope']['1'])} / {_t(summary['by_scope']['1_excluding_generation'])}"
            totals.add_row(label, text)
        elif value is not None or "market" not in label:
            totals.add_row(label, _t(value) + (" t" if value is not None else ""))
    buffer = io.StringIO()
    console = Console(file=buffer, width=width, force_terminal=False, color_system=None)
    console.print(table)
    console.print(totals)
    done = summary["completeness"]
    console.print(
        f"BASIC refs: {done['estimated']} estimated, {done['notation_key_only']} with a notation key only, "
        f"{done['missing']} missing. Rows: {summary['rows']}. "
        "B = BASIC, B+ = BASIC+, T = territorial; DQ = data quality (H/M/L)."
    )
    for warning in summary["warnings"]:
        console.print(f"warning: {warning}")
    return buffer.getvalue()
