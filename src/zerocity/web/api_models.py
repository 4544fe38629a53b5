"""The REST API's request and response bodies: the published contract of ``/api`` (OpenAPI at /api/openapi.json).

Request bodies are strict and closed (STACK.md §2.10): ``{"year": "2021"}`` or ``false`` for a number is refused
with 422 instead of being coerced, and an unknown key is an error rather than silently ignored. Text fields refuse
the NUL character, which PostgreSQL cannot store in a text column; without that rule a fuzzer's ``"\\x00"`` would
surface as a database error instead of a 422.

Response bodies mirror the stored rows and the core's JSON summary; figures keep full float precision (rounding
belongs to reports) and carry their unit in the name (``_tco2e``, ``_t``).
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Any, Generic, Literal, TypeVar

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints

from zerocity.core.gwp import DEFAULT_GWP_SET, gwp_set_names
from zerocity.services.text import CONTROL_CHARACTERS

#: Every request body: no coercion, no unknown keys.
STRICT = ConfigDict(strict=True, extra="forbid")
#: Control characters the services refuse in people's text (zerocity.services.text), NUL among them.
_CONTROL = CONTROL_CHARACTERS
#: Any text without control characters (tab and newlines allowed).
NO_NUL = rf"^[^{_CONTROL}]*$"
SLUG = r"^[a-z0-9][a-z0-9-]{0,62}$"
#: Largest id or version the API accepts: the range of a 32-bit signed integer column.
MAX_ID = 2**31 - 1

#: The characters ``str.strip()`` removes (``str.isspace``), spelled out because ``\s`` means something slightly
#: different in the schema's regex dialect (ECMA), in pydantic's (Rust) and in Python's; the services strip text.
_SPACE = r"\t\n\x0b\x0c\r\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
#: The spaces that are not also control characters (``\x1c``-``\x1f`` are both): leading blanks a name may have.
_BLANK = r"\t\n\r\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
#: Text that is not blank once stripped, without control characters anywhere (leading ones included).
NON_BLANK = rf"^[{_BLANK}]*[^{_SPACE}{_CONTROL}][^{_CONTROL}]*$"
#: A GPC reference number as a cell holds it (I.1.1, IV.2): no inner spaces, at most 16 characters once stripped.
GPC_REF_TEXT = rf"^[{_SPACE}]*[^{_SPACE}\x00]{{1,16}}[{_SPACE}]*$"


def _integral(value: object) -> object:
    """JSON Schema counts ``2021.0`` as an integer, so clients (and schemathesis) may send it; strict mode alone
    would refuse it. Only a whole float becomes an int: ``"2021"``, ``true`` and ``2021.5`` are still refused."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


#: Put it after the ``Field`` constraints: placed before them, pydantic can no longer write ``minimum`` and
#: ``maximum`` into the JSON schema.
Integer = BeforeValidator(_integral)
Text = Annotated[str, StringConstraints(max_length=5000, pattern=NO_NUL)]
Name = Annotated[str, StringConstraints(max_length=200, pattern=NON_BLANK)]
ShortText = Annotated[str, StringConstraints(max_length=200, pattern=NO_NUL)]
Reason = Annotated[str, StringConstraints(max_length=2000, pattern=NO_NUL)]
Country = Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")]
CellName = Annotated[str, StringConstraints(min_length=1, max_length=64)]
CellText = Annotated[str, StringConstraints(max_length=2000, pattern=NO_NUL)]
Version = Annotated[
    int, Field(ge=1, le=MAX_ID, description="The version you read; a stale one is refused (409)."), Integer
]


def _cells(*, gpc_ref_required: bool) -> Any:
    """Cells of one activity row: column name -> text, at most 60 columns.

    The schema states what the services would otherwise refuse later: no NUL in a column name (pydantic would
    turn a key pattern into ``patternProperties``, which leaves other keys unconstrained, so ``propertyNames`` is
    written out here and checked by the validator), and a ``gpc_ref`` that fits its column."""

    def check(cells: dict[str, str]) -> dict[str, str]:
        if any("\x00" in name for name in cells):
            raise ValueError("column names cannot contain the NUL character")
        if gpc_ref_required and "gpc_ref" not in cells:
            raise ValueError("gpc_ref is required")
        if "gpc_ref" in cells and not re.match(GPC_REF_TEXT, cells["gpc_ref"]):
            raise ValueError("gpc_ref must be a GPC reference number such as I.1.1")
        return cells

    schema: dict[str, Any] = {
        "propertyNames": {"minLength": 1, "maxLength": 64, "pattern": NO_NUL},
        "properties": {"gpc_ref": {"type": "string", "pattern": GPC_REF_TEXT}},
    }
    if gpc_ref_required:
        schema["required"] = ["gpc_ref"]
    return Annotated[
        dict[CellName, CellText],
        Field(
            min_length=1,
            max_length=60,
            description="Column name -> text, in the activity-data input format (a row of the import file).",
            json_schema_extra=schema,
        ),
        AfterValidator(check),
    ]


NewCells = _cells(gpc_ref_required=True)
ChangedCells = _cells(gpc_ref_required=False)

#: The GWP sets bundled in ``zerocity/data/gwp``, listed in the schema so clients see the choice.
GwpSetName = Literal[gwp_set_names()]  # type: ignore[valid-type]

T = TypeVar("T")


# -- errors ----------------------------------------------------------------------------------------------------------
class IssueOut(BaseModel):
    """One problem in the data, located as a spreadsheet shows it (header = row 1; row 0 = the whole file)."""

    file: str
    row: int
    column: str
    reason: str
    code: str


class ValidationDetail(BaseModel):
    loc: list[str]
    msg: str
    type: str


class ErrorDetail(BaseModel):
    code: str = Field(description="Stable machine-readable code, e.g. not_found, conflict, input_errors.")
    message: str
    params: dict[str, str | int | float] | None = None
    issues: list[IssueOut] | None = Field(default=None, description="With code input_errors: every problem found.")
    details: list[ValidationDetail] | None = Field(default=None, description="With code validation: what is wrong.")


class ErrorResponse(BaseModel):
    error: ErrorDetail


# -- shared ----------------------------------------------------------------------------------------------------------
class Paginated(BaseModel, Generic[T]):
    items: list[T]
    page: int
    per_page: int
    total: int
    pages: int


class Totals(BaseModel):
    """GPC headline totals (GPC ch. 4): BASIC, BASIC+, territorial (scope 1), and their companions."""

    basic_tco2e: float | None = None
    basic_plus_tco2e: float | None = None
    basic_plus_s3_tco2e: float | None = None
    territorial_tco2e: float | None = None
    generation_I44_tco2e: float | None = None
    biogenic_co2_t: float | None = None
    scope2_location_based_tco2e: float | None = None
    scope2_market_based_tco2e: float | None = None


class SectorResult(BaseModel):
    basic_tco2e: float | None = None
    basic_plus_tco2e: float | None = None
    territorial_tco2e: float | None = None
    scope_1_tco2e: float | None = None
    scope_2_tco2e: float | None = None
    scope_3_tco2e: float | None = None


# -- the caller ------------------------------------------------------------------------------------------------------
class UserOut(BaseModel):
    id: int
    email: str
    display_name: str


class RoleOut(BaseModel):
    city: str = Field(description="The city's slug.")
    role: Literal["editor", "viewer"]


class MeOut(BaseModel):
    user: UserOut | None
    is_admin: bool
    roles: list[RoleOut]


# -- cities ----------------------------------------------------------------------------------------------------------
class CityBrief(BaseModel):
    slug: str
    name_zh: str
    name_en: str
    country: str
    region: str


class CityStatOut(BaseModel):
    year: int
    population: float | None
    gdp: float | None
    gdp_unit: str
    source: str


class CityOut(CityBrief):
    area_km2: float | None
    boundary: str
    version: int
    created_at: datetime
    stats: list[CityStatOut] = Field(description="Population and GDP, one entry per year, oldest first.")


class CityCreate(BaseModel):
    model_config = STRICT

    slug: Annotated[str, StringConstraints(pattern=SLUG)]
    name_zh: Name
    name_en: Name
    country: Country
    region: ShortText = ""
    area_km2: Annotated[float, Field(gt=0, allow_inf_nan=False)] | None = None
    boundary: Text = ""


class CityPatch(BaseModel):
    """Only the fields given change; ``area_km2: null`` clears the area. ``version`` is the one you read."""

    model_config = STRICT

    version: Version
    name_zh: Name = None  # type: ignore[assignment]  # absent = unchanged; null is refused
    name_en: Name = None  # type: ignore[assignment]
    country: Country = None  # type: ignore[assignment]
    region: ShortText = None  # type: ignore[assignment]
    area_km2: Annotated[float, Field(gt=0, allow_inf_nan=False)] | None = None
    boundary: Text = None  # type: ignore[assignment]


# -- inventories -----------------------------------------------------------------------------------------------------
class InventoryBrief(BaseModel):
    year: int
    status: Literal["draft", "submitted", "approved"]
    published: bool
    version: int
    record_count: int
    gwp_set: str
    basic_tco2e: float | None
    computed_at: datetime | None


class InventoryList(BaseModel):
    city: str
    items: list[InventoryBrief]


class InventoryOut(BaseModel):
    city: str
    year: int
    gwp_set: str
    boundary: str
    status: Literal["draft", "submitted", "approved"]
    published: bool
    version: int
    record_count: int
    totals: Totals
    computed_at: datetime | None
    created_at: datetime
    updated_at: datetime
    submitted_at: datetime | None
    approved_at: datetime | None
    published_at: datetime | None


class InventoryCreate(BaseModel):
    model_config = STRICT

    year: Annotated[int, Field(ge=1990, le=2100), Integer]
    gwp_set: GwpSetName = Field(default=DEFAULT_GWP_SET, description="The IPCC GWP100 values to weight gases with.")
    boundary: Text = ""


class StatusChange(BaseModel):
    """submit (editor), approve and reopen (administrator; reopen needs a reason), publish and unpublish (editor)."""

    model_config = STRICT

    action: Literal["submit", "approve", "reopen", "publish", "unpublish"]
    reason: Reason = ""
    version: Version


# -- records ---------------------------------------------------------------------------------------------------------
class RecordOut(BaseModel):
    id: int
    line: int = Field(description="Row number as the spreadsheet showed it (header = row 1).")
    gpc_ref: str
    cells: dict[str, str]
    co2e_t: float | None
    detail: dict[str, Any] | None = Field(description="Factor, source, conversion and method used for this row.")
    version: int
    updated_at: datetime


class RecordCreate(BaseModel):
    model_config = STRICT

    cells: NewCells
    reason: Reason = ""


class RecordPatch(BaseModel):
    """New texts for some columns; an empty text clears a cell."""

    model_config = STRICT

    cells: ChangedCells
    version: Version
    reason: Reason = ""


# -- imports ---------------------------------------------------------------------------------------------------------
class ImportFigures(BaseModel):
    """What the file would give, computed but not saved."""

    basic_tco2e: float | None = None
    basic_plus_tco2e: float | None = None
    territorial_tco2e: float | None = None
    by_sector: dict[str, SectorResult] = {}
    completeness: dict[str, int] = {}
    warnings: list[str] = []
    rows: int = 0
    other_years: dict[str, int] = Field(default={}, description="Rows of other years the file held (left out).")


class ImportOut(BaseModel):
    batch_id: int
    status: Literal["preview", "rejected", "committed", "discarded"]
    ok: bool = Field(description="True when the file computes and can be committed.")
    filename: str
    mode: Literal["replace", "append"]
    rows: int
    issue_count: int
    issues: list[IssueOut]
    figures: ImportFigures | None
    inventory_version: int = Field(description="The inventory's version after this call.")


class ImportCommit(BaseModel):
    model_config = STRICT

    reason: Reason = ""


# -- results ---------------------------------------------------------------------------------------------------------
class RefResultOut(BaseModel):
    ref: str = Field(description="GPC reference number, e.g. I.1.1.")
    sector: str
    subsector: str
    scope: int | None
    tco2e: float | None
    gases_t: dict[str, float | None]
    notation_key: str
    data_quality: str


class GwpOut(BaseModel):
    name: str
    values: dict[str, float]


class ResultsOut(BaseModel):
    city: str
    year: int
    status: Literal["draft", "submitted", "approved"]
    published: bool
    version: int
    computed_at: datetime | None
    totals: Totals
    by_scope: dict[str, float | None]
    by_sector: dict[str, SectorResult]
    by_ref: list[RefResultOut]
    gases_t: dict[str, float | None]
    completeness: dict[str, int]
    gwp: GwpOut | None
    rows: int
    warnings: list[str]


# -- factors ---------------------------------------------------------------------------------------------------------
class FactorOut(BaseModel):
    factor_id: str
    category: str
    fuel: str
    activity_unit: str
    mass_unit: str
    gases: dict[str, float] = Field(description="Mass of each gas (in mass_unit) per activity_unit.")
    status: str
    source: str
    year: int | None
    valid_year: int | None
    ncv: float | None
    ncv_unit: str
    density: float | None
    density_unit: str
    basis: str
    gwp_basis: str
    description: str
    notes: str
    origin: str
