"""Keeping a city's network profile (src/zerocity/services/knowledge/network_profiles.py): who may change it, its
checks, the audit log and stale edits, on SQLite and PostgreSQL (the ``world`` of tests/services/conftest.py)."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError
from sqlalchemy import select
from tests.services.conftest import World

from zerocity.services.errors import Conflict, Forbidden, NotAuthenticated, NotFound
from zerocity.services.knowledge.network_profiles import ProfileFields, get_profile, set_profile
from zerocity.store.models import AuditEntry

FIELDS: dict[str, Any] = {
    "climate_zone": "Aw",
    "climate_year": 2016,
    "climate_source": "Beck et al. 2018",
    "coastal": True,
    "primary_share": 0.01,
    "secondary_share": 0.44,
    "tertiary_share": 0.55,
    "structure_year": 2019,
    "structure_source": "city statistics",
}


def test_a_city_editor_sets_the_profile_and_its_creation_is_audited(world: World) -> None:
    with world.db.write() as session:
        profile = set_profile(session, world.editor, world.slug, ProfileFields(**FIELDS))
        assert profile.version == 1
    with world.db.read() as session:
        stored = get_profile(session, world.city_id)
        entries = session.scalars(select(AuditEntry).where(AuditEntry.entity == "city_profile")).all()

    assert stored is not None
    assert (stored.climate_zone, stored.coastal, stored.secondary_share) == ("Aw", True, 0.44)
    assert stored.updated_by == world.editor.user_id
    (entry,) = entries
    assert (entry.action, entry.user_id, entry.city_id) == ("create", world.editor.user_id, world.city_id)
    assert entry.new_value is not None and '"climate_zone": "Aw"' in entry.new_value


def test_a_second_save_audits_only_what_changed_and_moves_the_version(world: World) -> None:
    with world.db.write() as session:
        set_profile(session, world.admin, world.slug, ProfileFields(**FIELDS))
    with world.db.write() as session:
        profile = set_profile(
            session, world.admin, world.slug, ProfileFields(**{**FIELDS, "climate_zone": "Cwa"}), expected_version=1
        )
        assert profile.version == 2
    with world.db.read() as session:
        changes = session.scalars(
            select(AuditEntry.field).where(AuditEntry.entity == "city_profile").order_by(AuditEntry.id)
        ).all()
    assert changes == ["", "climate_zone"]


def test_a_stale_version_is_refused_and_nothing_changes(world: World) -> None:
    with world.db.write() as session:
        set_profile(session, world.editor, world.slug, ProfileFields(**FIELDS))
    with pytest.raises(Conflict), world.db.write() as session:
        set_profile(session, world.editor, world.slug, ProfileFields(climate_zone="Dfb"), expected_version=0)
    with world.db.read() as session:
        stored = get_profile(session, world.city_id)
        assert stored is not None and stored.climate_zone == "Aw"


@pytest.mark.parametrize(("who", "error"), [("other_editor", Forbidden), ("viewer", Forbidden),
                                            ("public", NotAuthenticated)])  # fmt: skip
def test_only_the_citys_editors_and_administrators_may_change_it(
    world: World, who: str, error: type[Exception]
) -> None:
    with pytest.raises(error), world.db.write() as session:
        set_profile(session, getattr(world, who), world.slug, ProfileFields(**FIELDS))
    with world.db.read() as session:
        assert get_profile(session, world.city_id) is None


def test_an_unknown_city_is_not_found(world: World) -> None:
    with pytest.raises(NotFound), world.db.write() as session:
        set_profile(session, world.admin, "atlantis", ProfileFields())


@pytest.mark.parametrize(
    "bad",
    [
        {"climate_zone": "Zz"},
        {"climate_zone": "Cwab"},
        {"secondary_share": 1.5},
        {"primary_share": 0.5, "secondary_share": 0.6},
        {"primary_share": 0.1, "secondary_share": 0.1, "tertiary_share": 0.1},
        {"climate_source": "a\x00b"},
        {"coastal": "yes"},
        {"elevation_m": 12},
    ],
)
def test_a_profile_that_cannot_be_right_is_refused(bad: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        ProfileFields(**bad)
