"""Deleting training sessions and programmes (``services.knowledge.training``): the centre only; never a session
whose attendance was recorded (its certificates must stay verifiable); a session people are registered for only
when the centre confirms (``force``), their registrations going with it, each in the audit log."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select
from tests.services.conftest import World
from tests.services.knowledge.training_fixtures import (
    FINANCE,
    PAST,
    UPCOMING,
    Ratings,
    after,
    courses,
    mark_attended,
    register_self,
    register_staff,
    registration,
)

from zerocity.services.errors import Conflict, Forbidden, NotAuthenticated, NotFound
from zerocity.services.knowledge import training, training_certificates, training_registrations
from zerocity.store.models import AuditEntry
from zerocity.store.training_models import (
    TrainingMaterial,
    TrainingProgramme,
    TrainingRegistration,
    TrainingSession,
)

__all__ = ["courses"]


def _counts(world: World) -> dict[str, int]:
    with world.db.read() as session:
        return {
            model.__tablename__: session.scalar(select(func.count()).select_from(model)) or 0
            for model in (TrainingProgramme, TrainingSession, TrainingRegistration, TrainingMaterial)
        }


def _audit(world: World, entity: str, action: str = "delete") -> list[AuditEntry]:
    with world.db.read() as session:
        query = select(AuditEntry).where(AuditEntry.entity == entity, AuditEntry.action == action)
        return list(session.scalars(query.order_by(AuditEntry.id)))


def _delete_session(world: World, slug: str, role: str = "admin", **options: Any) -> None:
    with world.db.write() as session:
        training.delete_session(session, getattr(world, role), slug, **options)


def _delete_programme(world: World, slug: str, role: str = "admin", **options: Any) -> None:
    with world.db.write() as session:
        training.delete_programme(session, getattr(world, role), slug, **options)


def test_a_session_nobody_registered_for_is_deleted_with_its_materials(courses: World) -> None:
    before = _counts(courses)
    _delete_session(courses, PAST)  # it has one material link

    after_counts = _counts(courses)
    assert after_counts["training_sessions"] == before["training_sessions"] - 1
    assert after_counts["training_materials"] == before["training_materials"] - 1
    with pytest.raises(NotFound), courses.db.read() as session:
        training.get_session(session, PAST)
    (entry,) = _audit(courses, "training_session")
    assert entry.user_id == courses.admin.user_id and PAST in (entry.old_value or "")
    assert "The GPC standard" in (entry.old_value or "") or "GPC 標準" in (entry.old_value or "")


def test_a_session_people_registered_for_needs_confirmation_and_their_registrations_go_with_it(
    courses: World,
) -> None:
    mine = register_self(courses, courses.viewer, UPCOMING)
    colleague = register_staff(courses, courses.editor, UPCOMING, "王小明", "wang@kaohsiung.example.org")
    before = _counts(courses)

    with pytest.raises(Conflict, match="confirm") as refused:
        _delete_session(courses, UPCOMING)
    assert refused.value.params["registered"] == 2
    assert _counts(courses) == before

    _delete_session(courses, UPCOMING, force=True)
    assert _counts(courses)["training_registrations"] == before["training_registrations"] - 2
    deleted = _audit(courses, "training_registration")
    assert sorted(int(e.entity_id) for e in deleted) == sorted([mine, colleague])
    assert {e.city_id for e in deleted} == {courses.city_id}
    assert all(e.reason == "the session was deleted" for e in deleted)
    assert "wang@kaohsiung.example.org" in " ".join(e.old_value or "" for e in deleted)


def test_cancelled_registrations_alone_need_no_confirmation(courses: World) -> None:
    registration_id = register_self(courses, courses.viewer, UPCOMING)
    with courses.db.write() as session:
        training_registrations.cancel_registration(session, courses.viewer, registration_id)
    _delete_session(courses, UPCOMING)
    with courses.db.read() as session:
        assert session.get(TrainingRegistration, registration_id) is None


@pytest.mark.parametrize("force", [False, True])
def test_a_session_with_recorded_attendance_is_never_deleted_so_its_certificates_stay_verifiable(
    courses: World, force: bool
) -> None:
    came = register_self(courses, courses.editor, PAST)
    mark_attended(courses, PAST, came)
    code = registration(courses, came).certificate_code
    assert code is not None
    before = _counts(courses)

    with pytest.raises(Conflict, match="certificates it gave must stay verifiable"):
        _delete_session(courses, PAST, force=force)

    assert _counts(courses) == before
    with courses.db.read() as session:
        assert training_certificates.verify_certificate(session, code).code == code


def test_a_session_whose_attendance_was_unmarked_but_which_has_feedback_is_kept(courses: World) -> None:
    came = register_self(courses, courses.editor, PAST)
    mark_attended(courses, PAST, came)
    with courses.db.write() as session:
        training_registrations.submit_feedback(session, courses.editor, PAST, Ratings().fields())
    with courses.db.write() as session:
        training_registrations.set_attendance(session, courses.admin, PAST, [], now=after(courses, PAST))
    with pytest.raises(Conflict):
        _delete_session(courses, PAST, force=True)


def test_a_programme_goes_with_all_its_sessions_only_when_each_of_them_may(courses: World) -> None:
    register_self(courses, courses.viewer, UPCOMING)
    came = register_self(courses, courses.editor, PAST)
    mark_attended(courses, PAST, came)
    before = _counts(courses)

    with pytest.raises(Conflict, match="one of its sessions") as refused:
        _delete_programme(courses, "gpc-basics", force=True)
    assert refused.value.params["sessions"] == [PAST]
    assert _counts(courses) == before

    with courses.db.write() as session:  # the attendance was a mistake after all
        training_registrations.set_attendance(session, courses.admin, PAST, [], now=after(courses, PAST))
    with pytest.raises(Conflict, match="confirm"):
        _delete_programme(courses, "gpc-basics")
    _delete_programme(courses, "gpc-basics", force=True)

    assert _counts(courses)["training_programmes"] == before["training_programmes"] - 1
    assert _counts(courses)["training_sessions"] == before["training_sessions"] - 2
    with courses.db.read() as session:
        assert [p.slug for p in training.list_programmes(session)] == ["climate-finance"]
    (entry,) = _audit(courses, "training_programme")
    assert PAST in (entry.old_value or "") and UPCOMING in (entry.old_value or "")
    assert len(_audit(courses, "training_session")) == 2


@pytest.mark.parametrize(
    ("role", "error"),
    [("editor", Forbidden), ("viewer", Forbidden), ("other_editor", Forbidden), ("public", NotAuthenticated)],
)
def test_only_the_centre_deletes_sessions_and_programmes(courses: World, role: str, error: type) -> None:
    before = _counts(courses)
    with pytest.raises(error):
        _delete_session(courses, FINANCE, role, force=True)
    with pytest.raises(error):
        _delete_programme(courses, "climate-finance", role, force=True)
    assert _counts(courses) == before


def test_deleting_an_unknown_session_or_programme_is_not_found(courses: World) -> None:
    with pytest.raises(NotFound):
        _delete_session(courses, "no-such-session")
    with pytest.raises(NotFound):
        _delete_programme(courses, "no-such-programme")
