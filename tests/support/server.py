"""Run ``python -m zerocity serve`` in a subprocess for end-to-end tests.

::

    with running_server(tmp_path / "data") as base_url:
        page.goto(base_url + "/")

The server gets a free port on 127.0.0.1; the context manager waits until ``GET /health`` answers 200, yields the base
URL (``http://127.0.0.1:<port>``), and on exit sends SIGTERM, then SIGKILL after 10 s. If the server exits or never
becomes healthy, :class:`ServerStartError` carries the end of its stderr.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path

from tests.support import free_port

STARTUP_TIMEOUT = 60.0
STOP_TIMEOUT = 10.0
POLL_INTERVAL = 0.1
STDERR_TAIL = 8000  # characters of stderr quoted in a startup failure

#: Given the port (and the data directory and the demo flag), the argv that starts a server listening on it.
Command = Callable[[int, Path, bool], Sequence[str]]


class ServerStartError(RuntimeError):
    """The server exited or did not answer ``/health`` with 200 in time."""


def zerocity_command(port: int, data_dir: Path, demo: bool) -> list[str]:
    """``python -m zerocity serve [--demo] --host 127.0.0.1 --port PORT --data-dir DIR`` with this interpreter."""
    argv = [sys.executable, "-m", "zerocity", "serve"]
    if demo:
        argv.append("--demo")
    return [*argv, "--host", "127.0.0.1", "--port", str(port), "--data-dir", str(data_dir)]


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return int(response.status) == 200
    except (urllib.error.URLError, http.client.HTTPException, OSError):
        return False  # HTTPError (non-2xx) is a URLError: not ready yet


def _stop(process: subprocess.Popen[bytes], timeout: float = STOP_TIMEOUT) -> None:
    """SIGTERM the server's process group (uvicorn workers included), then SIGKILL it if it lingers."""
    if process.poll() is not None:
        return
    for sig, wait in ((signal.SIGTERM, timeout), (signal.SIGKILL, timeout)):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, sig)
        try:
            process.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue


@contextlib.contextmanager
def running_server(
    data_dir: Path | str,
    *,
    demo: bool = True,
    env: Mapping[str, str] | None = None,
    command: Command | None = None,
    timeout: float = STARTUP_TIMEOUT,
) -> Iterator[str]:
    """Start a server on a free port, wait for ``/health``, yield its base URL, and stop it afterwards.

    ``env`` is added to (and overrides) the current environment. ``command`` replaces the argv builder
    (:func:`zerocity_command`), e.g. with a stand-in server in tests of this helper.
    """
    data_dir = Path(data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    port = free_port()
    argv = list((command or zerocity_command)(port, data_dir, demo))
    base_url = f"http://127.0.0.1:{port}"
    child_env = {**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})}

    # Files, not pipes: a chatty server must never block on a full pipe nobody reads.
    with tempfile.TemporaryFile() as stdout, tempfile.TemporaryFile() as stderr:

        def stderr_tail() -> str:
            stderr.flush()
            stderr.seek(0)
            text = stderr.read().decode("utf-8", errors="replace")
            return text[-STDERR_TAIL:] or "(empty)"

        process = subprocess.Popen(
            argv, stdin=subprocess.DEVNULL, stdout=stdout, stderr=stderr, env=child_env, start_new_session=True
        )
        try:
            deadline = time.monotonic() + timeout
            while not _healthy(base_url + "/health"):
                code = process.poll()
                if code is not None:
                    raise ServerStartError(
                        f"server exited with code {code} before answering {base_url}/health\n"
                        f"command: {' '.join(argv)}\nstderr:\n{stderr_tail()}"
                    )
                if time.monotonic() > deadline:
                    _stop(process)
                    raise ServerStartError(
                        f"server did not answer {base_url}/health with 200 within {timeout:g} s\n"
                        f"command: {' '.join(argv)}\nstderr:\n{stderr_tail()}"
                    )
                time.sleep(POLL_INTERVAL)
            yield base_url
        finally:
            _stop(process)
