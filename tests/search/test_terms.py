"""Parsing a reader's query into terms: words OR bigrams per run, limits, stop words, no syntax."""

from __future__ import annotations

from zerocity.search.terms import MAX_QUERY_CHARS, MAX_TERMS, parse_query


def test_a_chinese_run_gives_its_jieba_words_and_its_bigrams() -> None:
    (term,) = parse_query("柴油公車").terms
    assert term.words == ("柴油", "公车")
    assert term.bigrams == ("柴油", "油公", "公车")


def test_an_english_word_gives_its_stem_only() -> None:
    (term,) = parse_query("Buses").terms
    assert term.words == ("bus",)
    assert term.bigrams == ()


def test_a_single_character_is_its_own_word() -> None:
    (term,) = parse_query("碳").terms
    assert term.words == ("碳",)


def test_punctuation_only_gives_no_terms() -> None:
    assert parse_query("!!! ，。？ ... ***").empty
    assert parse_query("").empty


def test_search_syntax_becomes_plain_words() -> None:
    query = parse_query('"公車" OR NEAR(a b) -c:* AND')
    assert [term.text for term in query.terms] == ["公车", "near", "b", "c"]


def test_stop_words_are_dropped_unless_nothing_else_is_left() -> None:
    assert [t.text for t in parse_query("how do cities capture landfill gas").terms] == [
        "cities",
        "capture",
        "landfill",
        "gas",
    ]
    assert [t.text for t in parse_query("the").terms] == ["the"]


def test_a_ten_thousand_character_query_is_cut_to_the_documented_maximum() -> None:
    query = parse_query("甲烷" * 5000)
    assert len(query.text) == MAX_QUERY_CHARS
    words = parse_query(" ".join(f"w{i}" for i in range(1000)))
    assert len(words.terms) == MAX_TERMS


def test_repeated_terms_count_once() -> None:
    assert len(parse_query("bus buses BUS").terms) == 1
