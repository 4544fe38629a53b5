"""Languages of the user interface: catalogues, negotiation and locale-aware formatting.

ZeroCity speaks Traditional Chinese as used in Taiwan first and English second. Messages are written in English
in the sources (msgids) and translated in ``src/zerocity/locale/<lang>/LC_MESSAGES/messages.po``; see
``scripts/messages`` for the extract/update workflow.

The ``.po`` files are read directly at first use and compiled in memory (``babel.messages.mofile.write_mo``), so
no binary ``.mo`` file is built, committed or forgotten. Fuzzy entries (guesses made by ``pybabel update``) are
left out: the user sees the English msgid rather than an unchecked translation.

Two kinds of locale appear here:

* the *catalogue* locale, one of :data:`SUPPORTED` (``zh_Hant``, ``en``), chosen per request by :func:`negotiate`;
* the *formatting* locale handed to Babel's CLDR data (``zh_Hant_TW``, ``en``), so that dates read 2024年3月5日 and
  numbers group by thousands.

Stdlib and Babel only: no web framework here, so reports and the CLI can format numbers the same way.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import math
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path
from typing import Final

from babel import Locale
from babel.dates import format_date as _babel_format_date
from babel.dates import format_time as _babel_format_time
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal as _babel_format_decimal
from babel.support import NullTranslations, Translations

SUPPORTED: Final[tuple[str, ...]] = ("zh_Hant", "en")
DEFAULT_LOCALE: Final[str] = "zh_Hant"

#: Catalogue locale → CLDR locale used for numbers and dates. Taiwan's conventions for Traditional Chinese
#: (zh_Hant alone would be the same today, but zh_Hant_HK differs, so we say what we mean).
FORMAT_LOCALES: Final[dict[str, str]] = {"zh_Hant": "zh_Hant_TW", "en": "en"}

#: Value of the ``lang`` attribute of ``<html>`` per catalogue locale (BCP 47, not POSIX).
HTML_LANG: Final[dict[str, str]] = {"zh_Hant": "zh-Hant-TW", "en": "en"}

#: Name of the cookie that remembers an explicit choice made with the language switcher.
LOCALE_COOKIE: Final[str] = "zerocity_locale"

#: Shown instead of a number that is missing (None) or not a number (NaN, ±inf).
MISSING: Final[str] = "—"

LOCALE_DIR: Final[Path] = Path(__file__).resolve().parent.parent / "locale"
DOMAIN: Final[str] = "messages"


# --- Catalogues ----------------------------------------------------------------------------------------------------


def catalogue_path(locale: str) -> Path:
    """Where the ``.po`` file of ``locale`` lives (it may not exist for a locale we do not ship)."""
    return LOCALE_DIR / locale / "LC_MESSAGES" / f"{DOMAIN}.po"


@functools.cache
def get_translations(locale: str) -> NullTranslations:
    """The translations for a supported locale, read once from its ``.po`` file and cached for the process.

    An unsupported locale or a missing file gives null translations (the English msgids).
    """
    path = catalogue_path(locale)
    if locale not in SUPPORTED or not path.is_file():
        return NullTranslations()
    return load_translations(path, locale)


def load_translations(po_path: Path, locale: str) -> Translations:
    """Compile one ``.po`` file in memory. Empty and fuzzy entries are left out (``write_mo(use_fuzzy=False)``),
    so gettext falls back to the English msgid for them instead of showing an unreviewed guess.

    ``write_mo`` keeps a plural entry whose forms are empty strings (its ``("", "")`` is truthy) and gettext would
    then show nothing at all, so such entries are blanked first.
    """
    with po_path.open("rb") as po_file:
        catalog = read_po(po_file, locale=locale, domain=DOMAIN, ignore_obsolete=True)
    for message in catalog:
        if message.id and isinstance(message.string, tuple) and not all(message.string):
            message.string = ""
    compiled = io.BytesIO()
    write_mo(compiled, catalog, use_fuzzy=False)
    compiled.seek(0)
    return Translations(fp=compiled, domain=DOMAIN)


def gettext(message: str, locale: str) -> str:
    """Translate ``message`` (an English msgid) for code outside templates, e.g. flash messages in a router."""
    return get_translations(locale).gettext(message)


def ngettext(singular: str, plural: str, n: int, locale: str) -> str:
    """Plural-aware :func:`gettext`; the result still contains ``%(num)s``-style placeholders to fill in."""
    return get_translations(locale).ngettext(singular, plural, n)


# --- Negotiation ---------------------------------------------------------------------------------------------------


def match_locale(tag: str | None) -> str | None:
    """Map a language tag (``zh-TW``, ``zh_Hant``, ``en-GB``, ``EN``…) to a supported locale, or None.

    Every Chinese variant maps to ``zh_Hant``: it is the only Chinese we ship, and a reader of Simplified
    Chinese understands it better than English.
    """
    if not tag:
        return None
    normalized = tag.strip().replace("_", "-").lower()
    primary = normalized.split("-", 1)[0]
    if primary == "zh":
        return "zh_Hant"
    if primary == "en":
        return "en"
    return None


def _parse_accept_language(header: str) -> list[str]:
    """Language ranges of an Accept-Language header, most preferred first (RFC 9110 §12.5.4).

    Malformed weights count as 0 (ignored); ties keep the order of the header.
    """
    weighted: list[tuple[float, int, str]] = []
    for position, part in enumerate(header.split(",")):
        tag, _, params = part.strip().partition(";")
        tag = tag.strip()
        if not tag:
            continue
        quality = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if quality > 0 and math.isfinite(quality):
            weighted.append((-quality, position, tag))
    return [tag for _, _, tag in sorted(weighted)]


def negotiate(cookie_value: str | None, accept_language: str | None) -> str:
    """The catalogue locale for a request.

    An explicit choice stored in the :data:`LOCALE_COOKIE` cookie wins when it names a supported language; then the
    browser's Accept-Language preferences in order of weight; then :data:`DEFAULT_LOCALE`.
    """
    chosen = match_locale(cookie_value)
    if chosen:
        return chosen
    for tag in _parse_accept_language(accept_language or ""):
        chosen = match_locale(tag)
        if chosen:
            return chosen
    return DEFAULT_LOCALE


# --- Formatting ----------------------------------------------------------------------------------------------------


def formatting_locale(locale: str) -> str:
    """The CLDR locale used to format numbers and dates for a catalogue locale (unknown → Taiwan's)."""
    return FORMAT_LOCALES.get(locale, FORMAT_LOCALES[DEFAULT_LOCALE])


def _as_decimal(value: object) -> Decimal | None:
    """A finite Decimal for a number, or None when the value is missing or not a finite number.

    Floats go through ``repr`` so that 2.675 rounds as the 2.675 the user typed, not as its binary neighbour
    2.67499999….
    """
    if value is None or isinstance(value, bool):
        return None
    try:
        exact = isinstance(value, Decimal | int)
        number = Decimal(value) if exact else Decimal(repr(float(value)))  # type: ignore[arg-type]
    except (TypeError, ValueError, OverflowError, InvalidOperation):
        return None
    return number if number.is_finite() else None


def _round(number: Decimal, digits: int) -> Decimal:
    """Round half away from zero (Babel alone would round half to even: 2.5 → 2), and never return ``-0``."""
    rounded = number.quantize(Decimal(1).scaleb(-max(0, digits)), rounding=ROUND_HALF_UP)
    return abs(rounded) if rounded.is_zero() else rounded


def _format_fixed(number: Decimal, locale: str, digits: int) -> str:
    """Group thousands and show exactly ``digits`` decimals, rounded by :func:`_round`."""
    pattern = "#,##0" + ("." + "0" * digits if digits > 0 else "")
    return _babel_format_decimal(_round(number, digits), format=pattern, locale=formatting_locale(locale))


def format_number(value: object, locale: str, digits: int = 0) -> str:
    """A number with the locale's thousands separator and exactly ``digits`` decimals; ``—`` when missing."""
    number = _as_decimal(value)
    if number is None:
        return MISSING
    return _format_fixed(number, locale, digits)


def tonnes_digits(value: float | Decimal) -> int:
    """How many decimals an emission in tonnes deserves: none from 1000 t, one from 10 t, two from 1 t, then three
    significant digits (at most six decimals, i.e. to the gram).

    Inventories span from millions of tonnes (a city's total) to fractions of a tonne (a small source); a fixed
    number of decimals would either hide the small ones or clutter the large ones.
    """
    magnitude = abs(Decimal(value))
    if magnitude >= 1000:
        return 0
    if magnitude >= 10:
        return 1
    if magnitude >= 1:
        return 2
    if magnitude.is_zero():
        return 0
    leading_zeros = -magnitude.adjusted() - 1  # 0.0123 → adjusted() = -2 → one zero after the point
    return min(leading_zeros + 3, 6)


def format_tonnes(value: object, locale: str) -> str:
    """An emission in tonnes (the unit itself is in the column heading): ``14,852,131``, ``12.5``, ``0.0123``.

    The decimals follow :func:`tonnes_digits` of the *rounded* value, so 999.96 shows as ``1,000``, not
    ``1,000.0``. A value that is not zero but rounds to zero at six decimals shows as ``<0.000001`` (or
    ``>-0.000001``), so that a tiny source is not mistaken for a reported zero.
    """
    number = _as_decimal(value)
    if number is None:
        return MISSING
    digits = tonnes_digits(number)
    rounded = _round(number, digits)
    if rounded.is_zero() and not number.is_zero():
        smallest = _format_fixed(Decimal(1).scaleb(-digits), locale, digits)
        return f">-{smallest}" if number < 0 else f"<{smallest}"
    return _format_fixed(rounded, locale, min(digits, tonnes_digits(rounded)))


def format_percent(value: object, locale: str, digits: int = 1) -> str:
    """A fraction as a percentage: ``0.1234`` → ``12.3%`` (``digits`` decimals); ``—`` when missing."""
    number = _as_decimal(value)
    if number is None:
        return MISSING
    percent = _round(number * 100, digits)
    pattern = "#,##0" + ("." + "0" * digits if digits > 0 else "") + "%"  # Babel multiplies by 100 for "%"
    return _babel_format_decimal(percent / 100, format=pattern, locale=formatting_locale(locale))


def format_date(value: dt.date | dt.datetime | None, locale: str, format: str = "medium") -> str:
    """A calendar date in the locale's words: ``2024年3月5日`` / ``Mar 5, 2024`` (``format`` as in CLDR)."""
    if value is None:
        return MISSING
    return _babel_format_date(value, format=format, locale=formatting_locale(locale))


def format_datetime(
    value: dt.datetime | None, locale: str, format: str = "medium", timezone: dt.tzinfo | None = None
) -> str:
    """Date and time to the minute: ``2024年3月5日 下午2:30`` / ``Mar 5, 2024, 2:30 PM``.

    The date uses ``format`` and the time is always short (seconds are noise on a web page). The value is shown
    in ``timezone`` when given, else in its own time zone; a naive value is shown as it is. We never fall back to
    the server's local zone as Babel would, because the server may run in UTC while the city reads Taipei time.
    """
    if value is None:
        return MISSING
    if timezone is not None and value.tzinfo is not None:
        value = value.astimezone(timezone)
    cldr_locale = Locale.parse(formatting_locale(locale))
    date_text = _babel_format_date(value, format=format, locale=cldr_locale)
    time_text = _babel_format_time(value.replace(tzinfo=dt.UTC), format="short", tzinfo=dt.UTC, locale=cldr_locale)
    pattern = str(cldr_locale.datetime_formats.get(format, "{1} {0}"))
    return pattern.replace("{1}", date_text).replace("{0}", time_text)
