"""The test fixtures themselves: fresh databases, the PostgreSQL cluster, the browser and the server helper."""

from __future__ import annotations

import sys
import textwrap
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import psycopg
import pytest
import sqlalchemy as sa
from tests.support.pg import PostgresCluster
from tests.support.server import ServerStartError, running_server, zerocity_command

if TYPE_CHECKING:
    from playwright.sync_api import Page


def _tables(url: str) -> list[str]:
    engine = sa.create_engine(url)
    try:
        return sorted(sa.inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_a_fresh_database_is_empty(db_url: str) -> None:
    assert _tables(db_url) == []


def test_two_databases_are_independent(db_url: str, make_db_url: Callable[[str], str]) -> None:
    other_url = make_db_url(sa.make_url(db_url).get_backend_name())
    assert other_url != db_url

    engine = sa.create_engine(db_url)
    try:
        with engine.begin() as conn:
            conn.execute(sa.text("CREATE TABLE city (name TEXT)"))
            conn.execute(sa.text("INSERT INTO city VALUES ('高雄')"))
    finally:
        engine.dispose()

    assert _tables(db_url) == ["city"]
    assert _tables(other_url) == []


def test_the_sqlite_database_lives_in_the_tests_tmp_path(make_db_url: Callable[[str], str], tmp_path: Path) -> None:
    assert make_db_url("sqlite") == f"sqlite:///{tmp_path / 'zerocity.sqlite3'}"


@pytest.mark.pg
def test_pg_trgm_can_be_created_on_the_cluster(pg_cluster: PostgresCluster, make_db_url: Callable[[str], str]) -> None:
    assert pg_cluster.has_contrib()
    engine = sa.create_engine(make_db_url("postgresql"))
    try:
        with engine.begin() as conn:
            conn.execute(sa.text("CREATE EXTENSION pg_trgm"))
            similarity = conn.execute(sa.text("SELECT similarity('排放係數', '排放係數表')")).scalar_one()
    finally:
        engine.dispose()
    assert 0 < similarity < 1


@pytest.mark.pg
def test_a_database_still_in_use_is_dropped(pg_cluster: PostgresCluster) -> None:
    url = pg_cluster.create_database("t_in_use")
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
            pg_cluster.drop_database("t_in_use")  # while this connection is open
    except sa.exc.OperationalError:
        pass  # the forced drop ended our session: closing it may notice
    finally:
        engine.dispose()
    with psycopg.connect(pg_cluster.conninfo("postgres")) as admin:
        assert admin.execute("SELECT 1 FROM pg_database WHERE datname = 't_in_use'").fetchall() == []


@pytest.mark.e2e
def test_the_browser_reads_chinese_and_takes_a_screenshot(page: Page, tmp_path: Path) -> None:
    page.goto("data:text/html;charset=utf-8,<p>公車</p>")
    assert page.locator("p").inner_text() == "公車"
    assert page.evaluate("navigator.language") == "zh-TW"

    shot = tmp_path / "bus.png"
    page.screenshot(path=str(shot))
    assert shot.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    assert shot.stat().st_size > 1000


@pytest.mark.e2e
def test_the_phone_page_is_phone_sized(phone_page: Page) -> None:
    phone_page.goto("data:text/html;charset=utf-8,<meta name=viewport content='width=device-width'><p>淨零</p>")
    assert phone_page.evaluate("[innerWidth, innerHeight]") == [390, 844]


# -- running_server, against a stand-in for ``zerocity serve`` -----------------------------------------------------

STAND_IN = textwrap.dedent(
    """
    import http.server, sys

    class Health(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            body = f"{self.path} {sys.argv[2]}".encode()
            self.send_response(200 if self.path == "/health" else 404)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    http.server.HTTPServer(("127.0.0.1", int(sys.argv[1])), Health).serve_forever()
    """
)


def _stand_in(script: Path) -> Callable[[int, Path, bool], list[str]]:
    script.write_text(STAND_IN)
    return lambda port, data_dir, demo: [sys.executable, str(script), str(port), str(data_dir)]


def test_running_server_waits_for_health_and_stops_the_server(tmp_path: Path) -> None:
    command = _stand_in(tmp_path / "stand_in.py")
    with running_server(tmp_path / "data", command=command) as base_url:
        assert base_url.startswith("http://127.0.0.1:")
        with urllib.request.urlopen(base_url + "/health", timeout=5) as response:
            assert response.read().decode() == f"/health {tmp_path / 'data'}"
    with pytest.raises(OSError):
        urllib.request.urlopen(base_url + "/health", timeout=5)


def test_running_server_reports_the_stderr_of_a_server_that_dies(tmp_path: Path) -> None:
    def crashing(port: int, data_dir: Path, demo: bool) -> list[str]:
        return [sys.executable, "-c", "import sys; sys.exit('no such command: serve')"]

    with pytest.raises(ServerStartError, match="no such command: serve"), running_server(tmp_path, command=crashing):
        pytest.fail("the server should not have started")


def test_running_server_gives_up_on_a_server_that_never_gets_healthy(tmp_path: Path) -> None:
    def silent(port: int, data_dir: Path, demo: bool) -> list[str]:
        return [sys.executable, "-c", "import sys, time; print('booting', file=sys.stderr); time.sleep(60)"]

    with (
        pytest.raises(ServerStartError, match=r"(?s)within 1 s.*booting"),
        running_server(tmp_path, command=silent, timeout=1),
    ):
        pytest.fail("the server should not have started")


def test_the_zerocity_command_line(tmp_path: Path) -> None:
    assert zerocity_command(8123, tmp_path, True) == [
        sys.executable,
        *("-m", "zerocity", "serve", "--demo", "--host", "127.0.0.1", "--port", "8123", "--data-dir", str(tmp_path)),
    ]
    assert "--demo" not in zerocity_command(8123, tmp_path, False)
