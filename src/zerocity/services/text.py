"""Text that people type: no control characters (PostgreSQL refuses NUL in text; the others only hide things)."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator

from zerocity.services.errors import InvalidRequest

#: As a regex character-class body, shared with the API's JSON Schema patterns.
CONTROL_CHARACTERS = r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f"
_CONTROL = re.compile(f"[{CONTROL_CHARACTERS}]")


def check_text(value: str) -> str:
    if _CONTROL.search(value):
        raise ValueError("contains control characters")
    return value


def checked_reason(reason: str) -> str:
    """A reason given for a change, as the audit log keeps it."""
    try:
        return check_text(reason)[:2000]
    except ValueError:
        raise InvalidRequest("the reason contains control characters", field="reason") from None


def clean_filename(name: str) -> str:
    """The last path component of an uploaded file's name, without control characters, at most 255 characters."""
    name = _CONTROL.sub("", name.replace("\\", "/").rsplit("/", 1)[-1]).strip()
    return name[:255]


#: A pydantic string that refuses control characters other than tab and newlines.
Text = Annotated[str, AfterValidator(check_text)]
