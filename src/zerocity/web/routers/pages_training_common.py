"""What the training pages share: labels for levels and languages, theme names, and session summaries in the
reader's language. No routes here (the module has no ``router``), so the page modules can import it freely."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from zerocity.core.datafiles import read_bundled_csv
from zerocity.services.actor import Actor
from zerocity.services.knowledge import training
from zerocity.services.knowledge.markdown import render_markdown
from zerocity.store.models import City, utcnow
from zerocity.store.training_models import TrainingProgramme, TrainingSession
from zerocity.web.i18n import format_date, format_datetime, gettext
from zerocity.web.render import N_

#: Times on the training pages are Taiwan's, whatever zone the server runs in.
TIMEZONE_NAME: Final[str] = "Asia/Taipei"

LEVEL_LABELS: Final[Mapping[str, str]] = {
    "introductory": N_("Introductory"),
    "intermediate": N_("Intermediate"),
    "advanced": N_("Advanced"),
}
LANGUAGE_LABELS: Final[Mapping[str, str]] = {
    "zh_Hant": N_("Traditional Chinese"),
    "en": N_("English"),
    "bilingual": N_("Chinese and English"),
}
CERTIFICATE_LANGUAGES: Final[Mapping[str, str]] = {"zh_Hant": "中文", "en": "English"}


def label(labels: Mapping[str, str], key: str, locale: str) -> str:
    return gettext(labels[key], locale) if key in labels else key


def theme_names(locale: str) -> dict[str, str]:
    column = "name_zh" if locale == "zh_Hant" else "name_en"
    return {row["code"]: row[column] for row in read_bundled_csv("knowledge/themes.csv")}


def theme_options(locale: str) -> list[tuple[str, str]]:
    return list(theme_names(locale).items())


def city_label(city: City, locale: str) -> str:
    return training.localized(city.name_zh, city.name_en, locale)


def city_options(session: Session, city_ids: Sequence[int] | None, locale: str) -> list[tuple[str, str]]:
    """(slug, name) of the given cities, or of every member city when ``city_ids`` is None."""
    query = select(City).order_by(City.name_en)
    if city_ids is not None:
        query = query.where(City.id.in_(list(city_ids)))
    return [(city.slug, city_label(city, locale)) for city in session.scalars(query)]


def editable_city_ids(session: Session, actor: Actor) -> list[int] | None:
    """The cities whose staff this actor may register: every city for the centre (None), else their editor roles."""
    if actor.is_admin:
        return None
    return [city_id for city_id, role in actor.roles.items() if role == "editor"]


@dataclass(frozen=True)
class SessionCard:
    """A session as the lists show it."""

    slug: str
    title: str
    programme_slug: str
    programme_title: str
    starts_at: datetime
    ends_at: datetime
    place: str
    online: bool
    language: str
    capacity: int
    registered: int
    sample: bool
    #: Date and time span in the reader's words and Taiwan's zone: 2026年9月15日 上午9:30 – 下午4:30.
    when: str

    @property
    def seats_left(self) -> int:
        return max(0, self.capacity - self.registered)

    @property
    def full(self) -> bool:
        return self.registered >= self.capacity

    @property
    def started(self) -> bool:
        return utcnow() >= self.starts_at

    @property
    def url(self) -> str:
        return f"/training/sessions/{self.slug}"


def period_text(starts_at: datetime, ends_at: datetime, locale: str) -> str:
    """A session's span in Taiwan time: the day once when it starts and ends on the same day."""
    starts, ends = training.in_taipei(starts_at), training.in_taipei(ends_at)
    start_text = format_datetime(starts, locale, timezone=training.TIMEZONE)
    end_text = format_datetime(ends, locale, timezone=training.TIMEZONE)
    if starts.date() == ends.date():
        day = format_date(starts, locale)
        end_text = end_text.removeprefix(day).strip(" ,")
    return f"{start_text} – {end_text}"


def session_card(
    training_session: TrainingSession, programme: TrainingProgramme, registered: int, locale: str
) -> SessionCard:
    programme_title = training.localized(programme.title_zh, programme.title_en, locale)
    title = training.localized(training_session.title_zh, training_session.title_en, locale) or programme_title
    return SessionCard(
        slug=training_session.slug,
        title=title,
        programme_slug=programme.slug,
        programme_title=programme_title,
        starts_at=training_session.starts_at,
        ends_at=training_session.ends_at,
        place=training.localized(training_session.place_zh, training_session.place_en, locale),
        online=bool(training_session.online_url),
        language=label(LANGUAGE_LABELS, training_session.language, locale),
        capacity=training_session.capacity,
        registered=registered,
        sample=training_session.sample,
        when=period_text(training_session.starts_at, training_session.ends_at, locale),
    )


def session_cards(session: Session, sessions: Sequence[TrainingSession], locale: str) -> list[SessionCard]:
    programme_ids = {s.programme_id for s in sessions}
    programmes = {
        p.id: p for p in session.scalars(select(TrainingProgramme).where(TrainingProgramme.id.in_(programme_ids)))
    }
    counts = training.registered_counts(session, [s.id for s in sessions])
    return [session_card(s, programmes[s.programme_id], counts.get(s.id, 0), locale) for s in sessions]


def programme_view(programme: TrainingProgramme, locale: str) -> dict[str, Any]:
    """A programme's texts in the reader's language, with its description rendered from Markdown (sanitised)."""
    themes = theme_names(locale)
    return {
        "slug": programme.slug,
        "title": training.localized(programme.title_zh, programme.title_en, locale),
        "summary": training.localized(programme.summary_zh, programme.summary_en, locale),
        "description_html": render_markdown(
            training.localized(programme.description_zh, programme.description_en, locale)
        ),
        "level": label(LEVEL_LABELS, programme.level, locale),
        "language": label(LANGUAGE_LABELS, programme.language, locale),
        "topics": [themes.get(code, code) for code in programme.topics or ()],
        "sample": programme.sample,
        "url": f"/training/{programme.slug}",
        #: The reader's language is missing and the other one is shown.
        "other_language": not (programme.title_zh if locale == "zh_Hant" else programme.title_en),
    }


def field_errors(exc: ValidationError, messages: Mapping[str, str], locale: str) -> dict[str, str]:
    """One translated message per form field a validation error names; errors of the whole form go under ``""``."""
    errors: dict[str, str] = {}
    for problem in exc.errors():
        name = str(problem["loc"][0]) if problem["loc"] else ""
        errors.setdefault(name, gettext(messages.get(name, messages[""]), locale))
    return errors
