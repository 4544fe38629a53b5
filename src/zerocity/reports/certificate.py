"""A certificate of attendance of a training session, as an A4 PDF in the participant's language.

WeasyPrint lays out ``templates/certificate.html``. Chinese text is set in "Noto Sans CJK TC" (Debian's
``fonts-noto-cjk``), whose used glyphs WeasyPrint embeds as a subset, so the PDF shows and copies 證書 on any
machine. Nothing is fetched: the page has no external resource, and :class:`LocalOnlyFetcher` refuses every URL
that is not a ``data:`` URL or a file inside this package, so a name typed as ``<img src=http://…>`` (escaped
anyway) or a future template change can never make the server reach out to the network.

The words of the certificate are English msgids translated through the web catalogue (``zerocity.web.i18n``, which
is Babel only), so the certificate and the pages say the same thing; dates and times are written in the reader's
locale, in Taiwan's time zone.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Final
from urllib.parse import unquote, urlparse
from zoneinfo import ZoneInfo

import jinja2
from weasyprint import HTML  # type: ignore[import-untyped]
from weasyprint.urls import URLFetcher  # type: ignore[import-untyped]

from zerocity.web.i18n import format_date, format_datetime, format_number, gettext

TEMPLATES: Final[Path] = Path(__file__).resolve().parent / "templates"
PACKAGE_ROOT: Final[Path] = Path(__file__).resolve().parent.parent
TIMEZONE: Final[ZoneInfo] = ZoneInfo("Asia/Taipei")
#: The family the stylesheet asks for; Debian's fonts-noto-cjk provides it (README, system packages).
CJK_FONT_FAMILY: Final[str] = "Noto Sans CJK TC"
LOCALES: Final[tuple[str, ...]] = ("zh_Hant", "en")


def N_(message: str) -> str:
    """Marks a msgid for the catalogue; translated when the certificate is drawn."""
    return message


#: Every sentence of the certificate (msgids; %(name)s placeholders filled after translation).
TEXT: Final[dict[str, str]] = {
    "title": N_("Certificate of attendance"),
    "certifies": N_("This certifies that"),
    "of_city": N_("of %(city)s"),
    "attended": N_("attended the training programme"),
    "session": N_("Session"),
    "dates": N_("Date and time"),
    "hours": N_("Hours of training"),
    "hours_value": N_("%(hours)s hours"),
    "trainers": N_("Trainers"),
    "issued": N_("Issued on %(date)s by the ZeroCity capacity centre"),
    "code": N_("Verification code"),
    "verify": N_("Check this certificate at %(url)s"),
    "sample": N_("Sample certificate from the demonstration data: not a real record."),
    "timezone": N_("Times in Taiwan time (UTC+8)"),
}


@dataclass(frozen=True)
class Certificate:
    """What a certificate states; built by ``services.knowledge.training_certificates``."""

    code: str
    participant: str
    city_zh: str
    city_en: str
    programme_zh: str
    programme_en: str
    session_zh: str
    session_en: str
    starts_at: datetime
    ends_at: datetime
    hours: float
    trainers: tuple[str, ...]
    issued_on: datetime
    sample: bool = False


class LocalOnlyFetcher(URLFetcher):  # type: ignore[misc]
    """WeasyPrint's fetcher, restricted to ``data:`` URLs and files inside the zerocity package."""

    def fetch(self, url: str, headers: Any = None) -> Any:
        parsed = urlparse(url)
        if parsed.scheme == "data":
            return super().fetch(url, headers)
        if parsed.scheme == "file" and not parsed.netloc:
            path = Path(unquote(parsed.path)).resolve()
            if path.is_relative_to(PACKAGE_ROOT):
                return super().fetch(url, headers)
        raise ValueError(f"the certificate may not load {url!r}: only files of the application are allowed")


def hour_digits(hours: float) -> int:
    """7 hours, 7.5 hours, 7.25 hours: as many decimals as a quarter-hour length needs."""
    for digits in (0, 1):
        if round(hours, digits) == hours:
            return digits
    return 2


def _localized(zh: str, en: str, locale: str) -> str:
    return (zh or en) if locale == "zh_Hant" else (en or zh)


@functools.cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )


def _period(certificate: Certificate, locale: str) -> str:
    """``2026年9月15日 上午9:30 – 下午4:30`` for one day; both ends in full when the session spans days."""
    starts, ends = certificate.starts_at.astimezone(TIMEZONE), certificate.ends_at.astimezone(TIMEZONE)
    start_text = format_datetime(starts, locale, format="long", timezone=TIMEZONE)
    if starts.date() == ends.date():
        end_text = format_datetime(ends, locale, format="long", timezone=TIMEZONE)
        day = format_date(starts, locale, format="long")
        return f"{start_text} – {end_text.removeprefix(day).strip(' ,')}"
    return f"{start_text} – {format_datetime(ends, locale, format='long', timezone=TIMEZONE)}"


def certificate_html(certificate: Certificate, locale: str, verify_url: str) -> str:
    """The certificate as an HTML page (what the PDF is made from; also handy to look at in a test)."""
    if locale not in LOCALES:
        locale = LOCALES[0]
    words = {key: gettext(msgid, locale) for key, msgid in TEXT.items()}
    hours = format_number(certificate.hours, locale, digits=hour_digits(certificate.hours))
    city = _localized(certificate.city_zh, certificate.city_en, locale)
    context = {
        "lang": "zh-Hant-TW" if locale == "zh_Hant" else "en",
        "font_family": CJK_FONT_FAMILY,
        "words": words,
        "certificate": certificate,
        "city_line": words["of_city"] % {"city": city},
        "programme": _localized(certificate.programme_zh, certificate.programme_en, locale),
        "session": _localized(certificate.session_zh, certificate.session_en, locale),
        "period": _period(certificate, locale),
        "hours": words["hours_value"] % {"hours": hours},
        "issued": words["issued"] % {"date": format_date(certificate.issued_on.astimezone(TIMEZONE), locale, "long")},
        "verify": words["verify"] % {"url": verify_url},
    }
    return _environment().get_template("certificate.html").render(context)


def certificate_pdf(certificate: Certificate, locale: str, verify_url: str) -> bytes:
    """The certificate as PDF bytes (A4 landscape, fonts embedded, nothing fetched)."""
    html = certificate_html(certificate, locale, verify_url)
    document = HTML(string=html, base_url=str(TEMPLATES) + "/", url_fetcher=LocalOnlyFetcher())
    pdf: bytes = document.write_pdf()
    return pdf
