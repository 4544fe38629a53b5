"""Index tokens: jieba words on Simplified text, CJK bigrams and characters, stemmed English words."""

from __future__ import annotations

import threading

from zerocity.search import tokenize
from zerocity.search.tokenize import bigrams, index_tokens, jieba_words, stem


def test_two_character_words_are_tokens_even_inside_longer_words() -> None:
    tokens = index_tokens("電動公車站")
    assert "公车" in tokens
    assert "车站" in tokens


def test_the_domain_dictionary_keeps_our_terms_whole() -> None:
    assert "范畴一" in jieba_words("范畴一排放系数依净零路径更新")
    assert "排放系数" in jieba_words("范畴一排放系数依净零路径更新")
    assert "净零" in jieba_words("范畴一排放系数依净零路径更新")


def test_traditional_text_is_cut_after_conversion_to_simplified() -> None:
    assert index_tokens("沼氣") == index_tokens("沼气")


def test_single_characters_are_tokens_so_a_one_character_query_can_find_them() -> None:
    assert "碳" in index_tokens("推動減碳")


def test_english_words_are_lower_cased_and_stemmed() -> None:
    assert index_tokens("Electric BUSES, cities!") == ["electric", "bus", "city"]


def test_plural_and_verb_forms_share_a_stem() -> None:
    assert stem("buses") == stem("bus")
    assert stem("cities") == stem("city")
    assert stem("heating") == stem("heated") == stem("heat")
    assert stem("reduces") == stem("reduced") == stem("reduce")
    assert stem("gas") == "gas"
    assert stem("co2e") == "co2e"


def test_bigrams_overlap_and_a_single_character_has_none() -> None:
    assert bigrams("公車站") == ["公車", "車站"]
    assert bigrams("公") == []


def test_punctuation_and_query_syntax_give_no_tokens() -> None:
    assert index_tokens('"*:()-— ，。「」') == []
    assert index_tokens("a_b") == ["a", "b"]


def test_tokens_never_hold_spaces_and_are_never_empty() -> None:
    tokens = index_tokens("Ａ　b\u3000公車\t\nx" + "y" * 500)
    assert all(token and " " not in token for token in tokens)
    assert max(len(token) for token in tokens) == tokenize.MAX_TOKEN_CHARS


def test_jieba_is_initialised_once_even_when_threads_race(monkeypatch: object) -> None:
    results: list[object] = []
    threads = [threading.Thread(target=lambda: results.append(tokenize._segmenter())) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len({id(segmenter) for segmenter in results}) == 1
