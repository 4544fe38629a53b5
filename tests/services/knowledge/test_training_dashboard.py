"""The capacity dashboard on a small world whose figures are worked out by hand below.

Sessions that count (Taiwan time): 2025-11-05 climate finance; 2026-03-10 GPC basics; 2026-06-02 climate finance
(added here). Who attended:

  2025 finance     Kaohsiung editor, Tainan editor, staff member A (Kaohsiung)
  2026 GPC basics  Kaohsiung editor, Kaohsiung viewer, staff member A
  2026 finance     Kaohsiung editor (Tainan's editor registered but did not come)

Answers: 2025 finance, Tainan editor 4/4/4. 2026 GPC basics, editor 5/4/3 and viewer 3/2/5; 2026 finance, editor
2/5/4. So for 2026: Kaohsiung 4 attendances of 3 people at 2 sessions; Tainan not reached; 3 answers for 4
attendances (75 %); content (5+3+2)/3, trainer (4+2+5)/3, usefulness (3+5+4)/3 = 4.
"""

from __future__ import annotations

import pytest
from tests.services.conftest import World
from tests.services.knowledge.training_fixtures import (
    FINANCE,
    PAST,
    Ratings,
    after,
    courses,
    mark_attended,
    register_self,
    register_staff,
)

from zerocity.services.errors import Forbidden, NotAuthenticated
from zerocity.services.knowledge import training, training_dashboard, training_registrations

__all__ = ["courses"]
FINANCE_2026 = "finance-2026-06"


def _answer(world: World, actor_name: str, slug: str, ratings: Ratings) -> None:
    with world.db.write() as session:
        training_registrations.submit_feedback(session, getattr(world, actor_name), slug, ratings.fields())


@pytest.fixture
def figures(courses: World) -> World:
    world = courses
    with world.db.write() as session:
        training.create_session(session, world.admin, "climate-finance", training.NewSession(
            slug=FINANCE_2026, starts_at=training.local_datetime("2026-06-02", "14:00"),
            ends_at=training.local_datetime("2026-06-02", "17:00"), online_url="https://meet.example.org/f",
            capacity=5, language="en",
        ))  # fmt: skip
    finance = [
        register_self(world, world.editor, FINANCE),
        register_self(world, world.other_editor, FINANCE),
        register_staff(world, world.editor, FINANCE, "職員甲", "a@kaohsiung.example.org"),
    ]
    basics = [
        register_self(world, world.editor, PAST),
        register_self(world, world.viewer, PAST),
        register_staff(world, world.editor, PAST, "職員甲", "A@kaohsiung.example.org"),
    ]
    later = [register_self(world, world.editor, FINANCE_2026)]
    register_self(world, world.other_editor, FINANCE_2026)  # registered, did not come
    mark_attended(world, FINANCE, *finance)
    mark_attended(world, PAST, *basics)
    mark_attended(world, FINANCE_2026, *later)
    _answer(world, "other_editor", FINANCE, Ratings(4, 4, 4))
    _answer(world, "editor", PAST, Ratings(5, 4, 3))
    _answer(world, "viewer", PAST, Ratings(3, 2, 5))
    _answer(world, "editor", FINANCE_2026, Ratings(2, 5, 4))
    return world


def _dashboard(world: World, year: int) -> training_dashboard.Dashboard:
    with world.db.read() as session:
        return training_dashboard.capacity_dashboard(session, world.admin, year)


def test_officials_trained_per_city_count_attendances_people_and_sessions(figures: World) -> None:
    dashboard = _dashboard(figures, 2026)
    rows = {row.city.slug: (row.attendances, row.people, row.sessions) for row in dashboard.cities}
    assert rows == {"kaohsiung": (4, 3, 2), "tainan": (0, 0, 0)}
    assert (dashboard.attendances, dashboard.people, dashboard.sessions_held) == (4, 3, 2)
    assert [city.slug for city in dashboard.not_reached] == ["tainan"] and dashboard.cities_reached == 1


def test_people_are_counted_per_year_for_every_city(figures: World) -> None:
    dashboard = _dashboard(figures, 2026)
    by_year = {row.city.slug: {y: row.people_by_year[y] for y in (2025, 2026)} for row in dashboard.cities}
    assert by_year == {"kaohsiung": {2025: 2, 2026: 3}, "tainan": {2025: 1, 2026: 0}}
    assert {2025, 2026} <= set(dashboard.years)


def test_topics_covered_follow_the_programmes_of_the_sessions_held(figures: World) -> None:
    topics = {t.code: (t.sessions, t.attendances) for t in _dashboard(figures, 2026).topics}
    assert topics["net_zero"] == (1, 3) and topics["energy_governance"] == (1, 3) and topics["finance"] == (1, 1)
    assert topics["waste"] == (0, 0) and len(topics) == 11


def test_satisfaction_is_the_mean_of_the_answers_and_the_response_rate_answers_per_attendance(figures: World) -> None:
    dashboard = _dashboard(figures, 2026)
    overall = dashboard.satisfaction
    assert (overall.attendances, overall.responses, overall.response_rate) == (4, 3, 0.75)
    assert overall.content == pytest.approx(10 / 3) and overall.trainer == pytest.approx(11 / 3)
    assert overall.usefulness == pytest.approx(4.0) and overall.overall == pytest.approx((10 / 3 + 11 / 3 + 4) / 3)
    per_programme = {
        row.programme.slug: (row.satisfaction.attendances, row.satisfaction.responses, row.satisfaction.content,
                             row.satisfaction.trainer, row.satisfaction.usefulness)
        for row in dashboard.programmes
    }  # fmt: skip
    assert per_programme == {"climate-finance": (1, 1, 2.0, 5.0, 4.0), "gpc-basics": (3, 2, 4.0, 3.0, 4.0)}


def test_another_year_has_its_own_figures(figures: World) -> None:
    dashboard = _dashboard(figures, 2025)
    rows = {row.city.slug: (row.attendances, row.people) for row in dashboard.cities}
    assert rows == {"kaohsiung": (2, 2), "tainan": (1, 1)} and dashboard.not_reached == ()
    assert (dashboard.satisfaction.responses, dashboard.satisfaction.response_rate) == (1, pytest.approx(1 / 3))


def test_a_year_without_sessions_reaches_nobody_and_has_no_means(figures: World) -> None:
    dashboard = _dashboard(figures, 2019)
    assert dashboard.attendances == 0 and len(dashboard.not_reached) == 2
    assert dashboard.satisfaction.response_rate is None and dashboard.satisfaction.overall is None


@pytest.mark.parametrize("role", ["editor", "viewer", "other_editor", "public"])
def test_only_the_centre_sees_the_dashboard(figures: World, role: str) -> None:
    with pytest.raises(NotAuthenticated if role == "public" else Forbidden), figures.db.read() as session:
        training_dashboard.capacity_dashboard(session, getattr(figures, role), 2026)


def test_the_default_year_is_this_year_or_else_the_latest_with_sessions() -> None:
    assert training_dashboard.default_year((2020, 2019)) == 2020
    assert training_dashboard.default_year(()) >= 2026


def test_attendance_after_the_session_is_what_counts(figures: World) -> None:
    """Unmarking attendance takes a person out of the figures again."""
    with figures.db.write() as session:
        training_registrations.set_attendance(
            session, figures.admin, FINANCE_2026, [], now=after(figures, FINANCE_2026)
        )
    rows = {row.city.slug: (row.attendances, row.people, row.sessions) for row in _dashboard(figures, 2026).cities}
    assert rows["kaohsiung"] == (3, 3, 1)
