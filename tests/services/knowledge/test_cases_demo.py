"""The demo's hub content: loaded from data/demo/hub, marked as sample content, published where the file says so,
and loaded once however often the demo is started."""

from __future__ import annotations

import tomllib
from importlib import resources

from sqlalchemy import func, select
from tests.services.conftest import World
from tests.services.knowledge.cases_fixtures import CASES_TOML, NEWS_TOML

from zerocity.services.knowledge import cases, cases_demo
from zerocity.store.db import Database
from zerocity.store.hub_models import Case, CaseVersion, NewsItem


def _counts(db: Database) -> tuple[int, int, int]:
    with db.read() as session:
        return (
            session.scalar(select(func.count()).select_from(Case)) or 0,
            session.scalar(select(func.count()).select_from(CaseVersion)) or 0,
            session.scalar(select(func.count()).select_from(NewsItem)) or 0,
        )


def test_the_loader_publishes_what_the_file_marks_published_and_keeps_drafts_as_drafts(world: World) -> None:
    with world.db.write() as session:
        assert cases_demo.load_cases(session, tomllib.loads(CASES_TOML)) == 3
        assert cases_demo.load_news(session, tomllib.loads(NEWS_TOML)) == 2
    with world.db.read() as session:
        kyoto = session.scalar(select(Case).where(Case.slug == "test-kyoto-homes"))
        buses = session.scalar(select(Case).where(Case.slug == "test-kaohsiung-buses"))
        assert kyoto is not None and buses is not None
        assert {v.lang: v.status for v in cases.versions_of(session, kyoto.id).values()} == {
            "zh_Hant": "published",
            "en": "draft",
        }
        assert kyoto.sample and kyoto.city_id is None and buses.city_id == world.city_id
        assert buses.first_published_at is not None and buses.first_published_at.date().isoformat() == "2026-03-15"
        assert all(item.published and item.sample for item in session.scalars(select(NewsItem)))


def test_loading_twice_adds_nothing(world: World) -> None:
    with world.db.write() as session:
        cases_demo.load_cases(session, tomllib.loads(CASES_TOML))
        cases_demo.load_news(session, tomllib.loads(NEWS_TOML))
    before = _counts(world.db)
    with world.db.write() as session:
        assert cases_demo.load_cases(session, tomllib.loads(CASES_TOML)) == 0
        assert cases_demo.load_news(session, tomllib.loads(NEWS_TOML)) == 0
    assert _counts(world.db) == before


def test_the_bundled_demo_content_loads_and_every_case_is_sample_content(world: World) -> None:
    cases_demo.load_demo(world.db)
    cases_demo.load_demo(world.db)
    document = tomllib.loads(resources.files("zerocity.data").joinpath(cases_demo.CASES_FILE).read_text("utf-8"))
    with world.db.read() as session:
        stored = session.scalars(select(Case)).all()
        assert len(stored) == len(document["case"]) >= 3
        assert all(case.sample for case in stored)
        published = session.scalar(
            select(func.count()).select_from(CaseVersion).where(CaseVersion.status == "published")
        )
        assert published
