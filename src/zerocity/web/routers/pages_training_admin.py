"""The centre's training pages: programmes and sessions (new, edit, delete), attendance, materials, and the
capacity dashboard with its Excel export. Centre administrators only; the services check it on every write.

The routes hang on ``admin_router``, not ``router``, on purpose: ``pages_training`` includes them ahead of its
``/training/{programme_slug}`` route, so ``/training/dashboard`` is never read as a programme's short name.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from markupsafe import Markup
from pydantic import ValidationError
from starlette.responses import Response

from zerocity.reports.training_dashboard import Column, Sheet, write_workbook
from zerocity.services.errors import Conflict, InvalidRequest, TooLarge
from zerocity.services.knowledge import training, training_dashboard, training_materials, training_registrations
from zerocity.web import charts, training_charts
from zerocity.web.deps import get_actor, get_db, get_locale, get_settings
from zerocity.web.errors import human_message
from zerocity.web.i18n import gettext
from zerocity.web.render import N_, page, redirect
from zerocity.web.routers.exports import content_disposition
from zerocity.web.routers.pages_training_common import (
    LANGUAGE_LABELS,
    LEVEL_LABELS,
    city_label,
    field_errors,
    theme_options,
)

admin_router = APIRouter(include_in_schema=False)

PROGRAMME_ERRORS = {
    "": N_("Give the programme a title in Chinese or in English."),
    "slug": N_("Use lower-case letters, digits and hyphens (up to 63 characters)."),
    "level": N_("Choose a level."),
    "language": N_("Choose a teaching language."),
    "topics": N_("Choose at least one topic."),
    "title_zh": N_("The title is too long (up to 300 characters)."),
    "title_en": N_("The title is too long (up to 300 characters)."),
    "summary_zh": N_("The summary is too long (up to 2,000 characters)."),
    "summary_en": N_("The summary is too long (up to 2,000 characters)."),
    "description_zh": N_("The description is too long."),
    "description_en": N_("The description is too long."),
}
SESSION_ERRORS = {
    "": N_("Check the dates and times (the end must follow the start, within 14 days) and give a place or a link."),
    "slug": N_("Use lower-case letters, digits and hyphens (up to 63 characters)."),
    "starts_at": N_("Give the start as a date and a time."),
    "ends_at": N_("Give the end as a date and a time."),
    "capacity": N_("Give the number of seats, from 1 to 10,000."),
    "online_url": N_("Give an address starting with http:// or https://."),
    "language": N_("Choose a teaching language."),
    "trainers": N_("List at most 20 trainers, one per line."),
    "title_zh": N_("The title is too long (up to 300 characters)."),
    "title_en": N_("The title is too long (up to 300 characters)."),
    "place_zh": N_("The place is too long (up to 300 characters)."),
    "place_en": N_("The place is too long (up to 300 characters)."),
}
PROGRAMME_SAVED = N_("The programme was saved.")
SESSION_SAVED = N_("The session was saved.")
ATTENDANCE_SAVED = N_("Attendance was saved. Attendees can now download their certificates.")
MATERIAL_ADDED = N_("The material was added.")
MATERIAL_DELETED = N_("The material was removed.")
MATERIAL_INVALID = N_("Give the material a title, and for a link an address starting with http:// or https://.")
PROGRAMME_DELETED = N_("The programme was deleted.")
SESSION_DELETED = N_("The session was deleted.")
CONFIRM_DELETE = N_("Tick the box to confirm the deletion.")
STATUS_CODES = {"conflict": 409, "invalid_request": 400, "too_large": 413, "forbidden": 403}


def _session_url(slug: str) -> str:
    return f"/training/sessions/{slug}"


# -- programmes -------------------------------------------------------------------------------------------------------
PROGRAMME_TEXT_FIELDS = ("title_zh", "title_en", "summary_zh", "summary_en", "description_zh", "description_en")


def _programme_page(
    request: Request,
    values: dict[str, Any],
    errors: dict[str, str],
    *,
    editing: str = "",
    status_code: int = 200,
    deletion: dict[str, Any] | None = None,
) -> Response:
    locale = get_locale(request)
    context = {
        "values": values,
        "errors": errors,
        "editing": editing,
        "deletion": deletion,
        "level_options": [(key, gettext(text, locale)) for key, text in LEVEL_LABELS.items()],
        "language_options": [(key, gettext(text, locale)) for key, text in LANGUAGE_LABELS.items()],
        "topic_options": theme_options(locale),
    }
    return page(request, "training/programme_form.html", context, status_code=status_code)


async def _programme_form(request: Request) -> dict[str, Any]:
    form = await request.form()
    values: dict[str, Any] = {name: str(form.get(name, ""))[:60_000] for name in PROGRAMME_TEXT_FIELDS}
    values.update(
        slug=str(form.get("slug", "")).strip()[:100],
        level=str(form.get("level", ""))[:20],
        language=str(form.get("language", ""))[:20],
        topics=[str(topic)[:40] for topic in form.getlist("topics")][:20],
        version=str(form.get("version", ""))[:12],
    )
    return values


def _programme_fields(values: dict[str, Any]) -> training.ProgrammeFields:
    return training.ProgrammeFields(
        level=values["level"],
        language=values["language"],
        topics=tuple(values["topics"]),
        **{name: values[name] for name in PROGRAMME_TEXT_FIELDS},
    )


@admin_router.get("/training/new")
def new_programme(request: Request) -> Response:
    get_actor(request).require_admin()
    blank = {"slug": "", "level": "introductory", "language": "zh_Hant", "topics": [], "version": ""}
    values = {name: "" for name in PROGRAMME_TEXT_FIELDS} | blank
    return _programme_page(request, values, {})


@admin_router.post("/training/new")
async def create_programme(request: Request) -> Response:
    actor, locale = get_actor(request), get_locale(request)
    actor.require_admin()
    values = await _programme_form(request)
    try:
        fields = training.NewProgramme(slug=values["slug"], **_programme_fields(values).model_dump())
        with get_db(request).write() as session:
            training.create_programme(session, actor, fields)
    except ValidationError as exc:
        return _programme_page(request, values, field_errors(exc, PROGRAMME_ERRORS, locale), status_code=422)
    except Conflict as exc:
        errors = {"slug": human_message(exc.code, exc.message, locale)}
        return _programme_page(request, values, errors, status_code=409)
    return redirect(f"/training/{values['slug']}", flash=("success", PROGRAMME_SAVED))


@admin_router.get("/training/{slug}/edit")
def edit_programme(request: Request, slug: str) -> Response:
    get_actor(request).require_admin()
    with get_db(request).read() as session:
        programme = training.get_programme(session, slug)
        sessions = training.programme_sessions(session, programme.id)
        records = [training.session_records(session, s) for s in sessions]
    values = {name: getattr(programme, name) for name in PROGRAMME_TEXT_FIELDS}
    values.update(slug=programme.slug, level=programme.level, language=programme.language,
                  topics=list(programme.topics or []), version=str(programme.version))  # fmt: skip
    deletion = {
        "allowed": all(r.deletable for r in records),
        "sessions": len(sessions),
        "registered": sum(r.registered for r in records),
    }
    return _programme_page(request, values, {}, editing=slug, deletion=deletion)


@admin_router.post("/training/{slug}/edit")
async def update_programme(request: Request, slug: str) -> Response:
    actor, locale = get_actor(request), get_locale(request)
    actor.require_admin()
    values = await _programme_form(request)
    values["slug"] = slug
    version = int(values["version"]) if values["version"].isdigit() else None
    try:
        fields = _programme_fields(values)
        with get_db(request).write() as session:
            training.update_programme(session, actor, slug, fields, expected_version=version)
    except ValidationError as exc:
        errors = field_errors(exc, PROGRAMME_ERRORS, locale)
        return _programme_page(request, values, errors, editing=slug, status_code=422)
    except Conflict as exc:
        errors = {"": human_message(exc.code, exc.message, locale)}
        return _programme_page(request, values, errors, editing=slug, status_code=409)
    return redirect(f"/training/{slug}", flash=("success", PROGRAMME_SAVED))


# -- sessions ---------------------------------------------------------------------------------------------------------
SESSION_TEXT_FIELDS = ("title_zh", "title_en", "place_zh", "place_en", "online_url")
SESSION_FORM_FIELDS = (*SESSION_TEXT_FIELDS, "slug", "start_date", "start_time", "end_date", "end_time",
                       "capacity", "trainers", "language", "version")  # fmt: skip


def _session_form_page(
    request: Request,
    programme_slug: str,
    values: dict[str, Any],
    errors: dict[str, str],
    *,
    editing: str = "",
    status_code: int = 200,
    deletion: dict[str, Any] | None = None,
) -> Response:
    locale = get_locale(request)
    with get_db(request).read() as session:
        programme = training.get_programme(session, programme_slug)
    context = {
        "values": values,
        "errors": errors,
        "editing": editing,
        "deletion": deletion,
        "programme_slug": programme.slug,
        "programme_title": training.localized(programme.title_zh, programme.title_en, locale),
        "language_options": [(key, gettext(text, locale)) for key, text in LANGUAGE_LABELS.items()],
    }
    return page(request, "training/session_form.html", context, status_code=status_code)


async def _session_values(request: Request) -> dict[str, str]:
    form = await request.form()
    return {name: str(form.get(name, ""))[:5000] for name in SESSION_FORM_FIELDS}


def _moment(day: str, time_of_day: str) -> datetime | str:
    """The typed date and time in Taiwan's zone; what cannot be read stays text, which the strict model refuses."""
    try:
        return training.local_datetime(day, time_of_day)
    except ValueError:
        return f"{day} {time_of_day}"


def _session_fields(values: dict[str, str]) -> training.SessionFields:
    capacity: int | str = int(values["capacity"]) if values["capacity"].strip().isdigit() else values["capacity"]
    trainers = tuple(line.strip() for line in values["trainers"].splitlines() if line.strip())
    return training.SessionFields(
        starts_at=_moment(values["start_date"], values["start_time"]),  # type: ignore[arg-type]
        ends_at=_moment(values["end_date"] or values["start_date"], values["end_time"]),  # type: ignore[arg-type]
        capacity=capacity,  # type: ignore[arg-type]
        trainers=trainers,
        language=values["language"],  # type: ignore[arg-type]
        title_zh=values["title_zh"],
        title_en=values["title_en"],
        place_zh=values["place_zh"],
        place_en=values["place_en"],
        online_url=values["online_url"],
    )


@admin_router.get("/training/{programme_slug}/sessions/new")
def new_session(request: Request, programme_slug: str) -> Response:
    get_actor(request).require_admin()
    values = {name: "" for name in SESSION_FORM_FIELDS} | {"capacity": "30", "language": "zh_Hant",
                                                         "start_time": "09:30", "end_time": "16:30"}  # fmt: skip
    return _session_form_page(request, programme_slug, values, {})


@admin_router.post("/training/{programme_slug}/sessions/new")
async def create_session(request: Request, programme_slug: str) -> Response:
    actor, locale = get_actor(request), get_locale(request)
    actor.require_admin()
    values = await _session_values(request)
    try:
        fields = training.NewSession(slug=values["slug"].strip(), **_session_fields(values).model_dump())
        with get_db(request).write() as session:
            training.create_session(session, actor, programme_slug, fields)
    except ValidationError as exc:
        errors = field_errors(exc, SESSION_ERRORS, locale)
        return _session_form_page(request, programme_slug, values, errors, status_code=422)
    except Conflict as exc:
        errors = {"slug": human_message(exc.code, exc.message, locale)}
        return _session_form_page(request, programme_slug, values, errors, status_code=409)
    return redirect(_session_url(fields.slug), flash=("success", SESSION_SAVED))


@admin_router.get("/training/sessions/{slug}/edit")
def edit_session(request: Request, slug: str) -> Response:
    get_actor(request).require_admin()
    with get_db(request).read() as session:
        training_session = training.get_session(session, slug)
        programme_slug = training.get_programme_slug(session, training_session)
        records = training.session_records(session, training_session)
    starts, ends = training.in_taipei(training_session.starts_at), training.in_taipei(training_session.ends_at)
    values = {name: getattr(training_session, name) for name in SESSION_TEXT_FIELDS}
    values.update(
        slug=slug, start_date=starts.strftime("%Y-%m-%d"), start_time=starts.strftime("%H:%M"),
        end_date=ends.strftime("%Y-%m-%d"), end_time=ends.strftime("%H:%M"),
        capacity=str(training_session.capacity), trainers="\n".join(training_session.trainers or []),
        language=training_session.language, version=str(training_session.version),
    )  # fmt: skip
    deletion = {"allowed": records.deletable, "registered": records.registered}
    return _session_form_page(request, programme_slug, values, {}, editing=slug, deletion=deletion)


@admin_router.post("/training/sessions/{slug}/edit")
async def update_session(request: Request, slug: str) -> Response:
    actor, locale = get_actor(request), get_locale(request)
    actor.require_admin()
    values = await _session_values(request)
    values["slug"] = slug
    with get_db(request).read() as session:
        programme_slug = training.get_programme_slug(session, training.get_session(session, slug))
    version = int(values["version"]) if values["version"].isdigit() else None
    try:
        fields = _session_fields(values)
        with get_db(request).write() as session:
            training.update_session(session, actor, slug, fields, expected_version=version)
    except ValidationError as exc:
        errors = field_errors(exc, SESSION_ERRORS, locale)
        return _session_form_page(request, programme_slug, values, errors, editing=slug, status_code=422)
    except Conflict as exc:
        errors = {str(exc.params.get("field", "")): human_message(exc.code, exc.message, locale)}
        return _session_form_page(request, programme_slug, values, errors, editing=slug, status_code=409)
    return redirect(_session_url(slug), flash=("success", SESSION_SAVED))


# -- deleting ---------------------------------------------------------------------------------------------------------
@admin_router.post("/training/{slug}/delete")
def delete_programme(request: Request, slug: str, confirm: Annotated[str, Form(max_length=10)] = "") -> Response:
    """The ticked box is the confirmation the service's ``force`` asks for when people are registered."""
    actor = get_actor(request)
    actor.require_admin()
    if confirm != "yes":
        return redirect(f"/training/{slug}/edit", flash=("error", CONFIRM_DELETE))
    try:
        with get_db(request).write() as session:
            training.delete_programme(session, actor, slug, force=True)
    except Conflict as exc:
        return redirect(f"/training/{slug}/edit", flash=("error", exc.message))
    return redirect("/training", flash=("success", PROGRAMME_DELETED))


@admin_router.post("/training/sessions/{slug}/delete")
def delete_session(request: Request, slug: str, confirm: Annotated[str, Form(max_length=10)] = "") -> Response:
    actor = get_actor(request)
    actor.require_admin()
    with get_db(request).read() as session:
        programme_slug = training.get_programme_slug(session, training.get_session(session, slug))
    if confirm != "yes":
        return redirect(f"{_session_url(slug)}/edit", flash=("error", CONFIRM_DELETE))
    try:
        with get_db(request).write() as session:
            training.delete_session(session, actor, slug, force=True)
    except Conflict as exc:
        return redirect(f"{_session_url(slug)}/edit", flash=("error", exc.message))
    return redirect(f"/training/{programme_slug}", flash=("success", SESSION_DELETED))


# -- attendance and materials -----------------------------------------------------------------------------------------
@admin_router.post("/training/sessions/{slug}/attendance")
def attendance(request: Request, slug: str, attended: Annotated[list[int] | None, Form()] = None) -> Response:
    actor = get_actor(request)
    actor.require_admin()
    try:
        with get_db(request).write() as session:
            training_registrations.set_attendance(session, actor, slug, attended or [])
    except (Conflict, InvalidRequest) as exc:
        return redirect(_session_url(slug), flash=("error", exc.message))
    return redirect(_session_url(slug), flash=("success", ATTENDANCE_SAVED))


@admin_router.post("/training/sessions/{slug}/materials")
def upload_material(
    request: Request,
    slug: str,
    file: Annotated[UploadFile | None, File()] = None,
    title_zh: Annotated[str, Form(max_length=1000)] = "",
    title_en: Annotated[str, Form(max_length=1000)] = "",
) -> Response:
    actor = get_actor(request)
    actor.require_admin()
    limit = min(get_settings(request).max_upload_bytes, training_materials.MAX_MATERIAL_BYTES)
    data = file.file.read(limit + 1) if file else b""  # one byte past the limit is enough to refuse
    try:
        title = training_materials.MaterialTitle(title_zh=title_zh, title_en=title_en)
        with get_db(request).write() as session:
            training_materials.add_file(session, actor, slug, title, (file.filename if file else "") or "", data,
                                        max_bytes=limit)  # fmt: skip
    except ValidationError:
        return redirect(_session_url(slug), flash=("error", MATERIAL_INVALID))
    except (InvalidRequest, TooLarge) as exc:
        return redirect(_session_url(slug), flash=("error", exc.message))
    return redirect(_session_url(slug), flash=("success", MATERIAL_ADDED))


@admin_router.post("/training/sessions/{slug}/links")
def add_link(
    request: Request,
    slug: str,
    url: Annotated[str, Form(max_length=2000)] = "",
    title_zh: Annotated[str, Form(max_length=1000)] = "",
    title_en: Annotated[str, Form(max_length=1000)] = "",
) -> Response:
    actor = get_actor(request)
    actor.require_admin()
    try:
        link = training_materials.MaterialLink(title_zh=title_zh, title_en=title_en, url=url.strip())
        with get_db(request).write() as session:
            training_materials.add_link(session, actor, slug, link)
    except ValidationError:
        return redirect(_session_url(slug), flash=("error", MATERIAL_INVALID))
    return redirect(_session_url(slug), flash=("success", MATERIAL_ADDED))


@admin_router.post("/training/materials/{material_id}/delete")
def delete_material(request: Request, material_id: int) -> Response:
    actor = get_actor(request)
    actor.require_admin()
    with get_db(request).write() as session:
        training_session = training_materials.delete_material(session, actor, material_id)
        slug = training_session.slug
    return redirect(_session_url(slug), flash=("success", MATERIAL_DELETED))


# -- capacity dashboard -----------------------------------------------------------------------------------------------
def _dashboard(request: Request, year: int | None) -> training_dashboard.Dashboard:
    actor = get_actor(request)
    actor.require_admin()
    with get_db(request).read() as session:
        years = training_dashboard.dashboard_years(session)
        chosen = year if year is not None else training_dashboard.default_year(years)
        return training_dashboard.capacity_dashboard(session, actor, chosen)


def _people_chart(dashboard: training_dashboard.Dashboard, locale: str) -> Markup | None:
    reached = [figures for figures in dashboard.cities if figures.reached]
    if not reached:
        return None
    labels = charts.ChartLabels(
        value_axis=gettext(N_("People"), locale),
        series={"people": gettext(N_("People trained"), locale)},
        description=gettext(N_("People trained per member city, %(year)s"), locale) % {"year": dashboard.year},
    )
    people = [(city_label(figures.city, locale), figures.people) for figures in reached]
    return training_charts.people_trained_svg(people, labels, locale)


@admin_router.get("/training/dashboard")
def dashboard(request: Request, year: Annotated[int | None, Query(ge=2000, le=2100)] = None) -> Response:
    locale = get_locale(request)
    figures = _dashboard(request, year)
    themes = dict(theme_options(locale))
    context = {
        "dashboard": figures,
        "city_name": lambda city: city_label(city, locale),
        "programme_title": lambda p: training.localized(p.title_zh, p.title_en, locale),
        "topic_name": lambda topic: themes.get(topic.code, topic.code),
        "chart": _people_chart(figures, locale),
        "all_years": sorted(figures.years),
    }
    return page(request, "training/dashboard.html", context)


@admin_router.get("/training/dashboard.xlsx")
def dashboard_xlsx(request: Request, year: Annotated[int | None, Query(ge=2000, le=2100)] = None) -> Response:
    locale = get_locale(request)
    figures = _dashboard(request, year)
    content = write_workbook(dashboard_sheets(figures, locale))
    return Response(
        content,
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={
            "Content-Disposition": content_disposition(f"training-dashboard-{figures.year}.xlsx"),
            "Cache-Control": "private, no-store",
        },
    )


def dashboard_sheets(figures: training_dashboard.Dashboard, locale: str) -> list[Sheet]:
    """The dashboard's tables as workbook sheets, headed in the reader's language."""

    def _(text: str) -> str:
        return gettext(text, locale)

    themes = dict(theme_options(locale))
    years = sorted(figures.years)
    cities = Sheet(
        _(N_("Cities")),
        [
            Column(_(N_("City")), width=24),
            Column(_(N_("People trained")), "integer"),
            Column(_(N_("Attendances")), "integer"),
            Column(_(N_("Sessions")), "integer"),
        ],
        [[city_label(c.city, locale), c.people, c.attendances, c.sessions] for c in figures.cities],
        note=_(N_("Year %(year)s. People are distinct e-mail addresses; an attendance is one person at one session."))
        % {"year": figures.year},
    )
    by_year = Sheet(
        _(N_("People by year")),
        [Column(_(N_("City")), width=24), *(Column(str(y), "integer", 10) for y in years)],
        [[city_label(c.city, locale), *(c.people_by_year.get(y, 0) for y in years)] for c in figures.cities],
    )
    topics = Sheet(
        _(N_("Topics")),
        [
            Column(_(N_("Topic")), width=24),
            Column(_(N_("Sessions")), "integer"),
            Column(_(N_("Attendances")), "integer"),
        ],
        [[themes.get(t.code, t.code), t.sessions, t.attendances] for t in figures.topics],
    )
    satisfaction_columns = [
        Column(_(N_("Programme")), width=36), Column(_(N_("Attendances")), "integer"),
        Column(_(N_("Answers")), "integer"), Column(_(N_("Response rate")), "percent"),
        Column(_(N_("Content")), "mean"), Column(_(N_("Trainer")), "mean"), Column(_(N_("Usefulness")), "mean"),
    ]  # fmt: skip
    overall = figures.satisfaction
    satisfaction_rows: list[list[str | float | int | None]] = [
        [training.localized(p.programme.title_zh, p.programme.title_en, locale), p.satisfaction.attendances,
         p.satisfaction.responses, p.satisfaction.response_rate, p.satisfaction.content, p.satisfaction.trainer,
         p.satisfaction.usefulness]
        for p in figures.programmes
    ]  # fmt: skip
    satisfaction_rows.append([_(N_("All programmes")), overall.attendances, overall.responses, overall.response_rate,
                              overall.content, overall.trainer, overall.usefulness])  # fmt: skip
    satisfaction = Sheet(_(N_("Satisfaction")), satisfaction_columns, satisfaction_rows,
                         note=_(N_("Mean ratings from 1 (poor) to 5 (excellent).")))  # fmt: skip
    not_reached = Sheet(
        _(N_("Not reached")), [Column(_(N_("City")), width=24)], [[city_label(c, locale)] for c in figures.not_reached]
    )
    return [cities, by_year, topics, satisfaction, not_reached]
