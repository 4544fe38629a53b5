"""Markdown of the knowledge hub: rendered, then sanitised, so nothing an editor types can run in a reader's page."""

from __future__ import annotations

import pytest

from zerocity.services.knowledge.markdown import markdown_to_text, render_markdown, sanitise_html


def test_ordinary_markdown_renders_with_headings_one_level_down() -> None:
    html = render_markdown("# Electric buses\n\nThe city bought **120** buses.\n\n- depots\n- chargers")
    assert "<h2>Electric buses</h2>" in html
    assert "<strong>120</strong>" in html
    assert "<li>depots</li>" in html


def test_tables_render() -> None:
    html = render_markdown("| year | buses |\n|---|---|\n| 2022 | 120 |")
    assert "<table>" in html and "<td>120</td>" in html


def test_a_script_tag_is_shown_as_text_and_never_as_a_script() -> None:
    html = render_markdown("Hello <script>alert('x')</script> world")
    assert "<script" not in html
    assert "&lt;script&gt;" in html


def test_a_javascript_link_is_not_a_link() -> None:
    for target in ("javascript:alert(1)", "JavaScript:alert(1)", "vbscript:msgbox(1)"):
        html = render_markdown(f"[click]({target})")
        assert "href" not in html, target


def test_a_data_url_link_or_image_is_removed() -> None:
    html = render_markdown("[x](data:text/html;base64,PHNjcmlwdD4=) ![y](data:image/png;base64,AAAA)")
    assert 'src="data:' not in html and 'href="data:' not in html


def test_an_onerror_attribute_typed_as_html_is_inert() -> None:
    html = render_markdown('<img src="x" onerror="alert(1)">')
    assert "<img" not in html
    assert "&lt;img" in html


def test_the_sanitiser_removes_event_handlers_scripts_and_bad_schemes_from_raw_html() -> None:
    raw = (
        '<p onclick="steal()">hi</p><img src="/a.png" onerror="alert(1)"><script>alert(2)</script>'
        '<a href="javascript:alert(3)">x</a><a href="data:text/html,hi">y</a><iframe src="https://e.org"></iframe>'
        "<style>body{display:none}</style>"
    )
    html = sanitise_html(raw)
    for forbidden in (
        "onclick",
        "onerror",
        "<script",
        "alert(2)",
        "javascript:",
        "data:",
        "<iframe",
        "<style",
        "display",
    ):
        assert forbidden not in html, forbidden
    assert '<img src="/a.png">' in html


@pytest.mark.parametrize("url", ["https://example.org/a", "http://example.org/b", "mailto:team@example.org"])
def test_allowed_links_get_noopener_nofollow(url: str) -> None:
    html = render_markdown(f"[link]({url})")
    assert f'href="{url}"' in html
    assert 'rel="noopener nofollow"' in html


def test_a_link_already_carrying_another_rel_gets_ours() -> None:
    html = sanitise_html('<a href="https://example.org" rel="opener">x</a>')
    assert 'rel="noopener nofollow"' in html and 'rel="opener"' not in html


def test_empty_text_renders_to_nothing() -> None:
    assert render_markdown("") == ""
    assert render_markdown("   \n ") == ""


def test_plain_text_keeps_the_words_without_markup() -> None:
    text = markdown_to_text("# 電動公車\n\n高雄 **汰換** 柴油公車 & <b>更多</b>\n\n- 充電站")
    assert text.splitlines() == ["電動公車", "高雄 汰換 柴油公車 & <b>更多</b>", "充電站"]
