"""A reader's query as search terms: what must match, how to score it and what to highlight.

Each script run of the folded query (:func:`zerocity.search.tokenize.runs`) becomes one :class:`Term`, and every
term must match (AND). A term matches a document when the document holds

* all its jieba words (the precise cut of a Han run, or the stem of an English word), **or**
* all its bigrams (Han, kana and Hangul runs of two or more characters).

A single Chinese, Japanese or Korean character is its own word (the index holds every character too). That is
STACK.md §2.6's ``words OR (bigram AND bigram ...)``: the words give precision where jieba cut the document the
same way, the bigrams give recall where it did not (公車 inside 電動公車站).

Every token comes from :mod:`zerocity.search.tokenize` and is made of letters and digits only, so the quotes,
``*``, ``:``, ``-``, parentheses, ``NEAR`` or ``OR`` that a reader types are either dropped or become plain words;
the backends still quote every token (:mod:`zerocity.search.fts_sqlite`, :mod:`zerocity.search.fts_pg`).

A query that mixes Latin words with Chinese, Japanese or Korean (``公車 electric``) is matched per document rather
than per language version: each script family must match some version of the document (:meth:`ParsedQuery.by_script`,
used by :mod:`zerocity.search.query`), since the bilingual cases hold the Chinese words in one version and the
English ones in the other.

Limits: the query is cut to :data:`MAX_QUERY_CHARS` characters and :data:`MAX_TERMS` terms, so a 10,000-character
paste costs no more than a long sentence. Common English words (:data:`STOP_WORDS`) are dropped from a query that
has other terms, so "how do cities capture landfill gas" asks for the words that matter.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from zerocity.search.normalize import clean, fold
from zerocity.search.tokenize import bigrams, jieba_words, runs, word_token

#: A longer query is cut to this many characters (a long sentence; nobody types more into a search box).
MAX_QUERY_CHARS = 200
#: At most this many terms (runs) of a query are used.
MAX_TERMS = 12

_STOP_WORDS_TEXT = """
a an and are as at be by can do does for from has have how i in is it its of on or our so than that the their them
these this those to was we were what when where which who why will with you your
"""
STOP_WORDS = frozenset(_STOP_WORDS_TEXT.split())


@dataclass(frozen=True)
class Term:
    """One run of the query. ``text`` is its folded form (for highlighting); see the module for matching."""

    text: str
    words: tuple[str, ...]
    bigrams: tuple[str, ...] = ()
    #: ``latin`` for letters and digits, ``cjk`` for Han, kana and Hangul.
    script: str = "cjk"

    @property
    def tokens(self) -> tuple[str, ...]:
        """The distinct whole tokens whose counts score a document for this term."""
        return tuple(dict.fromkeys(self.words + self.bigrams))


@dataclass(frozen=True)
class ParsedQuery:
    terms: tuple[Term, ...]
    #: The cleaned, cut query text, as the semantic encoder reads it.
    text: str

    @property
    def empty(self) -> bool:
        return not self.terms

    def scoring_tokens(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(token for term in self.terms for token in term.tokens))

    def by_script(self) -> tuple[ParsedQuery, ...]:
        """The query's terms split into one query per script family (Latin, then CJK); just itself when the query
        holds one family."""
        families = [tuple(t for t in self.terms if t.script == script) for script in ("latin", "cjk")]
        parts = tuple(ParsedQuery(terms, self.text) for terms in families if terms)
        return parts if len(parts) > 1 else (self,)

    def boolean_expression(self, quote: Callable[[str], str], and_: str, or_: str) -> str:
        """The engine's query text: every term must match, by all its words or by all its bigrams. ``quote`` makes
        one token a literal of the engine's syntax, so nothing a reader types becomes an operator."""

        def term_text(term: Term) -> str:
            groups = (tokens for tokens in (term.words, term.bigrams) if tokens)
            return "(" + or_.join("(" + and_.join(quote(t) for t in tokens) + ")" for tokens in groups) + ")"

        return and_.join(term_text(term) for term in self.terms)


def parse_query(query: str) -> ParsedQuery:
    """The terms of a raw query string. Never raises; punctuation only gives no terms."""
    text = clean(query or "")[:MAX_QUERY_CHARS].strip()
    terms: list[Term] = []
    for run in runs(fold(text)):
        if run.kind == "word":
            terms.append(Term(run.text, (word_token(run.text),), script="latin"))
        elif len(run.text) == 1:
            terms.append(Term(run.text, (run.text,)))
        elif run.kind == "han":
            terms.append(Term(run.text, tuple(dict.fromkeys(jieba_words(run.text))), tuple(bigrams(run.text))))
        else:
            terms.append(Term(run.text, (), tuple(bigrams(run.text))))
    kept = [term for term in terms if term.text not in STOP_WORDS] or terms
    unique = list({(term.words, term.bigrams): term for term in kept}.values())
    return ParsedQuery(tuple(unique[:MAX_TERMS]), text)
