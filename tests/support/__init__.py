"""Test support: a throwaway PostgreSQL cluster, Debian's chromium driven by Playwright, a running server.

Import these as ``tests.support.<module>`` (pytest's ``importlib`` import mode makes ``tests`` a namespace package).
The fixtures are re-exported by ``tests/conftest.py``, so any test can use them without an import.
"""

from __future__ import annotations

import os
import socket
from typing import NoReturn

import pytest


def running_in_ci() -> bool:
    """True when the ``CI`` environment variable is set to something other than empty, 0, false or no."""
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def unavailable(message: str) -> NoReturn:
    """Skip the test for a missing system dependency locally; fail it in CI, where skipping would hide the gap."""
    if running_in_ci():
        pytest.fail(f"{message} (CI is set: install the system packages with scripts/bootstrap as root)", pytrace=False)
    pytest.skip(message)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago (the caller must cope with losing a race for it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])
