"""``zerocity cases``: the knowledge hub's case library from the command line (export of published cases)."""

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
    export_format: Annotated[ExportFormat, typer.Option("--format", "-f", help="json (importable) or csv.")] = (
        ExportFormat.json
    ),
    data_dir: Annotated[
        Path | None, typer.Option("--data-dir", help="Where the SQLite database lives (default: var/).")
    ] = None,
    base_url: Annotated[str, typer.Option("--base-url", help="The site's address, for links.")] = (
        "http://127.0.0.1:8000"
    ),
) -> None:
    """Write every published case (published language versions only) as JSON or CSV (UTF-8 with BOM)."""
    from zerocity.services.knowledge import exchange
    from zerocity.settings import Settings
    from zerocity.store.db import Database
    from zerocity.store.migrate import upgrade

    settings = Settings()
    if data_dir is not None:
        settings = settings.model_copy(update={"data_dir": data_dir})
    url = settings.resolved_database_url()
    upgrade(url)
    db = Database(url)
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
