"""Materials of a training session: uploaded files (slides, hand-outs) and links. Centre administrators add and
remove them; everyone may read them, as they read the programme.

Uploads are limited in size (:data:`MAX_MATERIAL_BYTES`, or the site's upload limit when lower) and in type: the
extension must be one of :data:`FILE_TYPES` and the first bytes must be what that type starts with, so a page or a
script renamed ``slides.pdf`` is refused. The file is then served back with the type of its extension only,
as an attachment, behind the site-wide ``X-Content-Type-Options: nosniff``.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Annotated, Final

from pydantic import BaseModel, ConfigDict, Field, model_validator
from sqlalchemy import select
from sqlalchemy.orm import Session, undefer

from zerocity.services import audit
from zerocity.services.actor import Actor
from zerocity.services.errors import InvalidRequest, NotFound, TooLarge
from zerocity.services.knowledge.training import N_, WebUrl, get_session
from zerocity.services.text import Text, clean_filename
from zerocity.store.training_models import TrainingMaterial, TrainingSession

MAX_MATERIAL_BYTES: Final[int] = 10 * 1024 * 1024


@dataclass(frozen=True)
class FileType:
    content_type: str
    #: What a genuine file of this type starts with (empty: checked as text instead).
    magic: tuple[bytes, ...]


_ZIP = (b"PK\x03\x04",)  # Office Open XML files are zip archives
FILE_TYPES: Final[dict[str, FileType]] = {
    ".pdf": FileType("application/pdf", (b"%PDF-",)),
    ".pptx": FileType("application/vnd.openxmlformats-officedocument.presentationml.presentation", _ZIP),
    ".docx": FileType("application/vnd.openxmlformats-officedocument.wordprocessingml.document", _ZIP),
    ".xlsx": FileType("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", _ZIP),
    ".odp": FileType("application/vnd.oasis.opendocument.presentation", _ZIP),
    ".odt": FileType("application/vnd.oasis.opendocument.text", _ZIP),
    ".png": FileType("image/png", (b"\x89PNG\r\n\x1a\n",)),
    ".jpg": FileType("image/jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": FileType("image/jpeg", (b"\xff\xd8\xff",)),
    ".txt": FileType("text/plain; charset=utf-8", ()),
    ".csv": FileType("text/csv; charset=utf-8", ()),
}

NO_MATERIAL = N_("no such material")
NO_FILE = N_("choose a file to upload")
EMPTY_FILE = N_("the file is empty")
TOO_LARGE = N_("the file is larger than the limit for training materials")
BAD_TYPE = N_("this type of file is not accepted: use PDF, Office, OpenDocument, PNG, JPEG, text or CSV")
NOT_THAT_TYPE = N_("the file's content does not match its extension")
NO_TITLE = N_("give the material a title in Chinese or in English")


class MaterialTitle(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid", str_strip_whitespace=True)

    title_zh: Text = Field(default="", max_length=300)
    title_en: Text = Field(default="", max_length=300)

    @model_validator(mode="after")
    def _titled(self) -> MaterialTitle:
        if not (self.title_zh or self.title_en):
            raise ValueError(NO_TITLE)
        return self


class MaterialLink(MaterialTitle):
    url: Annotated[WebUrl, Field(min_length=1)]


def list_materials(session: Session, training_session: TrainingSession) -> list[TrainingMaterial]:
    query = select(TrainingMaterial).where(TrainingMaterial.session_id == training_session.id)
    return list(session.scalars(query.order_by(TrainingMaterial.id)))


def file_type(filename: str, data: bytes) -> FileType:
    """The accepted type of an upload, checked by extension and content; refuses anything else."""
    match = re.search(r"\.[A-Za-z0-9]+$", filename)
    kind = FILE_TYPES.get(match.group(0).lower()) if match else None
    if kind is None:
        raise InvalidRequest(BAD_TYPE, field="file")
    if kind.magic:
        if not data.startswith(kind.magic):
            raise InvalidRequest(NOT_THAT_TYPE, field="file")
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise InvalidRequest(NOT_THAT_TYPE, field="file") from None
        if "\x00" in text:
            raise InvalidRequest(NOT_THAT_TYPE, field="file")
    return kind


def add_file(
    session: Session,
    actor: Actor,
    session_slug: str,
    title: MaterialTitle,
    filename: str,
    data: bytes,
    *,
    max_bytes: int = MAX_MATERIAL_BYTES,
) -> TrainingMaterial:
    actor.require_admin()
    training_session = get_session(session, session_slug)
    name = clean_filename(filename)
    if not name:
        raise InvalidRequest(NO_FILE, field="file")
    if len(data) > min(max_bytes, MAX_MATERIAL_BYTES):
        raise TooLarge(TOO_LARGE, limit=min(max_bytes, MAX_MATERIAL_BYTES))
    if not data:
        raise InvalidRequest(EMPTY_FILE, field="file")
    kind = file_type(name, data)
    material = TrainingMaterial(
        session_id=training_session.id,
        kind="file",
        title_zh=title.title_zh,
        title_en=title.title_en,
        filename=name,
        content_type=kind.content_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        content=data,
        created_by=actor.user_id,
    )
    session.add(material)
    session.flush()
    audit.record(session, actor, entity="training_material", entity_id=material.id, action="upload",
                 new={"session": training_session.slug, "filename": name, "size": len(data)})  # fmt: skip
    return material


def add_link(session: Session, actor: Actor, session_slug: str, link: MaterialLink) -> TrainingMaterial:
    actor.require_admin()
    training_session = get_session(session, session_slug)
    material = TrainingMaterial(
        session_id=training_session.id,
        kind="link",
        title_zh=link.title_zh,
        title_en=link.title_en,
        url=link.url,
        created_by=actor.user_id,
    )
    session.add(material)
    session.flush()
    audit.record(session, actor, entity="training_material", entity_id=material.id, action="link",
                 new={"session": training_session.slug, "url": link.url})  # fmt: skip
    return material


def get_material(session: Session, material_id: int, *, with_content: bool = False) -> TrainingMaterial:
    query = select(TrainingMaterial).where(TrainingMaterial.id == material_id)
    if with_content:
        query = query.options(undefer(TrainingMaterial.content))
    material = session.scalar(query)
    if material is None:
        raise NotFound(NO_MATERIAL, material_id=material_id)
    return material


def delete_material(session: Session, actor: Actor, material_id: int) -> TrainingSession:
    """Removes a material; returns its session (the page to go back to)."""
    actor.require_admin()
    material = get_material(session, material_id)
    training_session = session.get(TrainingSession, material.session_id)
    if training_session is None:
        raise NotFound(NO_MATERIAL, material_id=material_id)
    audit.record(session, actor, entity="training_material", entity_id=material.id, action="delete",
                 old={"filename": material.filename, "url": material.url})  # fmt: skip
    session.delete(material)
    return training_session
