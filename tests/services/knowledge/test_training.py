"""Training programmes and sessions: reading them, and keeping them (centre administrators only)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from pydantic import ValidationError
from tests.services.conftest import World
from tests.services.knowledge.training_fixtures import FINANCE, PAST, UPCOMING, courses, register_self

from zerocity.services.actor import Actor
from zerocity.services.errors import Conflict, Forbidden, NotAuthenticated, NotFound
from zerocity.services.knowledge import training
from zerocity.store.training_models import TrainingMaterial

__all__ = ["courses"]


def _new_programme(slug: str = "heat-adaptation", **changes: object) -> training.NewProgramme:
    values: dict[str, object] = {
        "slug": slug,
        "level": "advanced",
        "language": "bilingual",
        "title_zh": "熱調適",
        "title_en": "Heat adaptation",
        "topics": ("adaptation",),
    }
    return training.NewProgramme(**(values | changes))


def _new_session(slug: str = "heat-2027", **changes: object) -> training.NewSession:
    values: dict[str, object] = {
        "slug": slug,
        "starts_at": training.local_datetime("2027-05-04", "09:00"),
        "ends_at": training.local_datetime("2027-05-04", "12:00"),
        "place_zh": "臺中市政府",
        "capacity": 20,
        "language": "zh_Hant",
        "trainers": ("王老師",),
    }
    return training.NewSession(**(values | changes))


# -- reading --------------------------------------------------------------------------------------------------------
def test_the_demo_format_file_loads_programmes_sessions_and_material_links(courses: World) -> None:
    with courses.db.read() as session:
        programmes = training.list_programmes(session)
        basics = training.get_programme(session, "gpc-basics")
        sessions = training.programme_sessions(session, basics.id)
        past = training.get_session(session, PAST)
        links = session.query(TrainingMaterial).filter_by(session_id=past.id).all()
    assert [p.slug for p in programmes] == ["climate-finance", "gpc-basics"]  # by English title
    assert basics.topics == ["net_zero", "energy_governance"] and basics.sample
    assert [s.slug for s in sessions] == [PAST, UPCOMING]
    assert past.starts_at == datetime(2026, 3, 10, 1, 30, tzinfo=UTC)  # 09:30 in Taipei
    assert past.trainers == ["林老師", "Dr. Chen"]
    assert [(m.kind, m.url) for m in links] == [("link", "https://ghgprotocol.org/ghg-protocol-cities")]


def test_loading_the_same_file_again_adds_nothing(courses: World) -> None:
    from tests.services.knowledge.training_fixtures import load_courses

    load_courses(courses)
    with courses.db.read() as session:
        assert len(training.list_programmes(session)) == 2
        assert len(training.upcoming_sessions(session, now=datetime(2000, 1, 1, tzinfo=UTC))) == 3


def test_upcoming_sessions_leave_out_those_that_ended(courses: World) -> None:
    with courses.db.read() as session:
        upcoming = training.upcoming_sessions(session)
    assert [s.slug for s in upcoming] == [UPCOMING]


def test_an_unknown_programme_or_session_is_not_found(courses: World) -> None:
    with pytest.raises(NotFound), courses.db.read() as session:
        training.get_programme(session, "nope")
    with pytest.raises(NotFound), courses.db.read() as session:
        training.get_session(session, "nope")


def test_a_session_lasts_as_many_hours_as_its_times_say(courses: World) -> None:
    with courses.db.read() as session:
        assert training.session_hours(training.get_session(session, PAST)) == 7.0
        assert training.session_hours(training.get_session(session, FINANCE)) == 3.5


def test_form_times_are_read_in_taiwan_time_whatever_the_servers_zone() -> None:
    moment = training.local_datetime("2026-09-15", "09:30")
    assert moment.astimezone(UTC) == datetime(2026, 9, 15, 1, 30, tzinfo=UTC)


def test_texts_fall_back_to_the_other_language_when_one_is_missing() -> None:
    assert training.localized("中文", "", "en") == "中文"
    assert training.localized("", "English", "zh_Hant") == "English"
    assert training.localized("中文", "English", "en") == "English"


# -- keeping programmes and sessions --------------------------------------------------------------------------------
@pytest.mark.parametrize("role", ["editor", "viewer", "other_editor", "public"])
def test_only_the_centre_creates_programmes_and_sessions(courses: World, role: str) -> None:
    actor: Actor = getattr(courses, role)
    expected = NotAuthenticated if role == "public" else Forbidden
    with pytest.raises(expected), courses.db.write() as session:
        training.create_programme(session, actor, _new_programme())
    with pytest.raises(expected), courses.db.write() as session:
        training.create_session(session, actor, "gpc-basics", _new_session())
    with pytest.raises(expected), courses.db.write() as session:
        training.update_session(session, actor, PAST, _new_session().model_copy())
    with pytest.raises(expected), courses.db.write() as session:
        fields = training.ProgrammeFields(**_new_programme().model_dump(exclude={"slug"}))
        training.update_programme(session, actor, "gpc-basics", fields)
    with courses.db.read() as session:
        assert [p.slug for p in training.list_programmes(session)] == ["climate-finance", "gpc-basics"]
        assert training.get_programme(session, "gpc-basics").version == 1
        assert training.get_session(session, PAST).capacity == 3


def test_the_centre_creates_a_programme_and_a_session_and_edits_them(courses: World) -> None:
    with courses.db.write() as session:
        training.create_programme(session, courses.admin, _new_programme())
        training.create_session(session, courses.admin, "heat-adaptation", _new_session())
    with courses.db.write() as session:
        fields = training.ProgrammeFields(**_new_programme(title_en="Heat and health").model_dump(exclude={"slug"}))
        training.update_programme(session, courses.admin, "heat-adaptation", fields, expected_version=1)
        changed = _new_session(capacity=25).model_dump(exclude={"slug"})
        training.update_session(session, courses.admin, "heat-2027", training.SessionFields(**changed))
    with courses.db.read() as session:
        programme = training.get_programme(session, "heat-adaptation")
        created = training.get_session(session, "heat-2027")
    assert (programme.title_en, programme.version, programme.topics) == ("Heat and health", 2, ["adaptation"])
    assert (created.capacity, created.version, created.trainers) == (25, 2, ["王老師"])


def test_an_edit_based_on_a_stale_version_is_refused(courses: World) -> None:
    fields = training.ProgrammeFields(**_new_programme().model_dump(exclude={"slug"}))
    with pytest.raises(Conflict), courses.db.write() as session:
        training.update_programme(session, courses.admin, "gpc-basics", fields, expected_version=7)


@pytest.mark.parametrize("slug", ["gpc-basics", PAST, "dashboard", "my", "new", "edit"])
def test_a_short_name_already_used_or_reserved_for_a_page_is_refused(courses: World, slug: str) -> None:
    with pytest.raises(Conflict), courses.db.write() as session:
        training.create_programme(session, courses.admin, _new_programme(slug=slug))


def test_the_capacity_cannot_drop_below_the_people_already_registered(courses: World) -> None:
    register_self(courses, courses.editor, UPCOMING)
    register_self(courses, courses.other_editor, UPCOMING)
    with courses.db.read() as session:
        current = training.get_session(session, UPCOMING)
    fields = training.SessionFields(
        starts_at=current.starts_at, ends_at=current.ends_at, place_zh="臺南", capacity=1, language="zh_Hant"
    )
    with pytest.raises(Conflict), courses.db.write() as session:
        training.update_session(session, courses.admin, UPCOMING, fields)


@pytest.mark.parametrize(
    "changes",
    [
        {"topics": ()},
        {"topics": ("not_a_theme",)},
        {"title_zh": "", "title_en": ""},
        {"slug": "Has Spaces"},
        {"level": "expert"},
        {"title_zh": "控制\x00字元"},
    ],
)
def test_a_programme_with_bad_fields_is_refused_before_anything_is_saved(changes: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        _new_programme(**changes)


@pytest.mark.parametrize(
    "changes",
    [
        {"ends_at": training.local_datetime("2027-05-04", "08:00")},  # ends before it starts
        {"ends_at": training.local_datetime("2027-06-04", "08:00")},  # a month long
        {"starts_at": datetime(2027, 5, 4, 9, 0)},  # no time zone
        {"place_zh": "", "online_url": ""},  # neither place nor link
        {"online_url": "javascript:alert(1)"},
        {"capacity": 0},
        {"capacity": 10_001},
    ],
)
def test_a_session_with_bad_fields_is_refused(changes: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        _new_session(**changes)


def test_an_online_session_needs_no_place() -> None:
    fields = _new_session(place_zh="", online_url="https://meet.example.org/x")
    assert fields.online_url == "https://meet.example.org/x"
    assert fields.ends_at - fields.starts_at == timedelta(hours=3)
