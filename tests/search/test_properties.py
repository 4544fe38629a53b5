"""Properties: any query string is searched without an error on both backends, tokens stay well-formed, and
highlighting never loses, adds or unescapes text."""

from __future__ import annotations

import html

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zerocity.search.highlight import highlight, snippet
from zerocity.search.query import SearchRequest, search
from zerocity.search.terms import parse_query
from zerocity.search.tokenize import index_tokens
from zerocity.store.db import Database

# Text with the characters that matter here well represented: CJK, search syntax, HTML, controls, surrogates.
SPECIAL = st.sampled_from(
    [*"\"'*:()-^+~<>&;\\%_|!,.，。「」公車甲烷沼氣臺台车車ﬁＡ\x00\x1f\ud800\u3000 \t\n", "NEAR", "OR", "AND", "NOT"]
)
QUERIES = st.one_of(st.text(max_size=80), st.lists(SPECIAL, max_size=30).map("".join))
PROFILE = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROFILE
@given(query=QUERIES, lang=st.sampled_from([None, "en", "zh_Hant", "xx"]), sort=st.sampled_from(["date", "x"]))
def test_any_query_string_is_searched_without_an_error(corpus_db: Database, query: str, lang: str, sort: str) -> None:
    with corpus_db.read() as session:
        result = search(session, SearchRequest(q=query, lang=lang, sort=sort, page=2, per_page=3))
    assert result.total >= len(result.hits)
    assert len({hit.doc_id for hit in result.hits}) == len(result.hits)


@PROFILE
@given(query=QUERIES)
def test_any_query_string_gives_well_formed_terms(query: str) -> None:
    parsed = parse_query(query)
    for term in parsed.terms:
        assert term.words or term.bigrams
        assert all(token and token.isalnum() for token in term.tokens)


@PROFILE
@given(text=QUERIES)
def test_index_tokens_are_never_empty_and_never_hold_a_space(text: str) -> None:
    assert all(token and " " not in token and token.isalnum() for token in index_tokens(text))


def _plain(marked: str) -> str:
    return html.unescape(marked.replace("<mark>", "").replace("</mark>", ""))


@PROFILE
@given(text=QUERIES, query=QUERIES)
def test_highlighting_only_adds_marks_around_escaped_text(text: str, query: str) -> None:
    marked = str(highlight(text, parse_query(query)))
    assert _plain(marked) == text
    assert "<" not in marked.replace("<mark>", "").replace("</mark>", "")
    assert "<" not in str(snippet(text, parse_query(query))).replace("<mark>", "").replace("</mark>", "")
