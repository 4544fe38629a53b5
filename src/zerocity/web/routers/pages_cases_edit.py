"""Editing cases: a new case, the edit page (shared facts, each language's words and review status, images), an
editor's drafts and the administrators' review queue, and the import of a JSON export.

Plain forms that post and redirect (post/redirect/get), so everything works without JavaScript. The services check
every permission; a handler catches what a person can fix on the same page (a field out of bounds, a stale
version, a step that does not fit the status) and shows it there.
"""

from __future__ import annotations

from typing import Annotated, Any, Final

from fastapi import APIRouter, File, Form, Request, UploadFile
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.datastructures import FormData
from starlette.responses import Response

from zerocity.core.errors import InputErrors, ZeroCityError
from zerocity.services.actor import Actor
from zerocity.services.errors import Forbidden
from zerocity.services.knowledge import cases, cases_images, cases_vocab, exchange
from zerocity.services.knowledge.cases import RESULT_KINDS, CaseFields, VersionText
from zerocity.services.knowledge.cases_vocab import LANGS
from zerocity.store.models import City
from zerocity.web.deps import get_actor, get_db, get_locale
from zerocity.web.i18n import gettext
from zerocity.web.render import N_, page, redirect
from zerocity.web.routers.pages_cases import LANG_NAMES, sector_label, theme_options
from zerocity.web.routers.pages_cases import RESULT_KINDS as RESULT_KIND_LABELS

router = APIRouter(include_in_schema=False)

#: Empty rows offered under the existing results and links, to add new ones without JavaScript.
SPARE_ROWS: Final[int] = 2
MAX_ROWS: Final[int] = cases.MAX_LIST_ITEMS

FIELD_ERRORS: Final[dict[str, str]] = {
    "city_id": N_("Choose a member city you edit, or none."),
    "city_name_zh": N_("A city name may be at most 200 characters, without control characters."),
    "city_name_en": N_("A city name may be at most 200 characters, without control characters."),
    "country": N_("Choose a country from the list."),
    "year": N_("Enter a year between 1900 and 2100, or leave it empty."),
    "themes": N_("Choose from the list."),
    "gpc_sectors": N_("Choose from the list."),
    "action_templates": N_("Choose from the list."),
    "results": N_("Each result needs its source; a value is a number and a currency a three-letter code such as TWD."),
    "links": N_("Each link must start with http:// or https://."),
    "title": N_("Give a title of at most 300 characters."),
    "summary": N_("A summary may be at most 2,000 characters."),
    "body": N_("The text may be at most 100,000 characters."),
    "versions": N_("Give the case a title in at least one language."),
}
DONE: Final[dict[str, str]] = {
    "submit": N_("The version was submitted for review."),
    "withdraw": N_("The version is a draft again."),
    "publish": N_("The version is now published."),
    "unpublish": N_("The version is no longer published."),
}
ACTION_LABELS: Final[dict[str, str]] = {
    "submit": N_("Submit for review"),
    "withdraw": N_("Back to draft"),
    "publish": N_("Publish"),
    "unpublish": N_("Unpublish"),
}


# -- forms ----------------------------------------------------------------------------------------------------------
def _text(form: FormData, name: str) -> str:
    value = form.get(name, "")
    return value if isinstance(value, str) else ""


def _rows(form: FormData, prefix: str, names: tuple[str, ...]) -> list[dict[str, str]]:
    """Repeated row groups ``prefix-0-name``, ``prefix-1-name``…; rows left wholly empty are dropped."""
    rows = []
    for index in range(MAX_ROWS + SPARE_ROWS):
        row = {name: _text(form, f"{prefix}-{index}-{name}").strip() for name in names}
        if any(value for key, value in row.items() if key != "kind"):
            rows.append(row)
    return rows


RESULT_COLUMNS: Final = ("kind", "value", "unit", "currency", "description_zh", "description_en", "source")
LINK_COLUMNS: Final = ("url", "label_zh", "label_en")


def _version(text: str) -> int | None:
    """The version a form was made from (hidden field); anything else is "no check"."""
    return int(text) if text.isdigit() and len(text) < 10 else None


def facts_values(form: FormData) -> dict[str, Any]:
    """The shared facts as the form sent them (text), to show them again after an error."""
    return {
        "city_id": _text(form, "city_id"),
        "city_name_zh": _text(form, "city_name_zh"),
        "city_name_en": _text(form, "city_name_en"),
        "country": _text(form, "country"),
        "year": _text(form, "year"),
        "themes": [v for v in form.getlist("themes") if isinstance(v, str)],
        "gpc_sectors": [v for v in form.getlist("gpc_sectors") if isinstance(v, str)],
        "action_templates": [v for v in form.getlist("action_templates") if isinstance(v, str)],
        "results": _rows(form, "result", RESULT_COLUMNS),
        "links": _rows(form, "link", LINK_COLUMNS),
    }


def _number(text: str) -> float | str | None:
    """A decimal as people type it (``12,500`` too); text that is not a number is passed on to fail validation."""
    if not text:
        return None
    try:
        return float(text.replace(",", ""))
    except ValueError:
        return text


def facts_from_values(values: dict[str, Any]) -> CaseFields:
    """Raises pydantic's ValidationError, located by field."""
    city_text, year_text = values["city_id"].strip(), values["year"].strip()
    return CaseFields.model_validate(
        {
            "city_id": int(city_text) if city_text.isdigit() and len(city_text) < 10 else None,
            "city_name_zh": values["city_name_zh"],
            "city_name_en": values["city_name_en"],
            "country": values["country"],
            "year": int(year_text) if year_text.isdigit() and len(year_text) < 6 else (year_text or None),
            "themes": values["themes"],
            "gpc_sectors": values["gpc_sectors"],
            "action_templates": values["action_templates"],
            "results": [{**row, "value": _number(row["value"])} for row in values["results"]],
            "links": values["links"],
        },
        strict=False,
    )


def text_values(form: FormData, lang: str) -> dict[str, str]:
    return {name: _text(form, f"{lang}-{name}") for name in ("title", "summary", "body")}


def errors_of(exc: ValidationError, locale: str, prefix: str = "") -> dict[str, str]:
    errors: dict[str, str] = {}
    for error in exc.errors():
        field = str(error["loc"][0]) if error["loc"] else "versions"
        errors.setdefault(prefix + field, gettext(FIELD_ERRORS.get(field, FIELD_ERRORS["versions"]), locale))
    return errors


# -- the edit page ---------------------------------------------------------------------------------------------------
def _city_options(session: Session, actor: Actor, locale: str) -> list[tuple[str, str]]:
    found = session.scalars(select(City).order_by(City.country, City.name_en)).all()
    options = [(str(c.id), c.name_zh if locale == "zh_Hant" else c.name_en) for c in found if actor.can_edit(c.id)]
    if actor.is_admin:
        options.insert(0, ("", gettext(N_("Not a member city"), locale)))
    return options


def allowed_actions(actor: Actor, detail: cases.CaseDetail, status: str) -> list[str]:
    """The steps this reader may take now on a version in ``status``; the service checks again on posting."""
    found = []
    if status == "draft" and detail.can_edit:
        found.append("submit")
    if status == "in_review" and detail.can_edit:
        found.append("withdraw")
    if status == "in_review" and actor.is_admin:
        found.append("publish")
    if status == "published" and actor.is_admin:
        found.append("unpublish")
    return found


def _stored_facts(case: Any) -> dict[str, Any]:
    return {
        "city_id": str(case.city_id or ""),
        "city_name_zh": case.city_name_zh,
        "city_name_en": case.city_name_en,
        "country": case.country,
        "year": str(case.year or ""),
        "themes": list(case.themes),
        "gpc_sectors": list(case.gpc_sectors),
        "action_templates": list(case.action_templates),
        "results": [{k: "" if r.get(k) is None else str(r.get(k)) for k in RESULT_COLUMNS} for r in case.results],
        "links": [{k: str(link.get(k) or "") for k in LINK_COLUMNS} for link in case.links],
    }


def form_context(session: Session, actor: Actor, locale: str, facts: dict[str, Any]) -> dict[str, Any]:
    """Options of the shared-facts form, and the result and link rows to show (with spare empty rows)."""
    blank_result = dict.fromkeys(RESULT_COLUMNS, "")
    blank_link = dict.fromkeys(LINK_COLUMNS, "")
    return {
        "facts": facts,
        "result_rows": [*facts["results"], *[dict(blank_result) for _ in range(SPARE_ROWS)]],
        "link_rows": [*facts["links"], *[dict(blank_link) for _ in range(SPARE_ROWS)]],
        "city_options": _city_options(session, actor, locale),
        "country_options": [(code, cases_vocab.country_name(code, locale)) for code in cases_vocab.countries()],
        "theme_options": theme_options(locale),
        "sector_options": [(code, sector_label(code, locale)) for code in cases_vocab.gpc_subsectors()],
        "template_options": [(t, cases_vocab.template_name(t, locale)) for t in cases_vocab.action_templates()],
        "result_kinds": [(kind, gettext(RESULT_KIND_LABELS[kind], locale)) for kind in RESULT_KINDS],
        "lang_names": LANG_NAMES,
        "langs": LANGS,
    }


def edit_context(
    session: Session,
    actor: Actor,
    locale: str,
    case_id: int,
    *,
    facts: dict[str, Any] | None = None,
    texts: dict[str, dict[str, str]] | None = None,
    errors: dict[str, str] | None = None,
) -> dict[str, Any]:
    detail = cases.get_case(session, actor, case_id)
    if not detail.can_edit:
        raise Forbidden(N_("you may not change this case"), case_id=case_id)
    case = detail.case
    versions = []
    for lang in LANGS:
        stored = detail.versions.get(lang)
        saved = {"title": stored.title, "summary": stored.summary, "body": stored.body} if stored else None
        words = (texts or {}).get(lang) or saved or dict.fromkeys(("title", "summary", "body"), "")
        status = stored.status if stored else ""
        versions.append(
            {
                "lang": lang,
                "name": LANG_NAMES[lang],
                "stored": stored,
                "words": words,
                "status": status,
                "editable": stored is None or status == "draft" or actor.is_admin,
                "actions": [(a, gettext(ACTION_LABELS[a], locale)) for a in allowed_actions(actor, detail, status)],
            }
        )
    return {
        "case": case,
        "versions": versions,
        "images": cases_images.images_of(session, case.id),
        "errors": errors or {},
        "max_image_mb": cases_images.MAX_IMAGE_BYTES // 1_000_000,
        "can_delete": actor.is_admin,
        **form_context(session, actor, locale, facts or _stored_facts(case)),
    }


@router.get("/cases/new")
def new_case_form(request: Request) -> Response:
    actor, locale = get_actor(request), get_locale(request)
    actor.require_authenticated()
    with get_db(request).read() as session:
        options = _city_options(session, actor, locale)
        if not options:
            raise Forbidden(N_("you may only add cases of a city you edit"))
        facts = {"city_id": options[0][0], "city_name_zh": "", "city_name_en": "", "country": "TW", "year": "",
                 "themes": [], "gpc_sectors": [], "action_templates": [], "results": [], "links": []}  # fmt: skip
        context = form_context(session, actor, locale, facts)
    empty = {lang: dict.fromkeys(("title", "summary", "body"), "") for lang in LANGS}
    return page(request, "cases/new.html", {**context, "texts": empty, "errors": {}})


@router.post("/cases/new")
async def create_case(request: Request) -> Response:
    actor, locale = get_actor(request), get_locale(request)
    actor.require_authenticated()
    form = await request.form()
    facts = facts_values(form)
    texts = {lang: text_values(form, lang) for lang in LANGS}
    errors: dict[str, str] = {}
    fields = None
    try:
        fields = facts_from_values(facts)
    except ValidationError as exc:
        errors.update(errors_of(exc, locale))
    versions: dict[str, VersionText] = {}
    for lang, words in texts.items():
        if not any(words.values()):
            continue
        try:
            versions[lang] = VersionText.model_validate(words)
        except ValidationError as exc:
            errors.update(errors_of(exc, locale, prefix=f"{lang}-"))
    if not versions and not any(key.endswith("title") for key in errors):
        errors["versions"] = gettext(FIELD_ERRORS["versions"], locale)
    db = get_db(request)
    if errors or fields is None:
        with db.read() as session:
            context = form_context(session, actor, locale, facts)
        return page(request, "cases/new.html", {**context, "texts": texts, "errors": errors}, status_code=422)
    with db.write() as session:
        case = cases.create_case(session, actor, fields, versions)
        case_id = case.id
    return redirect(f"/cases/{case_id}/edit", flash=("success", N_("The case was created as a draft.")))


@router.get("/cases/{case_id:int}/edit")
def edit_case_form(request: Request, case_id: int) -> Response:
    actor, locale = get_actor(request), get_locale(request)
    actor.require_authenticated()
    with get_db(request).read() as session:
        context = edit_context(session, actor, locale, case_id)
    return page(request, "cases/edit.html", context)


def _back(case_id: int, exc: ZeroCityError, anchor: str = "") -> Response:
    """A refusal a person can act on, shown on the edit page; other errors go to the error pages."""
    if exc.code in ("conflict", "invalid_request", "too_large"):
        return redirect(f"/cases/{case_id}/edit{anchor}", flash=("error", exc.message))
    raise exc


@router.post("/cases/{case_id:int}/edit")
async def update_case(request: Request, case_id: int) -> Response:
    actor, locale = get_actor(request), get_locale(request)
    actor.require_authenticated()
    form = await request.form()
    facts = facts_values(form)
    db = get_db(request)
    try:
        fields = facts_from_values(facts)
    except ValidationError as exc:
        with db.read() as session:
            context = edit_context(session, actor, locale, case_id, facts=facts, errors=errors_of(exc, locale))
        return page(request, "cases/edit.html", context, status_code=422)
    version = _text(form, "version")
    try:
        with db.write() as session:
            cases.update_case(session, actor, case_id, fields, expected_version=_version(version))
    except ZeroCityError as exc:
        return _back(case_id, exc)
    return redirect(f"/cases/{case_id}/edit", flash=("success", N_("The case was saved.")))


@router.post("/cases/{case_id:int}/versions/{lang}")
async def save_version(request: Request, case_id: int, lang: str) -> Response:
    actor, locale = get_actor(request), get_locale(request)
    actor.require_authenticated()
    form = await request.form()
    words = text_values(form, lang)
    db = get_db(request)
    try:
        text = VersionText.model_validate(words)
    except ValidationError as exc:
        with db.read() as session:
            context = edit_context(session, actor, locale, case_id, texts={lang: words},
                                   errors=errors_of(exc, locale, prefix=f"{lang}-"))  # fmt: skip
        return page(request, "cases/edit.html", context, status_code=422)
    version = _text(form, "version")
    try:
        with db.write() as session:
            cases.save_version(session, actor, case_id, lang, text, expected_version=_version(version))
    except ZeroCityError as exc:
        return _back(case_id, exc, f"#version-{lang}")
    return redirect(f"/cases/{case_id}/edit#version-{lang}", flash=("success", N_("The text was saved.")))


@router.post("/cases/{case_id:int}/versions/{lang}/status")
def change_status(
    request: Request,
    case_id: int,
    lang: str,
    action: Annotated[str, Form(max_length=16)],
    version: Annotated[str, Form(max_length=12)] = "",
    reason: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    actor = get_actor(request)
    actor.require_authenticated()
    try:
        with get_db(request).write() as session:
            cases.change_version_status(session, actor, case_id, lang, action, reason=reason,
                                        expected_version=_version(version))  # fmt: skip
    except ZeroCityError as exc:
        return _back(case_id, exc, f"#version-{lang}")
    return redirect(f"/cases/{case_id}/edit#version-{lang}", flash=("success", DONE.get(action, DONE["submit"])))


@router.post("/cases/{case_id:int}/images")
def upload_image(
    request: Request,
    case_id: int,
    file: Annotated[UploadFile, File()],
    alt_zh: Annotated[str, Form(max_length=300)] = "",
    alt_en: Annotated[str, Form(max_length=300)] = "",
) -> Response:
    actor = get_actor(request)
    actor.require_authenticated()
    data = file.file.read(cases_images.MAX_IMAGE_BYTES + 1)  # one byte over is enough to refuse it
    try:
        with get_db(request).write() as session:
            cases_images.add_image(session, actor, case_id, file.filename or "", data, alt_zh=alt_zh, alt_en=alt_en)
    except ZeroCityError as exc:
        return _back(case_id, exc, "#images")
    return redirect(f"/cases/{case_id}/edit#images", flash=("success", N_("The image was added.")))


@router.post("/cases/images/{image_id:int}/delete")
def delete_image(request: Request, image_id: int) -> Response:
    actor = get_actor(request)
    actor.require_authenticated()
    with get_db(request).write() as session:
        case_id = cases_images.get_image(session, actor, image_id).case_id
        cases_images.delete_image(session, actor, image_id)
    return redirect(f"/cases/{case_id}/edit#images", flash=("success", N_("The image was removed.")))


@router.post("/cases/{case_id:int}/delete")
def delete_case(request: Request, case_id: int, reason: Annotated[str, Form(max_length=2000)] = "") -> Response:
    actor = get_actor(request)
    actor.require_authenticated()
    with get_db(request).write() as session:
        cases.delete_case(session, actor, case_id, reason=reason)
    return redirect("/cases", flash=("success", N_("The case was deleted.")))


# -- lists and import ------------------------------------------------------------------------------------------------
@router.get("/cases/mine")
def my_cases(request: Request) -> Response:
    actor, locale = get_actor(request), get_locale(request)
    actor.require_authenticated()
    with get_db(request).read() as session:
        work = cases.work_lists(session, actor)
        rows = {
            name: [{"case_id": item.case.id, "title": item.version.title, "lang": LANG_NAMES[item.version.lang],
                    "status": item.version.status, "city": cases.display_city(item.case, locale),
                    "updated_at": item.version.updated_at} for item in items]
            for name, items in (("drafts", work.drafts), ("review", work.review))
        }  # fmt: skip
    return page(request, "cases/mine.html", {**rows, "is_admin": actor.is_admin})


@router.get("/cases/import")
def import_form(request: Request) -> Response:
    get_actor(request).require_admin()
    return page(request, "cases/import.html", {"issues": []})


@router.post("/cases/import")
def import_cases(request: Request, file: Annotated[UploadFile, File()]) -> Response:
    actor = get_actor(request)
    actor.require_admin()
    data = file.file.read()
    try:
        with get_db(request).write() as session:
            report = exchange.import_json(session, actor, data)
    except InputErrors as exc:
        issues = [{"file": i.file, "row": i.row, "column": i.column, "reason": i.reason} for i in exc.issues[:200]]
        return page(request, "cases/import.html", {"issues": issues}, status_code=422)
    except ZeroCityError as exc:
        if exc.code not in ("invalid_request", "conflict"):
            raise
        message = gettext(exc.message, get_locale(request))
        return page(request, "cases/import.html", {"issues": [], "error": message}, status_code=400)
    return redirect("/cases", flash=("success", N_("The cases were imported.")) if report.created else None)
