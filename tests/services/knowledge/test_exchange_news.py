"""News and events of the centre: written and published by administrators, read by everyone once published."""

from __future__ import annotations

import datetime as dt

import pytest
from pydantic import ValidationError
from tests.services.conftest import World

from zerocity.services.errors import Forbidden, NotAuthenticated, NotFound
from zerocity.services.knowledge import news
from zerocity.services.knowledge.news import NewsFields

TODAY = dt.date(2026, 6, 1)


def _fields(**changes: object) -> NewsFields:
    values: dict[str, object] = {
        "kind": "event",
        "item_date": dt.date(2026, 6, 10),
        "event_end": dt.date(2026, 6, 11),
        "place_zh": "臺南",
        "place_en": "Tainan",
        "online_url": "https://example.org/live",
        "title_zh": "城市調適工作坊",
        "title_en": "City adaptation workshop",
        "body_zh": "報名。",
        "body_en": "Register.",
    }
    values.update(changes)
    return NewsFields(**values)  # type: ignore[arg-type]


def _create(world: World, **changes: object) -> int:
    with world.db.write() as session:
        return news.create_news(session, world.admin, _fields(**changes)).id


@pytest.mark.parametrize(
    ("role", "error"), [("editor", Forbidden), ("viewer", Forbidden), ("public", NotAuthenticated)]
)
def test_only_administrators_write_news(world: World, role: str, error: type) -> None:
    with pytest.raises(error), world.db.write() as session:
        news.create_news(session, getattr(world, role), _fields())
    item_id = _create(world)
    with pytest.raises(error), world.db.write() as session:
        news.set_published(session, getattr(world, role), item_id, True)


def test_an_unpublished_item_is_absent_for_everyone_but_administrators(world: World) -> None:
    item_id = _create(world)
    with pytest.raises(NotFound), world.db.read() as session:
        news.get_news(session, world.editor, item_id)
    with world.db.write() as session:
        news.set_published(session, world.admin, item_id, True)
    with world.db.read() as session:
        item = news.get_news(session, world.public, item_id)
        assert item.published and item.published_at is not None


def test_the_news_page_lists_upcoming_events_soonest_first_and_other_items_newest_first(world: World) -> None:
    later = _create(world, item_date=dt.date(2026, 9, 1), event_end=None)
    sooner = _create(world)
    past_event = _create(world, item_date=dt.date(2026, 1, 5), event_end=None)
    story = _create(world, kind="news", item_date=dt.date(2026, 5, 2), event_end=None, title_en="", body_en="")
    draft = _create(world, kind="news", item_date=dt.date(2026, 5, 30), event_end=None)
    with world.db.write() as session:
        for item_id in (later, sooner, past_event, story):
            news.set_published(session, world.admin, item_id, True)
    with world.db.read() as session:
        public = news.news_page(session, world.public, TODAY)
        admin = news.news_page(session, world.admin, TODAY)
    assert [i.id for i in public.upcoming_events] == [sooner, later]
    assert [i.id for i in public.recent] == [story, past_event]
    assert draft in [i.id for i in admin.recent]


def test_an_item_is_shown_in_the_readers_language_or_the_one_it_has(world: World) -> None:
    with world.db.write() as session:
        item = news.create_news(session, world.admin, _fields(title_en="", body_en=""))
        assert (news.title(item, "en"), news.body(item, "en"), news.shown_lang(item, "en")) == (
            "城市調適工作坊",
            "報名。",
            "zh_Hant",
        )
        assert news.shown_lang(item, "zh_Hant") == "zh_Hant"


@pytest.mark.parametrize(
    "changes",
    [{"title_zh": "", "title_en": ""}, {"event_end": dt.date(2026, 6, 1)}, {"online_url": "javascript:alert(1)"},
     {"kind": "rumour"}],
)  # fmt: skip
def test_bad_news_input_is_refused(changes: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        _fields(**changes)
