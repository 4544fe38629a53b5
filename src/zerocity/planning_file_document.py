"""A scenario file as read from disk: the parsed TOML, the error that names the file, key and line, and the typed
getters every section of the file is read with.

Part of :mod:`zerocity.planning_file` (which re-exports the public names); kept apart so that the sections
(:mod:`zerocity.planning_file_sections`, :mod:`zerocity.planning_file_actions`) share one way of reading and
failing.
"""

from __future__ import annotations

import math
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from zerocity.core.errors import ZeroCityError


class ScenarioFileError(ZeroCityError):
    """A scenario file that cannot be used; names the file and the key (and the line, once located)."""

    code = "scenario_file"

    def __init__(self, file: str, key: str, reason: str, line: int | None = None) -> None:
        super().__init__(f"{file}: {key}: {reason}", file=file, key=key, reason=reason, line=line)
        self.file = file
        self.key = key
        self.reason = reason
        self.line = line

    def located(self, text: str) -> ScenarioFileError:
        """The same error with the line of ``text`` where its key is written (see :func:`locate_key`)."""
        return ScenarioFileError(self.file, self.key, self.reason, self.line or locate_key(text, self.key, self.reason))


_SYNTAX_LINE = re.compile(r"at line (\d+)")


def _split_key(text: str) -> list[str]:
    """``a."b.c".d`` → ``["a", "b.c", "d"]`` (TOML dotted keys, quoted parts kept whole)."""
    parts, current, quote = [], "", ""
    for char in text.strip():
        if quote:
            if char == quote:
                quote = ""
            else:
                current += char
        elif char in "\"'":
            quote = char
        elif char == ".":
            parts.append(current.strip())
            current = ""
        else:
            current += char
    parts.append(current.strip())
    return parts


def locate_key(text: str, key: str, reason: str = "") -> int | None:
    """The line (1-based) of ``text`` where the entry ``key`` of an error is written, or None.

    ``key`` is as :class:`ScenarioFileError` names it: ``actions.heat_pumps.curve.p_max`` (found on the line that
    sets ``curve``, or ``p_max`` under ``[actions.heat_pumps.curve]``), ``targets[2].reduction`` (the second
    ``[[targets]]``), ``(syntax)`` (the line in the parser's message). A key written more than once or not at
    all gives the line of its closest written parent. Line-based: a value spread over several lines is found
    on its first line.
    """
    if key == "(syntax)":
        match = _SYNTAX_LINE.search(reason)
        return int(match.group(1)) if match else None
    found: dict[str, int] = {}
    table: list[str] = []
    arrays: dict[str, int] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("[["):
            name = ".".join(_split_key(line[2 : line.find("]]")]))
            arrays[name] = arrays.get(name, 0) + 1
            table = [f"{name}[{arrays[name]}]"]
        elif line.startswith("["):
            table = _split_key(line[1 : line.find("]")])
        elif "=" in line:
            table_key = _split_key(line.split("=", 1)[0])
            found.setdefault(".".join([*table, *table_key]), number)
            continue
        else:
            continue
        found.setdefault(".".join(table), number)
    parents = [
        (len(path), number) for path, number in found.items() if key == path or key.startswith((path + ".", path + "["))
    ]
    return max(parents)[1] if parents else None


@dataclass(frozen=True)
class ScenarioDocument:
    """The parsed file: its path and its TOML tables."""

    path: Path
    data: Mapping[str, Any]

    @property
    def name(self) -> str:
        return self.path.name

    def fail(self, key: str, reason: str) -> ScenarioFileError:
        return ScenarioFileError(self.name, key, reason)

    @property
    def base_year(self) -> int:
        return _int(self, self.table("scenario"), "scenario", "base_year")

    def table(self, key: str) -> Mapping[str, Any]:
        value = self.data.get(key, {})
        if not isinstance(value, Mapping):
            raise self.fail(key, "must be a table")
        return value

    def base_inventory(self) -> Mapping[str, Any]:
        return self.table("base_inventory")

    def resolve(self, relative: str) -> Path:
        return (self.path.parent / relative).resolve()


def read_document(path: str | Path) -> ScenarioDocument:
    """Parse the TOML file; a syntax error names the file and the line."""
    file = Path(path)
    try:
        with file.open("rb") as handle:
            data = tomllib.load(handle)
    except FileNotFoundError:
        raise ScenarioFileError(file.name, "(file)", "not found") from None
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioFileError(file.name, "(syntax)", str(exc)) from None
    return ScenarioDocument(file, data)


# -- typed getters --------------------------------------------------------------------------------------------------


def _tables(doc: ScenarioDocument, key: str) -> dict[str, Mapping[str, Any]]:
    table = doc.table(key)
    for name, value in table.items():
        if not isinstance(value, Mapping):
            raise doc.fail(f"{key}.{name}", "must be a table")
    return {str(name): value for name, value in table.items()}


def _list(doc: ScenarioDocument, key: str) -> list[Mapping[str, Any]]:
    value = doc.data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, Mapping) for v in value):
        raise doc.fail(key, "must be an array of tables ([[targets]])")
    return value


def _str(doc: ScenarioDocument, spec: Mapping[str, Any], key: str, name: str) -> str:
    value = spec.get(name)
    if not isinstance(value, str) or not value.strip():
        raise doc.fail(f"{key}.{name}", "required text")
    return value.strip()


def _float(doc: ScenarioDocument, spec: Mapping[str, Any], key: str, name: str, default: float | None = None) -> float:
    value = spec.get(name, default)
    if value is None:
        raise doc.fail(f"{key}.{name}", "required number")
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise doc.fail(f"{key}.{name}", f"must be a finite number, got {value!r}")
    return float(value)


def _positive(doc: ScenarioDocument, spec: Mapping[str, Any], key: str, name: str) -> float:
    value = _float(doc, spec, key, name)
    if value <= 0:
        raise doc.fail(f"{key}.{name}", f"must be > 0, got {value}")
    return value


def _int(doc: ScenarioDocument, spec: Mapping[str, Any], key: str, name: str, default: int | None = None) -> int:
    value = spec.get(name, default)
    if isinstance(value, bool) or not isinstance(value, int):
        raise doc.fail(f"{key}.{name}", f"required whole number, got {value!r}")
    return value
