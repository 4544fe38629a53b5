"""Downloads of one inventory: the GPC report (XLSX with its audit sheet, CSV), a CDP-style emissions table and the
activity records in the import format.

Every export recomputes from the stored records in one read transaction (``services.exports.load``), so a file
never disagrees with the records it claims to show. The service decides who may export what: the public gets
published inventories only, and an unpublished one looks absent (404), as everywhere else.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import quote

from fastapi import APIRouter, Request
from starlette.responses import Response

from zerocity.services import exports
from zerocity.web.deps import get_actor, get_db, get_locale
from zerocity.web.i18n import gettext
from zerocity.web.render import N_, page
from zerocity.web.report_labels import xlsx_labels

router = APIRouter(include_in_schema=False)

PREFIX = "/cities/{slug}/inventories/{year}/export"
NOT_AVAILABLE = N_("This export is not available yet")
NOT_AVAILABLE_HINT = N_("The other downloads of this inventory work; please use one of them for now.")


def content_disposition(filename: str) -> str:
    """``attachment`` with an ASCII fallback name and the exact UTF-8 name (RFC 6266 with RFC 5987 encoding).

    A city slug is ASCII today, but a file name is user data in the end: quotes, backslashes and anything outside
    printable ASCII never reach the plain ``filename=`` parameter, where old browsers would misread them.
    """
    fallback = "".join(c if 32 <= ord(c) < 127 and c not in '"\\;' else "_" for c in filename) or "export"
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


def _download(export: exports.Export) -> Response:
    return Response(
        export.content,
        media_type=export.media_type,
        headers={"Content-Disposition": content_disposition(export.filename), "Cache-Control": "private, no-store"},
    )


def _export(request: Request, slug: str, year: int, make: Callable[[exports.Loaded], exports.Export]) -> Response:
    actor = get_actor(request)
    with get_db(request).read() as session:
        loaded = exports.load(session, actor, slug, year)
        export = make(loaded)
    return _download(export)


@router.get(PREFIX + "/gpc.xlsx")
def gpc_xlsx(request: Request, slug: str, year: int) -> Response:
    """The workbook speaks the reader's language: sheet names, headings and GPC sector names."""
    labels = xlsx_labels(get_locale(request))
    return _export(request, slug, year, lambda loaded: exports.gpc_xlsx(loaded, labels=labels))


@router.get(PREFIX + "/gpc.csv")
def gpc_csv(request: Request, slug: str, year: int) -> Response:
    return _export(request, slug, year, exports.gpc_csv)


@router.get(PREFIX + "/activity.csv")
def activity_csv(request: Request, slug: str, year: int) -> Response:
    return _export(request, slug, year, exports.activity)


@router.get(PREFIX + "/cdp.csv")
def cdp(request: Request, slug: str, year: int) -> Response:
    # Imported here, not at the top: the CDP table is written separately, and until it lands this one route
    # answers 501 while the other exports keep working.
    try:
        from zerocity.services.exports import cdp_csv
    except ImportError:
        locale = get_locale(request)
        context = {
            "status": 501,
            "title": gettext(NOT_AVAILABLE, locale),
            "message": gettext(NOT_AVAILABLE_HINT, locale),
        }
        return page(request, "errors/error.html", context, status_code=501)
    return _export(request, slug, year, cdp_csv)
