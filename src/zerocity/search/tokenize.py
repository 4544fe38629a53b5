"""Index tokens for Chinese and English text, the same on SQLite and PostgreSQL (STACK.md §2.6).

Why tokenise in Python rather than in the database: on SQLite 3.40 the FTS5 ``trigram`` tokenizer never matches a
two-character word (公車, 甲烷), and even ``LIKE '%公車%'`` finds nothing through it; PostgreSQL has no Chinese
parser we can install on Debian 12 (no zhparser, pg_jieba or pg_bigm; STACK.md §2.13). So every text is cut here
into plain tokens joined by single spaces, and the databases only look whole tokens up: FTS5 with the
``unicode61`` tokenizer (which splits on the spaces only, since a token holds letters and digits alone) and
PostgreSQL with ``array_to_tsvector`` (the tokens verbatim, like a ``simple`` configuration without its parser).

A text is first folded (:mod:`zerocity.search.normalize`: NFKC, lower case, OpenCC ``t2s``) and split into runs:

* Han runs are cut by jieba on the *Simplified* text, because jieba's dictionary is Simplified and cuts
  Traditional text poorly; a small domain dictionary (``data/knowledge/search_userdict.csv``: 範疇一, 排放係數,
  淨零, 沼氣...) keeps our terms whole. Documents and queries are cut the same way (precise mode, dictionary
  words only: jieba's HMM guesses at unknown words, which the bigrams below cover anyway, and costs 20 % more).
  Every run also gives its overlapping bigrams, so a two-character word is found whatever jieba made of its
  context (電動公車站 holds the bigram 公車 even if jieba cut 電動/公車站), and its single characters, so a
  one-character query (碳, 水) finds every text that has the character.
* Kana and Hangul runs give bigrams and single characters (jieba knows neither).
* Other letters and digits form words, lower-cased and lightly stemmed (:func:`stem`: buses -> bus).

jieba is initialised once per process behind a lock, its log is silenced, and its dictionary cache goes in a
``zerocity-jieba`` folder of the system's temporary directory rather than wherever the process runs. Nothing is
downloaded: the dictionary ships inside the jieba wheel.
"""

from __future__ import annotations

import logging
import os
import re
import tempfile
import threading
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Literal

from zerocity.core.datafiles import read_bundled_csv
from zerocity.search.normalize import fold, to_simplified

USER_DICTIONARY = "knowledge/search_userdict.csv"

#: Longer tokens are cut to this many characters on both sides (PostgreSQL refuses lexemes over 2 KB).
MAX_TOKEN_CHARS = 64

_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
_KANA_HANGUL = "\u3040-\u30ff\u31f0-\u31ff\u1100-\u11ff\u3130-\u318f\uac00-\ud7af"
_RUNS = re.compile(rf"(?P<han>[{_HAN}]+)|(?P<cjk>[{_KANA_HANGUL}]+)|(?P<word>[^\W_{_HAN}{_KANA_HANGUL}]+)")

RunKind = Literal["han", "cjk", "word"]


@dataclass(frozen=True)
class Run:
    """A stretch of folded text of one script: ``han``, ``cjk`` (kana, Hangul) or ``word`` (letters, digits)."""

    kind: RunKind
    text: str
    start: int
    end: int


def runs(folded: str) -> Iterator[Run]:
    """The script runs of already-folded text, with their positions in it."""
    for match in _RUNS.finditer(folded):
        kind = match.lastgroup
        assert kind in ("han", "cjk", "word")
        yield Run(kind, match.group(), match.start(), match.end())  # type: ignore[arg-type]


# -- jieba ---------------------------------------------------------------------------------------------------------
_jieba: Any = None
_jieba_lock = threading.Lock()


def _segmenter() -> Any:
    """The process's jieba tokenizer with the domain dictionary, built once (thread-safe)."""
    global _jieba
    if _jieba is None:
        with _jieba_lock:
            if _jieba is None:
                _jieba = _build_segmenter()
    return _jieba


def _build_segmenter() -> Any:
    with warnings.catch_warnings():  # jieba 0.42 has invalid escapes that Python warns about when compiling it
        warnings.simplefilter("ignore", DeprecationWarning)
        warnings.simplefilter("ignore", SyntaxWarning)
        import jieba  # type: ignore[import-untyped]

    jieba.setLogLevel(logging.WARNING)
    cache_dir = os.path.join(tempfile.gettempdir(), "zerocity-jieba")
    os.makedirs(cache_dir, exist_ok=True)
    segmenter = jieba.Tokenizer()
    segmenter.tmp_dir = cache_dir
    segmenter.initialize()
    for row in read_bundled_csv(USER_DICTIONARY):
        # The file is written in Traditional Chinese for its readers; jieba cuts the Simplified text.
        segmenter.add_word(to_simplified(row["word"]))
    return segmenter


def jieba_words(han: str) -> list[str]:
    """jieba's precise cut of a (folded, Simplified) Han run, dictionary words only."""
    return [word for word in _segmenter().cut(han, HMM=False) if word.strip()]


def bigrams(text: str) -> list[str]:
    """Overlapping two-character pieces (公車站 -> 公車, 車站); none for a single character."""
    return [text[i : i + 2] for i in range(len(text) - 1)]


# -- English -------------------------------------------------------------------------------------------------------
def stem(word: str) -> str:
    """A light English stemmer: plurals, ``-ing``, ``-ed`` and a final ``e`` go, so that buses/bus, cities/city,
    heating/heated/heat and reduce/reduces/reduced meet. The same function runs on documents and queries, so a
    stem only has to be consistent, not a real word. Words of three letters or fewer, and words with digits or
    letters outside ASCII, are kept as they are."""
    if len(word) <= 3 or not (word.isascii() and word.isalpha()):
        return word
    if word.endswith("ies") and len(word) > 4:
        word = word[:-3] + "y"
    elif word.endswith(("sses", "shes", "ches", "xes", "zes", "ses")):
        word = word[:-2]
    elif word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    if word.endswith("ing") and len(word) >= 6:
        word = word[:-3]
    elif word.endswith("ed") and len(word) >= 5:
        word = word[:-2]
    if word.endswith("e") and len(word) >= 4:
        word = word[:-1]
    return word


def word_token(word: str) -> str:
    """The index token of a folded Latin/digit word."""
    return stem(word)[:MAX_TOKEN_CHARS]


# -- documents -----------------------------------------------------------------------------------------------------
def index_tokens(text: str) -> list[str]:
    """Every index token of a display text, in order (repeats kept: their count is the term frequency)."""
    tokens: list[str] = []
    for run in runs(fold(text)):
        if run.kind == "word":
            tokens.append(word_token(run.text))
        else:
            if run.kind == "han":
                tokens.extend(jieba_words(run.text))
            tokens.extend(bigrams(run.text))
            tokens.extend(run.text)
    return [token[:MAX_TOKEN_CHARS] for token in tokens]
