"""Registering for training sessions, cancelling, attendance and feedback: the rules and who may do what.

Roles in the two-city world: the centre's administrator, Kaohsiung's editor and viewer, Tainan's editor, and the
public. Every write is tried by every role; a refused write must leave the registrations as they were.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import timedelta

import pytest
from pydantic import ValidationError
from sqlalchemy import func, select
from tests.services.conftest import World
from tests.services.knowledge.training_fixtures import (
    FINANCE,
    PAST,
    UPCOMING,
    Ratings,
    after,
    before,
    courses,
    mark_attended,
    register_self,
    register_staff,
    registration,
    session_row,
)

from zerocity.core.errors import ZeroCityError
from zerocity.services.actor import Actor
from zerocity.services.errors import Conflict, Forbidden, InvalidRequest, NotAuthenticated, NotFound
from zerocity.services.knowledge import training, training_registrations
from zerocity.store.db import Database
from zerocity.store.models import AuditEntry
from zerocity.store.training_models import TrainingFeedback, TrainingRegistration, TrainingSession

__all__ = ["courses"]

ROLES = ("admin", "editor", "viewer", "other_editor", "public")


def _rows(world: World) -> list[tuple[object, ...]]:
    """Every registration and answer, to compare before and after a refused write."""
    with world.db.read() as session:
        registrations = session.execute(
            select(
                TrainingRegistration.id, TrainingRegistration.email, TrainingRegistration.status,
                TrainingRegistration.attended, TrainingRegistration.certificate_code,
            ).order_by(TrainingRegistration.id)
        ).all()  # fmt: skip
        answers = session.execute(select(TrainingFeedback.id, TrainingFeedback.registration_id)).all()
    return [tuple(r) for r in registrations] + [tuple(a) for a in answers]


# -- registering yourself ---------------------------------------------------------------------------------------------
def test_a_city_member_registers_themselves_for_their_city(courses: World) -> None:
    registration_id = register_self(courses, courses.viewer, UPCOMING, locale="en")
    saved = registration(courses, registration_id)
    assert (saved.city_id, saved.email, saved.name, saved.status) == (
        courses.city_id,
        "viewer@kaohsiung.example.org",
        "viewer",
        "registered",
    )
    assert saved.locale == "en" and saved.user_id == courses.viewer.user_id and not saved.attended
    with courses.db.read() as session:
        logged = session.scalar(select(AuditEntry).where(AuditEntry.entity == "training_registration"))
    assert logged is not None and logged.action == "register" and logged.city_id == courses.city_id


@pytest.mark.parametrize("role", ["admin", "public"])
def test_someone_without_a_city_membership_cannot_register_themselves(courses: World, role: str) -> None:
    expected = NotAuthenticated if role == "public" else Forbidden
    with pytest.raises(expected):
        register_self(courses, getattr(courses, role), UPCOMING)
    assert _rows(courses) == []


def test_a_member_cannot_register_themselves_for_another_city(courses: World) -> None:
    with pytest.raises(Forbidden):
        register_self(courses, courses.editor, UPCOMING, city_slug="tainan")


def test_a_member_of_several_cities_must_say_which(courses: World) -> None:
    both = Actor(user_id=courses.editor.user_id, email=courses.editor.email,
                 roles={courses.city_id: "editor", courses.other_city_id: "viewer"})  # fmt: skip
    with pytest.raises(InvalidRequest):
        register_self(courses, both, UPCOMING)
    registration_id = register_self(courses, both, UPCOMING, city_slug="tainan")
    assert registration(courses, registration_id).city_id == courses.other_city_id


def test_registering_twice_is_refused_with_a_clear_message(courses: World) -> None:
    register_self(courses, courses.editor, UPCOMING)
    with pytest.raises(Conflict, match="already registered"):
        register_self(courses, courses.editor, UPCOMING)


def test_registration_closes_when_the_session_starts(courses: World) -> None:
    starts = session_row(courses, UPCOMING).starts_at
    with pytest.raises(Conflict, match="closed"):
        register_self(courses, courses.editor, UPCOMING, now=starts)
    with pytest.raises(Conflict, match="closed"):
        register_self(courses, courses.editor, PAST, now=None)


# -- registering staff ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("role", "allowed"),
    [("admin", True), ("editor", True), ("viewer", False), ("other_editor", False), ("public", False)],
)
def test_staff_of_kaohsiung_are_registered_only_by_its_editor_or_the_centre(
    courses: World, role: str, allowed: bool
) -> None:
    actor: Actor = getattr(courses, role)
    if allowed:
        registration_id = register_staff(courses, actor, UPCOMING, "王小明", "Wang.XM@Kaohsiung.example.org")
        saved = registration(courses, registration_id)
        assert (saved.name, saved.email, saved.city_id, saved.user_id) == (
            "王小明",
            "wang.xm@kaohsiung.example.org",
            courses.city_id,
            None,
        )
        assert saved.registered_by == actor.user_id
    else:
        with pytest.raises(NotAuthenticated if role == "public" else Forbidden):
            register_staff(courses, actor, UPCOMING, "王小明", "wang.xm@kaohsiung.example.org")
        assert _rows(courses) == []


def test_staff_registered_by_e_mail_of_an_account_see_it_as_their_own(courses: World) -> None:
    registration_id = register_staff(courses, courses.editor, UPCOMING, "Viewer", "VIEWER@kaohsiung.example.org")
    assert registration(courses, registration_id).user_id == courses.viewer.user_id
    with courses.db.read() as session:
        mine = training_registrations.my_registrations(session, courses.viewer)
    assert [view.registration.id for view in mine] == [registration_id]


@pytest.mark.parametrize("email", ["not-an-address", "two@@example.org", "space in@example.org", "a@b"])
def test_staff_with_a_bad_e_mail_address_are_refused(courses: World, email: str) -> None:
    with pytest.raises(InvalidRequest):
        register_staff(courses, courses.editor, UPCOMING, "王小明", email)


def test_staff_without_a_name_are_refused() -> None:
    with pytest.raises(ValidationError):
        training_registrations.StaffRegistration(city="kaohsiung", name="  ", email="a@example.org")


# -- capacity -------------------------------------------------------------------------------------------------------
def test_a_registration_beyond_capacity_is_refused_and_a_cancelled_seat_can_be_taken_again(courses: World) -> None:
    first = register_staff(courses, courses.editor, UPCOMING, "陳一", "one@kaohsiung.example.org")
    register_staff(courses, courses.other_editor, UPCOMING, "陳二", "two@tainan.example.org", city="tainan")
    with pytest.raises(Conflict, match="full") as refused:
        register_self(courses, courses.viewer, UPCOMING)
    assert refused.value.params["capacity"] == 2
    with courses.db.write() as session:
        training_registrations.cancel_registration(session, courses.editor, first, now=before(courses, UPCOMING))
    assert register_self(courses, courses.viewer, UPCOMING)
    with courses.db.read() as session:
        assert training.seats(session, session_row(courses, UPCOMING)).full


def _race(db: Database, attempts: list[Callable[[], object]]) -> list[BaseException | None]:
    """Runs the attempts at the same moment (a barrier releases them together); returns each one's error."""
    barrier = threading.Barrier(len(attempts))
    outcomes: list[BaseException | None] = [None] * len(attempts)

    def run(index: int) -> None:
        barrier.wait()
        try:
            attempts[index]()
        except BaseException as exc:  # reported to the main thread
            outcomes[index] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(attempts))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    return outcomes


def test_people_registering_at_the_same_moment_never_exceed_the_capacity(courses: World) -> None:
    """Six people for two seats, all at once: exactly two get in, four are told the session is full."""
    moment = before(courses, UPCOMING)
    attempts = [
        (lambda n=n: register_staff(courses, courses.admin, UPCOMING, f"員工{n}", f"staff{n}@example.org", now=moment))
        for n in range(6)
    ]
    outcomes = _race(courses.db, attempts)
    assert sorted(type(o).__name__ for o in outcomes) == ["Conflict"] * 4 + ["NoneType"] * 2
    assert all(isinstance(o, Conflict) and "full" in o.message for o in outcomes if o is not None)
    with courses.db.read() as session:
        taken = session.scalar(
            select(func.count()).select_from(TrainingRegistration).where(TrainingRegistration.status == "registered")
        )
    assert taken == 2


def test_the_last_seat_taken_while_another_transaction_holds_the_session_waits_and_is_refused(courses: World) -> None:
    """One transaction takes the last seat and holds its lock; a second registration started meanwhile must wait
    for it and then see the session full (on PostgreSQL this is the FOR UPDATE lock at work)."""
    moment = before(courses, UPCOMING)
    register_staff(courses, courses.admin, UPCOMING, "一", "one@example.org", now=moment)
    errors: list[BaseException] = []

    def second() -> None:
        try:
            register_staff(courses, courses.admin, UPCOMING, "三", "three@example.org", now=moment)
        except BaseException as exc:
            errors.append(exc)

    with courses.db.write() as session:
        fields = training_registrations.StaffRegistration(city="kaohsiung", name="二", email="two@example.org")
        training_registrations.register_staff(session, courses.admin, UPCOMING, fields, now=moment)
        session.flush()
        other = threading.Thread(target=second)
        other.start()
        other.join(timeout=0.5)  # it cannot finish: our lock (or SQLite's write lock) holds it
        assert other.is_alive()
    other.join(timeout=30)
    assert not other.is_alive()
    assert [type(e) for e in errors] == [Conflict]


# -- cancelling -----------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("role", "allowed"),
    [("admin", True), ("editor", True), ("viewer", True), ("other_editor", False), ("public", False)],
)
def test_a_registration_is_cancelled_by_its_participant_their_citys_editor_or_the_centre(
    courses: World, role: str, allowed: bool
) -> None:
    registration_id = register_self(courses, courses.viewer, UPCOMING)
    actor: Actor = getattr(courses, role)
    if allowed:
        with courses.db.write() as session:
            training_registrations.cancel_registration(session, actor, registration_id)
        assert registration(courses, registration_id).status == "cancelled"
    else:
        before_rows = _rows(courses)
        with pytest.raises(NotAuthenticated if role == "public" else NotFound), courses.db.write() as session:
            training_registrations.cancel_registration(session, actor, registration_id)
        assert _rows(courses) == before_rows


def test_a_registration_cannot_be_cancelled_once_the_session_started_or_twice(courses: World) -> None:
    registration_id = register_self(courses, courses.viewer, UPCOMING)
    starts = session_row(courses, UPCOMING).starts_at
    with pytest.raises(Conflict, match="started"), courses.db.write() as session:
        training_registrations.cancel_registration(session, courses.viewer, registration_id, now=starts)
    with courses.db.write() as session:
        training_registrations.cancel_registration(session, courses.viewer, registration_id)
    with pytest.raises(Conflict, match="already cancelled"), courses.db.write() as session:
        training_registrations.cancel_registration(session, courses.viewer, registration_id)


def test_a_registration_with_recorded_attendance_cannot_be_cancelled_even_if_the_session_moves_later(
    courses: World,
) -> None:
    came = register_self(courses, courses.editor, PAST)
    mark_attended(courses, PAST, came)
    with courses.db.write() as session:  # the centre moves the session a year on, after attendance was taken
        moved = session.get(TrainingSession, session_row(courses, PAST).id)
        assert moved is not None
        moved.starts_at += timedelta(days=365)
        moved.ends_at += timedelta(days=365)
    for role in ("editor", "admin"):
        with pytest.raises(Conflict, match="attendance was recorded"), courses.db.write() as session:
            training_registrations.cancel_registration(session, getattr(courses, role), came, now=before(courses, PAST))
    found = registration(courses, came)
    assert found.status == "registered" and found.certificate_code is not None


def test_cancellable_says_what_cancel_registration_accepts(courses: World) -> None:
    upcoming = register_self(courses, courses.viewer, UPCOMING)
    attended = register_self(courses, courses.editor, PAST)
    mark_attended(courses, PAST, attended)
    with courses.db.read() as session:
        for registration_id, slug in ((upcoming, UPCOMING), (attended, PAST)):
            found = session.get(TrainingRegistration, registration_id)
            assert found is not None
            training_session = training.get_session(session, slug)
            assert training_registrations.cancellable(found, training_session, before(courses, slug)) is (
                registration_id == upcoming
            )
            assert not training_registrations.cancellable(found, training_session, training_session.starts_at)


# -- attendance -----------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("role", ["editor", "viewer", "other_editor", "public"])
def test_only_the_centre_marks_attendance(courses: World, role: str) -> None:
    registration_id = register_self(courses, courses.editor, PAST)
    before_rows = _rows(courses)
    with pytest.raises(NotAuthenticated if role == "public" else Forbidden), courses.db.write() as session:
        training_registrations.set_attendance(
            session, getattr(courses, role), PAST, [registration_id], now=after(courses, PAST)
        )
    assert _rows(courses) == before_rows


def test_attending_gives_a_certificate_code_and_unmarking_takes_it_back(courses: World) -> None:
    came = register_self(courses, courses.editor, PAST)
    absent = register_staff(courses, courses.editor, PAST, "缺席者", "absent@kaohsiung.example.org")
    mark_attended(courses, PAST, came)
    code = registration(courses, came).certificate_code
    assert code is not None and training_registrations.CODE_PREFIX in code
    assert registration(courses, absent).certificate_code is None and not registration(courses, absent).attended
    mark_attended(courses, PAST)  # nobody came after all
    assert registration(courses, came).certificate_code is None and not registration(courses, came).attended


def test_attendance_is_marked_only_once_the_session_has_started(courses: World) -> None:
    registration_id = register_self(courses, courses.editor, UPCOMING)
    with pytest.raises(Conflict, match="started"), courses.db.write() as session:
        training_registrations.set_attendance(session, courses.admin, UPCOMING, [registration_id])


def test_attendance_for_a_registration_of_another_session_is_refused(courses: World) -> None:
    elsewhere = register_self(courses, courses.editor, FINANCE)
    with pytest.raises(InvalidRequest), courses.db.write() as session:
        training_registrations.set_attendance(session, courses.admin, PAST, [elsewhere], now=after(courses, PAST))


def test_certificate_codes_are_unique_and_unguessable_in_shape() -> None:
    codes = {training_registrations.new_certificate_code() for _ in range(2000)}
    assert len(codes) == 2000
    assert all(len(code) == 12 and code.startswith("ZC-") and code[7] == "-" for code in codes)
    assert not set("".join(codes)) & set("01IOL")


# -- feedback -------------------------------------------------------------------------------------------------------
def test_an_attendee_rates_a_session_once(courses: World) -> None:
    registration_id = register_self(courses, courses.editor, PAST)
    mark_attended(courses, PAST, registration_id)
    with courses.db.write() as session:
        training_registrations.submit_feedback(session, courses.editor, PAST, Ratings(comment="很好").fields())
    with pytest.raises(Conflict, match="already given"), courses.db.write() as session:
        training_registrations.submit_feedback(session, courses.editor, PAST, Ratings(content=1).fields())
    with courses.db.read() as session:
        answers = session.execute(select(TrainingFeedback.content_rating, TrainingFeedback.comment)).all()
    assert [tuple(a) for a in answers] == [(5, "很好")]


@pytest.mark.parametrize("role", ROLES)
def test_nobody_but_an_attendee_gives_feedback(courses: World, role: str) -> None:
    """The editor registered but was not marked as attending; nobody else registered at all."""
    register_self(courses, courses.editor, PAST)
    before_rows = _rows(courses)
    expected: type[ZeroCityError] = NotAuthenticated if role == "public" else Forbidden
    with pytest.raises(expected), courses.db.write() as session:
        training_registrations.submit_feedback(session, getattr(courses, role), PAST, Ratings().fields())
    assert _rows(courses) == before_rows


def test_two_answers_sent_at_the_same_moment_are_kept_once(courses: World) -> None:
    registration_id = register_self(courses, courses.editor, PAST)
    mark_attended(courses, PAST, registration_id)

    def answer() -> None:
        with courses.db.write() as session:
            training_registrations.submit_feedback(session, courses.editor, PAST, Ratings().fields())

    outcomes = _race(courses.db, [answer, answer, answer])
    assert sorted(type(o).__name__ for o in outcomes) == ["Conflict", "Conflict", "NoneType"]
    with courses.db.read() as session:
        assert session.scalar(select(func.count()).select_from(TrainingFeedback)) == 1


@pytest.mark.parametrize("rating", [0, 6, -1])
def test_ratings_outside_one_to_five_are_refused(rating: int) -> None:
    with pytest.raises(ValidationError):
        Ratings(content=rating).fields()


def test_only_the_centre_reads_the_answers(courses: World) -> None:
    with courses.db.read() as session:
        past = training.get_session(session, PAST)
        assert training_registrations.session_feedback(session, courses.admin, past) == []
        with pytest.raises(Forbidden):
            training_registrations.session_feedback(session, courses.editor, past)


# -- who sees which registrations -----------------------------------------------------------------------------------
def test_the_centre_sees_every_registration_and_a_city_only_its_own(courses: World) -> None:
    register_staff(courses, courses.editor, UPCOMING, "高雄人", "k@kaohsiung.example.org")
    register_staff(courses, courses.other_editor, UPCOMING, "臺南人", "t@tainan.example.org", city="tainan")
    with courses.db.read() as session:
        upcoming = training.get_session(session, UPCOMING)
        seen = {
            role: sorted(v.registration.name for v in training_registrations.session_registrations(
                session, getattr(courses, role), upcoming))
            for role in ROLES
        }  # fmt: skip
    assert seen == {
        "admin": ["臺南人", "高雄人"],
        "editor": ["高雄人"],
        "viewer": ["高雄人"],
        "other_editor": ["臺南人"],
        "public": [],
    }


def test_my_registrations_lists_only_mine_latest_session_first(courses: World) -> None:
    register_self(courses, courses.editor, PAST)
    register_self(courses, courses.editor, UPCOMING)
    register_self(courses, courses.viewer, FINANCE)
    with courses.db.read() as session:
        mine = training_registrations.my_registrations(session, courses.editor)
        with pytest.raises(NotAuthenticated):
            training_registrations.my_registrations(session, courses.public)
    assert [view.training_session.slug for view in mine] == [UPCOMING, PAST]
    assert mine[0].programme.slug == "gpc-basics" and mine[0].city.slug == "kaohsiung"


def test_a_registration_cancelled_earlier_is_reused_when_the_person_registers_again(courses: World) -> None:
    first = register_self(courses, courses.editor, UPCOMING)
    with courses.db.write() as session:
        training_registrations.cancel_registration(session, courses.editor, first)
    again = register_self(courses, courses.editor, UPCOMING, now=before(courses, UPCOMING) + timedelta(days=1))
    assert again == first and registration(courses, first).status == "registered"
