"""The case library in the search index: only published language versions are findable, the index follows every
publication, correction and withdrawal in the same transaction, and search results carry both published titles."""

from __future__ import annotations

import datetime as dt

from tests.services.knowledge.cases_fixtures import Hub, hub

from zerocity.search.query import SearchRequest, search
from zerocity.services.knowledge import cases, news
from zerocity.services.knowledge.cases import VersionText
from zerocity.services.knowledge.cases_search import plain_text, search_cases

__all__ = ["hub"]


def _found(hub: Hub, q: str, *, lang: str | None = None, kind: str = "case") -> list[tuple[int, str]]:
    with hub.world.db.read() as session:
        result = search(session, SearchRequest(q=q, lang=lang, kind=kind, per_page=50))
        return [(h.doc_id, h.lang) for h in result.hits]


def test_a_draft_is_never_findable_and_a_published_version_is(hub: Hub) -> None:
    case_id = hub.new_case()
    assert _found(hub, "公車路網") == []
    hub.publish(case_id, "zh_Hant")
    assert _found(hub, "公車路網") == [(case_id, "zh_Hant")]
    assert _found(hub, "network redesign", lang="en") == []  # the English version is still a draft


def test_a_correction_of_a_published_version_is_searchable_at_once(hub: Hub) -> None:
    case_id = hub.new_case()
    hub.publish(case_id, "en")
    with hub.world.db.write() as session:
        cases.save_version(session, hub.world.admin, case_id, "en", VersionText(title="Trolleybus corridor"))
    assert _found(hub, "trolleybus") == [(case_id, "en")]
    assert _found(hub, "redesign") == []


def test_unpublishing_or_deleting_takes_the_case_out_of_the_index(hub: Hub) -> None:
    first, second = hub.new_case(), hub.new_case()
    hub.publish(first, "zh_Hant")
    hub.publish(second, "zh_Hant")
    assert {doc for doc, _ in _found(hub, "公車路網")} == {first, second}
    with hub.world.db.write() as session:
        cases.change_version_status(session, hub.world.admin, first, "zh_Hant", "unpublish")
        cases.delete_case(session, hub.world.admin, second)
    assert _found(hub, "公車路網") == []


def test_a_change_of_shared_facts_reaches_the_facets(hub: Hub) -> None:
    case_id = hub.new_case()
    hub.publish(case_id, "zh_Hant")
    with hub.world.db.write() as session:
        fields = cases.CaseFields(city_id=hub.world.city_id, country="TW", themes=["waste"], year=2019)
        cases.update_case(session, hub.world.editor, case_id, fields)
    with hub.world.db.read() as session:
        assert search(session, SearchRequest(themes=("waste",))).total == 1
        assert search(session, SearchRequest(themes=("mobility",))).total == 0


def test_search_results_carry_both_published_titles_and_a_plain_snippet(hub: Hub) -> None:
    case_id = hub.new_case()
    hub.publish(case_id, "zh_Hant")
    with hub.world.db.read() as session:
        page = search_cases(session, SearchRequest(q="公車"), "en")
    [hit] = page.hits
    assert (hit.id, hit.title_zh, hit.title_en, hit.translation_needed) == (case_id, "公車路網重整", None, ("en",))
    assert "<mark>" in str(hit.title_html) and "<mark>" not in hit.snippet
    assert page.total == 1 and page.pages == 1


def test_plain_text_unescapes_a_highlighted_fragment() -> None:
    assert plain_text("a &lt;b&gt; <mark>公車</mark> &amp; c") == "a <b> 公車 & c"


def test_published_news_is_indexed_as_news_in_each_language_it_has(hub: Hub) -> None:
    fields = news.NewsFields(
        kind="news", item_date=dt.date(2026, 3, 1), title_zh="沼氣發電新聞", title_en="Biogas news"
    )
    with hub.world.db.write() as session:
        item_id = news.create_news(session, hub.world.admin, fields).id
    assert _found(hub, "沼氣", kind="news") == []
    with hub.world.db.write() as session:
        news.set_published(session, hub.world.admin, item_id, True)
    assert _found(hub, "biogas", kind="news") == [(item_id, "en")]
    assert _found(hub, "沼氣", kind="news") == [(item_id, "zh_Hant")]
    assert _found(hub, "biogas") == []  # news never shows among cases
    with hub.world.db.write() as session:
        news.set_published(session, hub.world.admin, item_id, False)
    assert _found(hub, "biogas", kind="news") == []
