"""Shared pieces of the training tests: a small programmes file in the demo format (written for these tests, not
the demo content), loaded into the two-city world of ``tests/services/conftest.py``, and helpers that act at a
chosen moment (registration closes when a session starts, attendance opens then).

Import the fixtures into a test module by name: ``from tests.services.knowledge.training_fixtures import courses``.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select
from tests.services.conftest import World

from zerocity.services.actor import Actor
from zerocity.services.knowledge import training_demo, training_registrations
from zerocity.store.models import utcnow
from zerocity.store.training_models import TrainingRegistration, TrainingSession

PAST = "gpc-basics-2026-03"  # 2026-03-10, 09:30-16:30 Taipei: 7 hours, 3 seats
UPCOMING = "gpc-basics-next"  # 60 days from now, 2 seats
FINANCE = "finance-2025-11"  # 2025-11-05, 13:30-17:00 Taipei: 3.5 hours, online


def programmes_toml(now: datetime | None = None) -> str:
    """Two programmes: a Chinese course with a past and an upcoming session, and an English online one (2025)."""
    day = ((now or utcnow()) + timedelta(days=60)).strftime("%Y-%m-%d")
    return f'''
[meta]
source = "Written for the ZeroCity tests"
sample = true

[[programme]]
slug = "gpc-basics"
level = "introductory"
language = "zh_Hant"
title_zh = "溫室氣體盤查入門"
title_en = "GHG inventory basics"
summary_zh = "依 GPC 完成城市盤查。"
summary_en = "A city inventory to the GPC."
description_zh = """## 課程內容\\n\\n範疇一、二、三。<script>alert(1)</script>"""
description_en = """## What you learn\\n\\nScopes 1, 2 and 3."""
topics = ["net_zero", "energy_governance"]
  [[programme.session]]
  slug = "{PAST}"
  title_zh = "溫室氣體盤查入門（高雄場）"
  title_en = "GHG inventory basics (Kaohsiung)"
  starts_at = 2026-03-10T09:30:00+08:00
  ends_at = 2026-03-10T16:30:00+08:00
  place_zh = "高雄市政府四維行政中心"
  place_en = "Kaohsiung City Hall, Siwei Centre"
  online_url = ""
  capacity = 3
  trainers = ["林老師", "Dr. Chen"]
  language = "zh_Hant"
    [[programme.session.material]]
    title_zh = "GPC 標準"
    title_en = "The GPC standard"
    url = "https://ghgprotocol.org/ghg-protocol-cities"
  [[programme.session]]
  slug = "{UPCOMING}"
  title_zh = ""
  title_en = ""
  starts_at = {day}T09:30:00+08:00
  ends_at = {day}T12:30:00+08:00
  place_zh = "臺南市政府"
  place_en = "Tainan City Hall"
  online_url = ""
  capacity = 2
  trainers = ["林老師"]
  language = "zh_Hant"

[[programme]]
slug = "climate-finance"
level = "intermediate"
language = "en"
title_zh = "氣候融資"
title_en = "Climate finance"
summary_zh = ""
summary_en = "Paying for the plan."
description_zh = ""
description_en = "Green bonds and grants."
topics = ["finance"]
  [[programme.session]]
  slug = "{FINANCE}"
  title_zh = ""
  title_en = "Climate finance online"
  starts_at = 2025-11-05T13:30:00+08:00
  ends_at = 2025-11-05T17:00:00+08:00
  place_zh = ""
  place_en = ""
  online_url = "https://meet.example.org/finance"
  capacity = 5
  trainers = ["Ms. Lee"]
  language = "en"
'''


def load_courses(world: World, now: datetime | None = None) -> None:
    training_demo.load_programmes(world.db, tomllib.loads(programmes_toml(now)))


@pytest.fixture
def courses(world: World) -> World:
    """The world with the test programmes loaded (no registrations yet)."""
    load_courses(world)
    return world


def session_row(world: World, slug: str) -> TrainingSession:
    with world.db.read() as session:
        found = session.scalar(select(TrainingSession).where(TrainingSession.slug == slug))
    assert found is not None, slug
    return found


def before(world: World, slug: str) -> datetime:
    """A moment a week before the session starts, when registration is open."""
    return session_row(world, slug).starts_at - timedelta(days=7)


def after(world: World, slug: str) -> datetime:
    """A moment after the session ended, when attendance can be marked."""
    return session_row(world, slug).ends_at + timedelta(hours=1)


def register_self(world: World, actor: Actor, slug: str, **options: Any) -> int:
    options.setdefault("now", before(world, slug))
    with world.db.write() as session:
        return training_registrations.register_self(session, actor, slug, **options).id


def register_staff(
    world: World, actor: Actor, slug: str, name: str, email: str, city: str = "kaohsiung", **options: Any
) -> int:
    options.setdefault("now", before(world, slug))
    locale = options.pop("locale", "zh_Hant")
    fields = training_registrations.StaffRegistration(city=city, name=name, email=email, locale=locale)
    with world.db.write() as session:
        return training_registrations.register_staff(session, actor, slug, fields, **options).id


def mark_attended(world: World, slug: str, *registration_ids: int) -> None:
    with world.db.write() as session:
        training_registrations.set_attendance(session, world.admin, slug, registration_ids, now=after(world, slug))


def registration(world: World, registration_id: int) -> TrainingRegistration:
    with world.db.read() as session:
        found = session.get(TrainingRegistration, registration_id)
    assert found is not None
    return found


@dataclass(frozen=True)
class Ratings:
    content: int = 5
    trainer: int = 4
    usefulness: int = 3
    comment: str = ""

    def fields(self) -> training_registrations.FeedbackFields:
        return training_registrations.FeedbackFields(
            content_rating=self.content,
            trainer_rating=self.trainer,
            usefulness_rating=self.usefulness,
            comment=self.comment,
        )
