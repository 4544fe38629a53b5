"""Small edits to a scenario file's text that keep everything else as written (comments, order, spacing).

The web editor's "common edits" (draws, seed, a target's year or reduction, an action's effect or maximum
penetration) change one value each. Rewriting the whole file from its parsed tables would drop the author's
comments, so these functions change the one line instead: the value after ``key =`` in the right table, or a key
inside a one-line inline table (``curve = { kind = "linear", …, p_max = 0.6 }``). A key that is not there yet is
added at the end of its table. Values are TOML literals made by :func:`literal`.
"""

from __future__ import annotations

import math
import re
import tomllib
from dataclasses import dataclass
from typing import Any

from zerocity.core.errors import ZeroCityError

_HEADER = re.compile(r"^\s*\[(\[)?\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")


class EditError(ZeroCityError):
    """The text cannot be edited this way (the table is missing, or the value is written in a form this module
    does not rewrite, such as a multi-line inline table)."""

    code = "invalid_request"


def literal(value: int | float | str) -> str:
    """A TOML literal: integers as written, floats with a decimal point or exponent, strings quoted."""
    if isinstance(value, bool):
        raise EditError("not a TOML number or string")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise EditError("a value must be a finite number")
        text = repr(value)
        return text if any(c in text for c in ".eE") else text + ".0"
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


@dataclass(frozen=True)
class _Table:
    start: int  # index of the header line (-1: the root table before any header)
    end: int  # index after the table's last line


def _headers(lines: list[str]) -> list[tuple[int, str, bool]]:
    found = []
    for index, line in enumerate(lines):
        match = _HEADER.match(line)
        if match:
            name = ".".join(part.strip().strip("\"'") for part in match.group(2).split("."))
            found.append((index, name, match.group(1) is not None))
    return found


def _table(lines: list[str], table: str, occurrence: int) -> _Table | None:
    headers = _headers(lines)
    seen = 0
    for position, (index, name, _) in enumerate(headers):
        if name == table:
            seen += 1
            if seen == occurrence:
                end = headers[position + 1][0] if position + 1 < len(headers) else len(lines)
                return _Table(index, end)
    return None


def _key_line(lines: list[str], table: _Table, key: str) -> int | None:
    pattern = re.compile(rf"^\s*(\"{re.escape(key)}\"|'{re.escape(key)}'|{re.escape(key)})\s*=")
    for index in range(table.start + 1, table.end):
        if pattern.match(lines[index]):
            return index
    return None


def _split_comment(value: str) -> tuple[str, str]:
    """``0.2   # f_save`` → (``0.2``, ``   # f_save``), ignoring a # inside quotes."""
    quote = ""
    for position, char in enumerate(value):
        if quote:
            if char == quote:
                quote = ""
        elif char in "\"'":
            quote = char
        elif char == "#":
            stripped = value[:position].rstrip()
            return stripped, value[len(stripped) :]
    return value.rstrip(), ""


def set_value(text: str, table: str, key: str, value: str, *, occurrence: int = 1) -> str:
    """``text`` with ``key = value`` in ``[table]`` (the ``occurrence``-th ``[[table]]`` of an array of tables).

    An existing line keeps its indentation and trailing comment; a missing key is added after the table's last
    entry; a missing plain table is added at the end.
    """
    lines = text.splitlines()
    found = _table(lines, table, occurrence)
    if found is None:
        if occurrence != 1 or any(name == table and is_array for _, name, is_array in _headers(lines)):
            raise EditError(f"there is no [[{table}]] number {occurrence}")
        return text.rstrip("\n") + f"\n\n[{table}]\n{key} = {value}\n"
    index = _key_line(lines, found, key)
    if index is not None:
        head, _, rest = lines[index].partition("=")
        old, comment = _split_comment(rest)
        if old.strip().startswith(("{", "[")) and not old.strip().endswith(("}", "]")):
            raise EditError(f"{table}.{key} spans several lines; edit it in the text")
        lines[index] = f"{head.rstrip()} = {value}{comment}"
    else:
        last = found.end
        while last - 1 > found.start and not lines[last - 1].strip():
            last -= 1
        lines.insert(last, f"{key} = {value}")
    return "\n".join(lines) + ("\n" if text.endswith("\n") or not text else "")


def set_inline(text: str, table: str, key: str, field: str, value: str) -> str:
    """``text`` with ``field = value`` inside the one-line inline table ``key = { … }`` of ``[table]``.

    Without such a line, ``key = { field = value }`` is added (the action's template fills in the rest); a
    ``[table.key]`` sub-table is edited like any table.
    """
    lines = text.splitlines()
    found = _table(lines, table, 1)
    if found is None:
        raise EditError(f"there is no [{table}]")
    if _table(lines, f"{table}.{key}", 1) is not None:
        return set_value(text, f"{table}.{key}", field, value)
    index = _key_line(lines, found, key)
    if index is None:
        return set_value(text, table, key, f"{{ {field} = {value} }}")
    head, _, rest = lines[index].partition("=")
    body, comment = _split_comment(rest)
    body = body.strip()
    if not (body.startswith("{") and body.endswith("}")):
        raise EditError(f"{table}.{key} is not a one-line inline table; edit it in the text")
    inner = body[1:-1].strip()
    entry = re.compile(rf"(^|,)(\s*{re.escape(field)}\s*=\s*)([^,]+?)(\s*)(?=,|$)")
    if entry.search(inner):
        inner = entry.sub(lambda m: f"{m.group(1)}{m.group(2)}{value}{m.group(4)}", inner, count=1)
    else:
        inner = f"{inner}, {field} = {value}" if inner else f"{field} = {value}"
    lines[index] = f"{head.rstrip()} = {{ {inner.strip()} }}{comment}"
    return "\n".join(lines) + ("\n" if text.endswith("\n") else "")


def parsed(text: str) -> dict[str, Any] | None:
    """The text's tables, or None when it is not valid TOML (the run reports where)."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return None
