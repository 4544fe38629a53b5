"""Text normalisation for the search index: one folded form of every text, so that the index and the query agree.

Chinese search needs three foldings before any word is cut (STACK.md §2.6):

* Unicode NFKC, so full-width Latin (``ＣＯ２``), compatibility ideographs and ligatures become their plain forms;
* case folding of Latin text;
* OpenCC ``t2s`` (Traditional to Simplified). jieba's dictionary is Simplified and cuts Traditional text poorly,
  and a reader who types Simplified (公车) must find Traditional text (公車). Both sides of the comparison are
  converted, so 臺/台 and 車/车 meet on the Simplified form.

The folded form feeds *index tokens only*. Display text is never changed: :func:`fold_with_offsets` keeps, for every
folded character, the position of the character it came from, so the highlighter can mark the original text.

Input is cleaned first (:func:`clean`): lone surrogates cannot be encoded for SQLite, PostgreSQL or OpenCC, and NUL
and other control characters would cut OpenCC's C string or be refused by PostgreSQL.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_SURROGATES = re.compile(r"[\ud800-\udfff]")

_converter: Any = None
_converter_lock = threading.Lock()


def clean(text: str) -> str:
    """``text`` without lone surrogates and control characters (tabs and newlines stay)."""
    return _CONTROL.sub(" ", _SURROGATES.sub("", text))


def _t2s() -> Any:
    """The process's OpenCC Traditional-to-Simplified converter, built at first use (thread-safe)."""
    global _converter
    if _converter is None:
        with _converter_lock:
            if _converter is None:
                import opencc

                _converter = opencc.OpenCC("t2s")
    return _converter


def to_simplified(text: str) -> str:
    """OpenCC ``t2s`` of clean text."""
    if not text or text.isascii():
        return text
    return str(_t2s().convert(text))


def fold(text: str) -> str:
    """The index form of ``text``: cleaned, NFKC, case-folded Latin, Simplified Chinese."""
    return to_simplified(unicodedata.normalize("NFKC", clean(text)).lower())


@lru_cache(maxsize=4096)
def _fold_char(char: str) -> str:
    return unicodedata.normalize("NFKC", char).lower()


def fold_with_offsets(text: str) -> tuple[str, Sequence[int]]:
    """The folded form of ``text`` and, for each of its characters, the index in ``text`` it came from.

    Usually every step keeps one character for one (full-width ``，`` becomes ``,``, 車 becomes 车), and then the
    whole text is folded at once and the offsets are the identity. Otherwise NFKC and lower-casing are applied
    character by character so that every output character has one origin (a ligature like ``ﬁ`` gives two
    characters with the same origin). OpenCC converts whole phrases (乾燥 -> 干燥) but almost always one character
    for one; when it does not, the characters are converted one by one instead, which keeps the alignment at the
    price of the rare phrase-dependent choice.
    """
    if not _SURROGATES.search(text):
        folded = unicodedata.normalize("NFKC", _CONTROL.sub(" ", text)).lower()
        if len(folded) == len(text):
            simplified = to_simplified(folded)
            if len(simplified) == len(text):
                return simplified, range(len(text))
    pieces: list[str] = []
    origins: list[int] = []
    for index, char in enumerate(text):
        folded = " " if _CONTROL.match(char) or _SURROGATES.match(char) else _fold_char(char)
        pieces.append(folded)
        origins.extend([index] * len(folded))
    joined = "".join(pieces)
    simplified = to_simplified(joined)
    if len(simplified) != len(joined):
        simplified = "".join(to_simplified(char) if len(to_simplified(char)) == 1 else char for char in joined)
    return simplified, origins


# Markdown that would only clutter a snippet: images and links (keep the words, drop the address), emphasis and
# code marks, heading and quote marks at the start of a line, and raw HTML tags. The body is shown as plain, escaped
# text in a snippet, so this is cosmetic, not a sanitiser.
_MD_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
_MD_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_MD_LINE_MARKS = re.compile(r"(?m)^[ \t]{0,3}(?:#{1,6}[ \t]+|>[ \t]?|[-*+][ \t]+|\d{1,9}[.)][ \t]+)")
_MD_INLINE_MARKS = re.compile(r"(\*\*|__|~~|`+|(?<!\w)[*_](?=\S)|(?<=\S)[*_](?!\w))")
_HTML_TAG = re.compile(r"</?[A-Za-z][^<>]{0,500}>")
_SPACE = re.compile(r"\s+")


def markdown_to_plain(text: str) -> str:
    """Plain words of a Markdown (or already plain) text, on one line, for snippets and the index."""
    text = _MD_IMAGE.sub(r"\1", text)
    text = _MD_LINK.sub(r"\1", text)
    text = _MD_LINE_MARKS.sub("", text)
    text = _HTML_TAG.sub(" ", text)
    text = _MD_INLINE_MARKS.sub("", text)
    return _SPACE.sub(" ", text).strip()
