"""Languages of the web interface: catalogues, negotiation, formatting and the base layout in both languages."""

from __future__ import annotations

import datetime as dt
import math
import re
import threading
from pathlib import Path
from types import SimpleNamespace

import jinja2
import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.frontend import CommandLineInterface
from babel.messages.pofile import read_po

from zerocity.web import i18n
from zerocity.web.templating import i18n_context, make_environment, render

ROOT = Path(__file__).resolve().parents[2]
LOCALE_DIR = ROOT / "src" / "zerocity" / "locale"
POT = LOCALE_DIR / "messages.pot"


def _catalog(path: Path, locale: str | None = None) -> Catalog:
    with path.open("rb") as po_file:
        return read_po(po_file, locale=locale)


def _keys(catalog: Catalog) -> set[tuple[str | None, str]]:
    """(msgctxt, msgid) of every message; plural messages are keyed by their singular."""
    return {(m.context, m.id[0] if isinstance(m.id, tuple) else m.id) for m in catalog if m.id}


def _missing(message: Message) -> bool:
    strings = message.string if isinstance(message.string, tuple) else (message.string,)
    return not all(strings)


@pytest.fixture(scope="module")
def fresh_template(tmp_path_factory: pytest.TempPathFactory) -> Catalog:
    """The message template extracted from the sources right now, as scripts/messages extracts it."""
    output = tmp_path_factory.mktemp("messages") / "messages.pot"
    mapping, sources = str(ROOT / "babel.cfg"), str(ROOT / "src" / "zerocity")
    CommandLineInterface().run(
        ["pybabel", "extract", "-F", mapping, "-o", str(output), "--sort-output", "--add-location=file", sources]
    )
    return _catalog(output)


@pytest.fixture(scope="module")
def env() -> jinja2.Environment:
    return make_environment()


# --- Catalogues ------------------------------------------------------------------------------------------------


def test_the_committed_template_lists_exactly_the_messages_in_the_sources(fresh_template: Catalog) -> None:
    committed = _keys(_catalog(POT))
    extracted = _keys(fresh_template)
    assert extracted - committed == set(), "new messages: run `make messages` and translate them"
    assert committed - extracted == set(), "messages no longer in the sources: run `make messages`"


def test_every_message_in_the_sources_has_a_reviewed_traditional_chinese_translation(fresh_template: Catalog) -> None:
    catalog = _catalog(LOCALE_DIR / "zh_Hant" / "LC_MESSAGES" / "messages.po", "zh_Hant")
    translated = {(m.context, m.id[0] if isinstance(m.id, tuple) else m.id): m for m in catalog if m.id}
    problems = []
    for key in sorted(_keys(fresh_template), key=str):
        message = translated.get(key)
        if message is None:
            problems.append(f"not in the zh_Hant catalogue: {key}")
        elif message.fuzzy:
            problems.append(f"fuzzy (review, then remove the flag): {key}")
        elif _missing(message):
            problems.append(f"empty translation: {key}")
    assert problems == []


@pytest.mark.parametrize("locale", i18n.SUPPORTED)
def test_each_catalogue_is_merged_with_the_template(locale: str) -> None:
    catalog = _catalog(LOCALE_DIR / locale / "LC_MESSAGES" / "messages.po", locale)
    assert _keys(catalog) == _keys(_catalog(POT))


@pytest.mark.parametrize("locale", i18n.SUPPORTED)
def test_translations_keep_the_placeholders_of_their_msgids(locale: str) -> None:
    catalog = _catalog(LOCALE_DIR / locale / "LC_MESSAGES" / "messages.po", locale)
    problems = [(message.id, [str(error) for error in errors]) for message, errors in catalog.check()]
    assert problems == []


def test_the_chinese_catalogue_is_used_at_run_time() -> None:
    assert i18n.gettext("Sign in", "zh_Hant") == "登入"
    assert i18n.gettext("Sign in", "en") == "Sign in"
    assert i18n.ngettext("%(count)s problem was found.", "%(count)s problems were found.", 3, "zh_Hant") == (
        "發現 %(count)s 個問題。"
    )


def test_fuzzy_and_empty_entries_fall_back_to_english(tmp_path: Path) -> None:
    po_path = tmp_path / "messages.po"
    po_path.write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=utf-8\\n"\n'
        '"Plural-Forms: nplurals=1; plural=0;\\n"\n\n'
        'msgid "Sign in"\nmsgstr "登入"\n\n'
        '#, fuzzy\nmsgid "Sign out"\nmsgstr "登入"\n\n'
        'msgid "Cities"\nmsgstr ""\n\n'
        'msgid "%(num)s city"\nmsgid_plural "%(num)s cities"\nmsgstr[0] ""\n',
        encoding="utf-8",
    )
    translations = i18n.load_translations(po_path, "zh_Hant")
    assert translations.gettext("Sign in") == "登入"
    assert translations.gettext("Sign out") == "Sign out"
    assert translations.gettext("Cities") == "Cities"
    assert translations.ngettext("%(num)s city", "%(num)s cities", 2) == "%(num)s cities"


# --- Negotiation -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cookie", "accept_language", "expected"),
    [
        (None, None, "zh_Hant"),
        (None, "", "zh_Hant"),
        (None, "zh-TW,zh;q=0.9,en-US;q=0.8,en;q=0.7", "zh_Hant"),
        (None, "zh-Hant", "zh_Hant"),
        (None, "zh-HK", "zh_Hant"),
        (None, "zh", "zh_Hant"),
        (None, "en-US,en;q=0.9", "en"),
        (None, "en-GB", "en"),
        (None, "fr-FR, en;q=0.5", "en"),
        (None, "ja, de;q=0.8", "zh_Hant"),
        (None, "en;q=0.2, zh-TW;q=0.9", "zh_Hant"),
        (None, "en;q=0, fr", "zh_Hant"),
        (None, "*", "zh_Hant"),
        (None, "en;q=nonsense, zh-TW", "zh_Hant"),
        ("en", "zh-TW", "en"),
        ("zh_Hant", "en-US", "zh_Hant"),
        ("klingon", "en-US", "en"),
        ("", "en", "en"),
    ],
)
def test_negotiation_prefers_the_cookie_then_the_browser_then_taiwanese_chinese(
    cookie: str | None, accept_language: str | None, expected: str
) -> None:
    assert i18n.negotiate(cookie, accept_language) == expected


# --- Formatting --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("locale", i18n.SUPPORTED)
def test_a_city_total_in_tonnes_is_rounded_to_whole_tonnes_with_thousands_separators(locale: str) -> None:
    assert i18n.format_tonnes(14852130.95, locale) == "14,852,131"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (999.96, "1,000"),
        (123.44, "123.4"),
        (2.675, "2.68"),
        (0.0123456, "0.0123"),
        (-0.5, "-0.500"),
        (0, "0"),
        (1e-9, "<0.000001"),
        (None, "—"),
        (math.nan, "—"),
        (math.inf, "—"),
    ],
)
def test_small_emissions_keep_three_significant_digits_and_missing_ones_show_a_dash(
    value: float | None, expected: str
) -> None:
    assert i18n.format_tonnes(value, "zh_Hant") == expected


def test_numbers_and_percentages_round_half_away_from_zero() -> None:
    assert i18n.format_number(2.5, "en") == "3"
    assert i18n.format_number(1234.5, "zh_Hant", digits=2) == "1,234.50"
    assert i18n.format_number(-0.4, "en") == "0"
    assert i18n.format_percent(0.1234, "zh_Hant") == "12.3%"
    assert i18n.format_percent(None, "en") == "—"


def test_dates_in_traditional_chinese_read_year_month_day() -> None:
    day = dt.date(2024, 3, 5)
    assert i18n.format_date(day, "zh_Hant") == "2024年3月5日"
    assert "年" in i18n.format_date(dt.datetime(2024, 3, 5, 14, 30), "zh_Hant")
    assert i18n.format_date(day, "en") == "Mar 5, 2024"


def test_times_are_shown_in_the_requested_zone_and_never_in_the_servers() -> None:
    morning_utc = dt.datetime(2024, 3, 5, 6, 30, tzinfo=dt.UTC)
    taipei = dt.timezone(dt.timedelta(hours=8))
    assert i18n.format_datetime(morning_utc, "zh_Hant", timezone=taipei) == "2024年3月5日 下午2:30"
    assert i18n.format_datetime(morning_utc, "zh_Hant") == "2024年3月5日 清晨6:30"  # CLDR's day periods for Taiwan
    assert "Mar 5, 2024" in i18n.format_datetime(morning_utc.replace(tzinfo=None), "en")


# --- Templates ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("locale", "html_lang", "cities", "sign_in", "sign_out"),
    [("zh_Hant", "zh-Hant-TW", "城市", "登入", "登出"), ("en", "en", "Cities", "Sign in", "Sign out")],
)
def test_the_base_layout_renders_in_both_languages_with_and_without_a_user(
    env: jinja2.Environment, locale: str, html_lang: str, cities: str, sign_in: str, sign_out: str
) -> None:
    anonymous = render(env, locale, "base.html", {"user": None, "messages": [], "request_path": "/cities"})
    assert f'<html lang="{html_lang}">' in anonymous
    assert f">{cities}</a>" in anonymous
    assert 'href="/login"' in anonymous and sign_in in anonymous
    assert 'action="/logout"' not in anonymous
    assert 'href="/lang/en?next=/cities"' in anonymous

    signed_in = render(env, locale, "base.html", {"user": SimpleNamespace(display_name="王小明"), "messages": []})
    assert "王小明" in signed_in
    assert 'method="post" action="/logout"' in signed_in and sign_out in signed_in
    assert 'href="/login"' not in signed_in


def test_a_flash_message_is_escaped(env: jinja2.Environment) -> None:
    html = render(env, "zh_Hant", "base.html", {"messages": [("error", "<script>alert(1)</script>")]})
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_a_users_name_is_escaped_inside_a_translated_sentence(env: jinja2.Environment) -> None:
    html = render(env, "en", "base.html", {"user": SimpleNamespace(display_name='"><img src=x>')})
    assert "<img src=x>" not in html
    assert "Signed in as &#34;&gt;&lt;img src=x&gt;" in html


@pytest.mark.parametrize("template", ["base.html", "errors/error.html"])
def test_pages_carry_no_inline_script_or_style_for_the_csp(env: jinja2.Environment, template: str) -> None:
    html = render(env, "zh_Hant", template, {"status_code": 404, "messages": [("info", "hi")]})
    assert re.findall(r"<script(?![^>]*\bsrc=)", html) == []
    assert "<style" not in html and " style=" not in html and " on" + "click=" not in html
    assert '<script src="/static/vendor/htmx.min.js" defer></script>' in html
    assert "includeIndicatorStyles" in html


def test_the_vendored_htmx_is_in_the_tree_with_its_licence() -> None:
    vendor = ROOT / "src" / "zerocity" / "web" / "static" / "vendor"
    assert (vendor / "htmx.min.js").stat().st_size > 10_000
    assert (vendor / "htmx.LICENSE").is_file()


def test_the_error_page_explains_the_status_in_the_readers_language(env: jinja2.Environment) -> None:
    html = render(env, "zh_Hant", "errors/error.html", {"status": 404})
    assert "找不到這個頁面" in html and "錯誤代碼 404" in html
    issues = [{"file": "activity.csv", "row": 7, "column": "gpc_ref", "reason": "<b>unknown</b>"}]
    html = render(env, "zh_Hant", "errors/error.html", {"status_code": 422, "issues": issues})
    assert "發現 1 個問題。" in html
    assert ">列</th>" in html and ">欄</th>" in html and ">原因</th>" in html
    assert "&lt;b&gt;unknown&lt;/b&gt;" in html


def test_a_macro_imported_without_context_fails_loudly_instead_of_speaking_english(env: jinja2.Environment) -> None:
    template = env.from_string('{% import "_macros.html" as ui %}{{ ui.status_badge("draft") }}')
    with pytest.raises(RuntimeError, match="with context"):
        template.render(i18n_context("zh_Hant"))


def test_filters_format_with_the_locale_of_the_render_context(env: jinja2.Environment) -> None:
    template = env.from_string("{{ total|tonnes }} {{ share|percent }} {{ day|date }}")
    values = {"total": 14852130.95, "share": 0.25, "day": dt.date(2024, 3, 5)}
    assert template.render({**i18n_context("zh_Hant"), **values}) == "14,852,131 25.0% 2024年3月5日"
    assert template.render({**i18n_context("en"), **values}) == "14,852,131 25.0% Mar 5, 2024"


def test_concurrent_renders_in_different_languages_do_not_mix(env: jinja2.Environment) -> None:
    results: dict[tuple[str, int], str] = {}

    def work(locale: str, index: int) -> None:
        results[(locale, index)] = render(env, locale, "base.html", {})

    threads = [threading.Thread(target=work, args=(loc, i)) for i in range(20) for loc in i18n.SUPPORTED]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for (locale, _), html in results.items():
        assert ("登入" in html) == (locale == "zh_Hant")
