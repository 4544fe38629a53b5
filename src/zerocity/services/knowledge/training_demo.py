"""Demo content for ``zerocity serve --demo``: the training programmes of ``data/demo/hub/programmes.toml`` and,
for sessions already over, sample registrations, attendance and feedback, so the capacity dashboard has figures.

Everything here is sample content and marked so (``sample`` on programmes, sessions, registrations and answers).
The sample participants (``data/demo/training_participants.csv``) are invented people of three demo cities; the
fourth, Pingtung, is left out on purpose so the dashboard shows a member city not reached. The demo accounts take
part too, so signing in as ``editor@kaohsiung.demo`` shows registrations with certificates to download.

Idempotent: programmes and sessions are matched by slug, and a session that already has registrations gets no
sample ones. Draws are seeded by the session's slug, so every run writes the same figures.
"""

from __future__ import annotations

import contextlib
import random
import tomllib
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from importlib import resources
from typing import Any, Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from zerocity.core.datafiles import read_bundled_csv
from zerocity.services import accounts
from zerocity.services.actor import Actor
from zerocity.services.errors import Conflict
from zerocity.services.knowledge import training, training_materials, training_registrations
from zerocity.store.db import Database
from zerocity.store.models import City, User, utcnow
from zerocity.store.training_models import TrainingFeedback, TrainingProgramme, TrainingRegistration, TrainingSession

PROGRAMMES_FILE: Final[str] = "demo/hub/programmes.toml"
PARTICIPANTS_FILE: Final[str] = "demo/training_participants.csv"
#: Demo accounts that register themselves, and on which past sessions (every n-th, counted from the first).
DEMO_ATTENDEES: Final[tuple[tuple[str, str, int], ...]] = (
    ("editor@kaohsiung.demo", "kaohsiung", 1),
    ("viewer@kaohsiung.demo", "kaohsiung", 2),
    ("editor@tainan.demo", "tainan", 3),
)
#: Shares of the draws: who of the registered came, and who of those answered the feedback form.
ATTENDANCE_SHARE: Final[float] = 0.85
RESPONSE_SHARE: Final[float] = 0.7
#: Ratings lean to the upper half, as course evaluations do; drawn from this list.
RATING_DRAWS: Final[tuple[int, ...]] = (3, 4, 4, 4, 5, 5, 5)
SAMPLE_COMMENTS: Final[tuple[str, ...]] = (
    "案例很實用，希望有更多實作時間。",
    "講師說明清楚，GPC 的範疇概念終於弄懂了。",
    "Useful examples; more time for the exercise would help.",
    "",
)


def read_programmes() -> dict[str, Any] | None:
    """The demo programmes file, or None when it is not there (the demo then has no training)."""
    resource = resources.files("zerocity.data").joinpath(PROGRAMMES_FILE)
    if not resource.is_file():
        return None
    return tomllib.loads(resource.read_text(encoding="utf-8"))


def load_demo(db: Database, *, now: datetime | None = None) -> None:
    """Loads this part of the demo unless it is already there."""
    data = read_programmes()
    if data is None:
        return
    load_programmes(db, data)
    load_sample_activity(db, now=now or utcnow())


def load_programmes(db: Database, data: Mapping[str, Any]) -> int:
    """Creates every programme, session and material link of a programmes file that is not there yet (by slug);
    returns how many programmes were created."""
    system = Actor.system()
    sample = bool(data.get("meta", {}).get("sample", True))
    created = 0
    with db.write() as session:
        for entry in data.get("programme", []):
            if session.scalar(select(TrainingProgramme.id).where(TrainingProgramme.slug == entry["slug"])) is None:
                training.create_programme(session, system, _programme_fields(entry, sample))
                created += 1
            for item in entry.get("session", []):
                if session.scalar(select(TrainingSession.id).where(TrainingSession.slug == item["slug"])) is not None:
                    continue
                training.create_session(session, system, entry["slug"], _session_fields(item, entry, sample))
                for material in item.get("material", []):
                    link = training_materials.MaterialLink(
                        title_zh=material.get("title_zh", ""), title_en=material.get("title_en", ""),
                        url=material["url"],
                    )  # fmt: skip
                    training_materials.add_link(session, system, item["slug"], link)
    return created


def _programme_fields(entry: Mapping[str, Any], sample: bool) -> training.NewProgramme:
    return training.NewProgramme(
        slug=entry["slug"],
        level=entry.get("level", "introductory"),
        language=entry.get("language", "zh_Hant"),
        title_zh=entry.get("title_zh", ""),
        title_en=entry.get("title_en", ""),
        summary_zh=entry.get("summary_zh", ""),
        summary_en=entry.get("summary_en", ""),
        description_zh=entry.get("description_zh", ""),
        description_en=entry.get("description_en", ""),
        topics=tuple(entry.get("topics", ())),
        sample=sample,
    )


def _session_fields(item: Mapping[str, Any], programme: Mapping[str, Any], sample: bool) -> training.NewSession:
    return training.NewSession(
        slug=item["slug"],
        title_zh=item.get("title_zh", ""),
        title_en=item.get("title_en", ""),
        starts_at=item["starts_at"],
        ends_at=item["ends_at"],
        place_zh=item.get("place_zh", ""),
        place_en=item.get("place_en", ""),
        online_url=item.get("online_url", ""),
        capacity=item["capacity"],
        trainers=tuple(item.get("trainers", ())),
        language=item.get("language", programme.get("language", "zh_Hant")),
        sample=sample,
    )


# -- sample registrations, attendance and feedback --------------------------------------------------------------------
def load_sample_activity(db: Database, *, now: datetime) -> None:
    """Registrations, attendance and answers for every past session that has none, and one registration of a
    demo account for the first upcoming session (so "my registrations" shows one that can still be cancelled)."""
    with db.write() as session:
        sessions = list(session.scalars(select(TrainingSession).order_by(TrainingSession.starts_at)))
        untouched = {s.id for s in sessions} - set(session.scalars(select(TrainingRegistration.session_id)))
        demo_actors = _demo_actors(session)
        past = [s for s in sessions if s.ends_at <= now]
        for index, training_session in enumerate(past):
            if training_session.id in untouched:
                _past_session(session, training_session, index, demo_actors)
        upcoming = [s for s in sessions if s.starts_at > now]
        if upcoming and upcoming[0].id in untouched and "editor@tainan.demo" in demo_actors:
            with contextlib.suppress(Conflict):  # a full session stays as it is
                training_registrations.register_self(
                    session, demo_actors["editor@tainan.demo"], upcoming[0].slug, city_slug="tainan", now=now
                )


def _demo_actors(session: Session) -> dict[str, Actor]:
    emails = [email for email, _, _ in DEMO_ATTENDEES]
    users = session.scalars(select(User).where(User.email.in_(emails)))
    return {user.email: accounts.actor_for(session, user) for user in users}


def _past_session(
    session: Session, training_session: TrainingSession, index: int, demo_actors: Mapping[str, Actor]
) -> None:
    system = Actor.system()
    draws = random.Random(training_session.slug)
    before = training_session.starts_at - timedelta(days=7)
    registered: list[tuple[TrainingRegistration, Actor | None]] = []
    for email, city, every in DEMO_ATTENDEES:
        actor = demo_actors.get(email)
        if actor is None or index % every != 0 or len(registered) >= training_session.capacity:
            continue
        registration = training_registrations.register_self(
            session, actor, training_session.slug, city_slug=city, now=before, sample=True
        )
        registered.append((registration, actor))
    cities = {c.slug: c for c in session.scalars(select(City))}
    participants = [p for p in read_bundled_csv(PARTICIPANTS_FILE) if p["city"] in cities]
    room = max(0, training_session.capacity - len(registered))
    for person in _choose(draws, participants, min(room, draws.randint(4, 8))):
        fields = training_registrations.StaffRegistration(
            city=person["city"],
            name=person["name"],
            email=person["email"],
            locale="en" if person["locale"] == "en" else "zh_Hant",
        )
        registration = training_registrations.register_staff(
            session, system, training_session.slug, fields, now=before, sample=True
        )
        registered.append((registration, None))
    came = [r.id for r, actor in registered if actor is not None or draws.random() < ATTENDANCE_SHARE]
    training_registrations.set_attendance(session, system, training_session.slug, came, now=training_session.ends_at)
    keep_form_open = index == 0  # the demo accounts' first session keeps its form open, to show it
    for registration, actor in registered:
        if registration.id not in came or draws.random() >= RESPONSE_SHARE:
            continue
        ratings = [draws.choice(RATING_DRAWS) for _ in range(3)]
        comment = draws.choice(SAMPLE_COMMENTS)
        if actor is not None:
            if keep_form_open:
                continue
            answer = training_registrations.FeedbackFields(
                content_rating=ratings[0], trainer_rating=ratings[1], usefulness_rating=ratings[2], comment=comment
            )
            training_registrations.submit_feedback(session, actor, training_session.slug, answer, sample=True)
        else:
            # Sample participants have no account to answer with; their answers are seed data of the demo.
            session.add(
                TrainingFeedback(
                    registration_id=registration.id, session_id=training_session.id, city_id=registration.city_id,
                    content_rating=ratings[0], trainer_rating=ratings[1], usefulness_rating=ratings[2],
                    comment=comment, sample=True,
                )
            )  # fmt: skip
    session.flush()


def _choose(draws: random.Random, people: Sequence[Mapping[str, str]], count: int) -> list[Mapping[str, str]]:
    return draws.sample(list(people), k=min(count, len(people)))
