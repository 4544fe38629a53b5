"""Training programmes: sessions, registrations, attendance, materials, feedback and certificates.

A programme (a course) has sessions (one date and place each, with a capacity). City staff register for a session;
a registration belongs to the participant's city, so registrations and feedback are tenant rows (``city_id``, with
indexes leading with it) and the capacity dashboard counts them per city. The e-mail address identifies a person
across sessions (staff registered by their city's editor need no account). A certificate's verification code is
given when attendance is marked and taken back when it is unmarked, so a code always means "attended".
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.types import JSON

from zerocity.store.models import Base, UTCDateTime, utcnow


class TrainingProgramme(Base):
    """A course with a bilingual title, summary and Markdown description, and the hub's theme codes it covers."""

    __tablename__ = "training_programmes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    level: Mapped[str] = mapped_column(String(16))  # introductory | intermediate | advanced
    language: Mapped[str] = mapped_column(String(16))  # zh_Hant | en | bilingual
    title_zh: Mapped[str] = mapped_column(String(300), default="")
    title_en: Mapped[str] = mapped_column(String(300), default="")
    summary_zh: Mapped[str] = mapped_column(Text, default="")
    summary_en: Mapped[str] = mapped_column(Text, default="")
    description_zh: Mapped[str] = mapped_column(Text, default="")
    description_en: Mapped[str] = mapped_column(Text, default="")
    #: Theme codes of data/knowledge/themes.csv.
    topics: Mapped[list[str]] = mapped_column(JSON, default=list)
    #: Demo content written for illustration, labelled so on every page that shows it.
    sample: Mapped[bool] = mapped_column(Boolean, default=False)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class TrainingSession(Base):
    """One run of a programme: when (stored in UTC, shown in Asia/Taipei), where or online, who teaches, in which
    language, and how many seats. Registrations lock this row so that concurrent sign-ups never exceed capacity."""

    __tablename__ = "training_sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("training_programmes.id", ondelete="CASCADE"), index=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    title_zh: Mapped[str] = mapped_column(String(300), default="")
    title_en: Mapped[str] = mapped_column(String(300), default="")
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    place_zh: Mapped[str] = mapped_column(String(300), default="")
    place_en: Mapped[str] = mapped_column(String(300), default="")
    online_url: Mapped[str] = mapped_column(String(1000), default="")
    capacity: Mapped[int] = mapped_column(Integer)
    trainers: Mapped[list[str]] = mapped_column(JSON, default=list)
    language: Mapped[str] = mapped_column(String(16))  # zh_Hant | en | bilingual
    sample: Mapped[bool] = mapped_column(Boolean, default=False)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class TrainingRegistration(Base):
    """A person's place in a session, for their city. Cancelling keeps the row (status ``cancelled``), so a person
    who registers again reuses it and the e-mail stays unique per session."""

    __tablename__ = "training_registrations"
    __table_args__ = (
        UniqueConstraint("session_id", "email"),
        Index("ix_training_registrations_city_session", "city_id", "session_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("training_sessions.id", ondelete="CASCADE"))
    city_id: Mapped[int] = mapped_column(ForeignKey("cities.id", ondelete="CASCADE"))
    #: The participant's account, when they have one (self-registration, or staff whose e-mail has an account).
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True, index=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(254))  # stored lower-case
    #: The participant's language for the certificate: zh_Hant or en.
    locale: Mapped[str] = mapped_column(String(16), default="zh_Hant")
    status: Mapped[str] = mapped_column(String(16), default="registered")  # registered | cancelled
    attended: Mapped[bool] = mapped_column(Boolean, default=False)
    certificate_code: Mapped[str | None] = mapped_column(String(32), unique=True, nullable=True)
    registered_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    sample: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    attendance_marked_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class TrainingFeedback(Base):
    """An attendee's ratings of a session (1-5 on content, trainer and usefulness) and a comment; one per
    registration, which the unique constraint holds even if two submissions race."""

    __tablename__ = "training_feedback"
    __table_args__ = (Index("ix_training_feedback_city_session", "city_id", "session_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    registration_id: Mapped[int] = mapped_column(
        ForeignKey("training_registrations.id", ondelete="CASCADE"), unique=True
    )
    session_id: Mapped[int] = mapped_column(ForeignKey("training_sessions.id", ondelete="CASCADE"), index=True)
    city_id: Mapped[int] = mapped_column(ForeignKey("cities.id", ondelete="CASCADE"))
    content_rating: Mapped[int] = mapped_column(Integer)
    trainer_rating: Mapped[int] = mapped_column(Integer)
    usefulness_rating: Mapped[int] = mapped_column(Integer)
    comment: Mapped[str] = mapped_column(Text, default="")
    sample: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class TrainingMaterial(Base):
    """Slides, hand-outs and links of a session. An uploaded file is kept in the row (small, type-checked files:
    see services.knowledge.training_materials); a link has only its URL."""

    __tablename__ = "training_materials"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("training_sessions.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(8))  # file | link
    title_zh: Mapped[str] = mapped_column(String(300), default="")
    title_en: Mapped[str] = mapped_column(String(300), default="")
    url: Mapped[str] = mapped_column(String(1000), default="")
    filename: Mapped[str] = mapped_column(String(255), default="")
    content_type: Mapped[str] = mapped_column(String(100), default="")
    size: Mapped[int] = mapped_column(Integer, default=0)
    sha256: Mapped[str] = mapped_column(String(64), default="")
    content: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True, deferred=True)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
