"""Pictures of a case: only real PNG, JPEG or WebP files (judged by their bytes, not their names), not too large,
added by the people who may change the case, and shown only where the case itself may be read."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from tests.services.knowledge.cases_fixtures import Hub, hub

from zerocity.services.errors import Forbidden, InvalidRequest, NotFound, TooLarge
from zerocity.services.knowledge import cases_images
from zerocity.services.knowledge.cases_images import MAX_IMAGE_BYTES, sniff_image_type
from zerocity.store.hub_models import CaseImage

__all__ = ["hub"]

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 100
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 100
WEBP = b"RIFF\x24\x00\x00\x00WEBPVP8 " + b"\x00" * 100


@pytest.mark.parametrize(("data", "content_type"), [(PNG, "image/png"), (JPEG, "image/jpeg"), (WEBP, "image/webp")])
def test_the_type_comes_from_the_first_bytes(data: bytes, content_type: str) -> None:
    assert sniff_image_type(data) == content_type


@pytest.mark.parametrize(
    "data",
    [
        b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>",
        b"GIF89a\x01\x00",
        b"RIFF\x00\x00\x00\x00WAVE",
        b"%PDF-1.7",
        b"",
        b"\x89PN",
    ],
)
def test_anything_else_is_not_an_image_we_take(data: bytes) -> None:
    assert sniff_image_type(data) is None


def _add(hub: Hub, case_id: int, filename: str, data: bytes, role: str = "editor") -> CaseImage:
    with hub.world.db.write() as session:
        return cases_images.add_image(session, hub.actor(role), case_id, filename, data, alt_en="A bus", alt_zh="公車")


def _count(hub: Hub) -> int:
    with hub.world.db.read() as session:
        return session.scalar(select(func.count()).select_from(CaseImage)) or 0


def test_an_editor_adds_a_png_kept_with_the_type_its_bytes_prove(hub: Hub) -> None:
    case_id = hub.new_case()
    image = _add(hub, case_id, "../../bus photo.JPG", PNG)
    assert (image.content_type, image.size, image.filename) == ("image/png", len(PNG), "bus photo.JPG")
    assert (image.alt_en, image.alt_zh) == ("A bus", "公車")


def test_a_file_with_an_image_name_but_other_content_is_refused(hub: Hub) -> None:
    case_id = hub.new_case()
    with pytest.raises(InvalidRequest, match="PNG, JPEG or WebP"):
        _add(hub, case_id, "photo.png", b"<html><script>alert(1)</script></html>")
    assert _count(hub) == 0


def test_an_image_over_the_limit_is_refused_with_a_message_naming_the_limit(hub: Hub) -> None:
    case_id = hub.new_case()
    with pytest.raises(TooLarge, match="2 MB"):
        _add(hub, case_id, "big.png", PNG + b"\x00" * MAX_IMAGE_BYTES)
    assert _count(hub) == 0


def test_an_empty_file_is_refused(hub: Hub) -> None:
    with pytest.raises(InvalidRequest):
        _add(hub, hub.new_case(), "empty.png", b"")


def test_another_citys_editor_may_not_add_or_delete_images(hub: Hub) -> None:
    case_id = hub.new_case()
    hub.publish(case_id)
    with pytest.raises(Forbidden):
        _add(hub, case_id, "a.png", PNG, role="other_editor")
    image_id = _add(hub, case_id, "a.png", PNG).id
    with pytest.raises(Forbidden), hub.world.db.write() as session:
        cases_images.delete_image(session, hub.world.other_editor, image_id)
    with hub.world.db.write() as session:
        cases_images.delete_image(session, hub.world.editor, image_id)
    assert _count(hub) == 0


def test_the_images_of_an_unpublished_case_are_hidden_from_the_public_until_it_is_published(hub: Hub) -> None:
    case_id = hub.new_case()
    image_id = _add(hub, case_id, "a.webp", WEBP).id
    with pytest.raises(NotFound), hub.world.db.read() as session:
        cases_images.get_image(session, hub.world.public, image_id)
    hub.publish(case_id)
    with hub.world.db.read() as session:
        image = cases_images.get_image(session, hub.world.public, image_id)
        assert (image.content, image.content_type) == (WEBP, "image/webp")
        assert [i.id for i in cases_images.images_of(session, case_id)] == [image_id]


def test_an_unknown_image_is_not_found(hub: Hub) -> None:
    with pytest.raises(NotFound), hub.world.db.read() as session:
        cases_images.get_image(session, hub.world.admin, 999)
