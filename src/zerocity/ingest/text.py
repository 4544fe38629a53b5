"""Decoding uploaded text the way Taiwanese spreadsheets save it: UTF-8 (with or without BOM) or Big5/cp950."""

from __future__ import annotations

from zerocity.core.errors import InputIssue

ENCODINGS = ("utf-8-sig", "cp950")


def decode(data: bytes, file: str) -> tuple[str, str] | InputIssue:
    """The text and the encoding that decoded it strictly, or an issue naming where decoding failed."""
    failure: UnicodeDecodeError | None = None
    for encoding in ENCODINGS:
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError as exc:
            failure = failure or exc
    assert failure is not None
    line = data[: failure.start].count(b"\n") + 1
    return InputIssue(
        file,
        line,
        "",
        f"the file is neither UTF-8 nor Big5 (cp950): undecodable byte 0x{data[failure.start]:02x} "
        f"at offset {failure.start}; save it as UTF-8 CSV",
        code="encoding",
    )
