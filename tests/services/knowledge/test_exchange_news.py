"""News and events of the centre: written, published and deleted by administrators, read by everyone once
published, listed with filters for the API."""

from __future__ import annotations

import datetime as dt

import pytest
from pydantic import ValidationError
from sqlalchemy import func, select
from tests.services.conftest import World

from zerocity.services.errors import Conflict, Forbidden, NotAuthenticated, NotFound
from zerocity.services.knowledge import news
from zerocity.services.knowledge.news import NewsFields
from zerocity.store.hub_models import NewsItem
from zerocity.store.models import AuditEntry
from zerocity.store.search_models import SearchEntry

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


# -- listing (the API's filters) -----------------------------------------------------------------------------------
def _published(world: World, **changes: object) -> int:
    item_id = _create(world, **changes)
    with world.db.write() as session:
        news.set_published(session, world.admin, item_id, True)
    return item_id


def _listed(world: World, actor_role: str = "public", **filters: object) -> tuple[list[int], int]:
    with world.db.read() as session:
        items, total = news.list_news(session, getattr(world, actor_role), **filters)  # type: ignore[arg-type]
    return [item.id for item in items], total


def test_the_list_filters_by_kind_language_and_upcoming_events(world: World) -> None:
    june = _published(world)  # an event on 10-11 June 2026, in both languages
    ended_yesterday = _published(world, item_date=dt.date(2026, 5, 30), event_end=dt.date(2026, 5, 31))
    ends_today = _published(world, item_date=dt.date(2026, 5, 30), event_end=TODAY)
    chinese_story = _published(world, kind="news", item_date=dt.date(2026, 5, 2), event_end=None, title_en="")
    english_story = _published(world, kind="news", item_date=dt.date(2026, 4, 2), event_end=None, title_zh="")
    _create(world, kind="news", item_date=dt.date(2026, 5, 3), event_end=None)  # not published

    assert _listed(world) == ([june, ends_today, ended_yesterday, chinese_story, english_story], 5)
    assert _listed(world, kind="news")[0] == [chinese_story, english_story]
    assert _listed(world, lang="en")[0] == [june, ends_today, ended_yesterday, english_story]
    assert _listed(world, lang="zh_Hant")[0] == [june, ends_today, ended_yesterday, chinese_story]
    assert _listed(world, upcoming_from=TODAY)[0] == [ends_today, june]  # soonest first
    assert _listed(world, upcoming_from=TODAY, kind="news")[0] == []


def test_the_list_pages_and_counts_every_match_and_administrators_also_see_drafts(world: World) -> None:
    ids = [_published(world, item_date=dt.date(2026, 3, day), event_end=None) for day in (1, 2, 3)]
    draft = _create(world, item_date=dt.date(2026, 3, 4), event_end=None)
    assert _listed(world, offset=1, limit=1) == ([ids[1]], 3)
    assert _listed(world, "admin") == ([draft, *reversed(ids)], 4)


# -- deleting ------------------------------------------------------------------------------------------------------
def _index_rows(world: World, item_id: int) -> int:
    with world.db.read() as session:
        query = (
            select(func.count())
            .select_from(SearchEntry)
            .where(SearchEntry.kind == "news", SearchEntry.doc_id == item_id)
        )
        return session.scalar(query) or 0


def test_an_administrator_deletes_an_item_and_it_leaves_the_search_index_with_an_audit_entry(world: World) -> None:
    item_id = _published(world)
    assert _index_rows(world, item_id) == 2  # one row per language

    with world.db.write() as session:
        news.delete_news(session, world.admin, item_id)

    with world.db.read() as session:
        assert session.get(NewsItem, item_id) is None
        entry = session.scalar(select(AuditEntry).where(AuditEntry.entity == "news", AuditEntry.action == "delete"))
        assert entry is not None and entry.entity_id == str(item_id) and entry.user_id == world.admin.user_id
        assert "城市調適工作坊" in (entry.old_value or "")
    assert _index_rows(world, item_id) == 0
    with pytest.raises(NotFound), world.db.write() as session:
        news.delete_news(session, world.admin, item_id)


@pytest.mark.parametrize(
    ("role", "error"), [("editor", Forbidden), ("viewer", Forbidden), ("public", NotAuthenticated)]
)
def test_only_administrators_delete_news(world: World, role: str, error: type) -> None:
    item_id = _published(world)
    with pytest.raises(error), world.db.write() as session:
        news.delete_news(session, getattr(world, role), item_id)
    with world.db.read() as session:
        assert session.get(NewsItem, item_id) is not None


def test_a_delete_or_publication_based_on_a_stale_version_is_refused(world: World) -> None:
    item_id = _create(world)
    with world.db.write() as session:
        news.update_news(session, world.admin, item_id, _fields(title_en="Renamed"), expected_version=1)
    with pytest.raises(Conflict), world.db.write() as session:
        news.set_published(session, world.admin, item_id, True, expected_version=1)
    with pytest.raises(Conflict), world.db.write() as session:
        news.delete_news(session, world.admin, item_id, expected_version=1)
    with world.db.write() as session:
        news.set_published(session, world.admin, item_id, True, expected_version=2)
    with world.db.read() as session:
        assert news.get_news(session, world.public, item_id).version == 3
