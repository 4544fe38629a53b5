"""Jinja2 environment for the web pages, with per-request translations passed in the render context.

Why the context and not ``env.install_gettext_translations``: installing translations writes ``gettext`` into
``env.globals``, which every thread shares, so two requests in different languages would race. Jinja's i18n
extension looks ``gettext``/``ngettext``/``pgettext``/``npgettext`` up *by name at render time*: ``{% trans %}``
blocks compile to a plain name lookup, and ``_()`` is a global alias that calls ``context.resolve("gettext")``.
Render-context variables shadow globals, so we install nothing per request: :func:`i18n_context` builds the four
callables for one locale and the caller passes them with the other template variables.

The callables are wrapped as Jinja does for ``newstyle=True`` (the environment is switched to newstyle once, at
creation): they escape substituted variables when autoescaping is on and always apply ``%`` formatting, so
``{{ _("Hello %(name)s", name=user.display_name) }}`` is safe and a literal percent sign is written ``%%``.

Two rules for template authors follow from this:

* import macros **with context** (``{% import "_macros.html" as ui with context %}``); a plain import does not
  see the render context, and the placeholders installed as globals then fail with a message saying so;
* the number and date filters read the ``locale`` variable of the same context.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any, Final
from zoneinfo import ZoneInfo

import jinja2
from babel.support import NullTranslations
from jinja2.runtime import Context
from markupsafe import Markup
from starlette.requests import Request
from starlette.templating import Jinja2Templates

from zerocity.web import i18n

TEMPLATE_DIR: Final[Path] = Path(__file__).resolve().parent / "templates"

_MISSING_CONTEXT = (
    "Translations are passed per request in the render context (zerocity.web.templating). "
    "Render through render()/make_templates(), and import macros 'with context'."
)


# --- Per-locale gettext callables ----------------------------------------------------------------------------------


def _escape_and_format(context: Context, translated: str, variables: dict[str, Any]) -> str:
    """Newstyle gettext semantics: mark the translation safe under autoescape, then ``%``-format it.

    Markup's ``%`` escapes each substituted value, so a user's name containing ``<script>`` stays inert.
    """
    text: str = Markup(translated) if context.eval_ctx.autoescape else translated
    return text % variables


def _newstyle_callables(translations: NullTranslations) -> dict[str, Callable[..., str]]:
    """The four gettext functions Jinja's i18n extension resolves by name, bound to one catalogue."""

    @jinja2.pass_context
    def gettext(context: Context, message: str, /, **variables: Any) -> str:
        return _escape_and_format(context, translations.gettext(message), variables)

    @jinja2.pass_context
    def ngettext(context: Context, singular: str, plural: str, num: int, /, **variables: Any) -> str:
        variables.setdefault("num", num)
        return _escape_and_format(context, translations.ngettext(singular, plural, num), variables)

    @jinja2.pass_context
    def pgettext(context: Context, message_context: str, message: str, /, **variables: Any) -> str:
        variables.setdefault("context", message_context)
        return _escape_and_format(context, translations.pgettext(message_context, message), variables)

    @jinja2.pass_context
    def npgettext(
        context: Context,
        message_context: str,
        singular: str,
        plural: str,
        num: int,
        /,
        **variables: Any,
    ) -> str:
        variables.setdefault("context", message_context)
        variables.setdefault("num", num)
        translated = translations.npgettext(message_context, singular, plural, num)
        return _escape_and_format(context, translated, variables)

    return {"gettext": gettext, "ngettext": ngettext, "pgettext": pgettext, "npgettext": npgettext}


@functools.cache
def _callables_for(locale: str) -> Mapping[str, Callable[..., str]]:
    # The wrappers hold no per-request state, so one set per locale serves every thread.
    return _newstyle_callables(i18n.get_translations(locale))


def i18n_context(locale: str) -> dict[str, Any]:
    """Template variables for one request's language: ``locale``, ``html_lang`` and the gettext functions.

    An unsupported locale falls back to :data:`zerocity.web.i18n.DEFAULT_LOCALE`.
    """
    if locale not in i18n.SUPPORTED:
        locale = i18n.DEFAULT_LOCALE
    return {"locale": locale, "html_lang": i18n.HTML_LANG[locale], **_callables_for(locale)}


# --- Filters -------------------------------------------------------------------------------------------------------


def _context_locale(context: Context) -> str:
    locale = context.get("locale")
    if not isinstance(locale, str):
        raise RuntimeError(f"The template context has no 'locale'. {_MISSING_CONTEXT}")
    return locale


@jinja2.pass_context
def _tonnes_filter(context: Context, value: object) -> str:
    return i18n.format_tonnes(value, _context_locale(context))


@jinja2.pass_context
def _number_filter(context: Context, value: object, digits: int = 0) -> str:
    return i18n.format_number(value, _context_locale(context), digits=digits)


@jinja2.pass_context
def _percent_filter(context: Context, value: object, digits: int = 1) -> str:
    return i18n.format_percent(value, _context_locale(context), digits=digits)


@jinja2.pass_context
def _date_filter(context: Context, value: dt.date | None, format: str = "medium") -> str:
    return i18n.format_date(value, _context_locale(context), format=format)


@jinja2.pass_context
def _datetime_filter(
    context: Context, value: dt.datetime | None, format: str = "medium", timezone: str | dt.tzinfo | None = None
) -> str:
    """``{{ row.updated_at|datetime(timezone="Asia/Taipei") }}``; without a zone the value's own is shown."""
    tzinfo = ZoneInfo(timezone) if isinstance(timezone, str) else timezone
    return i18n.format_datetime(value, _context_locale(context), format=format, timezone=tzinfo)


@jinja2.pass_context
def _reason_filter(context: Context, reason: object) -> str:
    """A reason from the core's input checks, in the reader's language (zerocity.web.issue_text)."""
    from zerocity.web.issue_text import translate_reason

    return translate_reason(str(reason or ""), _context_locale(context))


@jinja2.pass_context
def _column_filter(context: Context, column: object) -> str:
    from zerocity.web.issue_text import column_label

    return column_label(str(column or ""), _context_locale(context))


@jinja2.pass_context
def _warning_filter(context: Context, warning: object) -> str:
    """An engine warning ``"<file>, row 12, column unit: <reason>"``, place and reason in the reader's language."""
    from zerocity.web.issue_text import translate_place, translate_reason

    locale = _context_locale(context)
    text = str(warning or "")
    place, separator, reason = text.partition(": ")
    if separator and (", row " in place or "column " in place):
        return f"{translate_place(place, locale)}: {translate_reason(reason, locale)}"
    return translate_reason(text, locale)


FILTERS: Final[Mapping[str, Callable[..., str]]] = {
    "reason": _reason_filter,
    "column_label": _column_filter,
    "warning": _warning_filter,
    "tonnes": _tonnes_filter,
    "number": _number_filter,
    "percent": _percent_filter,
    "date": _date_filter,
    "datetime": _datetime_filter,
}


# --- Environment, rendering ----------------------------------------------------------------------------------------


def _placeholder(*_args: Any, **_kwargs: Any) -> str:
    raise RuntimeError(f"gettext was called without a locale. {_MISSING_CONTEXT}")


def make_environment(extra_template_dirs: Iterable[Path] = ()) -> jinja2.Environment:
    """The one Jinja2 environment of the web app (and of HTML reports that reuse ``base.html``).

    Autoescaping is on for every template, including strings and unknown extensions: a forgotten ``|e`` must
    never become an XSS hole. ``{% trans %}`` blocks are trimmed (whitespace collapsed), matching ``babel.cfg``
    so that extracted msgids and runtime lookups agree.
    """
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([*extra_template_dirs, TEMPLATE_DIR]),
        autoescape=jinja2.select_autoescape(default_for_string=True, default=True),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.policies["ext.i18n.trimmed"] = True
    # newstyle=True compiles {% trans %} blocks to gettext(msg, **vars) calls; the placeholders only answer a
    # template rendered without i18n_context() (or a macro imported without context).
    env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=_placeholder, ngettext=_placeholder, newstyle=True, pgettext=_placeholder, npgettext=_placeholder
    )
    env.filters.update(FILTERS)
    return env


def render(env: jinja2.Environment, locale: str, template_name: str, context: Mapping[str, Any] | None = None) -> str:
    """Render a template in one language; ``locale`` and the gettext functions override same-named context keys."""
    variables = {**(context or {}), **i18n_context(locale)}
    return env.get_template(template_name).render(variables)


# --- Starlette integration -----------------------------------------------------------------------------------------


def request_locale(request: Request) -> str:
    """The locale chosen for this request: ``request.state.locale`` when middleware set it, else negotiated."""
    chosen = getattr(request.state, "locale", None)
    if isinstance(chosen, str) and chosen in i18n.SUPPORTED:
        return chosen
    return i18n.negotiate(request.cookies.get(i18n.LOCALE_COOKIE), request.headers.get("accept-language"))


def current_path(request: Request) -> str:
    """Path and query of the request, for ``?next=`` links (the language switcher comes back here)."""
    query = request.url.query
    return request.url.path + (f"?{query}" if query else "")


def request_context(request: Request) -> dict[str, Any]:
    """Starlette context processor: the request's language and ``request_path`` for every TemplateResponse."""
    return {**i18n_context(request_locale(request)), "request_path": current_path(request)}


def make_templates(env: jinja2.Environment | None = None) -> Jinja2Templates:
    """``Jinja2Templates`` over :func:`make_environment` with :func:`request_context` as context processor.

    Routes call ``templates.TemplateResponse(request, "page.html", {"user": ..., "messages": ...})``.
    """
    return Jinja2Templates(env=env or make_environment(), context_processors=[request_context])
