"""Shared by the case-library page tests: the demo database plus the hand-written test cases and news of
``tests/services/knowledge/cases_fixtures.py`` (slugs ``test-…``), and helpers to read pages."""

from __future__ import annotations

import re
import tomllib

import pytest
from sqlalchemy import select
from tests.services.knowledge.cases_fixtures import CASES_TOML, NEWS_TOML

from zerocity.services.knowledge import cases_demo
from zerocity.store.db import Database
from zerocity.store.hub_models import Case, NewsItem

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def case_ids(db: Database) -> dict[str, int]:
    """The test cases loaded into this test's copy of the demo database: slug -> id (news items too)."""
    with db.write() as session:
        cases_demo.load_cases(session, tomllib.loads(CASES_TOML))
        cases_demo.load_news(session, tomllib.loads(NEWS_TOML))
    with db.read() as session:
        ids = {slug: case_id for case_id, slug in session.execute(select(Case.id, Case.slug)) if slug}
        ids.update({slug: item_id for item_id, slug in session.execute(select(NewsItem.id, NewsItem.slug)) if slug})
    return ids


def main_text(html: str) -> str:
    """The page's <main> element as text, tags removed (enough to look for words)."""
    found = re.search(r"<main.*?</main>", html, re.S)
    return re.sub(r"<[^>]+>", " ", found.group(0) if found else html)
