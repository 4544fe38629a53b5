"""Import benchmark: a 100,000-row activity CSV through the web import path, beside the pure engine.

Usage::

    .venv/bin/python benchmarks/bench_import_web.py [--rows 100000] [--path auto|web|services]

Builds ``--rows`` activity rows in the accounting-core format by repeating the 45 rows of 2020 in the demo file
(``src/zerocity/data/demo/kaohsiung_demo.csv``). Every copy gets its own ``description`` ("… [copy 17]"), so
no two rows are identical. All rows are for Kaohsiung, 2020. Then it measures, in this order:

(a) the baseline: the command line's path ``zerocity.services.inventory.compute_inventory_file`` (read,
    validate, compile, compute; no database) on the same file, in a child process,
(b) the web path (``--path web``; the default when the API answers): ``zerocity serve --demo`` in a child
    process, sign-in as editor@kaohsiung.demo by ``POST /login``, then
    ``POST /api/cities/kaohsiung/inventories/2020/imports`` with the file and ``commit=false`` (the preview),
    ``POST /api/imports/{batch_id}/commit`` (the commit), and once more the file with ``commit=true`` (preview
    and commit in one request, replacing the 100,000 records just stored). Peak RSS is the server process's
    ``VmHWM`` from /proc,
(c) or the services in process (``--path services``, or when the import API is missing):
    ``preview_import`` then ``commit_import`` on a migrated SQLite database with the demo loaded, each in its
    own transaction as the web does, in a child process whose ``VmHWM`` is reported.

Seconds are wall-clock from the client's side (upload, parsing, validation, computation, database writes,
response); beside them, the CPU seconds the server (or the child) spent, which other work on a shared machine
inflates far less. The target is preview + commit under 20 s for 100,000 rows.

A benchmark, not a test: nothing is asserted on time. The last line is always
``path=… rows=… preview_s=… commit_s=… rows_per_s=… peak_rss_mb=… engine_s=… cpu_s=… engine_cpu_s=…``
(``cpu_s``: the server's, or the child's, CPU seconds for preview + commit).
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import subprocess
import sys
import tempfile
import time
from importlib import resources
from pathlib import Path
from typing import Any

import httpx

from zerocity.services.demo import DEMO_PASSWORD
from zerocity.settings import Settings

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_web import cpu_seconds, demo_server, status_mb  # a sibling script, not a package

CITY = "kaohsiung"
YEAR = 2020
EDITOR = "editor@kaohsiung.demo"
TARGET_S = 20.0
IMPORTS = f"/api/cities/{CITY}/inventories/{YEAR}/imports"


# -- the file ------------------------------------------------------------------------------------------------
def activity_csv(rows: int) -> bytes:
    """``rows`` activity rows for Kaohsiung 2020: the demo file's 2020 rows over and over, each copy distinct."""
    text = resources.files("zerocity.data").joinpath("demo/kaohsiung_demo.csv").read_text(encoding="utf-8")
    reader = csv.DictReader(io.StringIO(text))
    template = [row for row in reader if row["year"] == str(YEAR)]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(reader.fieldnames or []), lineterminator="\n")
    writer.writeheader()
    for i in range(rows):
        row = dict(template[i % len(template)])
        label = row["description"] or row["gpc_ref"]
        row["description"] = f"{label} [copy {i // len(template) + 1}]"
        writer.writerow(row)
    return out.getvalue().encode("utf-8")


# -- children: each measures itself and prints one JSON line -------------------------------------------------
def child_engine(path: Path) -> dict[str, Any]:
    from zerocity.services.factors import load_factor_library
    from zerocity.services.inventory import compute_inventory_file

    load_factor_library([])  # the bundled library, outside the timing (the CLI loads it once too)
    start, cpu_start = time.perf_counter(), time.process_time()
    result = compute_inventory_file(path)
    seconds, cpu_s = time.perf_counter() - start, time.process_time() - cpu_start
    return {
        "seconds": seconds,
        "cpu_s": cpu_s,
        "basic_tco2e": result.total("basic"),
        "vmhwm_mb": status_mb(os.getpid(), "VmHWM"),
    }


def child_services(path: Path, data_dir: Path) -> dict[str, Any]:
    from sqlalchemy import select

    from zerocity.services import imports
    from zerocity.services.actor import Actor
    from zerocity.services.demo import load_demo
    from zerocity.store.db import Database
    from zerocity.store.migrate import upgrade
    from zerocity.store.models import Membership, User

    settings = Settings(data_dir=data_dir)
    url = settings.resolved_database_url()
    upgrade(url)
    db = Database(url)
    load_demo(db)
    with db.read() as session:
        user = session.scalars(select(User).where(User.email == EDITOR)).one()
        # The editor's roles, read here rather than through accounts.actor_for: this path times imports only.
        roles = session.execute(select(Membership.city_id, Membership.role).where(Membership.user_id == user.id))
        actor = Actor(user_id=user.id, email=user.email, roles=dict(roles.tuples().all()))
    data = path.read_bytes()
    before_mb = status_mb(os.getpid(), "VmHWM")
    start, cpu_start = time.perf_counter(), time.process_time()
    with db.write() as session:
        preview = imports.preview_import(
            session, actor, CITY, YEAR, path.name, data, max_bytes=settings.max_upload_bytes
        )
        batch_id, ok, issues = preview.batch.id, preview.ok, [str(i) for i in preview.issues[:5]]
        basic_tco2e = (preview.batch.preview or {}).get("basic_tco2e")
    preview_s, preview_cpu_s = time.perf_counter() - start, time.process_time() - cpu_start
    if not ok:
        return {"error": f"preview rejected the file: {issues}"}
    start, cpu_start = time.perf_counter(), time.process_time()
    with db.write() as session:
        batch = imports.commit_import(session, actor, batch_id)
        rows = batch.rows
    commit_s, commit_cpu_s = time.perf_counter() - start, time.process_time() - cpu_start
    db.dispose()
    return {
        "preview_s": preview_s,
        "commit_s": commit_s,
        "preview_cpu_s": preview_cpu_s,
        "commit_cpu_s": commit_cpu_s,
        "rows": rows,
        "basic_tco2e": basic_tco2e,
        "vmhwm_before_mb": before_mb,
        "vmhwm_mb": status_mb(os.getpid(), "VmHWM"),
    }


def run_child(*args: str) -> dict[str, Any]:
    done = subprocess.run([sys.executable, __file__, "--child", *args], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"child {args[0]} failed (exit {done.returncode}): {done.stderr.strip()[-3000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


# -- the web path --------------------------------------------------------------------------------------------
def signed_in_client(base_url: str) -> httpx.Client:
    """A client holding the editor's ``zc_session`` cookie; ``Origin`` passes the CSRF check on every POST."""
    client = httpx.Client(base_url=base_url, headers={"Origin": base_url}, timeout=600.0)
    answer = client.post("/login", data={"email": EDITOR, "password": DEMO_PASSWORD, "next": "/"})
    if answer.status_code not in (302, 303) or "zc_session" not in client.cookies:
        raise RuntimeError(f"sign-in failed: {answer.status_code} {answer.text[:300]}")
    return client


def timed_post(client: httpx.Client, server_pid: int, url: str, **kwargs: Any) -> tuple[httpx.Response, float, float]:
    """The response, the wall-clock seconds and the server's CPU seconds of one request."""
    start, cpu_start = time.perf_counter(), cpu_seconds(server_pid)
    response = client.post(url, **kwargs)
    return response, time.perf_counter() - start, cpu_seconds(server_pid) - cpu_start


def import_api_present(base_url: str) -> bool:
    try:
        paths = httpx.get(base_url + "/api/openapi.json", timeout=60.0).json().get("paths", {})
    except (httpx.HTTPError, ValueError):
        return False
    return "/api/cities/{slug}/inventories/{year}/imports" in paths and "/api/imports/{batch_id}/commit" in paths


def web_import(client: httpx.Client, server_pid: int, filename: str, data: bytes) -> dict[str, Any]:
    upload = {"file": (filename, data, "text/csv")}
    preview, preview_s, preview_cpu_s = timed_post(client, server_pid, IMPORTS, files=upload, data={"commit": "false"})
    if preview.status_code != 201 or not preview.json().get("ok"):
        return {"error": f"preview: {preview.status_code} {preview.text[:1000]}"}
    batch_id = preview.json()["batch_id"]
    commit, commit_s, commit_cpu_s = timed_post(client, server_pid, f"/api/imports/{batch_id}/commit")
    if commit.status_code != 200 or commit.json().get("status") != "committed":
        return {"error": f"commit: {commit.status_code} {commit.text[:1000]}"}
    once, once_s, _ = timed_post(client, server_pid, IMPORTS, files=upload, data={"commit": "true"})
    if once.status_code != 201 or once.json().get("status") != "committed":
        return {"error": f"commit=true: {once.status_code} {once.text[:1000]}"}
    return {
        "preview_s": preview_s,
        "commit_s": commit_s,
        "preview_cpu_s": preview_cpu_s,
        "commit_cpu_s": commit_cpu_s,
        "once_s": once_s,
        "rows": commit.json()["rows"],
        "basic_tco2e": (preview.json().get("figures") or {}).get("basic_tco2e"),
    }


# -- main ----------------------------------------------------------------------------------------------------
def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000, help="activity rows in the file")
    parser.add_argument("--path", choices=("auto", "web", "services"), default="auto", help="import path to time")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        kind, *rest = args.child
        result = child_engine(Path(rest[0])) if kind == "engine" else child_services(Path(rest[0]), Path(rest[1]))
        print(json.dumps(result))
        return

    print(f"ZeroCity import benchmark: {args.rows:,} rows for {CITY} {YEAR}, import path: {args.path}")
    print(
        f"python {sys.version.split()[0]}, {os.cpu_count()} CPU core(s), "
        f"load average {os.getloadavg()[0]:.2f} before the run"
    )
    limit = Settings().max_upload_bytes
    with tempfile.TemporaryDirectory(prefix="zerocity-bench-import-") as tmp:
        path = Path(tmp) / f"{CITY}_{YEAR}_{args.rows}.csv"
        start = time.perf_counter()
        data = activity_csv(args.rows)
        path.write_bytes(data)
        print(
            f"wrote {len(data) / 1e6:.1f} MB CSV in {time.perf_counter() - start:.2f} s "
            f"(upload limit {limit / 1e6:.0f} MB{'; OVER THE LIMIT' if len(data) > limit else ''})"
        )

        engine = run_child("engine", str(path))
        engine_s = engine["seconds"]
        print(
            f"(a) baseline compute_inventory_file (CLI path, no database): {engine_s:.2f} s = "
            f"{args.rows / engine_s:,.0f} rows/s, CPU {engine['cpu_s']:.2f} s, peak RSS {engine['vmhwm_mb']:,.0f} MB; "
            f"BASIC {engine['basic_tco2e']:,.0f} t CO2e"
        )

        measured: dict[str, Any]
        path_used = args.path
        if path_used in ("auto", "web"):
            with demo_server(Path(tmp)) as server:
                present = import_api_present(server.base_url)
                if present:
                    path_used = "web"
                    startup_mb = status_mb(server.pid, "VmHWM")
                    client = signed_in_client(server.base_url)
                    try:
                        measured = web_import(client, server.pid, path.name, data)
                    finally:
                        client.close()
                    measured["vmhwm_before_mb"] = startup_mb
                    measured["vmhwm_mb"] = status_mb(server.pid, "VmHWM")
                elif path_used == "web":
                    raise SystemExit("the import API is not there (no /api/.../imports in /api/openapi.json)")
                else:
                    print("    the import API is not there yet: timing the services in process instead")
                    path_used = "services"
        if path_used == "services":
            measured = run_child("services", str(path), str(Path(tmp) / "services-data"))
        if "error" in measured:
            raise SystemExit(f"import failed: {measured['error']}")

        preview_s, commit_s = measured["preview_s"], measured["commit_s"]
        total_s = preview_s + commit_s
        rows_per_s = args.rows / total_s
        where = "web (HTTP, zerocity serve)" if path_used == "web" else "services in process (no HTTP)"
        print(f"(b) import through {where}: {measured['rows']:,} rows stored")
        upload = "upload, " if path_used == "web" else ""
        cpu_owner = "server" if path_used == "web" else "child"
        print(
            f"    preview ({upload}validate, compute, keep the batch): {preview_s:.2f} s "
            f"({cpu_owner} CPU {measured['preview_cpu_s']:.2f} s)"
        )
        print(
            f"    commit (recompute, replace the records, store results): {commit_s:.2f} s "
            f"({cpu_owner} CPU {measured['commit_cpu_s']:.2f} s)"
        )
        print(
            f"    preview + commit: {total_s:.2f} s = {rows_per_s:,.0f} rows/s; "
            f"{total_s / engine_s:.1f}x the engine baseline; target < {TARGET_S:.0f} s: "
            f"{'PASS' if total_s < TARGET_S else 'FAIL'}"
        )
        if "once_s" in measured:
            print(
                f"    commit=true in one request (replacing the {measured['rows']:,} records): "
                f"{measured['once_s']:.2f} s"
            )
        owner = "server process" if path_used == "web" else "child process"
        print(
            f"    peak RSS of the {owner} (VmHWM): {measured['vmhwm_mb']:,.0f} MB "
            f"({measured['vmhwm_before_mb']:,.0f} MB before the import)"
        )
        if measured.get("basic_tco2e") is not None:
            difference = abs(measured["basic_tco2e"] - engine["basic_tco2e"]) / abs(engine["basic_tco2e"])
            print(f"    preview BASIC vs baseline BASIC: relative difference {difference:.1e}")

    print(
        f"path={path_used} rows={measured['rows']} preview_s={preview_s:.2f} commit_s={commit_s:.2f} "
        f"rows_per_s={rows_per_s:.0f} peak_rss_mb={measured['vmhwm_mb']:.0f} engine_s={engine_s:.2f} "
        f"cpu_s={measured['preview_cpu_s'] + measured['commit_cpu_s']:.2f} engine_cpu_s={engine['cpu_s']:.2f}"
    )


if __name__ == "__main__":
    main()
