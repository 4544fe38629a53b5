"""Best-practice cases: who may write what, the per-language review workflow with four eyes, what each reader sees,
and the audit log. Runs on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from pydantic import ValidationError
from sqlalchemy import select
from tests.services.knowledge.cases_fixtures import Hub, case_fields, hub, texts

from zerocity.core.errors import ZeroCityError
from zerocity.services.actor import Actor
from zerocity.services.errors import Conflict, Forbidden, InvalidRequest, NotAuthenticated, NotFound
from zerocity.services.knowledge import cases, cases_images
from zerocity.services.knowledge.cases import VersionText
from zerocity.store.hub_models import Case
from zerocity.store.models import AuditEntry

__all__ = ["hub"]  # the fixture, imported by name

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _status(hub: Hub, actor: Actor, case_id: int, lang: str, action: str, **kwargs: Any) -> str:
    with hub.world.db.write() as session:
        return cases.change_version_status(session, actor, case_id, lang, action, **kwargs).status


def _seen(hub: Hub, actor: Actor, case_id: int) -> dict[str, str]:
    """Language -> status of the versions this reader sees."""
    with hub.world.db.read() as session:
        detail = cases.get_case(session, actor, case_id)
        return {lang: version.status for lang, version in detail.versions.items()}


# -- creating ---------------------------------------------------------------------------------------------------
def test_a_city_editor_creates_a_draft_case_of_their_own_city_in_both_languages(hub: Hub) -> None:
    case_id = hub.new_case(hub.world.editor)

    with hub.world.db.read() as session:
        case = session.get(Case, case_id)
        assert case is not None
        assert (case.city_id, case.city_name_zh, case.city_name_en) == (hub.world.city_id, "高雄市", "Kaohsiung")
        assert case.created_by == hub.world.editor.user_id
        assert case.results[0]["source"] == "test figure"
    assert _seen(hub, hub.world.editor, case_id) == {"zh_Hant": "draft", "en": "draft"}


@pytest.mark.parametrize(
    ("role", "error"),
    [("other_editor", Forbidden), ("viewer", Forbidden), ("public", NotAuthenticated)],
)
def test_only_the_citys_editors_and_administrators_create_its_cases(hub: Hub, role: str, error: type) -> None:
    with pytest.raises(error):
        hub.new_case(hub.actor(role))
    with hub.world.db.read() as session:
        assert session.scalars(select(Case)).all() == []


def test_a_city_editor_may_not_file_a_case_outside_the_member_cities_but_an_administrator_may(hub: Hub) -> None:
    outside = {"city_id": None, "city_name_en": "Kyoto", "city_name_zh": "京都", "country": "JP"}
    with pytest.raises(Forbidden), hub.world.db.write() as session:
        cases.create_case(session, hub.world.editor, case_fields(**outside), texts("en"))
    with hub.world.db.write() as session:
        case = cases.create_case(session, hub.world.admin, case_fields(**outside), texts("en"))
        assert (case.city_id, case.city_name_en, case.country) == (None, "Kyoto", "JP")


def test_a_case_needs_a_title_in_at_least_one_language(hub: Hub) -> None:
    with pytest.raises(InvalidRequest), hub.world.db.write() as session:
        cases.create_case(session, hub.world.editor, case_fields(hub.world.city_id), {})


@pytest.mark.parametrize(
    "changes",
    [
        {"country": "XX"},
        {"themes": ["space_travel"]},
        {"gpc_sectors": ["II.9"]},
        {"action_templates": ["teleporter"]},
        {"year": 1800},
        {"links": [{"url": "javascript:alert(1)"}]},
        {"links": [{"url": "data:text/html,hi"}]},
        {"results": [{"kind": "cost", "value": 5.0}]},  # no source
        {"results": [{"kind": "tco2e_avoided_per_year", "value": float("nan"), "source": "x"}]},
        {"results": [{"kind": "cost", "value": 5.0, "currency": "twd", "source": "x"}]},
        {"city_name_en": "Kao\x00hsiung"},
    ],
)
def test_facts_outside_the_vocabularies_or_unsafe_are_refused(changes: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        case_fields(1, **changes)


def test_a_title_cannot_be_blank_nor_a_body_huge() -> None:
    with pytest.raises(ValidationError):
        VersionText(title="   ")
    with pytest.raises(ValidationError):
        VersionText(title="t", body="x" * (cases.MAX_BODY_CHARS + 1))


def test_themes_sectors_and_templates_are_kept_once_each_in_the_given_order() -> None:
    fields = case_fields(1, themes=["waste", "mobility", "waste"], gpc_sectors=["III.1", "II.1", "III.1"])
    assert (fields.themes, fields.gpc_sectors) == (["waste", "mobility"], ["III.1", "II.1"])


# -- every write as every role -------------------------------------------------------------------------------------
def _update(hub: Hub, actor: Actor, case_id: int) -> None:
    with hub.world.db.write() as session:
        cases.update_case(session, actor, case_id, case_fields(hub.world.city_id, year=2024))


def _save(hub: Hub, actor: Actor, case_id: int) -> None:
    with hub.world.db.write() as session:
        cases.save_version(session, actor, case_id, "en", VersionText(title="Renamed"))


def _submit(hub: Hub, actor: Actor, case_id: int) -> None:
    _status(hub, actor, case_id, "en", "submit")


def _withdraw(hub: Hub, actor: Actor, case_id: int) -> None:
    _status(hub, hub.world.editor, case_id, "en", "submit")
    _status(hub, actor, case_id, "en", "withdraw")


def _publish(hub: Hub, actor: Actor, case_id: int) -> None:
    _status(hub, hub.world.editor, case_id, "en", "submit")
    _status(hub, actor, case_id, "en", "publish")


def _unpublish(hub: Hub, actor: Actor, case_id: int) -> None:
    hub.publish(case_id, "en")
    _status(hub, actor, case_id, "en", "unpublish")


def _delete(hub: Hub, actor: Actor, case_id: int) -> None:
    with hub.world.db.write() as session:
        cases.delete_case(session, actor, case_id)


def _add_image(hub: Hub, actor: Actor, case_id: int) -> None:
    with hub.world.db.write() as session:
        cases_images.add_image(session, actor, case_id, "a.png", PNG)


WRITES: dict[str, Callable[[Hub, Actor, int], None]] = {
    "update": _update,
    "save version": _save,
    "submit": _submit,
    "withdraw": _withdraw,
    "publish": _publish,
    "unpublish": _unpublish,
    "delete": _delete,
    "add image": _add_image,
}
#: Who may do each write on a draft case of Kaohsiung (the public and others see no draft: it looks absent).
ALLOWED: dict[str, set[str]] = {
    "update": {"admin", "second_admin", "editor"},
    "save version": {"admin", "second_admin", "editor"},
    "submit": {"admin", "second_admin", "editor"},
    "withdraw": {"admin", "second_admin", "editor"},
    "publish": {"admin", "second_admin"},
    "unpublish": {"admin", "second_admin"},
    "delete": {"admin", "second_admin"},
    "add image": {"admin", "second_admin", "editor"},
}
ROLES = ("admin", "second_admin", "editor", "viewer", "other_editor", "public")


@pytest.mark.parametrize("write", sorted(WRITES))
def test_every_write_is_allowed_exactly_to_the_roles_that_may_make_it(hub: Hub, write: str) -> None:
    outcomes = {}
    for role in ROLES:
        case_id = hub.new_case(hub.world.editor)
        try:
            WRITES[write](hub, hub.actor(role), case_id)
            outcomes[role] = "ok"
        except (Forbidden, NotAuthenticated, NotFound) as exc:
            outcomes[role] = exc.code
    assert {role for role, outcome in outcomes.items() if outcome == "ok"} == ALLOWED[write]
    # Refused writers are told why, and a reader who may not see the draft is told it does not exist.
    assert outcomes["public"] in ("not_authenticated", "not_found")
    assert outcomes["other_editor"] in ("forbidden", "not_found")


def _snapshot(hub: Hub, case_id: int) -> tuple[Any, ...]:
    with hub.world.db.read() as session:
        case = session.get(Case, case_id)
        assert case is not None
        versions = {lang: (v.title, v.status, v.version) for lang, v in cases.versions_of(session, case_id).items()}
        audit_ids = tuple(session.scalars(select(AuditEntry.id).order_by(AuditEntry.id)))
        return case.version, case.year, versions, audit_ids


def test_a_refused_write_changes_nothing(hub: Hub) -> None:
    case_id = hub.new_case(hub.world.editor)
    _status(hub, hub.world.editor, case_id, "en", "submit")
    before = _snapshot(hub, case_id)
    for write in (_update, _save, _submit, _delete, _add_image):
        with pytest.raises(ZeroCityError):
            write(hub, hub.world.other_editor, case_id)
    for action in ("withdraw", "publish"):
        with pytest.raises(ZeroCityError):
            _status(hub, hub.world.other_editor, case_id, "en", action)
    assert _snapshot(hub, case_id) == before


def test_an_editor_may_not_move_a_case_to_a_city_they_do_not_edit(hub: Hub) -> None:
    case_id = hub.new_case(hub.world.editor)
    with pytest.raises(Forbidden), hub.world.db.write() as session:
        cases.update_case(session, hub.world.editor, case_id, case_fields(hub.world.other_city_id))


# -- the workflow, one language at a time --------------------------------------------------------------------------
def test_each_language_version_has_its_own_status(hub: Hub) -> None:
    case_id = hub.new_case(hub.world.editor)
    hub.publish(case_id, "zh_Hant")
    _status(hub, hub.world.editor, case_id, "en", "submit")

    assert _seen(hub, hub.world.editor, case_id) == {"zh_Hant": "published", "en": "in_review"}
    assert _seen(hub, hub.world.public, case_id) == {"zh_Hant": "published"}
    assert _seen(hub, hub.world.viewer, case_id) == {"zh_Hant": "published"}


def test_a_case_with_nothing_published_does_not_exist_for_viewers_and_the_public(hub: Hub) -> None:
    case_id = hub.new_case(hub.world.editor)
    for role in ("public", "viewer", "other_editor"):
        with pytest.raises(NotFound), hub.world.db.read() as session:
            cases.get_case(session, hub.actor(role), case_id)


def test_the_administrator_who_submitted_a_version_may_not_publish_it_but_another_may(hub: Hub) -> None:
    case_id = hub.new_case(hub.world.admin)
    _status(hub, hub.world.admin, case_id, "zh_Hant", "submit")
    with pytest.raises(Conflict, match="someone other"):
        _status(hub, hub.world.admin, case_id, "zh_Hant", "publish")
    assert _status(hub, hub.second_admin, case_id, "zh_Hant", "publish") == "published"


def test_the_administrator_who_last_edited_a_version_in_review_may_not_publish_it(hub: Hub) -> None:
    case_id = hub.new_case(hub.world.editor)
    _status(hub, hub.world.editor, case_id, "en", "submit")
    with hub.world.db.write() as session:
        cases.save_version(session, hub.world.admin, case_id, "en", VersionText(title="Corrected title"))
    with pytest.raises(Conflict):
        _status(hub, hub.world.admin, case_id, "en", "publish")
    assert _status(hub, hub.second_admin, case_id, "en", "publish") == "published"


@pytest.mark.parametrize(
    ("start", "action"),
    [("draft", "publish"), ("draft", "withdraw"), ("draft", "unpublish"), ("in_review", "submit"),
     ("published", "submit"), ("published", "publish")],
)  # fmt: skip
def test_an_action_that_does_not_fit_the_status_is_refused(hub: Hub, start: str, action: str) -> None:
    case_id = hub.new_case(hub.world.editor)
    if start == "in_review":
        _status(hub, hub.world.editor, case_id, "en", "submit")
    if start == "published":
        hub.publish(case_id, "en")
    with pytest.raises(Conflict):
        _status(hub, hub.second_admin, case_id, "en", action)
    assert _seen(hub, hub.world.admin, case_id)["en"] == start


def test_a_city_editor_changes_drafts_only_and_withdraws_a_version_from_review_to_change_it(hub: Hub) -> None:
    case_id = hub.new_case(hub.world.editor)
    _status(hub, hub.world.editor, case_id, "en", "submit")
    with pytest.raises(Conflict, match="withdraw"):
        _save(hub, hub.world.editor, case_id)
    _status(hub, hub.world.editor, case_id, "en", "withdraw")
    _save(hub, hub.world.editor, case_id)
    with hub.world.db.read() as session:
        assert cases.get_case(session, hub.world.editor, case_id).versions["en"].title == "Renamed"


def test_an_administrator_corrects_a_published_version_and_it_stays_published(hub: Hub) -> None:
    case_id = hub.new_case(hub.world.editor)
    hub.publish(case_id, "en")
    with hub.world.db.write() as session:
        cases.save_version(session, hub.world.admin, case_id, "en", VersionText(title="Typo fixed"))
    with hub.world.db.read() as session:
        version = cases.get_case(session, hub.world.public, case_id).versions["en"]
        assert (version.title, version.status) == ("Typo fixed", "published")


def test_a_missing_translation_is_added_as_a_draft_of_its_own(hub: Hub) -> None:
    case_id = hub.new_case(hub.world.editor, "zh_Hant")
    hub.publish(case_id, "zh_Hant")
    with hub.world.db.write() as session:
        cases.save_version(session, hub.world.editor, case_id, "en", VersionText(title="Bus network redesign"))
    assert _seen(hub, hub.world.editor, case_id) == {"zh_Hant": "published", "en": "draft"}


def test_an_unknown_language_is_refused(hub: Hub) -> None:
    case_id = hub.new_case(hub.world.editor)
    with pytest.raises(InvalidRequest), hub.world.db.write() as session:
        cases.save_version(session, hub.world.editor, case_id, "fr", VersionText(title="Bus"))


def test_a_stale_version_is_refused_so_a_second_editor_does_not_overwrite_the_first(hub: Hub) -> None:
    case_id = hub.new_case(hub.world.editor)
    with hub.world.db.write() as session:
        cases.update_case(session, hub.world.editor, case_id, case_fields(hub.world.city_id, year=2020),
                          expected_version=1)  # fmt: skip
    with pytest.raises(Conflict), hub.world.db.write() as session:
        cases.update_case(session, hub.world.admin, case_id, case_fields(hub.world.city_id, year=2021),
                          expected_version=1)  # fmt: skip
    with pytest.raises(Conflict), hub.world.db.write() as session:
        cases.save_version(session, hub.world.editor, case_id, "en", VersionText(title="x"), expected_version=7)


def test_publishing_records_the_first_publication_and_unpublishing_keeps_it(hub: Hub) -> None:
    case_id = hub.new_case(hub.world.editor)
    hub.publish(case_id, "en")
    with hub.world.db.read() as session:
        case = session.get(Case, case_id)
        assert case is not None
        first = case.first_published_at
    assert first is not None
    _status(hub, hub.world.admin, case_id, "en", "unpublish", reason="outdated figures")
    with hub.world.db.read() as session:
        case = session.get(Case, case_id)
        assert case is not None and case.first_published_at == first
    with pytest.raises(NotFound), hub.world.db.read() as session:
        cases.get_case(session, hub.world.public, case_id)


# -- audit and lists -------------------------------------------------------------------------------------------------
def test_every_change_is_in_the_audit_log_with_who_and_why(hub: Hub) -> None:
    case_id = hub.new_case(hub.world.editor)
    _update(hub, hub.world.editor, case_id)
    _status(hub, hub.world.editor, case_id, "en", "submit")
    _status(hub, hub.world.admin, case_id, "en", "publish", reason="checked against the source")
    with hub.world.db.read() as session:
        entries = session.scalars(
            select(AuditEntry)
            .where(AuditEntry.entity.in_(("case", "case_version")), AuditEntry.entity_id == str(case_id))
            .order_by(AuditEntry.id)
        ).all()
    assert [(e.entity, e.action, e.field) for e in entries] == [
        ("case", "create", ""),
        ("case", "update", ""),
        ("case_version", "submit", "en"),
        ("case_version", "publish", "en"),
    ]
    assert entries[-1].user_id == hub.world.admin.user_id
    assert entries[-1].reason == "checked against the source"
    assert entries[1].city_id == hub.world.city_id
    assert '"year": 2024' in (entries[1].new_value or "")


def test_editors_see_their_drafts_and_administrators_the_review_queue(hub: Hub) -> None:
    mine = hub.new_case(hub.world.editor)
    _status(hub, hub.world.editor, mine, "en", "submit")
    outside = hub.new_case(hub.world.admin, "en", city_id=hub.world.other_city_id)
    with hub.world.db.read() as session:
        editor = cases.work_lists(session, hub.world.editor)
        admin = cases.work_lists(session, hub.world.admin)
        other = cases.work_lists(session, hub.world.other_editor)
    assert {(i.case.id, i.version.lang) for i in editor.drafts} == {(mine, "zh_Hant"), (mine, "en")}
    assert editor.review == []
    assert {(i.case.id, i.version.lang) for i in admin.review} == {(mine, "en")}
    assert {i.case.id for i in other.drafts} == {outside}
    with hub.world.db.read() as session:
        counts = [cases.work_count(session, actor) for actor in (hub.world.editor, hub.world.admin, hub.world.public)]
    assert counts == [2, 3, 0]
    with pytest.raises(NotAuthenticated), hub.world.db.read() as session:
        cases.work_lists(session, hub.world.public)


def test_a_citys_published_cases_come_newest_first_in_the_readers_language_where_translated(hub: Hub) -> None:
    older = hub.new_case(hub.world.editor)
    hub.publish(older, "zh_Hant")
    hub.publish(older, "en")
    newer = hub.new_case(hub.world.editor, "zh_Hant")
    hub.publish(newer, "zh_Hant")
    hub.new_case(hub.world.editor)  # a draft: never listed

    with hub.world.db.read() as session:
        english = cases.published_cases_for_city(session, hub.world.city_id, "en")
        one = cases.published_cases_for_city(session, hub.world.city_id, "en", limit=1)
        other_city = cases.published_cases_for_city(session, hub.world.other_city_id, "en")
    assert [(c.id, c.lang, c.title) for c in english] == [
        (newer, "zh_Hant", "公車路網重整"),  # not translated: shown in Chinese
        (older, "en", "Bus network redesign"),
    ]
    assert english[0].url == f"/cases/{newer}" and english[0].themes == ("mobility",) and english[0].year == 2023
    assert [c.id for c in one] == [newer]
    assert other_city == []
