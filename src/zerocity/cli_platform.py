"""Commands of the platform (server, database, accounts, stored inventories), registered on the main CLI."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from zerocity.settings import Settings

if TYPE_CHECKING:
    from zerocity.store.db import Database

db_app = typer.Typer(help="Database schema (Alembic migrations).", no_args_is_help=True)
users_app = typer.Typer(help="Accounts.", no_args_is_help=True)
store_app = typer.Typer(help="Inventories stored in the database.", no_args_is_help=True)

DataDir = Annotated[Path | None, typer.Option("--data-dir", help="Where the SQLite database lives (default: var/).")]


def _settings(data_dir: Path | None) -> Settings:
    settings = Settings()
    if data_dir is not None:
        settings = settings.model_copy(update={"data_dir": data_dir})
    return settings


def open_database(data_dir: Path | None) -> tuple[Settings, Database]:
    """The settings and the database of a command (``--data-dir`` or ``ZEROCITY_DATABASE_URL``), migrated first."""
    from zerocity.store.db import Database

    settings = _settings(data_dir)
    _prepare(settings, demo=False)
    return settings, Database(settings.resolved_database_url())


def _prepare(settings: Settings, demo: bool) -> None:
    from zerocity.services.demo import load_demo
    from zerocity.store.db import Database
    from zerocity.store.migrate import upgrade

    url = settings.resolved_database_url()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    upgrade(url)
    if demo:
        db = Database(url)
        try:
            if load_demo(db):
                typer.echo("demo data loaded")
        finally:
            db.dispose()


def serve(
    demo: Annotated[bool, typer.Option("--demo", help="Load the demo cities, accounts and inventories first.")] = False,
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    data_dir: DataDir = None,
    workers: Annotated[int, typer.Option(help="Worker processes (PostgreSQL deployments).")] = 1,
) -> None:
    """Migrate the database, optionally load the demo, and serve the web app and the REST API."""
    import uvicorn

    from zerocity.services.demo import ACCOUNTS, DEMO_PASSWORD

    settings = _settings(data_dir)
    _prepare(settings, demo)
    os.environ["ZEROCITY_DATA_DIR"] = str(settings.data_dir)
    if demo:
        typer.echo("Demo accounts (password for all: " + DEMO_PASSWORD + "):")
        for account in ACCOUNTS:
            where = f" — {account.city}" if account.city else ""
            typer.echo(f"  {account.email:<24} {account.role}{where}")
    _warm_up_charts()
    typer.echo(f"ZeroCity on http://{host}:{port}/  (Ctrl+C to stop)")
    uvicorn.run(
        "zerocity.web.asgi:app",
        host=host,
        port=port,
        workers=workers,
        log_level="warning",
        access_log=False,
        proxy_headers=False,
    )


def _warm_up_charts() -> None:
    """The chart renderer takes about half a second to start; pay it before the first visitor does."""
    import vl_convert

    vl_convert.vegalite_to_svg({"mark": "point", "data": {"values": [{"x": 1}]}, "encoding": {}})


@db_app.command("upgrade")
def db_upgrade(data_dir: DataDir = None) -> None:
    """Apply every migration (safe to run again)."""
    _prepare(_settings(data_dir), demo=False)
    typer.echo("database is up to date")


@users_app.command("create")
def users_create(
    email: str,
    name: Annotated[str, typer.Option(help="Display name.")] = "",
    admin: Annotated[bool, typer.Option("--admin", help="Centre administrator.")] = False,
    data_dir: DataDir = None,
) -> None:
    """Create an account; the password is asked for (never on the command line)."""
    from zerocity.services import accounts
    from zerocity.services.actor import Actor

    password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    _, db = open_database(data_dir)
    with db.write() as session:
        user = accounts.create_user(
            session, Actor.system(), email=email, display_name=name or email, password=password, is_admin=admin
        )
        typer.echo(f"created user {user.id} {user.email}")


@users_app.command("grant")
def users_grant(
    email: str,
    city: str,
    role: Annotated[str, typer.Argument(help="editor or viewer")],
    data_dir: DataDir = None,
) -> None:
    """Give an account a role in one city (an editor changes only that city's data)."""
    from sqlalchemy import select

    from zerocity.services import accounts, cities
    from zerocity.services.actor import Actor
    from zerocity.services.errors import NotFound
    from zerocity.store.models import User

    _, db = open_database(data_dir)
    with db.write() as session:
        user_id = session.scalar(select(User.id).where(User.email == accounts.normalise_email(email)))
        if user_id is None:
            raise NotFound(f"no account {email}")
        target = cities.get_city(session, city)
        accounts.grant_role(session, Actor.system(), user_id=user_id, city_id=target.id, role=role)
    typer.echo(f"{email} is now {role} of {city}")


@store_app.command("import")
def store_import(
    city: str,
    year: int,
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True)],
    mode: Annotated[str, typer.Option(help="replace or append.")] = "replace",
    create: Annotated[bool, typer.Option("--create", help="Create the inventory if it does not exist.")] = False,
    data_dir: DataDir = None,
) -> None:
    """Import an activity file into a stored inventory: all rows land, or none (every error is listed)."""
    from zerocity.services import imports, inventories
    from zerocity.services.actor import Actor
    from zerocity.services.errors import NotFound

    settings, db = open_database(data_dir)
    system = Actor.system()
    with db.write() as session:
        try:
            inventories.get_inventory(session, system, city, year)
        except NotFound:
            if not create:
                raise
            inventories.create_inventory(session, system, city, inventories.InventoryFields(year=year))
        batch = imports.import_file(
            session, system, city, year, file.name, file.read_bytes(), mode=mode, max_bytes=settings.max_upload_bytes
        )
        typer.echo(f"imported {batch.rows} rows into {city} {year} (import {batch.id})")


factor_set_app = typer.Typer(help="A city's own emission factor sets.", no_args_is_help=True)
store_app.add_typer(factor_set_app, name="factor-set")


def _refused(exc: Exception) -> typer.Exit:
    """Every problem on stderr, exit 1: nothing was saved (the transaction was rolled back)."""
    from zerocity.core.errors import InputErrors, ZeroCityError

    if isinstance(exc, InputErrors):
        for issue in exc.issues:
            typer.echo(f"error: {issue}", err=True)
        typer.echo(f"{len(exc.issues)} problem(s); nothing was saved.", err=True)
    elif isinstance(exc, ZeroCityError):
        typer.echo(f"error: {exc.message}", err=True)
    return typer.Exit(1)


@factor_set_app.command("upload")
def factor_set_upload(
    city: str,
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True)],
    name: Annotated[str, typer.Option(help="A name the city recognises, e.g. 'Taipower 2023'.")],
    description: Annotated[str, typer.Option(help="Where the factors come from.")] = "",
    data_dir: DataDir = None,
) -> None:
    """Check a factor file (CSV/XLSX) row by row and store it as a set of the city; any problem stores nothing."""
    from zerocity.core.errors import ZeroCityError
    from zerocity.services import factor_sets
    from zerocity.services.actor import Actor

    settings, db = open_database(data_dir)
    try:
        fields = factor_sets.FactorSetFields(name=name, description=description)
        with db.write() as session:
            found = factor_sets.upload_factor_set(session, Actor.system(), city, file.name, file.read_bytes(), fields,
                                                  max_bytes=settings.max_upload_bytes)  # fmt: skip
            typer.echo(f"saved factor set {found.id} '{found.name}' with {found.factor_count} factors for {city}")
    except ZeroCityError as exc:
        raise _refused(exc) from None


@factor_set_app.command("list")
def factor_set_list(city: str, data_dir: DataDir = None) -> None:
    """The city's factor sets: id, name, file, number of factors and the inventories using each."""
    from zerocity.core.errors import ZeroCityError
    from zerocity.services import factor_sets
    from zerocity.services.actor import Actor

    _, db = open_database(data_dir)
    try:
        with db.read() as session:
            _, found = factor_sets.list_factor_sets(session, Actor.system(), city)
            for item, uses in found:
                years = ", ".join(str(use.year) for use in uses) or "-"
                typer.echo(f"{item.id}\t{item.name}\t{item.filename}\t{item.factor_count} factors\tused by: {years}")
    except ZeroCityError as exc:
        raise _refused(exc) from None


@factor_set_app.command("use")
def factor_set_use(
    inventory_id: int,
    set_id: Annotated[str, typer.Argument(help="The set's id, or 'none' for the bundled library only.")],
    reason: Annotated[str, typer.Option(help="Kept in the audit log.")] = "",
    data_dir: DataDir = None,
) -> None:
    """Make a draft inventory compute with a factor set of its city; it is recomputed at once."""
    from zerocity.core.errors import ZeroCityError
    from zerocity.services import factor_sets
    from zerocity.services.actor import Actor

    chosen = None if set_id.strip().lower() == "none" else int(set_id) if set_id.strip().isdigit() else -1
    if chosen == -1:
        typer.echo("error: SET_ID is a factor set's id or 'none'", err=True)
        raise typer.Exit(1)
    _, db = open_database(data_dir)
    try:
        with db.write() as session:
            inventory = factor_sets.choose_factor_set_by_id(session, Actor.system(), inventory_id, chosen,
                                                            reason=reason)  # fmt: skip
            total = (inventory.summary or {}).get("basic_tco2e")
            typer.echo(f"inventory {inventory_id} now uses factor set {set_id}; BASIC total {total} t CO2e")
    except ZeroCityError as exc:
        raise _refused(exc) from None


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)
    app.add_typer(db_app, name="db")
    app.add_typer(users_app, name="users")
    app.add_typer(store_app, name="store")
