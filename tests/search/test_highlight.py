"""Highlighting: marks on the original text, Simplified queries marking Traditional words, and escaping."""

from __future__ import annotations

from markupsafe import Markup
from tests.search.corpus import CASES

from zerocity.search.highlight import ELLIPSIS, SNIPPET_CHARS, highlight, snippet
from zerocity.search.query import SearchRequest, search
from zerocity.search.terms import parse_query
from zerocity.store.db import Database


def test_a_simplified_query_marks_the_traditional_words_of_the_text() -> None:
    assert highlight("高雄市電動公車汰換計畫", parse_query("公车")) == "高雄市電動<mark>公車</mark>汰換計畫"


def test_english_words_are_marked_by_stem_in_their_own_spelling() -> None:
    marked = highlight("Electric Buses and a bus depot", parse_query("bus"))
    assert marked == "Electric <mark>Buses</mark> and a <mark>bus</mark> depot"


def test_a_whole_chinese_term_is_marked_as_one_piece() -> None:
    marked = highlight("推動電動公車，汰換柴油公車", parse_query("電動公車"))
    assert marked == "推動<mark>電動公車</mark>，汰換柴油公車"


def test_without_the_whole_term_its_words_are_marked() -> None:
    assert highlight("公車與電動機車", parse_query("電動公車")) == "<mark>公車</mark>與<mark>電動</mark>機車"


def test_full_width_text_is_marked_where_it_stands() -> None:
    assert highlight("ＬＥＤ路燈", parse_query("led")) == "<mark>ＬＥＤ</mark>路燈"


def test_html_in_the_text_is_escaped_and_only_mark_is_markup() -> None:
    marked = highlight("<script>alert('x')</script> 社區", parse_query("社區"))
    assert isinstance(marked, Markup)
    assert marked == "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; <mark>社區</mark>"


def test_a_query_that_looks_like_html_is_escaped_too() -> None:
    marked = highlight("a <b> tag", parse_query("<b>"))
    assert marked == "a &lt;<mark>b</mark>&gt; tag"


def test_no_query_means_no_marks() -> None:
    assert highlight("公車 <i>", parse_query("")) == "公車 &lt;i&gt;"


def test_a_snippet_starts_shortly_before_the_first_match() -> None:
    text = "開頭" * 100 + "中間有沼氣回收" + "結尾" * 100
    cut = snippet(text, parse_query("沼氣"))
    assert cut.startswith(ELLIPSIS) and cut.endswith(ELLIPSIS)
    assert "<mark>沼氣</mark>" in cut
    assert len(cut.replace("<mark>", "").replace("</mark>", "")) == SNIPPET_CHARS + 2


def test_a_snippet_without_a_match_is_the_start_of_the_text() -> None:
    assert snippet("短文", parse_query("沼氣")) == "短文"


def test_hits_carry_escaped_titles_and_snippets(corpus_db: Database) -> None:
    with corpus_db.read() as session:
        (hit,) = search(session, SearchRequest(q="社區參與工作坊")).hits
        (english,) = search(session, SearchRequest(q="neighbourhood workshops")).hits
    assert hit.doc_id == 13
    assert "<script>" not in hit.title_html and "&lt;script&gt;" in hit.title_html
    assert "<b>" not in hit.snippet_html and "&lt;b&gt;" in hit.snippet_html
    assert "<mark>社區參與工作坊</mark>" in hit.title_html
    assert "<mark>neighbourhood</mark>" in english.snippet_html
    assert CASES[13][7]["en"][0].startswith("<script>")
