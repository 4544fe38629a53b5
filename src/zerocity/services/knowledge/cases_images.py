"""Pictures of a case: uploaded by the people who may change the case, served from the database.

Only PNG, JPEG and WebP are taken, recognised by their first bytes (the file's name and the browser's content type
are the uploader's claims, not facts), and at most :data:`MAX_IMAGE_BYTES`. The stored content type is the one the
bytes prove, so a file is always served as what it is (with ``nosniff``, browsers keep to it).
"""

from __future__ import annotations

import hashlib
from typing import Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from zerocity.services import audit
from zerocity.services.actor import Actor
from zerocity.services.errors import InvalidRequest, NotFound, TooLarge
from zerocity.services.knowledge import cases
from zerocity.services.knowledge.cases import N_
from zerocity.services.text import check_text, clean_filename
from zerocity.store.hub_models import CaseImage

#: 2 MB: plenty for a photo on a web page; the message below says the same figure.
MAX_IMAGE_BYTES: Final[int] = 2_000_000
MAX_IMAGES_PER_CASE: Final[int] = 20


def sniff_image_type(data: bytes) -> str | None:
    """The image type the bytes prove: PNG signature, JPEG start-of-image marker, or a RIFF container of WebP."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None


def _alt(text: str) -> str:
    try:
        return check_text(text).strip()[:300]
    except ValueError:
        raise InvalidRequest(N_("the image description contains control characters"), field="alt") from None


def add_image(
    session: Session,
    actor: Actor,
    case_id: int,
    filename: str,
    data: bytes,
    *,
    alt_zh: str = "",
    alt_en: str = "",
) -> CaseImage:
    case = cases.get_case(session, actor, case_id, for_update=True).case
    cases.require_edit(actor, case)
    if len(data) > MAX_IMAGE_BYTES:
        raise TooLarge(N_("an image may be at most 2 MB; make it smaller and upload it again"), field="file")
    if not data:
        raise InvalidRequest(N_("the file is empty"), field="file")
    content_type = sniff_image_type(data)
    if content_type is None:
        raise InvalidRequest(N_("upload a PNG, JPEG or WebP image"), field="file")
    count = len(session.scalars(select(CaseImage.id).where(CaseImage.case_id == case.id)).all())
    if count >= MAX_IMAGES_PER_CASE:
        raise InvalidRequest(N_("a case may have at most 20 images"), field="file")
    image = CaseImage(
        case_id=case.id,
        filename=clean_filename(filename) or "image",
        content_type=content_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        content=data,
        alt_zh=_alt(alt_zh),
        alt_en=_alt(alt_en),
        created_by=actor.user_id,
    )
    session.add(image)
    session.flush()
    audit.record(session, actor, entity="case_image", entity_id=image.id, action="create", city_id=case.city_id,
                 new={"case_id": case.id, "filename": image.filename, "content_type": content_type,
                      "size": image.size, "sha256": image.sha256})  # fmt: skip
    return image


def delete_image(session: Session, actor: Actor, image_id: int) -> None:
    image = session.get(CaseImage, image_id)
    if image is None:
        raise NotFound(N_("no such image"), image_id=image_id)
    case = cases.get_case(session, actor, image.case_id, for_update=True).case
    cases.require_edit(actor, case)
    audit.record(session, actor, entity="case_image", entity_id=image.id, action="delete", city_id=case.city_id,
                 old={"case_id": case.id, "filename": image.filename, "sha256": image.sha256})  # fmt: skip
    session.delete(image)
    session.flush()


def images_of(session: Session, case_id: int) -> list[CaseImage]:
    """The case's images, oldest first (without loading their content until it is read)."""
    return list(session.scalars(select(CaseImage).where(CaseImage.case_id == case_id).order_by(CaseImage.id)))


def get_image(session: Session, actor: Actor, image_id: int) -> CaseImage:
    """An image, if its case is visible to this reader (a published version, or drafts they may see)."""
    image = session.get(CaseImage, image_id)
    if image is None:
        raise NotFound(N_("no such image"), image_id=image_id)
    cases.get_case(session, actor, image.case_id)  # NotFound when the case is not visible to the reader
    return image
