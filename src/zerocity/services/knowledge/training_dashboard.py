"""The centre's capacity dashboard: officials trained per city and year, topics covered, satisfaction, and member
cities not reached. Centre administrators only (it counts people by name and city).

Definitions, stated on the page too:

* a session belongs to the calendar year in which it starts, in Taiwan's time zone;
* an *attendance* is a registration marked attended (one person at one session); *people* are distinct e-mail
  addresses, so an officer who came to three sessions counts three attendances and one person;
* a city is *reached* in a year when at least one of its staff attended a session that year;
* a topic is *covered* by the sessions (with at least one attendee) of programmes tagged with it;
* satisfaction is the mean of the 1-5 ratings given by attendees, and the *response rate* is answers divided by
  attendances.

Figures are computed in Python from a few plain queries, so SQLite and PostgreSQL give the same numbers.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from zerocity.core.datafiles import read_bundled_csv
from zerocity.services.actor import Actor
from zerocity.services.knowledge.training import in_taipei
from zerocity.store.models import City, utcnow
from zerocity.store.training_models import (
    TrainingFeedback,
    TrainingProgramme,
    TrainingRegistration,
    TrainingSession,
)

RATINGS: Final[tuple[str, ...]] = ("content_rating", "trainer_rating", "usefulness_rating")


@dataclass(frozen=True)
class CityFigures:
    city: City
    attendances: int
    people: int
    sessions: int
    #: People trained in each year with sessions (for the year-by-year table).
    people_by_year: dict[int, int] = field(default_factory=dict)

    @property
    def reached(self) -> bool:
        return self.attendances > 0


@dataclass(frozen=True)
class TopicFigures:
    code: str
    name_zh: str
    name_en: str
    sessions: int
    attendances: int


@dataclass(frozen=True)
class Satisfaction:
    """Mean ratings (None without answers) and how many attendees answered."""

    attendances: int
    responses: int
    content: float | None
    trainer: float | None
    usefulness: float | None

    @property
    def response_rate(self) -> float | None:
        return self.responses / self.attendances if self.attendances else None

    @property
    def overall(self) -> float | None:
        means = [m for m in (self.content, self.trainer, self.usefulness) if m is not None]
        return sum(means) / len(means) if means else None


@dataclass(frozen=True)
class ProgrammeSatisfaction:
    programme: TrainingProgramme
    satisfaction: Satisfaction


@dataclass(frozen=True)
class Dashboard:
    year: int
    years: tuple[int, ...]
    cities: tuple[CityFigures, ...]
    topics: tuple[TopicFigures, ...]
    satisfaction: Satisfaction
    programmes: tuple[ProgrammeSatisfaction, ...]
    sessions_held: int
    attendances: int
    people: int

    @property
    def not_reached(self) -> tuple[City, ...]:
        return tuple(figures.city for figures in self.cities if not figures.reached)

    @property
    def cities_reached(self) -> int:
        return sum(1 for figures in self.cities if figures.reached)


def _year(training_session: TrainingSession) -> int:
    return in_taipei(training_session.starts_at).year


def _mean(values: Iterable[int]) -> float | None:
    values = list(values)
    return sum(values) / len(values) if values else None


def _satisfaction(attendances: int, answers: list[TrainingFeedback]) -> Satisfaction:
    return Satisfaction(
        attendances=attendances,
        responses=len(answers),
        content=_mean(a.content_rating for a in answers),
        trainer=_mean(a.trainer_rating for a in answers),
        usefulness=_mean(a.usefulness_rating for a in answers),
    )


def dashboard_years(session: Session) -> tuple[int, ...]:
    """Years with sessions, latest first."""
    starts = session.scalars(select(TrainingSession.starts_at))
    return tuple(sorted({in_taipei(moment).year for moment in starts}, reverse=True))


def default_year(years: tuple[int, ...]) -> int:
    """This year when it has sessions, else the latest year that has some, else this year."""
    this_year = in_taipei(utcnow()).year
    return this_year if this_year in years or not years else years[0]


def capacity_dashboard(session: Session, actor: Actor, year: int) -> Dashboard:
    actor.require_admin()
    years = dashboard_years(session)
    sessions = {s.id: s for s in session.scalars(select(TrainingSession))}
    programmes = {p.id: p for p in session.scalars(select(TrainingProgramme))}
    attended = list(
        session.scalars(
            select(TrainingRegistration).where(
                TrainingRegistration.status == "registered", TrainingRegistration.attended.is_(True)
            )
        )
    )
    in_year = [r for r in attended if _year(sessions[r.session_id]) == year]
    answers = {
        f.registration_id: f
        for f in session.scalars(select(TrainingFeedback).where(TrainingFeedback.session_id.in_(list(sessions))))
    }

    people_by_city_year: dict[tuple[int, int], set[str]] = defaultdict(set)
    for registration in attended:
        people_by_city_year[(registration.city_id, _year(sessions[registration.session_id]))].add(registration.email)
    city_rows = []
    for city in session.scalars(select(City).order_by(City.name_en)):
        mine = [r for r in in_year if r.city_id == city.id]
        city_rows.append(
            CityFigures(
                city=city,
                attendances=len(mine),
                people=len({r.email for r in mine}),
                sessions=len({r.session_id for r in mine}),
                people_by_year={y: len(people_by_city_year.get((city.id, y), ())) for y in years},
            )
        )
    city_rows.sort(key=lambda figures: (-figures.people, -figures.attendances, figures.city.name_en))

    held = {r.session_id for r in in_year}
    topic_rows = []
    for theme in read_bundled_csv("knowledge/themes.csv"):
        covering = {sid for sid in held if theme["code"] in (programmes[sessions[sid].programme_id].topics or [])}
        topic_rows.append(
            TopicFigures(
                code=theme["code"],
                name_zh=theme["name_zh"],
                name_en=theme["name_en"],
                sessions=len(covering),
                attendances=sum(1 for r in in_year if r.session_id in covering),
            )
        )

    by_programme: dict[int, list[TrainingRegistration]] = defaultdict(list)
    for registration in in_year:
        by_programme[sessions[registration.session_id].programme_id].append(registration)
    programme_rows = [
        ProgrammeSatisfaction(
            programmes[pid], _satisfaction(len(rows), [answers[r.id] for r in rows if r.id in answers])
        )
        for pid, rows in sorted(by_programme.items(), key=lambda item: programmes[item[0]].title_en)
    ]
    return Dashboard(
        year=year,
        years=years,
        cities=tuple(city_rows),
        topics=tuple(topic_rows),
        satisfaction=_satisfaction(len(in_year), [answers[r.id] for r in in_year if r.id in answers]),
        programmes=tuple(programme_rows),
        sessions_held=len(held),
        attendances=len(in_year),
        people=len({r.email for r in in_year}),
    )
