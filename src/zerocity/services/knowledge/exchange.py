"""Getting cases and news out of ZeroCity and back in: the monthly digest e-mail, the Atom feed, and the portable
export of published cases (JSON and CSV) with its all-or-nothing import.

Everything here is public content only: published language versions of cases and published news items.

* Digest: the cases first published in a calendar month (Taiwan time), as an e-mail body in HTML and plain text.
  E-mail clients drop style sheets, and our pages' CSP forbids inline styles, so the HTML uses only old-fashioned
  attributes (``bgcolor``, ``width``) and plain tags: it looks right in a mail client and in the browser alike.
* Atom (RFC 4287): one entry per published language version (``xml:lang`` says which), or one language with
  ``lang``; news items as entries too. Built with ElementTree, so every text is escaped.
* Export: JSON in the portable shape of ``cases_portable`` (importable again, images included), and CSV in UTF-8
  with a BOM, one row per case (images only counted), so Excel in Taiwan opens it; text that a spreadsheet would
  run as a formula is quoted. The format is described in ``docs/case-export.md``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final
from xml.etree import ElementTree as ET

from babel.dates import format_skeleton
from markupsafe import Markup
from pydantic import BaseModel, ConfigDict, ValidationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from zerocity.core.errors import InputErrors, InputIssue
from zerocity.services import audit
from zerocity.services.actor import Actor
from zerocity.services.errors import Conflict, InvalidRequest
from zerocity.services.knowledge import cases, cases_images, cases_vocab, news
from zerocity.services.knowledge.cases import N_
from zerocity.services.knowledge.cases_portable import (
    CENTRE_TIMEZONE,
    FORMAT_VERSION,
    READABLE_FORMAT_VERSIONS,
    BadImage,
    PortableCase,
    export_record,
    image_problems,
    insert,
)
from zerocity.services.knowledge.markdown import markdown_to_text, render_markdown
from zerocity.store.hub_models import Case, CaseImage, CaseVersion
from zerocity.store.models import City
from zerocity.web.i18n import HTML_LANG, formatting_locale, gettext, ngettext

ATOM_NS: Final = "http://www.w3.org/2005/Atom"
XML_LANG: Final = "{http://www.w3.org/XML/1998/namespace}lang"
EXPORT_FORMAT: Final = "zerocity-cases"
EXPORT_FORMAT_VERSION: Final = FORMAT_VERSION
MAX_IMPORT_CASES: Final = 5000
#: Text that a spreadsheet would run as a formula if a cell began with it (CSV injection).
_FORMULA_START: Final = ("=", "+", "-", "@", "\t", "\r")


def _published(session: Session) -> list[tuple[Case, dict[str, CaseVersion]]]:
    """Every case with a published version, newest first publication first."""
    rows = session.scalars(
        select(Case).where(Case.first_published_at.is_not(None)).order_by(Case.first_published_at.desc(), Case.id)
    ).all()
    found = cases.published_cases(session, [c.id for c in rows])
    return [found[c.id] for c in rows if c.id in found]


# -- digest --------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class DigestEntry:
    title: str
    summary: str
    url: str
    lang: str  # the language of title and summary
    city: str
    country: str
    year: int | None
    themes: tuple[str, ...]  # theme names in the reader's language
    translation_needed: bool


@dataclass(frozen=True)
class Digest:
    year: int
    month: int
    locale: str
    subject: str
    html: str
    text: str
    entries: tuple[DigestEntry, ...]


def month_bounds(year: int, month: int) -> tuple[dt.datetime, dt.datetime]:
    """The month as a UTC interval, its days counted in the centre's time zone."""
    if not (1900 <= year <= 2100 and 1 <= month <= 12):
        raise InvalidRequest(N_("the month must be written as YYYY-MM"), field="month")
    start = dt.datetime(year, month, 1, tzinfo=CENTRE_TIMEZONE)
    end = dt.datetime(year + month // 12, month % 12 + 1, 1, tzinfo=CENTRE_TIMEZONE)
    return start.astimezone(dt.UTC), end.astimezone(dt.UTC)


def digest_entries(session: Session, year: int, month: int, locale: str, base_url: str) -> list[DigestEntry]:
    start, end = month_bounds(year, month)
    rows = session.scalars(
        select(Case)
        .where(Case.first_published_at >= start, Case.first_published_at < end)
        .order_by(Case.first_published_at, Case.id)
    ).all()
    published = cases.published_cases(session, [c.id for c in rows])
    entries = []
    for case in rows:
        if case.id not in published:
            continue
        versions = published[case.id][1]
        chosen = cases.choose_version(versions, locale)
        assert chosen is not None
        entries.append(
            DigestEntry(
                title=chosen.title,
                summary=chosen.summary,
                url=f"{base_url}/cases/{case.id}",
                lang=chosen.lang,
                city=cases.display_city(case, locale),
                country=cases_vocab.country_name(case.country, locale),
                year=case.year,
                themes=tuple(cases_vocab.theme_name(t, locale) for t in case.themes),
                translation_needed=chosen.lang != locale,
            )
        )
    return entries


def monthly_digest(session: Session, year: int, month: int, locale: str, base_url: str) -> Digest:
    """Subject, HTML body and plain-text body of the digest of cases first published in that month."""
    base_url = base_url.rstrip("/")
    entries = digest_entries(session, year, month, locale, base_url)
    month_name = format_skeleton("yMMMM", dt.date(year, month, 1), locale=formatting_locale(locale))
    subject = gettext(N_("ZeroCity best practices: %(month)s"), locale) % {"month": month_name}
    return Digest(
        year=year,
        month=month,
        locale=locale,
        subject=subject,
        html=_digest_html(subject, month_name, entries, locale, base_url),
        text=_digest_text(subject, month_name, entries, locale, base_url),
        entries=tuple(entries),
    )


def _count_line(count: int, month_name: str, locale: str) -> str:
    if not count:
        return gettext(N_("No new cases were published in %(month)s."), locale) % {"month": month_name}
    return ngettext(
        "%(num)s new case was published in %(month)s.",
        "%(num)s new cases were published in %(month)s.",
        count,
        locale,
    ) % {"num": count, "month": month_name}


def _facts(entry: DigestEntry, locale: str) -> str:
    themes = ("、" if locale == "zh_Hant" else ", ").join(entry.themes)
    parts = [entry.city, entry.country, str(entry.year) if entry.year else "", themes]
    return " · ".join(p for p in parts if p)


def _digest_html(subject: str, month_name: str, entries: Sequence[DigestEntry], locale: str, base_url: str) -> str:
    untranslated = gettext(N_("Not yet translated into your language; shown in the original."), locale)
    rows = []
    for entry in entries:
        note = Markup('<p><font color="#8a5a00" size="2">{}</font></p>').format(untranslated)
        rows.append(
            Markup(
                '<tr><td bgcolor="#ffffff"><h2 lang="{lang}"><a href="{url}">{title}</a></h2>'
                '<p><font color="#555555" size="2">{facts}</font></p><p lang="{lang}">{summary}</p>{note}</td></tr>'
            ).format(
                lang=HTML_LANG.get(entry.lang, "en"),
                url=entry.url,
                title=entry.title,
                facts=_facts(entry, locale),
                summary=entry.summary,
                note=note if entry.translation_needed else "",
            )
        )
    footer = gettext(N_("All best practices: %(url)s"), locale) % {"url": f"{base_url}/cases"}
    return str(
        Markup(
            '<!doctype html>\n<html lang="{html_lang}"><head><meta charset="utf-8"><title>{subject}</title></head>'
            '<body bgcolor="#eef3ef"><table role="presentation" width="100%" cellpadding="0" cellspacing="0" '
            'bgcolor="#eef3ef"><tr><td align="center"><table role="presentation" width="600" cellpadding="16" '
            'cellspacing="0" bgcolor="#ffffff"><tr><td bgcolor="#1f6f4a"><font color="#ffffff" size="5"><b>'
            'ZeroCity</b></font><br><font color="#ffffff">{subject}</font></td></tr><tr><td><p>{intro}</p></td></tr>'
            '{rows}<tr><td bgcolor="#f4f6f4"><font color="#555555" size="2"><a href="{cases_url}">{footer}</a>'
            "</font></td></tr></table></td></tr></table></body></html>\n"
        ).format(
            html_lang=HTML_LANG.get(locale, "en"),
            subject=subject,
            intro=_count_line(len(entries), month_name, locale),
            rows=Markup("").join(rows),
            cases_url=f"{base_url}/cases",
            footer=footer,
        )
    )


def _digest_text(subject: str, month_name: str, entries: Sequence[DigestEntry], locale: str, base_url: str) -> str:
    lines = [subject, "=" * 40, "", _count_line(len(entries), month_name, locale), ""]
    for entry in entries:
        lines += [entry.title, _facts(entry, locale)]
        if entry.summary:
            lines.append(entry.summary)
        if entry.translation_needed:
            lines.append(gettext(N_("Not yet translated into your language; shown in the original."), locale))
        lines += [entry.url, ""]
    lines.append(gettext(N_("All best practices: %(url)s"), locale) % {"url": f"{base_url}/cases"})
    return "\n".join(lines) + "\n"


# -- Atom feed -----------------------------------------------------------------------------------------------------
def _iso(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _add(parent: ET.Element, tag: str, text: str | None = None, **attributes: str) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ATOM_NS}}}{tag}", attributes)
    if text is not None:
        element.text = text
    return element


@dataclass(frozen=True)
class _FeedEntry:
    entry_id: str
    lang: str
    title: str
    url: str
    updated: dt.datetime
    published: dt.datetime | None
    summary: str
    content_html: str
    categories: tuple[str, ...]
    author: str


def _case_entries(session: Session, base_url: str, lang: str | None) -> list[_FeedEntry]:
    entries = []
    for case, versions in _published(session):
        for version in versions.values():
            if lang is not None and version.lang != lang:
                continue
            url = f"{base_url}/cases/{case.id}?lang={version.lang}"
            entries.append(
                _FeedEntry(
                    entry_id=url,
                    lang=version.lang,
                    title=version.title,
                    url=url,
                    updated=max(d for d in (version.updated_at, version.published_at) if d is not None),
                    published=version.published_at,
                    summary=version.summary,
                    content_html=render_markdown(version.body),
                    categories=tuple(case.themes),
                    author=cases.display_city(case, version.lang) or "ZeroCity",
                )
            )
    return entries


def _news_entries(session: Session, base_url: str, lang: str | None) -> list[_FeedEntry]:
    entries = []
    for item in news.published_news(session):
        for item_lang, title, body in (("zh_Hant", item.title_zh, item.body_zh), ("en", item.title_en, item.body_en)):
            if not title or (lang is not None and item_lang != lang):
                continue
            url = f"{base_url}/news/{item.id}?lang={item_lang}"
            published = item.published_at or item.created_at
            entries.append(
                _FeedEntry(
                    entry_id=url,
                    lang=item_lang,
                    title=title,
                    url=url,
                    updated=max(item.updated_at, published),
                    published=published,
                    summary=markdown_to_text(body)[:500],
                    content_html=render_markdown(body),
                    categories=(item.kind,),
                    author="ZeroCity",
                )
            )
    return entries


def atom_feed(session: Session, base_url: str, lang: str | None = None, *, limit: int = 100) -> bytes:
    """The Atom document of published cases and news, newest first (``lang``: one language's versions only)."""
    if lang is not None and lang not in cases_vocab.LANGS:
        raise InvalidRequest(N_("the language must be zh_Hant or en"), field="lang")
    base_url = base_url.rstrip("/")
    entries = _case_entries(session, base_url, lang) + _news_entries(session, base_url, lang)
    entries.sort(key=lambda e: (e.published or e.updated, e.entry_id), reverse=True)
    entries = entries[:limit]
    ET.register_namespace("", ATOM_NS)
    locale = lang or "zh_Hant"
    feed = ET.Element(f"{{{ATOM_NS}}}feed", {XML_LANG: HTML_LANG[locale]} if lang else {})
    self_url = f"{base_url}/feed.atom" + (f"?lang={lang}" if lang else "")
    _add(feed, "id", self_url)
    _add(feed, "title", gettext(N_("ZeroCity: best practices and news"), locale))
    updated = max((e.updated for e in entries), default=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    _add(feed, "updated", _iso(updated))
    _add(feed, "link", rel="self", type="application/atom+xml", href=self_url)
    _add(feed, "link", rel="alternate", type="text/html", href=f"{base_url}/cases")
    author = _add(feed, "author")
    _add(author, "name", "ZeroCity")
    for entry in entries:
        element = _add(feed, "entry", **{XML_LANG: HTML_LANG[entry.lang]})
        _add(element, "id", entry.entry_id)
        _add(element, "title", entry.title)
        _add(element, "link", rel="alternate", type="text/html", href=entry.url, hreflang=HTML_LANG[entry.lang])
        _add(element, "updated", _iso(entry.updated))
        if entry.published is not None:
            _add(element, "published", _iso(entry.published))
        entry_author = _add(element, "author")
        _add(entry_author, "name", entry.author)
        for term in entry.categories:
            _add(element, "category", term=term)
        if entry.summary:
            _add(element, "summary", entry.summary, type="text")
        if entry.content_html:
            _add(element, "content", entry.content_html, type="html")
    return bytes(ET.tostring(feed, encoding="utf-8", xml_declaration=True))


# -- export --------------------------------------------------------------------------------------------------------
def export_records(session: Session, base_url: str, *, images: bool = True) -> list[dict[str, Any]]:
    """Every published case in the portable shape; ``images=False`` leaves the images out (the CSV only counts
    them, and encoding every image in base64 for that would cost the whole library's size)."""
    base_url = base_url.rstrip("/")
    slugs: dict[int, str] = {row.id: row.slug for row in session.execute(select(City.id, City.slug))}
    return [
        export_record(case, versions, slugs.get(case.city_id) if case.city_id else None, f"{base_url}/cases/{case.id}",
                      cases_images.images_of(session, case.id) if images else [])
        for case, versions in _published(session)
    ]  # fmt: skip


def _image_counts(session: Session) -> dict[str, int]:
    """Images per case, by case slug."""
    statement = select(Case.slug, func.count()).join(CaseImage, CaseImage.case_id == Case.id).group_by(Case.slug)
    return {slug: count for slug, count in session.execute(statement).tuples()}


def export_json(session: Session, base_url: str, *, now: dt.datetime | None = None) -> bytes:
    document = {
        "format": EXPORT_FORMAT,
        "format_version": EXPORT_FORMAT_VERSION,
        "exported_at": _iso(now or dt.datetime.now(dt.UTC)),
        "source": base_url.rstrip("/"),
        "cases": export_records(session, base_url),
    }
    return json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8")


CSV_COLUMNS: Final = (
    "slug", "url", "title_zh", "title_en", "summary_zh", "summary_en", "city_zh", "city_en", "city_slug", "country",
    "year", "themes", "gpc_sectors", "action_templates", "tco2e_avoided_per_year", "results", "links",
    "first_published_at", "translation_needed", "sample", "body_zh", "body_en", "image_count",
)  # fmt: skip


def _cell(value: object) -> object:
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def export_csv(session: Session, base_url: str) -> bytes:
    """One row per published case; lists joined with "; ", results and links as JSON in their cells."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    image_counts = _image_counts(session)
    for record in export_records(session, base_url, images=False):
        zh, en = record["zh"] or {}, record["en"] or {}
        avoided = [
            r["value"]
            for r in record["results"]
            if r.get("kind") == "tco2e_avoided_per_year" and r.get("value") is not None
        ]
        row = {
            "slug": record["slug"],
            "url": record["url"],
            "title_zh": zh.get("title", ""),
            "title_en": en.get("title", ""),
            "summary_zh": zh.get("summary", ""),
            "summary_en": en.get("summary", ""),
            "city_zh": record["city_zh"],
            "city_en": record["city_en"],
            "city_slug": record["city_slug"] or "",
            "country": record["country"],
            "year": record["year"] if record["year"] is not None else "",
            "themes": "; ".join(record["themes"]),
            "gpc_sectors": "; ".join(record["gpc_sectors"]),
            "action_templates": "; ".join(record["action_templates"]),
            "tco2e_avoided_per_year": sum(avoided) if avoided else "",
            "results": json.dumps(record["results"], ensure_ascii=False) if record["results"] else "",
            "links": json.dumps(record["links"], ensure_ascii=False) if record["links"] else "",
            "first_published_at": record["published_at"] or "",
            "translation_needed": "; ".join(lang for lang, v in (("zh_Hant", zh), ("en", en)) if not v),
            "sample": "true" if record["sample"] else "false",
            "body_zh": zh.get("body", ""),
            "body_en": en.get("body", ""),
            "image_count": image_counts.get(record["slug"], 0),
        }
        writer.writerow({key: _cell(value) for key, value in row.items()})
    return out.getvalue().encode("utf-8-sig")


# -- import --------------------------------------------------------------------------------------------------------
class _ExportDocument(BaseModel):
    model_config = ConfigDict(extra="ignore")

    format: str
    format_version: int
    cases: list[dict[str, Any]]


@dataclass(frozen=True)
class ImportReport:
    created: tuple[str, ...]  # slugs


def _issue(row: int, column: str, reason: str) -> InputIssue:
    return InputIssue(file="cases.json", row=row, column=column, reason=reason, code="invalid_case")


def import_json(session: Session, actor: Actor, data: bytes) -> ImportReport:
    """Import an export file (centre administrators only): every case lands, or none does.

    Problems are all reported at once (``InputErrors``: the case's position in the file as the row, the field as
    the column). A slug that already exists here is a problem too: an import never overwrites a case.
    """
    actor.require_admin()
    try:
        document = _ExportDocument.model_validate(json.loads(data.decode("utf-8-sig")))
    except (UnicodeDecodeError, ValueError, ValidationError):
        raise InvalidRequest(N_("this is not a ZeroCity case export (JSON)"), field="file") from None
    if document.format != EXPORT_FORMAT or document.format_version not in READABLE_FORMAT_VERSIONS:
        raise InvalidRequest(N_("this is not a ZeroCity case export (JSON)"), field="file")
    if len(document.cases) > MAX_IMPORT_CASES:
        raise InvalidRequest(N_("an import may hold at most 5000 cases"), field="file")
    issues: list[InputIssue] = []
    records: list[PortableCase] = []
    for position, raw in enumerate(document.cases, start=1):
        try:
            record = PortableCase.model_validate(raw)
        except ValidationError as exc:
            issues += [_issue(position, ".".join(map(str, e["loc"])), e["msg"]) for e in exc.errors()[:20]]
            continue
        issues += [_issue(position, "images", problem.describe(record.slug)) for problem in image_problems(record)]
        records.append(record)
    seen: set[str] = set()
    for position, record in enumerate(records, start=1):
        if record.slug in seen:
            issues.append(_issue(position, "slug", f"the slug {record.slug} appears twice in the file"))
        seen.add(record.slug)
    existing = {slug for slug in session.scalars(select(Case.slug).where(Case.slug.in_(list(seen)))) if slug}
    issues += [_issue(0, "slug", f"a case with the slug {slug} already exists") for slug in sorted(existing)]
    if issues:
        raise InputErrors(issues)
    created = []
    for position, record in enumerate(records, start=1):
        try:
            insert(session, actor, record, sample=record.sample)
        except ValidationError as exc:
            issues += [_issue(position, ".".join(map(str, e["loc"])), e["msg"]) for e in exc.errors()[:20]]
            continue
        except BadImage as exc:
            issues.append(_issue(position, "images", exc.problem.describe(record.slug)))
            continue
        created.append(record.slug)
    if issues:
        raise InputErrors(issues)  # the caller's transaction rolls back: nothing lands
    audit.record(session, actor, entity="case", entity_id="import", action="import", new={"created": created})
    if not created:
        raise Conflict(N_("the file holds no cases"))
    return ImportReport(created=tuple(created))
