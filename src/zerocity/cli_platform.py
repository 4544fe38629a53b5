"""Commands of the platform (server, database, accounts, stored inventories), registered on the main CLI."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from zerocity.settings import Settings

db_app = typer.Typer(help="Database schema (Alembic migrations).", no_args_is_help=True)
users_app = typer.Typer(help="Accounts.", no_args_is_help=True)
store_app = typer.Typer(help="Inventories stored in the database.", no_args_is_help=True)

DataDir = Annotated[Path | None, typer.Option("--data-dir", help="Where the SQLite database lives (default: var/).")]


def _settings(data_dir: Path | None) -> Settings:
    settings = Settings()
    if data_dir is not None:
        settings = settings.model_copy(update={"data_dir": data_dir})
    return settings


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
    from zerocity.store.db import Database

    password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    settings = _settings(data_dir)
    _prepare(settings, demo=False)
    db = Database(settings.resolved_database_url())
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
    from zerocity.store.db import Database
    from zerocity.store.models import User

    settings = _settings(data_dir)
    _prepare(settings, demo=False)
    db = Database(settings.resolved_database_url())
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
    from zerocity.store.db import Database

    settings = _settings(data_dir)
    _prepare(settings, demo=False)
    db = Database(settings.resolved_database_url())
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


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)
    app.add_typer(db_app, name="db")
    app.add_typer(users_app, name="users")
    app.add_typer(store_app, name="store")
