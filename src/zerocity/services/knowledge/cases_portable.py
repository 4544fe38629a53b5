"""The portable shape of a case, shared by the JSON export, its import and the demo loader's TOML file.

One record per case, keyed by a stable ``slug``; the words per language under ``zh`` and ``en`` (either may be
absent: "translation needed"). Writing a record into the database checks it like an editor's input
(``cases.CaseFields``) and keeps the language versions' statuses as given: content that was reviewed and published
elsewhere (another platform, the demo's authors) lands published, on the word of the administrator or loader who
brings it in, and the audit log says so.

Format version 2 carries the case's images: per image its file name, media type, descriptions, SHA-256 and the bytes
in base64 (``docs/case-export.md``). An imported image passes the checks of an upload (type by its first bytes,
2 MB, 20 per case) and its bytes must match its SHA-256, so an export truncated or edited by hand cannot slip in a
different picture. Version 1 files (no images) still import.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Annotated, Any, Final, Literal
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field, StringConstraints
from sqlalchemy import select
from sqlalchemy.orm import Session

from zerocity.core.errors import ZeroCityError
from zerocity.services.actor import Actor
from zerocity.services.knowledge import cases, cases_images
from zerocity.services.knowledge.cases import CaseFields, CaseLink, CaseResult, VersionText
from zerocity.services.text import check_text
from zerocity.store.hub_models import Case, CaseImage, CaseVersion
from zerocity.store.models import City

#: Dates without a time (the demo file's ``published_at = 2026-03-15``) are noon in Taiwan, the centre's time zone,
#: so they fall in the same calendar month wherever the digest is read.
CENTRE_TIMEZONE = ZoneInfo("Asia/Taipei")
SLUG = r"^[a-z0-9][a-z0-9-]{0,99}$"
#: The version this code writes, and those it reads (1: without images).
FORMAT_VERSION: Final = 2
READABLE_FORMAT_VERSIONS: Final = (1, 2)
_SHA256 = re.compile(r"^[0-9a-f]{64}$")


class PortableImage(BaseModel):
    """A picture of the case. The fields are plain text here, so that every problem with an image is reported by
    :func:`image_problems` with the case and the image it concerns, not as a bare schema error."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    filename: str = ""
    media_type: str = ""
    alt_zh: str = ""
    alt_en: str = ""
    size: int | None = Field(default=None, description="Bytes; informational (the content decides).")
    sha256: str = ""
    content_base64: str = ""


class PortableVersion(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    status: Literal["draft", "in_review", "published"] = "published"
    title: str
    summary: str = ""
    body: str = ""
    published_at: dt.datetime | dt.date | None = None


class PortableCase(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    slug: Annotated[str, StringConstraints(pattern=SLUG)]
    city_zh: str = ""
    city_en: str = ""
    city_slug: str | None = None
    country: str
    year: int | None = None
    themes: list[str] = Field(default_factory=list)
    gpc_sectors: list[str] = Field(default_factory=list)
    action_templates: list[str] = Field(default_factory=list)
    published_at: dt.datetime | dt.date | None = None
    sample: bool = False
    zh: PortableVersion | None = None
    en: PortableVersion | None = None
    results: list[dict[str, Any]] = Field(default_factory=list)
    links: list[dict[str, Any]] = Field(default_factory=list)
    images: list[PortableImage] = Field(default_factory=list)
    url: str = Field(default="", description="Where the case was published; informational.")


def as_datetime(value: dt.datetime | dt.date | None) -> dt.datetime | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
    return dt.datetime(value.year, value.month, value.day, 12, tzinfo=CENTRE_TIMEZONE).astimezone(dt.UTC)


def checked_fields(session: Session, record: PortableCase) -> tuple[CaseFields, dict[str, VersionText]]:
    """The record as an editor's input, checked by the same rules (raises pydantic's ValidationError)."""
    city_id = None
    if record.city_slug:
        city_id = session.scalar(select(City.id).where(City.slug == record.city_slug))
    fields = CaseFields(
        city_id=city_id,
        city_name_zh=record.city_zh,
        city_name_en=record.city_en,
        country=record.country,
        year=record.year,
        themes=record.themes,
        gpc_sectors=record.gpc_sectors,
        action_templates=record.action_templates,
        results=[CaseResult.model_validate(r) for r in record.results],
        links=[CaseLink.model_validate(link) for link in record.links],
    )
    versions = {
        lang: VersionText(title=v.title, summary=v.summary, body=v.body)
        for lang, v in (("zh_Hant", record.zh), ("en", record.en))
        if v is not None
    }
    return fields, versions


# -- images ---------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ImageProblem:
    """What is wrong with one image of a record; ``position`` counts from 1 in the record's ``images``."""

    position: int
    reason: str

    def describe(self, slug: str) -> str:
        return f"case {slug}, image {self.position}: {self.reason}"


class BadImage(ZeroCityError):
    """An image of a record that the upload checks refused while the record was written (see :func:`insert`)."""

    code = "invalid_request"

    def __init__(self, problem: ImageProblem) -> None:
        super().__init__(problem.reason, position=problem.position)
        self.problem = problem


def _decoded(image: PortableImage) -> bytes | str:
    """The image's bytes, or why they cannot be had."""
    try:
        data = base64.b64decode(image.content_base64, validate=True)
    except (binascii.Error, ValueError):
        return "content_base64 is not base64"
    if not data:
        return "the image is empty"
    return data


def _problem(image: PortableImage) -> str | None:
    """The first rule of an upload (or of the format) this image breaks, if any."""
    if not image.filename:
        return "the file name is missing"
    for text in (image.filename, image.alt_zh, image.alt_en):
        try:
            check_text(text)
        except ValueError:
            return "the file name or a description contains control characters"
    if len(image.alt_zh) > 300 or len(image.alt_en) > 300:
        return "a description is longer than 300 characters"
    if not _SHA256.match(image.sha256):
        return "sha256 must be 64 lower-case hexadecimal digits"
    if len(image.content_base64) > (cases_images.MAX_IMAGE_BYTES + 2) // 3 * 4 + 4:
        return "an image may be at most 2 MB"
    data = _decoded(image)
    if isinstance(data, str):
        return data
    if len(data) > cases_images.MAX_IMAGE_BYTES:
        return "an image may be at most 2 MB"
    sniffed = cases_images.sniff_image_type(data)
    if sniffed is None:
        return "not a PNG, JPEG or WebP image (judged by its first bytes)"
    if image.media_type != sniffed:
        return f"the bytes are {sniffed}, not the {image.media_type or 'missing'} media type given"
    if hashlib.sha256(data).hexdigest() != image.sha256:
        return "the bytes do not match their sha256: the file was changed or cut short"
    return None


def image_problems(record: PortableCase) -> list[ImageProblem]:
    """Every image of the record that an upload would refuse, or whose bytes do not match its SHA-256."""
    problems = [
        ImageProblem(position, reason)
        for position, image in enumerate(record.images, start=1)
        if (reason := _problem(image)) is not None
    ]
    if len(record.images) > cases_images.MAX_IMAGES_PER_CASE:
        problems.append(ImageProblem(cases_images.MAX_IMAGES_PER_CASE + 1, "a case may have at most 20 images"))
    return problems


def _add_images(session: Session, actor: Actor, case: Case, record: PortableCase) -> None:
    """Store the record's images through the upload's own function, so the same checks (and audit) apply."""
    problems = image_problems(record)
    if problems:
        raise BadImage(problems[0])
    for position, image in enumerate(record.images, start=1):
        data = base64.b64decode(image.content_base64, validate=True)
        try:
            cases_images.add_image(session, actor, case.id, image.filename, data, alt_zh=image.alt_zh,
                                   alt_en=image.alt_en)  # fmt: skip
        except ZeroCityError as exc:
            raise BadImage(ImageProblem(position, exc.message)) from None


def export_image(image: CaseImage) -> dict[str, Any]:
    return {
        "filename": image.filename,
        "media_type": image.content_type,
        "alt_zh": image.alt_zh,
        "alt_en": image.alt_en,
        "size": image.size,
        "sha256": image.sha256,
        "content_base64": base64.b64encode(image.content).decode("ascii"),
    }


# -- records --------------------------------------------------------------------------------------------------------
def insert(session: Session, actor: Actor, record: PortableCase, *, sample: bool) -> Case:
    """Create the case of a portable record, with each version in the status the record gives, and its images
    (:class:`BadImage` when one is refused; the caller's transaction then lands nothing)."""
    fields, texts = checked_fields(session, record)
    case = cases.create_case(session, actor, fields, texts, slug=record.slug, sample=sample)
    stored = cases.versions_of(session, case.id)
    for lang, given in (("zh_Hant", record.zh), ("en", record.en)):
        if given is None:
            continue
        version: CaseVersion = stored[lang]
        if given.status == "published":
            when = as_datetime(given.published_at) or as_datetime(record.published_at)
            cases.publish_as_system(session, case, version, when)
        elif given.status == "in_review":
            version.status = "in_review"
    first = as_datetime(record.published_at)
    if first is not None and case.first_published_at is not None:
        case.first_published_at = first
    _add_images(session, actor, case, record)
    cases.reindex(session, case)
    return case


def export_record(
    case: Case,
    versions: dict[str, CaseVersion],
    city_slug: str | None,
    url: str,
    images: Sequence[CaseImage] = (),
) -> dict[str, Any]:
    """A published case as a portable record (published versions only), with its images."""

    def version(lang: str) -> dict[str, Any] | None:
        found = versions.get(lang)
        if found is None:
            return None
        published = found.published_at.isoformat() if found.published_at else None
        return {"status": "published", "title": found.title, "summary": found.summary, "body": found.body,
                "published_at": published}  # fmt: skip

    return {
        "slug": case.slug or f"case-{case.id}",
        "city_zh": case.city_name_zh,
        "city_en": case.city_name_en,
        "city_slug": city_slug,
        "country": case.country,
        "year": case.year,
        "themes": list(case.themes),
        "gpc_sectors": list(case.gpc_sectors),
        "action_templates": list(case.action_templates),
        "published_at": case.first_published_at.isoformat() if case.first_published_at else None,
        "sample": case.sample,
        "zh": version("zh_Hant"),
        "en": version("en"),
        "results": list(case.results),
        "links": list(case.links),
        "images": [export_image(image) for image in images],
        "url": url,
    }
