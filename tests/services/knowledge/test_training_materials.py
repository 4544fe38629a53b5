"""Session materials: files of accepted types and sizes, and links; added and removed by the centre only."""

from __future__ import annotations

import pytest
from pydantic import ValidationError
from sqlalchemy import func, select
from tests.services.conftest import World
from tests.services.knowledge.training_fixtures import PAST, courses

from zerocity.services.errors import Forbidden, InvalidRequest, NotAuthenticated, TooLarge
from zerocity.services.knowledge import training, training_materials
from zerocity.services.knowledge.training_materials import MaterialLink, MaterialTitle
from zerocity.store.training_models import TrainingMaterial

__all__ = ["courses"]

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\n%%EOF\n"
TITLE = MaterialTitle(title_zh="講義", title_en="Hand-out")


def _count(world: World) -> int:
    with world.db.read() as session:
        return session.scalar(select(func.count()).select_from(TrainingMaterial)) or 0


def test_the_centre_uploads_a_pdf_and_it_comes_back_byte_for_byte(courses: World) -> None:
    with courses.db.write() as session:
        material_id = training_materials.add_file(session, courses.admin, PAST, TITLE, "C:\\slides\\講義.pdf", PDF).id
    with courses.db.read() as session:
        stored = training_materials.get_material(session, material_id, with_content=True)
        listed = training_materials.list_materials(session, training.get_session(session, PAST))
    assert (stored.filename, stored.content_type, stored.size, stored.content) == (
        "講義.pdf",
        "application/pdf",
        len(PDF),
        PDF,
    )
    assert [m.kind for m in listed] == ["link", "file"]  # the programmes file's link came first


@pytest.mark.parametrize(
    ("filename", "data"),
    [
        ("slides.exe", b"MZ\x90\x00"),
        ("page.html", b"<script>alert(1)</script>"),
        ("slides.pdf", b"<html><script>alert(1)</script></html>"),  # a page renamed .pdf
        ("photo.png", b"\xff\xd8\xff\xe0 a jpeg"),
        ("notes.txt", b"\xff\xfe\x00\x00binary"),
        ("no-extension", PDF),
    ],
)
def test_a_file_of_another_type_than_its_name_says_or_not_accepted_is_refused(
    courses: World, filename: str, data: bytes
) -> None:
    with pytest.raises(InvalidRequest), courses.db.write() as session:
        training_materials.add_file(session, courses.admin, PAST, TITLE, filename, data)
    assert _count(courses) == 1


def test_an_empty_or_oversized_file_is_refused(courses: World) -> None:
    with pytest.raises(InvalidRequest), courses.db.write() as session:
        training_materials.add_file(session, courses.admin, PAST, TITLE, "empty.pdf", b"")
    with pytest.raises(TooLarge), courses.db.write() as session:
        training_materials.add_file(session, courses.admin, PAST, TITLE, "big.pdf", PDF + b"0" * 2000, max_bytes=1000)
    big = PDF + b"0" * training_materials.MAX_MATERIAL_BYTES
    with pytest.raises(TooLarge), courses.db.write() as session:
        training_materials.add_file(session, courses.admin, PAST, TITLE, "big.pdf", big, max_bytes=10**9)
    assert _count(courses) == 1


@pytest.mark.parametrize("role", ["editor", "viewer", "other_editor", "public"])
def test_only_the_centre_adds_and_removes_materials(courses: World, role: str) -> None:
    actor = getattr(courses, role)
    expected = NotAuthenticated if role == "public" else Forbidden
    with pytest.raises(expected), courses.db.write() as session:
        training_materials.add_file(session, actor, PAST, TITLE, "slides.pdf", PDF)
    with pytest.raises(expected), courses.db.write() as session:
        training_materials.add_link(session, actor, PAST, MaterialLink(title_en="x", url="https://example.org"))
    with courses.db.read() as session:
        existing = training_materials.list_materials(session, training.get_session(session, PAST))[0].id
    with pytest.raises(expected), courses.db.write() as session:
        training_materials.delete_material(session, actor, existing)
    assert _count(courses) == 1


def test_the_centre_adds_a_link_and_removes_it(courses: World) -> None:
    with courses.db.write() as session:
        link = training_materials.add_link(
            session, courses.admin, PAST, MaterialLink(title_zh="錄影", url="https://video.example.org/1")
        )
        link_id = link.id
    assert _count(courses) == 2
    with courses.db.write() as session:
        training_materials.delete_material(session, courses.admin, link_id)
    assert _count(courses) == 1


@pytest.mark.parametrize("url", ["javascript:alert(1)", "ftp://example.org/x", "data:text/html,<b>x</b>", ""])
def test_a_link_must_be_a_web_address(url: str) -> None:
    with pytest.raises(ValidationError):
        MaterialLink(title_en="x", url=url)


def test_a_material_needs_a_title_in_one_language() -> None:
    with pytest.raises(ValidationError):
        MaterialTitle(title_zh=" ", title_en="")
