"""Folding text for the index: NFKC, lower case, Traditional to Simplified, and offsets back to the original."""

from __future__ import annotations

from zerocity.search.normalize import clean, fold, fold_with_offsets, markdown_to_plain


def test_traditional_and_simplified_fold_to_the_same_text() -> None:
    assert fold("電動公車") == fold("电动公车") == "电动公车"
    assert fold("臺南") == fold("台南")


def test_full_width_latin_and_capitals_fold_to_plain_lower_case() -> None:
    assert fold("ＣＯ２ Emissions") == "co2 emissions"


def test_lone_surrogates_and_control_characters_are_removed_before_opencc_sees_them() -> None:
    assert clean("a\ud800b\x00c\td") == "ab c\td"
    assert fold("公\ud83d車\x00") == "公车 "


def test_every_folded_character_knows_the_original_character_it_came_from() -> None:
    text = "ﬁ電動Ｂus"
    folded, origins = fold_with_offsets(text)
    assert folded == "fi电动bus"
    assert origins == [0, 0, 1, 2, 3, 4, 5]


def test_markdown_marks_links_and_tags_are_dropped_but_their_words_stay() -> None:
    text = "# 標題\n\n**粗體** and [a link](https://example.org) ![圖](x.png) <b>tag</b>\n- item"
    assert markdown_to_plain(text) == "標題 粗體 and a link 圖 tag item"
