"""``zerocity cases``: the knowledge hub's case library from the command line: export the published cases (JSON with
their images, or CSV) and import a JSON export (all cases or none). An export with images can outgrow the web
upload limit (``ZEROCITY_MAX_UPLOAD_BYTES``), so the import is here too."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from zerocity.files import write_atomically

cases_app = typer.Typer(help="The best-practice case library.", no_args_is_help=True)


class ExportFormat(StrEnum):
    json = "json"
    csv = "csv"


@cases_app.command("export")
def export_cases(
    output: Annotated[Path, typer.Option("--output", "-o", help="The file to write.", dir_okay=False)],
    export_format: Annotated[
        ExportFormat, typer.Option("--format", "-f", help="json (importable, with images) or csv.")
    ] = ExportFormat.json,
    data_dir: Annotated[
        Path | None, typer.Option("--data-dir", help="Where the SQLite database lives (default: var/).")
    ] = None,
    base_url: Annotated[str, typer.Option("--base-url", help="The site's address, for links.")] = (
        "http://127.0.0.1:8000"
    ),
) -> None:
    """Write every published case (published language versions only) as JSON with its images (base64, see
    docs/case-export.md) or as CSV (UTF-8 with BOM; images only counted)."""
    from zerocity.cli_platform import open_database
    from zerocity.services.knowledge import exchange

    _, db = open_database(data_dir)
    try:
        with db.read() as session:
            if export_format is ExportFormat.json:
                data = exchange.export_json(session, base_url)
            else:
                data = exchange.export_csv(session, base_url)
    finally:
        db.dispose()
    write_atomically(output, lambda path: Path(path).write_bytes(data))
    typer.echo(f"wrote {output}")


@cases_app.command("import")
def import_cases(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True, help="A JSON case export.")],
    data_dir: Annotated[
        Path | None, typer.Option("--data-dir", help="Where the SQLite database lives (default: var/).")
    ] = None,
) -> None:
    """Import a JSON case export as the centre: every case (with its images) lands, or none does; every problem is
    listed. A case whose slug already exists is a problem: an import never overwrites."""
    from zerocity.cli_platform import open_database
    from zerocity.services.actor import Actor
    from zerocity.services.knowledge import exchange

    _, db = open_database(data_dir)
    try:
        with db.write() as session:
            report = exchange.import_json(session, Actor.system(), file.read_bytes())
    finally:
        db.dispose()
    typer.echo(f"imported {len(report.created)} cases")
