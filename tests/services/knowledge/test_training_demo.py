"""The training part of the demo: the bundled programmes file, and sample registrations, attendance and answers
for sessions already over, all marked as sample and written once."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select
from tests.services.conftest import World
from tests.services.knowledge.training_fixtures import FINANCE, PAST, courses

from zerocity.core.datafiles import read_bundled_csv
from zerocity.services.knowledge import training, training_demo
from zerocity.store.models import Membership, User, utcnow
from zerocity.store.training_models import TrainingFeedback, TrainingProgramme, TrainingRegistration, TrainingSession

__all__ = ["courses"]


def _snapshot(world: World) -> list[tuple[object, ...]]:
    with world.db.read() as session:
        rows = session.execute(
            select(TrainingRegistration.session_id, TrainingRegistration.email, TrainingRegistration.attended)
            .order_by(TrainingRegistration.id)
        ).all()  # fmt: skip
        answers = session.scalar(select(func.count()).select_from(TrainingFeedback))
    return [tuple(r) for r in rows] + [("answers", answers)]


def test_past_sessions_get_sample_participants_who_attend_and_answer_and_upcoming_ones_stay_empty(
    courses: World,
) -> None:
    training_demo.load_sample_activity(courses.db, now=utcnow())
    with courses.db.read() as session:
        by_session = dict(
            session.execute(
                select(TrainingSession.slug, func.count(TrainingRegistration.id))
                .join(TrainingRegistration, TrainingRegistration.session_id == TrainingSession.id)
                .group_by(TrainingSession.slug)
            ).all()
        )
        registrations = list(session.scalars(select(TrainingRegistration)))
        answers = list(session.scalars(select(TrainingFeedback)))
    assert set(by_session) == {PAST, FINANCE}
    assert by_session[PAST] <= 3  # its capacity
    assert all(r.sample for r in registrations) and all(a.sample for a in answers)
    sample_emails = {row["email"] for row in read_bundled_csv(training_demo.PARTICIPANTS_FILE)}
    assert {r.email for r in registrations} <= sample_emails
    attended = {r.id for r in registrations if r.attended}
    assert attended and all(r.certificate_code for r in registrations if r.attended)
    assert answers and {a.registration_id for a in answers} <= attended
    assert all(1 <= a.content_rating <= 5 for a in answers)


def test_loading_the_sample_activity_twice_writes_the_same_once(courses: World) -> None:
    training_demo.load_sample_activity(courses.db, now=utcnow())
    first = _snapshot(courses)
    training_demo.load_sample_activity(courses.db, now=utcnow())
    assert _snapshot(courses) == first


def test_the_draws_are_the_same_on_every_fresh_load(world: World) -> None:
    """Seeded by the session's slug: two fresh demo databases hold the same sample figures."""
    from tests.services.knowledge.training_fixtures import load_courses

    load_courses(world)
    training_demo.load_sample_activity(world.db, now=utcnow())
    first = _snapshot(world)
    with world.db.write() as session:
        session.query(TrainingFeedback).delete()
        session.query(TrainingRegistration).delete()
    training_demo.load_sample_activity(world.db, now=utcnow())
    assert _snapshot(world)[-1] == first[-1]
    assert [row[1:] for row in _snapshot(world)[:-1]] == [row[1:] for row in first[:-1]]


def test_the_bundled_programmes_file_loads_three_bilingual_programmes_with_sessions(world: World) -> None:
    data = training_demo.read_programmes()
    assert data is not None and data["meta"]["sample"] is True
    created = training_demo.load_programmes(world.db, data)
    with world.db.read() as session:
        programmes = list(session.scalars(select(TrainingProgramme)))
        sessions = list(session.scalars(select(TrainingSession)))
        upcoming = training.upcoming_sessions(session)
    assert created == len(programmes) >= 3
    assert all(p.title_zh and p.title_en and p.sample and p.topics for p in programmes)
    assert any(s.ends_at < utcnow() for s in sessions), "the demo needs past sessions for the dashboard"
    assert upcoming, "the demo needs sessions open for registration"
    assert training_demo.load_programmes(world.db, data) == 0


def test_a_demo_account_registers_for_the_first_upcoming_session_once(world: World) -> None:
    """Tainan's demo editor takes a seat in the first upcoming session; a second load must not take another."""
    from tests.services.knowledge.training_fixtures import UPCOMING, load_courses

    load_courses(world)
    later = utcnow() + timedelta(days=90)
    with world.db.write() as session:
        training.create_session(session, world.admin, "climate-finance", training.NewSession(
            slug="finance-later", starts_at=later, ends_at=later + timedelta(hours=3),
            online_url="https://meet.example.org/later", capacity=9, language="en",
        ))  # fmt: skip
        session.add(User(email="editor@tainan.demo", display_name="臺南承辦人", password_hash="x"))
        session.flush()
        user = session.scalar(select(User).where(User.email == "editor@tainan.demo"))
        assert user is not None
        session.add(Membership(user_id=user.id, city_id=world.other_city_id, role="editor"))
    for _ in range(2):
        training_demo.load_sample_activity(world.db, now=utcnow())
    with world.db.read() as session:
        upcoming = session.execute(
            select(TrainingSession.slug, TrainingRegistration.email)
            .join(TrainingRegistration, TrainingRegistration.session_id == TrainingSession.id)
            .where(TrainingSession.starts_at > utcnow())
        ).all()
    assert [tuple(row) for row in upcoming] == [(UPCOMING, "editor@tainan.demo")]
