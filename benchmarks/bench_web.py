"""Web benchmark: the demo server under 50 concurrent clients, real pages against a trivial endpoint.

Usage::

    .venv/bin/python benchmarks/bench_web.py [--seconds 10] [--warmup 3] [--concurrency 50] [--workers 2]
        [--tool auto|wrk|python]

Starts ``python -m zerocity serve --demo`` on a free loopback port with a temporary data directory, waits for
``GET /health`` to answer 200, then, for each target, warms up, times one client sending requests one after
another (``--one-client`` seconds: the service time with no queue) and drives ``--concurrency`` keep-alive
clients for ``--seconds``:

- ``/ping``: no database, no template; the ceiling of this app on this machine,
- ``/cities/kaohsiung``: the city dashboard page (public, published years),
- ``/api/cities/kaohsiung/inventories/2019/results``: the results API of a published inventory.

Per target it prints requests/s, p50/p95/p99 latency in ms, errors (non-2xx responses and failed requests), the
server's CPU time per request and the ratio to the ``/ping`` ceiling, beside the targets (dashboard p95 < 100 ms,
results API p95 < 50 ms, no errors).

Load generator: Debian's ``wrk`` when it is on PATH (no Lua script, ``--latency``), else Python asyncio with
``httpx.AsyncClient``. wrk's latency table has p50, p75, p90 and p99 but no p95: with wrk, p95 is interpolated
linearly between p90 and p99 and marked ``~``; the verdict then uses p90 and p99 as bounds. wrk counts only
status >= 400 as errors, so each target is also probed once before the run and a 3xx status is reported.
The load generator runs on the same cores as the server, and both share them.

A benchmark, not a test: nothing is asserted on time. The last line is always
``ping_rps=… dashboard_rps=… dashboard_p95_ms=… results_rps=… results_p95_ms=… errors=…``.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import math
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

CONCURRENCY = 50
HEALTH_TIMEOUT_S = 180.0


@dataclass(frozen=True)
class Target:
    key: str  # name in the last line
    path: str
    p95_target_ms: float | None  # None: the ceiling, no latency target


TARGETS = (
    Target("ping", "/ping", None),
    Target("dashboard", "/cities/kaohsiung", 100.0),
    Target("results", "/api/cities/kaohsiung/inventories/2019/results", 50.0),
)


@dataclass(frozen=True)
class Measurement:
    requests: int
    seconds: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    failed_status: int  # responses outside 2xx (wrk: status >= 400)
    failed_requests: int  # connection errors, timeouts, exceptions
    p90_ms: float | None = None  # wrk only: the lower bound of an interpolated p95
    p95_interpolated: bool = False

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds > 0 else 0.0

    @property
    def errors(self) -> int:
        return self.failed_status + self.failed_requests


# -- the server under test -----------------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    base_url: str
    log_path: Path

    @property
    def pid(self) -> int:
        return self.process.pid

    def log_tail(self, chars: int = 3000) -> str:
        try:
            return self.log_path.read_text(encoding="utf-8", errors="replace")[-chars:]
        except OSError:
            return ""


def _wait_healthy(server: Server, timeout_s: float) -> float:
    start = time.perf_counter()
    while time.perf_counter() - start < timeout_s:
        if server.process.poll() is not None:
            raise RuntimeError(f"server exited with {server.process.returncode}:\n{server.log_tail()}")
        try:
            if httpx.get(server.base_url + "/health", timeout=2.0).status_code == 200:
                return time.perf_counter() - start
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"GET /health did not answer 200 within {timeout_s:.0f} s:\n{server.log_tail()}")


@contextmanager
def demo_server(data_dir: Path, *, workers: int = 1, port: int = 0) -> Iterator[Server]:
    """``python -m zerocity serve --demo`` on loopback; stopped (SIGINT, then SIGKILL) when the block ends."""
    port = port or free_port()
    log_path = data_dir / "server.log"
    command = [sys.executable, "-m", "zerocity", "serve", "--demo", "--host", "127.0.0.1", "--port", str(port)]
    command += ["--data-dir", str(data_dir / "data"), "--workers", str(workers)]
    with log_path.open("wb") as log:
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
    server = Server(process, f"http://127.0.0.1:{port}", log_path)
    try:
        started_s = _wait_healthy(server, HEALTH_TIMEOUT_S)
        print(f"server pid {server.pid} on {server.base_url}: /health 200 after {started_s:.1f} s (migrate + demo)")
        yield server
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _descendants(pid: int) -> list[int]:
    """``pid`` and every process below it (uvicorn's workers when ``--workers`` > 1), from /proc."""
    parents: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        parents.setdefault(parent, []).append(int(entry))
    found, queue = [], [pid]
    while queue:
        current = queue.pop()
        found.append(current)
        queue.extend(parents.get(current, []))
    return found


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of ``pid`` and its live descendants."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for member in _descendants(pid):
        try:
            fields = Path(f"/proc/{member}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / ticks  # utime, stime (fields 14 and 15 of stat)
    return total


def status_mb(pid: int, field: str) -> float:
    """A memory line of /proc/<pid>/status (``VmHWM`` peak RSS, ``VmRSS``) in MB; NaN when unreadable."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    return math.nan


# -- load generators -----------------------------------------------------------------------------------------
_WRK_UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}


def _wrk_ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)([a-z]+)", text.strip()).groups()  # type: ignore[union-attr]
    return float(number) * _WRK_UNITS_MS[unit]


def parse_wrk(output: str) -> Measurement:
    """Figures from the text of ``wrk --latency`` (wrk 4): requests, duration, percentiles, errors."""
    percentiles = {int(p): _wrk_ms(v) for p, v in re.findall(r"^\s+(50|75|90|99)%\s+(\S+)\s*$", output, re.M)}
    done = re.search(r"(\d+) requests in ([\d.]+)(us|ms|s|m),", output)
    if done is None or len(percentiles) < 4:
        raise ValueError(f"unexpected wrk output:\n{output}")
    seconds = _wrk_ms(done.group(2) + done.group(3)) / 1000.0
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    sockets = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    p90, p99 = percentiles[90], percentiles[99]
    return Measurement(
        requests=int(done.group(1)),
        seconds=seconds,
        p50_ms=percentiles[50],
        p95_ms=p90 + (p99 - p90) * (95 - 90) / (99 - 90),
        p99_ms=p99,
        failed_status=int(non_2xx.group(1)) if non_2xx else 0,
        failed_requests=sum(int(n) for n in sockets.groups()) if sockets else 0,
        p90_ms=p90,
        p95_interpolated=True,
    )


def run_wrk(url: str, seconds: float, concurrency: int) -> Measurement:
    threads = max(1, min(os.cpu_count() or 1, concurrency))
    command = ["wrk", f"-t{threads}", f"-c{concurrency}", f"-d{max(1, round(seconds))}s", "--timeout", "30s"]
    done = subprocess.run([*command, "--latency", url], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"wrk failed (exit {done.returncode}): {done.stderr.strip()}")
    return parse_wrk(done.stdout)


def percentile(sorted_values: list[float], fraction: float) -> float:
    """Nearest-rank percentile of an ascending list (NaN when empty)."""
    if not sorted_values:
        return math.nan
    rank = max(1, math.ceil(fraction * len(sorted_values)))
    return sorted_values[rank - 1]


async def _python_load(url: str, seconds: float, concurrency: int) -> Measurement:
    latencies_ms: list[float] = []
    failed_status = failed_requests = 0
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(limits=limits, timeout=30.0) as client:
        start = time.perf_counter()
        deadline = start + seconds

        async def one_client() -> None:
            nonlocal failed_status, failed_requests
            while time.perf_counter() < deadline:
                sent = time.perf_counter()
                try:
                    response = await client.get(url)  # reads the whole body
                except httpx.HTTPError:
                    failed_requests += 1
                    continue
                latencies_ms.append((time.perf_counter() - sent) * 1000.0)
                if not 200 <= response.status_code < 300:
                    failed_status += 1

        await asyncio.gather(*(one_client() for _ in range(concurrency)))
        elapsed = time.perf_counter() - start
    latencies_ms.sort()
    return Measurement(
        requests=len(latencies_ms),
        seconds=elapsed,
        p50_ms=percentile(latencies_ms, 0.50),
        p95_ms=percentile(latencies_ms, 0.95),
        p99_ms=percentile(latencies_ms, 0.99),
        failed_status=failed_status,
        failed_requests=failed_requests,
    )


def run_python(url: str, seconds: float, concurrency: int) -> Measurement:
    return asyncio.run(_python_load(url, seconds, concurrency))


def one_client_latency(url: str, seconds: float) -> tuple[int, float, float]:
    """Requests, p50 and p95 in ms of one client sending one request after another: the time to serve a
    request with no queue in front of it, to tell service time from waiting under load."""
    latencies_ms: list[float] = []
    with httpx.Client(timeout=30.0) as client:
        deadline = time.perf_counter() + seconds
        while time.perf_counter() < deadline:
            sent = time.perf_counter()
            client.get(url)
            latencies_ms.append((time.perf_counter() - sent) * 1000.0)
    latencies_ms.sort()
    return len(latencies_ms), percentile(latencies_ms, 0.50), percentile(latencies_ms, 0.95)


def load(tool: str, url: str, seconds: float, concurrency: int) -> Measurement:
    if tool == "wrk":
        return run_wrk(url, seconds, concurrency)
    return run_python(url, seconds, concurrency)


def uvicorn_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("uvicorn")
    except PackageNotFoundError:
        return "?"


# -- report --------------------------------------------------------------------------------------------------
def p95_text(m: Measurement) -> str:
    return f"~{m.p95_ms:.1f}" if m.p95_interpolated else f"{m.p95_ms:.1f}"


def verdict(target: Target, m: Measurement) -> str:
    """PASS/FAIL against the target; with an interpolated p95, p90 and p99 bound the answer."""
    parts = []
    if target.p95_target_ms is not None:
        limit = target.p95_target_ms
        if not m.p95_interpolated:
            parts.append(f"p95 < {limit:.0f} ms {'PASS' if m.p95_ms < limit else 'FAIL'}")
        elif m.p99_ms < limit:
            parts.append(f"p95 < {limit:.0f} ms PASS (p99 is below)")
        elif m.p90_ms is not None and m.p90_ms >= limit:
            parts.append(f"p95 < {limit:.0f} ms FAIL (p90 is above)")
        else:
            guess = "PASS" if m.p95_ms < limit else "FAIL"
            parts.append(f"p95 < {limit:.0f} ms {guess}? (p90 {m.p90_ms:.1f} < target <= p99; interpolated)")
    parts.append(f"no errors {'PASS' if m.errors == 0 else 'FAIL'}")
    return "; ".join(parts)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=10.0, help="measured seconds per target")
    parser.add_argument("--warmup", type=float, default=3.0, help="unmeasured seconds per target before it")
    parser.add_argument("--concurrency", type=int, default=CONCURRENCY, help="concurrent keep-alive clients")
    parser.add_argument(
        "--one-client", type=float, default=2.0, help="seconds of one client's serial requests per target (0: none)"
    )
    parser.add_argument("--workers", type=int, default=2, help="passed to zerocity serve --workers (2: one per core)")
    parser.add_argument("--tool", choices=("auto", "wrk", "python"), default="auto", help="load generator")
    args = parser.parse_args(argv)

    tool = args.tool
    if tool == "auto":
        tool = "wrk" if shutil.which("wrk") else "python"
    elif tool == "wrk" and not shutil.which("wrk"):
        parser.error("wrk is not on PATH (apt-get install wrk), use --tool python")
    if tool == "wrk":
        first_line = subprocess.run(["wrk", "-v"], capture_output=True, text=True, check=False).stdout.splitlines()
        generator = first_line[0].split(" [")[0] if first_line else "wrk"
    else:
        generator = f"python asyncio + httpx {httpx.__version__}"

    print(
        f"ZeroCity web benchmark: {args.concurrency} concurrent clients, {args.seconds:g} s per target after "
        f"{args.warmup:g} s warm-up, server workers {args.workers}"
    )
    print(
        f"python {sys.version.split()[0]}, {os.cpu_count()} CPU core(s) shared by the server and the load "
        f"generator ({generator}); load average {os.getloadavg()[0]:.2f} before the run"
    )

    # uvicorn's "auto" picks these when they import; the server runs with this interpreter and environment.
    loop = "uvloop" if importlib.util.find_spec("uvloop") else "asyncio"
    http = "httptools" if importlib.util.find_spec("httptools") else "h11"
    print(f"server: uvicorn {uvicorn_version()} with {loop} and {http}")

    results: dict[str, Measurement] = {}
    with (
        tempfile.TemporaryDirectory(prefix="zerocity-bench-web-") as tmp,
        demo_server(Path(tmp), workers=args.workers) as server,
    ):
        for target in TARGETS:
            url = server.base_url + target.path
            probe = httpx.get(url, timeout=30.0)
            note = "" if probe.status_code == 200 else f"  (status {probe.status_code}: not built yet?)"
            print(f"  {target.path}: probe {probe.status_code}, {len(probe.content):,} bytes{note}")
            if args.warmup > 0:
                load(tool, url, args.warmup, args.concurrency)
            if args.one_client > 0:
                count, p50, p95 = one_client_latency(url, args.one_client)
                print(f"    one client, no queue: {count:,} requests, p50 {p50:.1f} ms, p95 {p95:.1f} ms")
            cpu_before = cpu_seconds(server.pid)
            measured = load(tool, url, args.seconds, args.concurrency)
            cpu_ms = (cpu_seconds(server.pid) - cpu_before) * 1000.0 / max(1, measured.requests)
            results[target.key] = measured
            print(f"    {measured.requests:,} requests in {measured.seconds:.1f} s, server CPU {cpu_ms:.2f} ms/request")
        rss_mb = max(status_mb(pid, "VmHWM") for pid in _descendants(server.pid))  # a worker when --workers > 1

    ceiling = results["ping"].rps
    print()
    header = f"{'target':<50} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'errors':>7} {'vs /ping':>9}"
    print(header)
    print("-" * len(header))
    for target in TARGETS:
        m = results[target.key]
        ratio = m.rps / ceiling if ceiling else math.nan
        print(
            f"{target.path:<50} {m.rps:>8,.0f} {m.p50_ms:>8.1f} {p95_text(m):>8} {m.p99_ms:>8.1f} "
            f"{m.errors:>7,} {ratio:>8.0%}"
        )
    print()
    for target in TARGETS:
        print(f"  {target.path}: {verdict(target, results[target.key])}")
    if tool == "wrk":
        print("  (~: wrk reports p50/p75/p90/p99; p95 is interpolated between p90 and p99)")
    print(f"  server peak RSS (largest VmHWM among its processes): {rss_mb:,.0f} MB")

    errors = sum(m.errors for m in results.values())
    print(
        f"ping_rps={results['ping'].rps:.0f} dashboard_rps={results['dashboard'].rps:.0f} "
        f"dashboard_p95_ms={results['dashboard'].p95_ms:.1f} results_rps={results['results'].rps:.0f} "
        f"results_p95_ms={results['results'].p95_ms:.1f} errors={errors}"
    )


if __name__ == "__main__":
    main()
