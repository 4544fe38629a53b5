"""The core stays pure (STYLE.md principle 1): every module under ``zerocity.core`` is parsed with ``ast`` and
may import only the standard library, numerical libraries, pydantic and ``zerocity.core`` itself."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import zerocity.core

CORE_DIR = Path(zerocity.core.__file__).parent
CORE_MODULES = sorted(CORE_DIR.rglob("*.py"))

FORBIDDEN_TOP_LEVEL = frozenset(
    {
        "sqlalchemy",
        "alembic",
        "fastapi",
        "starlette",
        "jinja2",
        "babel",
        "gettext",
        "pandas",
        "openpyxl",
        "xlsxwriter",
        "typer",
        "rich",
        "click",
        "uvicorn",
        "psycopg",
        "argon2",
        "limits",
        "httpx",
        "vl_convert",
        "markupsafe",
    }
)
FORBIDDEN_ZEROCITY = ("ingest", "services", "reports", "cli", "web", "store", "search")


def imported_modules(tree: ast.AST, module_path: Path) -> list[str]:
    """Absolute names of every module a file imports, relative imports resolved against its package."""
    package_parts = ["zerocity", *module_path.relative_to(CORE_DIR.parent).with_suffix("").parts[:-1]]
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package_parts[: len(package_parts) - node.level + 1]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module or ""
            names.append(module)
            names.extend(f"{module}.{alias.name}" for alias in node.names)
    return names


def forbidden(name: str) -> bool:
    parts = name.split(".")
    if parts[0] in FORBIDDEN_TOP_LEVEL:
        return True
    return parts[0] == "zerocity" and len(parts) > 1 and parts[1] in FORBIDDEN_ZEROCITY


def test_the_core_package_has_modules_to_check() -> None:
    assert len(CORE_MODULES) >= 10
    assert CORE_DIR / "inventory" / "engine.py" in CORE_MODULES


@pytest.mark.parametrize("module_path", CORE_MODULES, ids=lambda p: str(p.relative_to(CORE_DIR)))
def test_core_module_imports_nothing_outside_the_pure_core(module_path: Path) -> None:
    tree = ast.parse(module_path.read_text(encoding="utf-8"), filename=str(module_path))
    offending = sorted({name for name in imported_modules(tree, module_path) if forbidden(name)})
    assert offending == [], f"{module_path.relative_to(CORE_DIR)} imports {offending}"


@pytest.mark.parametrize(
    "source",
    [
        "import pandas as pd",
        "from sqlalchemy.orm import Session",
        "import jinja2",
        "from gettext import gettext as _",
        "from zerocity.reports.text import render_text",
        "from zerocity import cli",
        "import zerocity.services.inventory",
        "from ...ingest import tables",
    ],
)
def test_the_boundary_check_catches_a_forbidden_import(source: str) -> None:
    tree = ast.parse(source)
    names = imported_modules(tree, CORE_DIR / "inventory" / "engine.py")
    assert any(forbidden(name) for name in names)


@pytest.mark.parametrize(
    "source",
    [
        "import numpy as np",
        "import pint",
        "from pydantic import BaseModel",
        "from scipy import stats",
        "from collections.abc import Mapping",
        "from zerocity.core.units import units",
        "from ..gpc import gpc_catalogue",
    ],
)
def test_the_boundary_check_allows_the_pure_dependencies(source: str) -> None:
    tree = ast.parse(source)
    names = imported_modules(tree, CORE_DIR / "inventory" / "engine.py")
    assert not any(forbidden(name) for name in names)
