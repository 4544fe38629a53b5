"""Highlighting in Python, so that both backends show the same marks (STACK.md §2.6), and safely.

The text shown is the original display text (Traditional Chinese stays Traditional); matching happens on its folded
form (:func:`zerocity.search.normalize.fold_with_offsets`), whose every character remembers where it came from, so
a Simplified query (公车) marks the Traditional words (公車) of the text.

What is marked: an English word whose stem is one of the query's; for a Chinese, Japanese or Korean term, its whole
text where it occurs, else its jieba words, else its bigrams (the reason the document matched).

Safety: every piece of text is escaped (``markupsafe.escape``) and the only markup added is ``<mark>``; a
document containing ``<script>`` shows ``&lt;script&gt;``. The result is a :class:`markupsafe.Markup`, so Jinja
does not escape it twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from markupsafe import Markup, escape

from zerocity.search.normalize import fold_with_offsets
from zerocity.search.terms import ParsedQuery
from zerocity.search.tokenize import runs, word_token

#: Characters of a snippet.
SNIPPET_CHARS = 160
#: Characters of context before the first mark in a snippet.
SNIPPET_LEAD = 30
#: A snippet looks for marks in this many leading characters of the text only.
SNIPPET_SEARCH_CHARS = 5_000
ELLIPSIS = "…"


def _occurrences(haystack: str, needle: str) -> list[tuple[int, int]]:
    found = []
    start = haystack.find(needle)
    while needle and start >= 0:
        found.append((start, start + len(needle)))
        start = haystack.find(needle, start + 1)
    return found


@dataclass(frozen=True)
class _Needles:
    """What to look for, worked out once per query: English stems, and for each CJK term its fallbacks in order."""

    stems: frozenset[str]
    stem_starts: tuple[str, ...]
    cjk: tuple[tuple[tuple[str, ...], ...], ...]


@lru_cache(maxsize=64)
def _needles(query: ParsedQuery) -> _Needles:
    latin = [term for term in query.terms if term.words and any(run.kind == "word" for run in runs(term.text))]
    stems = frozenset(term.words[0] for term in latin)
    # A stem keeps the start of its word except the last letter (cities -> city), so most words of a text are
    # skipped without stemming them.
    starts = tuple(stem[:-1] or stem for stem in stems)
    cjk = tuple(
        ((term.text,), tuple(w for w in term.words if len(w) > 1), term.bigrams)
        for term in query.terms
        if term not in latin
    )
    return _Needles(stems, starts, cjk)


def _spans(text: str, query: ParsedQuery) -> list[tuple[int, int]]:
    """Merged ``(start, end)`` ranges of ``text`` to mark, in order."""
    if query.empty or not text:
        return []
    needles = _needles(query)
    folded, origins = fold_with_offsets(text)
    marks: list[tuple[int, int]] = []
    if needles.stems:
        marks += [
            (run.start, run.end)
            for run in runs(folded)
            if run.kind == "word" and run.text.startswith(needles.stem_starts) and word_token(run.text) in needles.stems
        ]
    for fallbacks in needles.cjk:
        for group in fallbacks:
            found = [span for needle in group for span in _occurrences(folded, needle)]
            if found:
                marks += found
                break
    merged: list[tuple[int, int]] = []
    for start, end in sorted((origins[s], origins[e - 1] + 1) for s, e in marks if e > s):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _render(text: str, spans: list[tuple[int, int]]) -> Markup:
    parts: list[str] = []
    position = 0
    for start, end in spans:
        parts.append(escape(text[position:start]))
        parts.append(Markup("<mark>") + escape(text[start:end]) + Markup("</mark>"))
        position = end
    parts.append(escape(text[position:]))
    return Markup("").join(parts)


def highlight(text: str, query: ParsedQuery) -> Markup:
    """The whole ``text``, escaped, with the query's matches in ``<mark>``."""
    return _render(text, _spans(text, query))


def snippet(text: str, query: ParsedQuery, length: int = SNIPPET_CHARS) -> Markup:
    """About ``length`` characters of ``text`` around its first match (or its start), escaped and marked."""
    head = text[:SNIPPET_SEARCH_CHARS]
    spans = _spans(head, query)
    start = max(0, spans[0][0] - SNIPPET_LEAD) if spans else 0
    if start and len(text) - start < length:
        start = max(0, len(text) - length)
    end = min(len(text), start + length)
    window = [(max(s, start) - start, min(e, end) - start) for s, e in spans if s < end and e > start]
    body = _render(text[start:end], window)
    return Markup("").join([ELLIPSIS if start else "", body, ELLIPSIS if end < len(text) else ""])
