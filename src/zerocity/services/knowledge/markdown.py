"""Markdown for the knowledge hub (case bodies, news, training descriptions): rendered, then sanitised.

Two layers, because either alone has gaps:

1. markdown-it-py in CommonMark mode with raw HTML switched off, so ``<script>`` typed into a body comes out as
   text. Its own link check already drops ``javascript:``, ``vbscript:`` and ``file:`` targets.
2. nh3 (the ammonia sanitiser) on the result with an allow-list of tags and attributes and only the ``http``,
   ``https`` and ``mailto`` schemes (relative links to our own pages stay), so a ``data:`` image, an ``on*``
   attribute or anything a future markdown-it plug-in might emit cannot reach the page. Every link gets
   ``rel="noopener nofollow"``: user-written links must not pass on our reputation or a window handle.

Headings move one level down (``#`` becomes ``<h2>``): the page that shows a body already has its ``<h1>``.
"""

from __future__ import annotations

import functools
import html
from typing import Final

import nh3
from markdown_it import MarkdownIt

ALLOWED_TAGS: Final[frozenset[str]] = frozenset(
    {
        "p", "br", "hr", "h2", "h3", "h4", "h5", "h6", "strong", "em", "del", "s", "code", "pre", "blockquote",
        "ul", "ol", "li", "a", "img", "table", "thead", "tbody", "tr", "th", "td", "sup", "sub",
    }
)  # fmt: skip
ALLOWED_ATTRIBUTES: Final[dict[str, set[str]]] = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title"},
    "ol": {"start"},
    "th": {"align"},
    "td": {"align"},
}
URL_SCHEMES: Final[frozenset[str]] = frozenset({"http", "https", "mailto"})
LINK_REL: Final[str] = "noopener nofollow"
#: Tags whose content goes too, not only the tag (nh3 keeps the text of other removed tags).
DROPPED_WITH_CONTENT: Final[frozenset[str]] = frozenset({"script", "style"})


@functools.cache
def _parser() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": False}).enable(["table", "strikethrough"])


def _demote_headings(parser: MarkdownIt, text: str) -> str:
    tokens = parser.parse(text)
    for token in tokens:
        if token.type in ("heading_open", "heading_close"):
            level = min(int(token.tag[1]) + 1, 6)
            token.tag = f"h{level}"
    return str(parser.renderer.render(tokens, parser.options, {}))


def sanitise_html(fragment: str) -> str:
    """Any HTML fragment cleaned to the hub's allow-list (what ``render_markdown`` applies after rendering)."""
    return nh3.clean(
        fragment,
        tags=set(ALLOWED_TAGS),
        clean_content_tags=set(DROPPED_WITH_CONTENT),
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=set(URL_SCHEMES),
        link_rel=LINK_REL,
        strip_comments=True,
    )


def render_markdown(text: str) -> str:
    """Safe HTML for a Markdown text written by an editor (see the module docstring for what is removed)."""
    if not text or not text.strip():
        return ""
    return sanitise_html(_demote_headings(_parser(), text))


def markdown_to_text(text: str) -> str:
    """The words of a Markdown text without markup, for plain-text e-mails, feeds and snippets."""
    rendered = render_markdown(text)
    stripped = nh3.clean(rendered.replace("</p>", "</p>\n").replace("<br>", "\n"), tags=set())
    lines = (line.strip() for line in html.unescape(stripped).splitlines())
    return "\n".join(line for line in lines if line)
