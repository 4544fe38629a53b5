"""A throwaway PostgreSQL cluster for tests (STACK.md §2, caveat 4).

Debian keeps the server binaries off ``PATH`` in ``/usr/lib/postgresql/<version>/bin``; the highest version wins
(``PG_BINDIR`` overrides, and a ``PATH`` with ``initdb`` on it is the last resort). The cluster lives in a temporary
directory, trusts the ``zerocity`` role, listens on 127.0.0.1 on a free port with its unix socket inside the same
directory, and runs with ``fsync``, ``synchronous_commit`` and ``full_page_writes`` off: it is thrown away, so
durability buys nothing. PostgreSQL refuses to run as root, so as root every server command runs as ``postgres``
through ``runuser`` and the directory is chowned to that user.

``pg_trgm`` needs ``postgresql-contrib``; :meth:`PostgresCluster.has_contrib` tells whether it is installed.

Usage::

    with PostgresCluster() as cluster:
        cluster.create_database("t_1")
        engine = sqlalchemy.create_engine(cluster.url("t_1"))
"""

from __future__ import annotations

import atexit
import contextlib
import os
import pwd
import re
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from types import TracebackType

import psycopg
from psycopg import sql
from tests.support import free_port

DEBIAN_GLOB = "/usr/lib/postgresql/*/bin"
ROLE = "zerocity"
SERVER_USER = "postgres"  # the account that runs the server when the tests run as root
START_ATTEMPTS = 5  # a free port can be taken between probing it and the server binding it


class PostgresUnavailable(RuntimeError):
    """The server binaries are not installed (or, as root, there is no ``postgres`` account)."""


def _version_key(bindir: Path) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", bindir.parent.name)) or (0,)


def find_bindir() -> Path | None:
    """The directory holding ``initdb``, ``pg_ctl`` and ``postgres``, or None when PostgreSQL is not installed."""
    override = os.environ.get("PG_BINDIR")
    if override:
        return Path(override) if (Path(override) / "initdb").is_file() else None
    candidates = [p for p in Path("/").glob(DEBIAN_GLOB.lstrip("/")) if (p / "initdb").is_file()]
    if candidates:
        return max(candidates, key=_version_key)
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


class PostgresCluster:
    """One throwaway cluster: :meth:`start` it, make databases, :meth:`stop` it (which deletes every file)."""

    def __init__(self, bindir: Path | None = None, settings: dict[str, str] | None = None) -> None:
        self.bindir = bindir or find_bindir()
        #: Extra server settings (``-c name=value``), e.g. a benchmark's ``shared_buffers``.
        self.settings = dict(settings or {})
        self.port: int | None = None
        self.directory: Path | None = None
        #: Seconds spent in ``initdb`` and in ``pg_ctl start``, for the curious.
        self.timings: dict[str, float] = {}
        self._admin: psycopg.Connection[tuple[object, ...]] | None = None
        self._as_server_user = os.geteuid() == 0

    # -- lifecycle -------------------------------------------------------------------------------------------------

    @property
    def data_dir(self) -> Path:
        if self.directory is None:
            raise RuntimeError("the cluster is not started")
        return self.directory / "data"

    @property
    def running(self) -> bool:
        return self.port is not None

    def start(self) -> PostgresCluster:
        if self.running:
            return self
        if self.bindir is None:
            raise PostgresUnavailable(
                f"PostgreSQL server binaries not found in {DEBIAN_GLOB} (apt-get install postgresql postgresql-contrib)"
            )
        if self._as_server_user:
            try:
                account = pwd.getpwnam(SERVER_USER)
            except KeyError as exc:
                raise PostgresUnavailable(f"running as root but there is no {SERVER_USER!r} account") from exc
        self.directory = Path(tempfile.mkdtemp(prefix="zerocity-pg-"))
        atexit.register(self.stop)
        try:
            if self._as_server_user:
                os.chown(self.directory, account.pw_uid, account.pw_gid)
            began = time.perf_counter()
            self._run(
                "initdb",
                "-D",
                str(self.data_dir),
                "-U",
                ROLE,
                "--auth=trust",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
                "--no-sync",
                "--no-instructions",
            )
            self.timings["initdb"] = time.perf_counter() - began
            began = time.perf_counter()
            self._start_server()
            self.timings["start"] = time.perf_counter() - began
        except BaseException:
            self.stop()
            raise
        return self

    def _start_server(self) -> None:
        assert self.directory is not None
        log = self.directory / "server.log"
        for attempt in range(1, START_ATTEMPTS + 1):
            port = free_port()
            options = " ".join(
                [
                    "-c listen_addresses=127.0.0.1",
                    f"-p {port}",
                    f"-k {self.directory}",
                    "-c fsync=off",
                    "-c synchronous_commit=off",
                    "-c full_page_writes=off",
                    *(f"-c {name}={value}" for name, value in self.settings.items()),
                ]
            )
            try:
                self._run("pg_ctl", "-D", str(self.data_dir), "-l", str(log), "-w", "-t", "60", "-o", options, "start")
            except subprocess.CalledProcessError:
                text = log.read_text(errors="replace") if log.exists() else ""
                if attempt < START_ATTEMPTS and "could not bind" in text:
                    continue
                raise RuntimeError(f"PostgreSQL did not start; server log:\n{text[-4000:]}") from None
            self.port = port
            return

    def stop(self) -> None:
        """Stop the server at once (``-m immediate``) and delete the cluster. Safe to call more than once."""
        if self._admin is not None:
            try:
                self._admin.close()
            finally:
                self._admin = None
        if self.running and self.directory is not None:
            # A server that is already gone leaves only its directory to remove.
            with contextlib.suppress(subprocess.CalledProcessError):
                self._run("pg_ctl", "-D", str(self.data_dir), "-m", "immediate", "-w", "stop")
        self.port = None
        if self.directory is not None:
            shutil.rmtree(self.directory, ignore_errors=True)
            self.directory = None
        atexit.unregister(self.stop)

    def __enter__(self) -> PostgresCluster:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    def _run(self, program: str, *args: str) -> subprocess.CompletedProcess[str]:
        assert self.bindir is not None and self.directory is not None
        argv = [str(self.bindir / program), *args]
        if self._as_server_user:
            argv = ["runuser", "-u", SERVER_USER, "--", *argv]
        # cwd: the server user may not be allowed into the caller's working directory.
        try:
            return subprocess.run(
                argv, cwd=self.directory, check=True, capture_output=True, text=True, stdin=subprocess.DEVNULL
            )
        except subprocess.CalledProcessError as exc:
            exc.add_note(f"{' '.join(argv)}\n{exc.stdout}{exc.stderr}")
            raise

    # -- databases -------------------------------------------------------------------------------------------------

    def url(self, dbname: str = "postgres") -> str:
        """SQLAlchemy URL (psycopg 3 driver) of a database on this cluster."""
        if self.port is None:
            raise RuntimeError("the cluster is not started")
        return f"postgresql+psycopg://{ROLE}@127.0.0.1:{self.port}/{dbname}"

    def conninfo(self, dbname: str = "postgres") -> str:
        """libpq connection string, for psycopg without SQLAlchemy."""
        if self.port is None:
            raise RuntimeError("the cluster is not started")
        return f"host=127.0.0.1 port={self.port} user={ROLE} dbname={dbname}"

    def _execute(self, query: sql.Composable, params: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
        """Run one statement on the ``postgres`` database over a kept-open autocommit connection."""
        for attempt in (1, 2):
            if self._admin is None or self._admin.closed:
                self._admin = psycopg.connect(self.conninfo("postgres"), autocommit=True)
            try:
                cursor = self._admin.execute(query, params)
                return cursor.fetchall() if cursor.description else []
            except psycopg.OperationalError:
                self._admin.close()  # a broken connection: reconnect once
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def create_database(self, name: str) -> str:
        """Create an empty database (copied from ``template0``) and return its URL."""
        self._execute(sql.SQL("CREATE DATABASE {} TEMPLATE template0").format(sql.Identifier(name)))
        return self.url(name)

    def drop_database(self, name: str) -> None:
        """Drop a database, ending any session still connected to it (``WITH (FORCE)``)."""
        self._execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))

    def has_contrib(self) -> bool:
        """Whether ``postgresql-contrib`` is installed, so ``CREATE EXTENSION pg_trgm`` works."""
        rows = self._execute(sql.SQL("SELECT 1 FROM pg_available_extensions WHERE name = %s"), ("pg_trgm",))
        return bool(rows)
