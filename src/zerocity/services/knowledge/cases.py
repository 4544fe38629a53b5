"""Best-practice cases: who may read and change them, their per-language review workflow, and the search index.

A case's facts (city, country, year, themes, GPC sub-sectors, results, links, action templates) are shared by its
language versions; each language version (``zh_Hant``, ``en``) has its own words and its own status:

    draft --submit--> in_review --publish--> published
      ^                   |                      |
      +-----withdraw------+                      |
      +---------------unpublish------------------+

Who may do what (checked here, so pages, API and CLI obey the same rules):

* centre administrators: everything; only they publish and unpublish, and the administrator who publishes a
  version must be neither the person who submitted it nor its last editor (four eyes, as for inventories);
* a city's editors: create cases of their own city, change them, and submit or withdraw their versions; a version
  in review or published is the reviewer's to change;
* everybody else (a city's viewers and the public): published versions only. A case with none looks absent.

Every change is audited (``services/audit.py``) and re-indexes the case's published versions for search in the same
transaction (``zerocity.search.index.replace_documents``), so search never shows a draft nor misses a publication.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from zerocity.search.index import Document, remove_documents, replace_documents
from zerocity.services import audit
from zerocity.services.actor import Actor
from zerocity.services.errors import Conflict, Forbidden, InvalidRequest, NotFound
from zerocity.services.knowledge import cases_vocab
from zerocity.services.knowledge.cases_fields import (
    MAX_BODY_CHARS,
    MAX_LIST_ITEMS,
    RESULT_KINDS,
    URL_PATTERN,
    CaseFields,
    CaseLink,
    CaseResult,
    ShortText,
    VersionText,
    clean_text,
)
from zerocity.services.knowledge.cases_vocab import LANGS
from zerocity.services.knowledge.markdown import markdown_to_text
from zerocity.services.text import checked_reason
from zerocity.store.hub_models import Case, CaseVersion
from zerocity.store.models import City, utcnow

__all__ = [
    "ACTIONS",
    "MAX_BODY_CHARS",
    "MAX_LIST_ITEMS",
    "N_",
    "RESULT_KINDS",
    "STATUSES",
    "URL_PATTERN",
    "CaseCard",
    "CaseDetail",
    "CaseFields",
    "CaseLink",
    "CaseResult",
    "ShortText",
    "VersionText",
    "WorkItem",
    "WorkLists",
    "can_edit",
    "can_see_drafts",
    "card",
    "change_version_status",
    "choose_version",
    "clean_text",
    "create_case",
    "delete_case",
    "display_city",
    "fields_of",
    "get_case",
    "publish_as_system",
    "published_cases",
    "published_cases_for_city",
    "reindex",
    "require_edit",
    "save_version",
    "update_case",
    "versions_of",
    "visible",
    "work_count",
    "work_lists",
]


def N_(message: str) -> str:
    """Marks a message for the catalogue; the web layer translates it when it shows the error."""
    return message


STATUSES: Final = ("draft", "in_review", "published")
ACTIONS: Final = ("submit", "withdraw", "publish", "unpublish")


def fields_of(case: Case) -> dict[str, Any]:
    """The case's shared facts as ``CaseFields`` keywords (to apply a partial change on top)."""
    return {
        "city_id": case.city_id,
        "city_name_zh": case.city_name_zh,
        "city_name_en": case.city_name_en,
        "country": case.country,
        "year": case.year,
        "themes": list(case.themes),
        "gpc_sectors": list(case.gpc_sectors),
        "action_templates": list(case.action_templates),
        "results": [CaseResult.model_validate(r) for r in case.results],
        "links": [CaseLink.model_validate(link) for link in case.links],
    }


# -- who may do what ---------------------------------------------------------------------------------------------
def can_edit(actor: Actor, case: Case) -> bool:
    """Administrators, and the editors of the member city the case belongs to."""
    return actor.is_admin or (case.city_id is not None and actor.can_edit(case.city_id))


def can_see_drafts(actor: Actor, case: Case) -> bool:
    """Drafts and versions in review are the business of the people who may change them; a city's viewers and the
    public read published versions only."""
    return can_edit(actor, case)


def require_edit(actor: Actor, case: Case) -> None:
    actor.require_authenticated()
    if not can_edit(actor, case):
        raise Forbidden(N_("you may not change this case"), case_id=case.id)


def _require_city_editor(session: Session, actor: Actor, city_id: int | None) -> None:
    """A case may be put under a member city only by that city's editors (or an administrator)."""
    actor.require_authenticated()
    if city_id is not None and session.get(City, city_id) is None:
        raise NotFound(N_("no such city"), city_id=city_id)
    if actor.is_admin:
        return
    if city_id is None or not actor.can_edit(city_id):
        raise Forbidden(N_("you may only add cases of a city you edit"))


# -- reading ---------------------------------------------------------------------------------------------------------
def versions_of(session: Session, case_id: int) -> dict[str, CaseVersion]:
    rows = session.scalars(select(CaseVersion).where(CaseVersion.case_id == case_id))
    return {version.lang: version for version in rows}


def visible(actor: Actor, case: Case, versions: Mapping[str, CaseVersion]) -> dict[str, CaseVersion]:
    if can_see_drafts(actor, case):
        return dict(versions)
    return {lang: v for lang, v in versions.items() if v.status == "published"}


@dataclass(frozen=True)
class CaseDetail:
    """A case and the language versions this reader may see."""

    case: Case
    versions: Mapping[str, CaseVersion]
    can_edit: bool

    def published(self, lang: str) -> bool:
        version = self.versions.get(lang)
        return version is not None and version.status == "published"


def get_case(session: Session, actor: Actor, case_id: int, *, for_update: bool = False) -> CaseDetail:
    """The case, if this reader may see at least one of its versions; otherwise it does not exist for them."""
    query = select(Case).where(Case.id == case_id)
    if for_update:
        query = query.with_for_update().execution_options(populate_existing=True)
    case = session.scalar(query)
    if case is None:
        raise NotFound(N_("no such case"), case_id=case_id)
    shown = visible(actor, case, versions_of(session, case.id))
    if not shown and not can_edit(actor, case):
        raise NotFound(N_("no such case"), case_id=case_id)
    return CaseDetail(case, shown, can_edit(actor, case))


def display_city(case: Case, lang: str) -> str:
    """The city's name in a language, or in the other one when that is missing."""
    return cases_vocab.pick((case.city_name_zh, case.city_name_en), lang)


def choose_version(versions: Mapping[str, CaseVersion], locale: str) -> CaseVersion | None:
    """The version in the reader's language if there is one, else the other language's."""
    if locale in versions:
        return versions[locale]
    for lang in LANGS:
        if lang in versions:
            return versions[lang]
    return None


@dataclass(frozen=True)
class CaseCard:
    """A published case in a list (a city's public page, the digest)."""

    id: int
    title: str
    summary: str
    year: int | None
    themes: tuple[str, ...]
    url: str
    lang: str = "zh_Hant"  # the language of title and summary (the reader's, unless not yet translated)


def _published_versions(session: Session, case_ids: Sequence[int]) -> dict[int, dict[str, CaseVersion]]:
    found: dict[int, dict[str, CaseVersion]] = {}
    if not case_ids:
        return found
    rows = session.scalars(
        select(CaseVersion).where(CaseVersion.case_id.in_(list(case_ids)), CaseVersion.status == "published")
    )
    for version in rows:
        found.setdefault(version.case_id, {})[version.lang] = version
    return found


def card(case: Case, versions: Mapping[str, CaseVersion], locale: str) -> CaseCard | None:
    chosen = choose_version(versions, locale)
    if chosen is None:
        return None
    return CaseCard(
        id=case.id,
        title=chosen.title,
        summary=chosen.summary,
        year=case.year,
        themes=tuple(case.themes),
        url=f"/cases/{case.id}",
        lang=chosen.lang,
    )


def published_cases_for_city(session: Session, city_id: int, locale: str, limit: int = 5) -> list[CaseCard]:
    """A member city's published cases, newest first, in the reader's language where translated (public)."""
    cases = session.scalars(
        select(Case)
        .where(Case.city_id == city_id, Case.first_published_at.is_not(None))
        .order_by(Case.first_published_at.desc(), Case.id.desc())
    ).all()
    published = _published_versions(session, [c.id for c in cases])
    cards = [card(c, published.get(c.id, {}), locale) for c in cases]
    return [c for c in cards if c is not None][: max(limit, 0)]


def published_cases(session: Session, case_ids: Iterable[int]) -> dict[int, tuple[Case, dict[str, CaseVersion]]]:
    """Cases by id with their published versions only (cases with none left out): what the public may read."""
    ids = list(dict.fromkeys(case_ids))
    if not ids:
        return {}
    cases = {c.id: c for c in session.scalars(select(Case).where(Case.id.in_(ids)))}
    published = _published_versions(session, ids)
    return {cid: (cases[cid], published[cid]) for cid in ids if cid in cases and cid in published}


@dataclass(frozen=True)
class WorkItem:
    case: Case
    version: CaseVersion


@dataclass(frozen=True)
class WorkLists:
    """An editor's drafts (and versions in review) and, for administrators, the review queue."""

    drafts: list[WorkItem]
    review: list[WorkItem]


def _work_query(actor: Actor, *columns: Any) -> Any:
    query = select(*columns).select_from(Case).join(CaseVersion, CaseVersion.case_id == Case.id)
    if not actor.is_admin:
        editable = [city_id for city_id in actor.roles if actor.can_edit(city_id)]
        query = query.where(Case.city_id.in_(editable))
    return query


def work_count(session: Session, actor: Actor) -> int:
    """How many versions wait for this person: their drafts and versions in review (all of them for admins)."""
    if not actor.is_authenticated:
        return 0
    query = _work_query(actor, func.count()).where(CaseVersion.status.in_(("draft", "in_review")))
    return int(session.scalar(query) or 0)


def work_lists(session: Session, actor: Actor) -> WorkLists:
    actor.require_authenticated()
    query = _work_query(actor, Case, CaseVersion)
    rows = session.execute(query.order_by(CaseVersion.updated_at.desc(), CaseVersion.id.desc())).all()
    drafts = [WorkItem(c, v) for c, v in rows if v.status in ("draft", "in_review")]
    review = [WorkItem(c, v) for c, v in rows if v.status == "in_review"] if actor.is_admin else []
    return WorkLists(drafts=drafts, review=review)


# -- writing -------------------------------------------------------------------------------------------------------
def _apply_fields(session: Session, case: Case, fields: CaseFields) -> None:
    city = session.get(City, fields.city_id) if fields.city_id is not None else None
    case.city_id = fields.city_id
    # A member city's names fill in what the editor left blank.
    case.city_name_zh = fields.city_name_zh or (city.name_zh if city else "")
    case.city_name_en = fields.city_name_en or (city.name_en if city else "")
    case.country = fields.country
    case.year = fields.year
    case.themes = list(fields.themes)
    case.gpc_sectors = list(fields.gpc_sectors)
    case.action_templates = list(fields.action_templates)
    case.results = [r.model_dump() for r in fields.results]
    case.links = [link.model_dump() for link in fields.links]


def _check_version(current: int, expected: int | None) -> None:
    if expected is not None and current != expected:
        raise Conflict(N_("someone else changed this case since you opened it; reload and try again"))


def _touch(case: Case, actor: Actor) -> None:
    case.version += 1
    case.updated_at = utcnow()
    case.updated_by = actor.user_id


def _check_lang(lang: str) -> None:
    if lang not in LANGS:
        raise InvalidRequest(N_("the language must be zh_Hant or en"), field="lang")


def create_case(
    session: Session,
    actor: Actor,
    fields: CaseFields,
    versions: Mapping[str, VersionText],
    *,
    slug: str | None = None,
    sample: bool = False,
) -> Case:
    """A new case with a draft version per language given (at least one)."""
    _require_city_editor(session, actor, fields.city_id)
    if not versions:
        raise InvalidRequest(N_("give the case a title in at least one language"), field="versions")
    for lang in versions:
        _check_lang(lang)
    if slug is not None and session.scalar(select(Case.id).where(Case.slug == slug)) is not None:
        raise Conflict(N_("a case with this short name already exists"), field="slug")
    now = utcnow()
    case = Case(slug=slug, sample=sample, created_by=actor.user_id, updated_by=actor.user_id, created_at=now,
                updated_at=now)  # fmt: skip
    _apply_fields(session, case, fields)
    session.add(case)
    session.flush()
    for lang, text in versions.items():
        session.add(_new_version(case.id, lang, text, actor))
    session.flush()
    texts = {lang: text.model_dump() for lang, text in versions.items()}
    audit.record(session, actor, entity="case", entity_id=case.id, action="create", city_id=case.city_id,
                 new={"fields": fields.model_dump(), "versions": texts})  # fmt: skip
    reindex(session, case)
    return case


def _new_version(case_id: int, lang: str, text: VersionText, actor: Actor) -> CaseVersion:
    return CaseVersion(case_id=case_id, lang=lang, title=text.title, summary=text.summary, body=text.body,
                       status="draft", updated_by=actor.user_id, updated_at=utcnow())  # fmt: skip


def update_case(
    session: Session, actor: Actor, case_id: int, fields: CaseFields, *, expected_version: int | None = None
) -> Case:
    """Change the shared facts of a case; its published versions are re-indexed with them."""
    detail = get_case(session, actor, case_id, for_update=True)
    case = detail.case
    require_edit(actor, case)
    if fields.city_id != case.city_id:
        _require_city_editor(session, actor, fields.city_id)
    _check_version(case.version, expected_version)
    old = fields_of(case)
    _apply_fields(session, case, fields)
    _touch(case, actor)
    audit.record(session, actor, entity="case", entity_id=case.id, action="update", city_id=case.city_id,
                 old=CaseFields(**old).model_dump(), new=fields.model_dump())  # fmt: skip
    reindex(session, case)
    return case


def save_version(
    session: Session,
    actor: Actor,
    case_id: int,
    lang: str,
    text: VersionText,
    *,
    expected_version: int | None = None,
) -> CaseVersion:
    """Write the words of one language version, creating it (as a draft) when the case has none yet.

    A city editor changes drafts only; an administrator may also correct a version in review or a published one,
    which stays published (and is re-indexed)."""
    _check_lang(lang)
    detail = get_case(session, actor, case_id, for_update=True)
    case = detail.case
    require_edit(actor, case)
    version = versions_of(session, case.id).get(lang)
    if version is None:
        if expected_version is not None:
            _check_version(0, expected_version)
        version = _new_version(case.id, lang, text, actor)
        session.add(version)
        session.flush()
        old = None
    else:
        _check_version(version.version, expected_version)
        if version.status != "draft" and not actor.is_admin:
            raise Conflict(N_("this version is in review or published; withdraw it to a draft before changing it"))
        old = {"title": version.title, "summary": version.summary, "body": version.body}
        version.title, version.summary, version.body = text.title, text.summary, text.body
        version.version += 1
        version.updated_by, version.updated_at = actor.user_id, utcnow()
    _touch(case, actor)
    audit.record(session, actor, entity="case_version", entity_id=case.id, action="save", city_id=case.city_id,
                 field=lang, old=old, new=text.model_dump())  # fmt: skip
    reindex(session, case)
    return version


def change_version_status(
    session: Session,
    actor: Actor,
    case_id: int,
    lang: str,
    action: str,
    *,
    reason: str = "",
    expected_version: int | None = None,
) -> CaseVersion:
    """Move one language version through its review (see the module docstring)."""
    _check_lang(lang)
    if action not in ACTIONS:
        raise InvalidRequest(N_("the action must be submit, withdraw, publish or unpublish"), field="action")
    reason = checked_reason(reason)
    detail = get_case(session, actor, case_id, for_update=True)
    case = detail.case
    version = versions_of(session, case.id).get(lang)
    if version is None:
        raise NotFound(N_("this case has no version in that language yet"), case_id=case_id, lang=lang)
    _check_version(version.version, expected_version)
    old_status = version.status
    now = utcnow()
    if action == "submit":
        require_edit(actor, case)
        if version.status != "draft":
            raise Conflict(N_("only a draft can be submitted for review"))
        version.status, version.submitted_by, version.submitted_at = "in_review", actor.user_id, now
    elif action == "withdraw":
        require_edit(actor, case)
        if version.status != "in_review":
            raise Conflict(N_("only a version in review can be withdrawn"))
        version.status = "draft"
    elif action == "publish":
        actor.require_admin()
        if version.status != "in_review":
            raise Conflict(N_("only a version in review can be published"))
        if actor.user_id is not None and actor.user_id in (version.submitted_by, version.updated_by):
            raise Conflict(N_("a case must be published by someone other than the person who submitted or edited it"))
        _publish(case, version, actor, now)
    else:  # unpublish
        actor.require_admin()
        if version.status != "published":
            raise Conflict(N_("this version is not published"))
        version.status, version.published_at, version.published_by = "draft", None, None
    version.version += 1
    _touch(case, actor)
    audit.record(session, actor, entity="case_version", entity_id=case.id, action=action, city_id=case.city_id,
                 field=lang, old={"status": old_status}, new={"status": version.status}, reason=reason)  # fmt: skip
    reindex(session, case)
    return version


def _publish(case: Case, version: CaseVersion, actor: Actor, when: datetime) -> None:
    version.status, version.published_at, version.published_by = "published", when, actor.user_id
    if case.first_published_at is None:
        case.first_published_at = when


def publish_as_system(session: Session, case: Case, version: CaseVersion, when: datetime | None = None) -> None:
    """Publish without review: for the demo loader and an administrator's import of content published elsewhere,
    whose review happened before it came here. Audited as the system; re-indexed."""
    _publish(case, version, Actor.system(), when or utcnow())
    session.flush()
    audit.record(session, Actor.system(), entity="case_version", entity_id=case.id, action="publish",
                 city_id=case.city_id, field=version.lang, new={"status": "published"})  # fmt: skip


def delete_case(session: Session, actor: Actor, case_id: int, *, reason: str = "") -> None:
    """Remove a case with its versions and images (administrators only)."""
    actor.require_admin()
    reason = checked_reason(reason)
    case = get_case(session, actor, case_id, for_update=True).case
    audit.record(session, actor, entity="case", entity_id=case.id, action="delete", city_id=case.city_id,
                 old=CaseFields(**fields_of(case)).model_dump(), reason=reason)  # fmt: skip
    remove_documents(session, "case", case.id)
    session.delete(case)
    session.flush()


# -- search --------------------------------------------------------------------------------------------------------
def reindex(session: Session, case: Case) -> None:
    """Replace the case's rows in the search index by its published versions (none: the case leaves the index)."""
    session.flush()
    published = [v for v in versions_of(session, case.id).values() if v.status == "published"]
    documents = [
        Document(
            kind="case",
            doc_id=case.id,
            lang=version.lang,
            title=version.title,
            summary=version.summary,
            body=markdown_to_text(version.body),
            city=display_city(case, version.lang),
            country=case.country,
            year=case.year,
            themes=tuple(case.themes),
            sectors=tuple(case.gpc_sectors),
            published_at=version.published_at,
        )
        for version in sorted(published, key=lambda v: LANGS.index(v.lang))
    ]
    replace_documents(session, "case", case.id, documents)
