"""The case library's public pages: search with facets and highlighting, a case in either language with the
"translation needed" notice, sanitised bodies, and nothing of a draft ever shown to the public."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient
from tests.web.cases_web_fixtures import case_ids, main_text

from zerocity.services.actor import Actor
from zerocity.services.knowledge import cases
from zerocity.services.knowledge.cases import CaseFields, VersionText
from zerocity.store.db import Database

__all__ = ["case_ids"]

Client = Callable[..., TestClient]


def test_the_library_lists_published_cases_in_chinese_by_default(make_client: Client, case_ids: dict[str, int]) -> None:
    page = make_client(locale="zh_Hant").get("/cases?q=掩埋場沼氣")
    assert page.status_code == 200
    assert '<html lang="zh-Hant-TW">' in page.text
    assert "臺南市<mark>掩埋場</mark>" in page.text or "<mark>掩埋場</mark>" in page.text
    assert f'href="/cases/{case_ids["test-tainan-landfill-gas"]}"' in page.text  # the reader's language: no ?lang


def test_a_chinese_query_finds_and_highlights_a_two_character_word(
    make_client: Client, case_ids: dict[str, int]
) -> None:
    page = make_client(locale="en").get("/cases", params={"q": "電動公車"})
    assert page.status_code == 200
    assert "<mark>" in page.text
    assert f"/cases/{case_ids['test-kaohsiung-buses']}?" in page.text


def test_a_chinese_only_case_says_which_translation_is_needed(make_client: Client, case_ids: dict[str, int]) -> None:
    page = make_client(locale="en").get("/cases", params={"q": "臺南市掩埋場沼氣發電"})
    assert "English translation needed" in page.text
    zh_page = make_client(locale="zh_Hant").get("/cases", params={"q": "臺南市掩埋場沼氣發電"})
    assert "待譯英文" in zh_page.text


def _results(html: str) -> str:
    return html.split('class="case-results"', 1)[1].split("</section>", 1)[0]


def test_drafts_never_appear_in_search(make_client: Client, case_ids: dict[str, int]) -> None:
    page = make_client(locale="en").get("/cases", params={"q": "Kyoto home energy checks volunteers"})
    results = _results(page.text)
    assert "Kyoto home energy checks" not in results  # its English version is a draft
    assert "Volunteers visit homes" not in results


def test_facets_filter_the_results_and_link_to_themselves(make_client: Client, case_ids: dict[str, int]) -> None:
    client = make_client(locale="en")
    everything = client.get("/cases", params={"q": "test-kaohsiung-buses 高雄市電動公車 臺南市掩埋場沼氣發電"})
    assert everything.status_code == 200
    waste = client.get("/cases", params={"theme": "waste", "country": "TW", "sort": "date"})
    text = main_text(waste.text)
    assert "臺南市掩埋場沼氣發電" in text
    assert "Kaohsiung electric buses" not in text and "高雄市電動公車" not in text
    assert "theme=waste" in waste.text


def test_an_empty_punctuation_or_huge_query_still_answers(make_client: Client, case_ids: dict[str, int]) -> None:
    client = make_client(locale="en")
    for query in ("", "!!!？？？", "公車" * 2000, "bus " * 2500):
        assert client.get("/cases", params={"q": query}).status_code == 200
    assert client.get("/cases", params={"q": "x" * 10_001}).status_code == 422


def test_the_library_pages_its_results(make_client: Client, case_ids: dict[str, int]) -> None:
    client = make_client(locale="en")
    first = client.get("/cases")
    assert 'rel="next"' in first.text  # the demo plus the test cases fill more than one page of ten
    second = client.get("/cases?page=2")
    assert second.status_code == 200 and 'rel="prev"' in second.text


# -- a case ----------------------------------------------------------------------------------------------------------
def test_a_case_is_shown_in_the_readers_language(make_client: Client, case_ids: dict[str, int]) -> None:
    case_id = case_ids["test-kaohsiung-buses"]
    english = make_client(locale="en").get(f"/cases/{case_id}")
    chinese = make_client(locale="zh_Hant").get(f"/cases/{case_id}")
    assert "<h1>Kaohsiung electric buses</h1>" in english.text
    assert "<h1>高雄市電動公車</h1>" in chinese.text
    assert (
        make_client(locale="zh_Hant").get(f"/cases/{case_id}?lang=en").text.count("<h1>Kaohsiung electric buses</h1>")
        == 1
    )


def test_a_case_page_shows_results_with_sources_links_themes_sectors_and_templates(
    make_client: Client, case_ids: dict[str, int]
) -> None:
    page = make_client(locale="en").get(f"/cases/{case_ids['test-kaohsiung-buses']}")
    text = main_text(page.text)
    assert "12,500 t CO2e/yr" in text and "Illustrative figure written for the tests" in text
    assert '<a href="https://example.org/buses" rel="noopener nofollow">Background</a>' in page.text
    assert "Mobility" in text and "Net zero" in text
    assert "II.1" in text and "Electric buses" in text
    assert "Sample content" in text
    assert "<h4>What was done</h4>" in page.text  # Markdown headings move down under the page's h1 and h2s
    assert 'href="/cities/kaohsiung"' in page.text


def test_an_untranslated_case_says_so_and_shows_the_other_language(
    make_client: Client, case_ids: dict[str, int]
) -> None:
    page = make_client(locale="en").get(f"/cases/{case_ids['test-tainan-landfill-gas']}")
    assert page.status_code == 200
    assert "This case has not been translated into English yet" in page.text
    assert "<h1>臺南市掩埋場沼氣發電</h1>" in page.text
    assert 'lang="zh-Hant-TW"' in page.text


def test_a_draft_version_is_not_shown_to_the_public_but_the_published_one_is(
    make_client: Client, case_ids: dict[str, int]
) -> None:
    page = make_client(locale="en").get(f"/cases/{case_ids['test-kyoto-homes']}?lang=en")
    assert "Kyoto home energy checks" not in page.text
    assert "京都住宅節能診斷" in page.text
    assert "not been translated into English yet" in page.text


def _draft_case(db: Database, body: str = "Plain.") -> int:
    with db.write() as session:
        fields = CaseFields(city_id=1, country="TW", themes=["waste"])
        case = cases.create_case(session, Actor.system(), fields, {"en": VersionText(title="Secret draft", body=body)})
        return case.id


def test_a_case_with_nothing_published_is_not_found_for_the_public_and_shown_to_its_editors(
    make_client: Client, db: Database
) -> None:
    case_id = _draft_case(db)
    assert make_client(locale="en").get(f"/cases/{case_id}").status_code == 404
    assert make_client(locale="en", email="viewer@kaohsiung.demo").get(f"/cases/{case_id}").status_code == 404
    editor = make_client(locale="en", email="editor@kaohsiung.demo").get(f"/cases/{case_id}")
    assert editor.status_code == 200 and "Secret draft" in editor.text
    assert editor.headers["cache-control"] == "no-store"


def test_a_case_body_cannot_inject_script_event_handlers_or_dangerous_links(make_client: Client, db: Database) -> None:
    body = (
        "<script>alert('x')</script>\n\n<img src=x onerror=alert(1)>\n\n[click](javascript:alert(2))\n\n"
        "[data](data:text/html;base64,PHNjcmlwdD4=)\n\n[ok](https://example.org)"
    )
    case_id = _draft_case(db, body)
    with db.write() as session:
        version = cases.versions_of(session, case_id)["en"]
        cases.publish_as_system(session, cases.get_case(session, Actor.system(), case_id).case, version)
    page = make_client(locale="en").get(f"/cases/{case_id}")
    article = page.text.split('class="case__body prose">', 1)[1].split("</div>", 1)[0]
    assert "<script" not in article and "<img" not in article
    assert 'href="javascript:' not in article and 'href="data:' not in article
    assert '<a href="https://example.org" rel="noopener nofollow">ok</a>' in article
    assert "default-src 'self'" in page.headers["content-security-policy"]


def test_an_unknown_case_is_a_friendly_404(make_client: Client) -> None:
    page = make_client(locale="en").get("/cases/999999")
    assert page.status_code == 404 and "Traceback" not in page.text
