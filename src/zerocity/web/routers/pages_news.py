"""News and events of the centre (``/news``): upcoming events and recent news for everyone; administrators also
write, change, publish and delete items here. Each item shows in the reader's language, or in the one it was written
in. The same rules hold in the REST API (``api_news``): both call ``services.knowledge.news``."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Final

from fastapi import APIRouter, Form, Request
from pydantic import ValidationError
from starlette.datastructures import FormData
from starlette.responses import Response

from zerocity.core.errors import ZeroCityError
from zerocity.services.knowledge import news
from zerocity.services.knowledge.markdown import render_markdown
from zerocity.store.hub_models import NewsItem
from zerocity.web.deps import get_actor, get_db, get_locale
from zerocity.web.i18n import HTML_LANG, gettext
from zerocity.web.render import N_, page, redirect

router = APIRouter(include_in_schema=False)

FIELDS: Final = ("kind", "item_date", "event_end", "place_zh", "place_en", "online_url", "title_zh", "title_en",
                 "body_zh", "body_en")  # fmt: skip
NEWS_ERROR: Final = N_(
    "Check the fields: a title in at least one language, dates as YYYY-MM-DD (an event ends on or after its first "
    "day), and an online link starting with http:// or https://."
)
KIND_NAMES: Final = {"news": N_("News"), "event": N_("Event")}
DELETED: Final = N_("The item was deleted.")
CONFIRM_DELETE: Final = N_("Tick the box to confirm that the item is to be deleted.")


def today() -> dt.date:
    return news.centre_today()


def item_view(item: NewsItem, locale: str) -> dict[str, Any]:
    lang = news.shown_lang(item, locale)
    return {
        "id": item.id,
        "kind": item.kind,
        "kind_name": gettext(KIND_NAMES[item.kind], locale),
        "title": news.title(item, locale),
        "body_html": render_markdown(news.body(item, locale)),
        "html_lang": HTML_LANG[lang],
        "not_translated": lang != locale,
        "date": item.item_date,
        "event_end": item.event_end,
        "place": item.place_zh if locale == "zh_Hant" and item.place_zh else item.place_en or item.place_zh,
        "online_url": item.online_url,
        "published": item.published,
        "sample": item.sample,
        "version": item.version,
    }


@router.get("/news")
def news_list(request: Request) -> Response:
    actor, locale = get_actor(request), get_locale(request)
    with get_db(request).read() as session:
        found = news.news_page(session, actor, today())
        context = {
            "events": [item_view(item, locale) for item in found.upcoming_events],
            "recent": [item_view(item, locale) for item in found.recent],
            "is_admin": actor.is_admin,
            "digest_month": today().strftime("%Y-%m"),
        }
    return page(request, "news/list.html", context)


@router.get("/news/{item_id:int}")
def news_item(request: Request, item_id: int) -> Response:
    actor, locale = get_actor(request), get_locale(request)
    with get_db(request).read() as session:
        item = item_view(news.get_news(session, actor, item_id), locale)
    return page(request, "news/item.html", {"item": item, "is_admin": actor.is_admin})


# -- writing (administrators) ------------------------------------------------------------------------------------
def _values(form: FormData) -> dict[str, str]:
    return {name: str(form.get(name, "") or "") for name in FIELDS}


def _fields(values: dict[str, str]) -> news.NewsFields:
    def day(text: str) -> dt.date | str | None:
        try:
            return dt.date.fromisoformat(text.strip()) if text.strip() else None
        except ValueError:
            return text

    data: dict[str, Any] = dict(values)
    data["item_date"], data["event_end"] = day(values["item_date"]), day(values["event_end"])
    return news.NewsFields.model_validate(data, strict=False)


def _stored(item: NewsItem) -> dict[str, str]:
    return {name: "" if getattr(item, name) is None else str(getattr(item, name)) for name in FIELDS}


def _form_page(
    request: Request, values: dict[str, str], item_id: int | None, error: str = "", **extra: Any
) -> Response:
    locale = get_locale(request)
    context = {
        "values": values,
        "item_id": item_id,
        "error": error,
        "kind_options": [(kind, gettext(name, locale)) for kind, name in KIND_NAMES.items()],
        **extra,
    }
    return page(request, "news/edit.html", context, status_code=422 if error else 200)


@router.get("/news/new")
def new_item_form(request: Request) -> Response:
    get_actor(request).require_admin()
    values = dict.fromkeys(FIELDS, "") | {"kind": "news", "item_date": today().isoformat()}
    return _form_page(request, values, None)


@router.post("/news/new")
async def create_item(request: Request) -> Response:
    actor = get_actor(request)
    actor.require_admin()
    values = _values(await request.form())
    try:
        fields = _fields(values)
    except ValidationError:
        return _form_page(request, values, None, gettext(NEWS_ERROR, get_locale(request)))
    with get_db(request).write() as session:
        item_id = news.create_news(session, actor, fields).id
    return redirect(f"/news/{item_id}/edit", flash=("success", N_("The item was saved; it is not published yet.")))


@router.get("/news/{item_id:int}/edit")
def edit_item_form(request: Request, item_id: int) -> Response:
    actor = get_actor(request)
    actor.require_admin()
    with get_db(request).read() as session:
        item = news.get_news(session, actor, item_id)
        values, published, version = _stored(item), item.published, item.version
    return _form_page(request, values, item_id, published=published, version=version)


@router.post("/news/{item_id:int}/edit")
async def update_item(request: Request, item_id: int) -> Response:
    actor = get_actor(request)
    actor.require_admin()
    form = await request.form()
    values = _values(form)
    version = str(form.get("version", ""))
    try:
        fields = _fields(values)
    except ValidationError:
        return _form_page(request, values, item_id, gettext(NEWS_ERROR, get_locale(request)))
    try:
        with get_db(request).write() as session:
            expected = int(version) if version.isdigit() and len(version) < 10 else None
            news.update_news(session, actor, item_id, fields, expected_version=expected)
    except ZeroCityError as exc:
        if exc.code != "conflict":
            raise
        return redirect(f"/news/{item_id}/edit", flash=("error", exc.message))
    return redirect(f"/news/{item_id}/edit", flash=("success", N_("The item was saved.")))


@router.post("/news/{item_id:int}/publish")
async def publish_item(request: Request, item_id: int) -> Response:
    actor = get_actor(request)
    actor.require_admin()
    publish = str((await request.form()).get("published", "")) == "true"
    with get_db(request).write() as session:
        news.set_published(session, actor, item_id, publish)
    done = N_("The item is now published.") if publish else N_("The item is no longer published.")
    return redirect(f"/news/{item_id}/edit", flash=("success", done))


@router.post("/news/{item_id:int}/delete")
def delete_item(request: Request, item_id: int, confirm: Annotated[str, Form(max_length=10)] = "") -> Response:
    actor = get_actor(request)
    actor.require_admin()
    if confirm != "yes":
        return redirect(f"/news/{item_id}/edit", flash=("error", CONFIRM_DELETE))
    with get_db(request).write() as session:
        news.delete_news(session, actor, item_id)
    return redirect("/news", flash=("success", DELETED))
