"""Problems in an uploaded file, in Traditional Chinese (``zerocity.web.issue_text``).

Each case runs the real reader, core or service on a real bad input and checks that the reason it produces is
recognised by the template meant for it, comes out in Chinese, and keeps the values the reader needs to find the
problem (the unit they typed, the factor id, the suggestion, the row number). Templates that no test input can reach
are listed in ``SYNTHETIC`` with the reason why.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Any, cast

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_file
from babel.messages.pofile import read_po
from babel.support import NullTranslations
from tests.support.files import xlsx_bytes

from zerocity.core.errors import InputErrors, InvalidData, ZeroCityError
from zerocity.core.factors import bundled_library, factor_from_row
from zerocity.core.inventory.columns import KNOWN
from zerocity.core.inventory.compile import compile_activity
from zerocity.core.table import RawTable
from zerocity.core.units import units
from zerocity.ingest.tables import read_table, read_table_bytes
from zerocity.services.computation import Rows, check_years, compute_rows
from zerocity.services.factors import library_with_factor_files
from zerocity.services.imports import _check_upload, issue_dict
from zerocity.services.inventory import compute_inventory_file
from zerocity.web import i18n, issue_text
from zerocity.web.issue_text import (
    TEMPLATES,
    column_label,
    template_of,
    translate_issue,
    translate_place,
    translate_reason,
)

ZH = "zh_Hant"
CJK = re.compile(r"[\u4e00-\u9fff]")
NG = "ipcc2006/residential/natural_gas"  # a bundled IPCC factor, per TJ
ROW = "gpc_ref,scope,activity_value,activity_unit,factor_id,fuel"
PLACEHOLDER = re.compile(r"%\((\w+)\)s")


# --- Producing real problems -----------------------------------------------------------------------------------


def reasons_of(action: Callable[[], object]) -> list[str]:
    """The reasons of the ``InputErrors`` (or the message of another core error) that ``action`` raises."""
    try:
        action()
    except InputErrors as exc:
        return [issue.reason for issue in exc.issues]
    except ZeroCityError as exc:
        return [exc.message]
    raise AssertionError("expected the input to be refused")


def read(data: bytes, name: str = "activity.csv") -> list[str]:
    return reasons_of(lambda: read_table_bytes(data, name))


def compile_csv(text: str, *, year: int | None = 2020, city: str | None = None) -> list[str]:
    """Issues of an activity CSV run through the reader and ``compile_activity`` with the bundled factors."""
    return compile_table(read_table_bytes(text.encode("utf-8"), "activity.csv"), year=year, city=city)


def compile_table(table: RawTable, *, year: int | None = 2020, city: str | None = None) -> list[str]:
    return reasons_of(lambda: compile_activity(table, bundled_library(), inventory_year=year, city=city))


def warnings_of(text: str, *, year: int) -> list[str]:
    compiled = compile_activity(
        read_table_bytes(text.encode("utf-8"), "activity.csv"), bundled_library(), inventory_year=year
    )
    return [warning.reason for warning in compiled.warnings]


def activity(*rows: str, header: str = ROW) -> str:
    return "\n".join((header, *rows)) + "\n"


def factor_file(*rows: str, header: str = "factor_id,activity_unit,mass_unit,co2,co2e,source,status,year") -> list[str]:
    content = ("\n".join((header, *rows)) + "\n").encode("utf-8")
    return reasons_of(lambda: library_with_factor_files([("city_factors.csv", content)]))


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def invalid_data_reason(action: Callable[[], object]) -> str:
    """The reason ``zerocity.services.factors`` shows for a factor row the core refuses (the text after
    ``file, row N: ``)."""
    with pytest.raises(InvalidData) as caught:
        action()
    return caught.value.message.split(": ", 1)[-1]


@dataclass(frozen=True)
class Case:
    """A real bad input: ``produce`` returns the reasons the platform gives for it; one of them must be an instance
    of ``msgid``, and ``keeps`` are values that must appear verbatim in the English and the Chinese text."""

    id: str
    msgid: str
    produce: Callable[[Path], list[str]]
    keeps: tuple[str, ...] = ()


def reader(id: str, msgid: str, data: bytes, name: str = "activity.csv", keeps: tuple[str, ...] = ()) -> Case:
    return Case(id, msgid, lambda _: read(data, name), keeps)


def core(
    id: str,
    msgid: str,
    header: str,
    *rows: str,
    keeps: tuple[str, ...] = (),
    year: int | None = 2020,
    city: str | None = None,
) -> Case:
    """A case from an activity CSV compiled for ``year`` (and ``city``) with the bundled factor library."""
    return Case(id, msgid, lambda _: compile_csv(activity(*rows, header=header), year=year, city=city), keeps)


def method(id: str, msgid: str, row: str, keeps: tuple[str, ...] = (), factor: str = "") -> Case:
    """A case from one activity row naming a calculation method: ``row`` is ``ref,unit,method,key=value;...``."""
    ref, unit, name, params = row.split(",", 3)
    header = "gpc_ref,activity_value,activity_unit,factor_id,method,method_params"
    return core(id, msgid, header, f"{ref},1000,{unit},{factor},{name},{params}", keeps=keeps)


def factors(id: str, msgid: str, row: str, keeps: tuple[str, ...] = ()) -> Case:
    """A case from a city's own factor file holding one row."""
    return Case(id, msgid, lambda _: factor_file(row), keeps)


CASES = [
    # -- reading the file -------------------------------------------------------------------------------------------
    Case("missing file", "cannot read file: %(error)s", lambda tmp: reasons_of(lambda: read_table(tmp / "none.csv"))),
    reader("xls renamed", "not a valid XLSX file (is it an old .xls?)", b"gpc_ref\nI.1.1\n", "old.xlsx"),
    reader(
        "pdf", "unsupported file type %(suffix)s: use .csv or .xlsx", b"%PDF-1.4", "inventory.pdf", keeps=("'.pdf'",)
    ),
    reader("binary", "this is a binary file, not CSV text", b"gpc_ref\x00\x01\x02"),
    reader("empty", "the file is empty", b"\r\n\r\n"),
    reader("only byte-order marks", "the file has no header row", b"\xef\xbb\xbf\xef\xbb\xbf"),
    reader(
        "same column twice",
        "column %(column)s appears twice (columns %(first)s and %(second)s)",
        b"gpc_ref,activity_value,Activity Value\nI.1.1,1,2\n",
        keeps=("'activity_value'", "2", "3"),
    ),
    reader(
        "stray comma",
        "broken CSV: Expected %(expected)s fields in line %(line)s, saw %(found)s (a stray comma or quote?)",
        b"gpc_ref,activity_value\nI.1.1,1\nI.1.1,1,5\n",
        keeps=("2", "3"),
    ),
    reader(
        "unclosed quote",
        "broken CSV: %(detail)s (a stray comma or quote?)",
        b'gpc_ref,description\nI.1.1,"gas\n',
        keeps=("EOF inside string",),
    ),
    reader("not a workbook", "not a readable XLSX workbook: %(error)s", b"PK\x03\x04 not a zip", "activity.xlsx"),
    reader("empty sheet", "the first sheet is empty", xlsx_bytes([]), "activity.xlsx"),
    Case(
        "formula cell",
        "formula cell: paste values instead",
        lambda tmp: reasons_of(
            lambda: compute_inventory_file(
                write(tmp, "activity.xlsx", xlsx_bytes([["gpc_ref", "activity_value"], ["I.1.1", "=1+1"]])), year=2020
            )
        ),
    ),
    reader(
        "broken encoding",
        "the file is neither UTF-8 nor Big5 (cp950): undecodable byte %(byte)s at offset %(offset)s; "
        "save it as UTF-8 CSV",
        b"gpc_ref,description\nI.1.1,\xff\n",
        keeps=("0xff", "26"),
    ),
    # -- columns, rows and values (compile_activity) ------------------------------------------------------------
    Case(
        "header of blanks",
        "required column %(column)s is missing (found: no columns)",
        lambda _: compile_table(read_table_bytes(xlsx_bytes([[" ", " "], ["I.1.1", 5]]), "activity.xlsx")),
        ("'gpc_ref'",),
    ),
    core(
        "no gpc_ref column",
        "required column %(column)s is missing (found: %(found)s)",
        "scope,activity_value",
        "1,5",
        keeps=("'gpc_ref'", "scope, activity_value"),
    ),
    core("header only", "the file has a header but no data rows", ROW),
    core("empty gpc_ref", "GPC reference number is empty", ROW, f",1,5,TJ,{NG},"),
    core("unknown gpc_ref", "unknown GPC reference number %(ref)s", ROW, f"I.9.9,1,5,TJ,{NG},", keeps=("'I.9.9'",)),
    core(
        "notation key with a value",
        "a notation key together with a value: give one or the other",
        "gpc_ref,activity_value,activity_unit,factor_id,notation_key",
        f"I.1.1,5,TJ,{NG},NO",
    ),
    core(
        "activity and emissions",
        "give only one of activity_value, emissions_tco2e or emissions_t per row",
        "gpc_ref,activity_value,activity_unit,factor_id,emissions_tco2e",
        f"I.1.1,5,TJ,{NG},7",
    ),
    core(
        "nothing reported",
        "row has no activity_value, emissions_tco2e, emissions_t or notation_key",
        "gpc_ref,scope",
        "I.1.1,1",
    ),
    core(
        "gas without emissions_t", "gas is given but emissions_t is empty", "gpc_ref,emissions_tco2e,gas", "I.1.1,5,CH4"
    ),
    core("emissions_t without gas", "emissions_t needs the gas it measures", "gpc_ref,emissions_t", "I.1.1,5"),
    core("text as a number", "not a number: %(value)s", ROW, f"I.1.1,1,about 500,TJ,{NG},", keeps=("'about 500'",)),
    core("overflowing number", "not a finite number: %(value)s", ROW, f"I.1.1,1,1e999,TJ,{NG},", keeps=("'1e999'",)),
    core("negative value", "must not be negative", ROW, f"I.1.1,1,-5,TJ,{NG},"),
    core(
        "negative emissions",
        "negative emissions (removals) are allowed only where GPC allows them (V.2 land)",
        "gpc_ref,emissions_tco2e",
        "I.1.1,-5",
    ),
    core("scope as a word", "scope must be 1, 2 or 3, got %(value)s", ROW, f"I.1.1,four,5,TJ,{NG},", keeps=("'four'",)),
    core(
        "wrong scope",
        "%(ref)s is scope %(scope)s; it has no scope %(given)s",
        ROW,
        f"I.1.1,2,5,TJ,{NG},",
        keeps=("I.1.1", "1", "2"),
    ),
    core(
        "data quality",
        "data quality must be H, M or L, got %(value)s",
        "gpc_ref,activity_value,activity_unit,factor_id,data_quality",
        f"I.1.1,5,TJ,{NG},good",
        keeps=("'good'",),
    ),
    core(
        "misspelt fuel",
        "unknown fuel %(fuel)s (did you mean %(suggestions)s?)",
        ROW,
        "I.1.1,1,5,TJ,ipcc2006/residential,natural gass",
        keeps=("'natural gass'", "'natural gas'"),
    ),
    core(
        "unknown fuel",
        "unknown fuel %(fuel)s",
        ROW,
        "I.1.1,1,5,TJ,ipcc2006/residential,unobtainium",
        keeps=("'unobtainium'",),
    ),
    core(
        "year out of range",
        "year must be a whole year %(first)s–%(last)s",
        "gpc_ref,activity_value,activity_unit,factor_id,year",
        f"I.1.1,5,TJ,{NG},1800",
        keeps=("1990", "2100"),
    ),
    Case(
        "several years without a year",
        "the file holds several years %(years)s: choose one (--year)",
        lambda tmp: reasons_of(
            lambda: compute_inventory_file(
                write(
                    tmp,
                    "activity.csv",
                    activity(
                        f"I.1.1,5,TJ,{NG},2019",
                        f"I.1.1,6,TJ,{NG},2020",
                        header="gpc_ref,activity_value,activity_unit,factor_id,year",
                    ).encode("utf-8"),
                )
            )
        ),
        ("[2019, 2020]",),
    ),
    core(
        "no year at all", "no inventory year: add a 'year' column or give --year", ROW, f"I.1.1,1,5,TJ,{NG},", year=None
    ),
    core(
        "several cities",
        "the file holds several cities %(cities)s: choose one (--city)",
        "gpc_ref,activity_value,activity_unit,factor_id,city",
        f"I.1.1,5,TJ,{NG},臺北市",
        f"I.1.1,6,TJ,{NG},臺南市",
        keeps=("'臺北市'", "'臺南市'"),
    ),
    core(
        "no rows for the year",
        "no rows for year %(year)s",
        "gpc_ref,activity_value,activity_unit,factor_id,year",
        f"I.1.1,5,TJ,{NG},2020",
        keeps=("2021",),
        year=2021,
    ),
    core(
        "no rows for the city",
        "no rows for year %(year)s and city %(city)s",
        "gpc_ref,activity_value,activity_unit,factor_id,city",
        f"I.1.1,5,TJ,{NG},臺北市",
        keeps=("2020", "'高雄市'"),
        city="高雄市",
    ),
    core(
        "NA is not a notation key",
        "invalid notation key %(value)s; use NO, IE, NE or C",
        "gpc_ref,notation_key",
        "I.1.1,NA",
        keeps=("'NA'",),
    ),
    core(
        "duplicate rows",
        "duplicate of row %(row)s (every column identical)",
        ROW,
        f"I.1.1,1,5,TJ,{NG},",
        f"I.1.1,1,5,TJ,{NG},",
        keeps=("2",),
    ),
    core(
        "unknown gas",
        "unknown gas %(gas)s; use CO2, CH4, N2O, CO2_biogenic or an F-gas name",
        "gpc_ref,emissions_t,gas",
        "I.1.1,5,CO3",
        keeps=("'CO3'",),
    ),
    core("no activity unit", "activity_unit is empty", ROW, f"I.1.1,1,5,,{NG},"),
    core(
        "misspelt unit",
        "unknown unit %(unit)s (did you mean %(suggestions)s?)",
        ROW,
        "I.1.2,2,500,kwhh,tw-grid,",
        keeps=("'kwhh'", "'kWh'"),
    ),
    core("unknown unit", "unknown unit %(unit)s", ROW, f"I.1.1,1,5,zzz,{NG},", keeps=("'zzz'",)),
    core("unit without a denominator", "empty unit", ROW, f"I.1.1,1,5,kg/,{NG},"),
    core(
        "unit with two slashes",
        "unit %(unit)s has more than one '/'",
        ROW,
        f"I.1.1,1,5,kg/m/s,{NG},",
        keeps=("'kg/m/s'",),
    ),
    core("percent as a unit", "unit %(unit)s has no dimension", ROW, f"I.1.1,1,5,percent,{NG},", keeps=("'percent'",)),
    Case(
        "mass to energy",
        "cannot convert %(from_unit)s (%(from_dimension)s) to %(to_unit)s (%(to_dimension)s)",
        lambda _: reasons_of(lambda: units().factor("kg", "kWh")),
        ("'kg'", "'kWh'", "[mass]"),
    ),
    core(
        "inline factor unit without activity",
        "factor unit %(unit)s must be a mass per activity unit, e.g. kg/TJ or lb/MWh",
        "gpc_ref,activity_value,activity_unit,ef_co2,ef_unit",
        "I.1.1,5,TJ,56100,kg",
        keeps=("'kg'",),
    ),
    core(
        "inline factor unit without mass",
        "factor unit %(unit)s must be a mass per activity unit, e.g. kg/TJ",
        "gpc_ref,activity_value,activity_unit,ef_co2,ef_unit",
        "I.1.1,5,TJ,56100,kWh/TJ",
        keeps=("'kWh/TJ'",),
    ),
    core(
        "litres of natural gas",
        "activity in %(unit)s (%(dimension)s) does not match factor %(factor)s per %(factor_unit)s "
        "(%(factor_dimension)s); converting needs a density and/or NCV (columns ncv + ncv_unit, density + "
        "density_unit)",
        ROW,
        f"I.1.1,1,5,L,{NG},",
        keeps=(NG, "TJ", "ncv_unit"),
    ),
    core(
        "ncv without its unit",
        "%(name)s needs %(name)s_unit (e.g. TJ/Gg for NCV, kg/L for density)",
        "gpc_ref,activity_value,activity_unit,factor_id,ncv",
        f"I.1.1,5,kg,{NG},48",
        keeps=("ncv_unit",),
    ),
    core(
        "factor id and inline factor",
        "give factor_id or inline ef_* values, not both",
        "gpc_ref,activity_value,activity_unit,factor_id,ef_co2,ef_unit",
        f"I.1.1,5,TJ,{NG},56100,kg/TJ",
    ),
    core(
        "factor on a notation-key row",
        "a factor or method on a notation-key row",
        "gpc_ref,notation_key,factor_id",
        f"I.1.1,NE,{NG}",
    ),
    core(
        "inline factor without unit",
        "inline factors need ef_unit, e.g. kg/TJ",
        "gpc_ref,activity_value,activity_unit,ef_co2",
        "I.1.1,5,TJ,56100",
    ),
    core(
        "no factor",
        "no emission factor: give factor_id, inline ef_* values with ef_unit, or a method",
        ROW,
        "I.1.1,1,5,TJ,,",
    ),
    core(
        "gases and CO2e",
        "give per-gas factors or ef_co2e, not both (CO2e is computed from the gases)",
        "gpc_ref,activity_value,activity_unit,ef_co2,ef_co2e,ef_unit",
        "I.1.1,5,TJ,56100,56200,kg/TJ",
    ),
    core(
        "misspelt factor id",
        "unknown factor id %(factor)s (did you mean %(suggestions)s?)",
        ROW,
        "I.1.1,1,5,TJ,ipcc2006/residential/natural_gs,",
        keeps=("'ipcc2006/residential/natural_gs'", f"'{NG}'"),
    ),
    core(
        "unknown factor id",
        "unknown factor id %(factor)s",
        ROW,
        "I.1.1,1,5,TJ,my-own-boiler,",
        keeps=("'my-own-boiler'",),
    ),
    Case(
        "grid factor without a year",
        "%(factor)s needs the inventory year",
        lambda _: reasons_of(lambda: bundled_library().resolve("tw-grid", None)),
        ("tw-grid",),
    ),
    core(
        "no grid factor yet",
        "no %(factor)s factor for %(year)s; never substitute another year",
        ROW,
        "I.1.2,2,500,kWh,tw-grid,",
        keeps=("tw-grid", "2030"),
        year=2030,
    ),
    core(
        "target factor",
        "factor %(factor)s has status %(status)s (%(note)s); a target is not a measured factor",
        ROW,
        "I.1.2,2,500,kWh,tw-grid:2025,",
        keeps=("tw-grid:2025", "'target'"),
        year=2025,
    ),
    core(
        "grid factor of another year",
        "factor %(factor)s is for %(valid_year)s but the inventory year is %(year)s; use the factor of the "
        "inventory year (e.g. tw-grid)",
        ROW,
        "I.1.2,2,500,kWh,tw-grid:2019,",
        keeps=("tw-grid:2019", "2019", "2020"),
    ),
    core(
        "fuel of another factor",
        "fuel %(fuel)s does not match factor %(factor)s (fuel %(factor_fuel)s)",
        ROW,
        f"I.1.1,1,5,TJ,{NG},diesel",
        keeps=("'gas_diesel_oil'", NG, "'natural_gas'"),
    ),
    core(
        "factor on a direct entry",
        "%(column)s has no meaning on a directly reported row",
        "gpc_ref,emissions_tco2e,factor_id",
        f"I.1.1,5,{NG}",
        keeps=("factor_id",),
    ),
    core(
        "market factor on scope 1",
        "market-based factors apply to scope 2 rows only",
        "gpc_ref,activity_value,activity_unit,factor_id,market_factor_id",
        f"I.1.1,5,TJ,{NG},tw-grid",
    ),
    core(
        "two market factors",
        "give market_factor_id or market_ef_co2e, not both",
        "gpc_ref,activity_value,activity_unit,factor_id,market_factor_id,market_ef_co2e,market_ef_unit",
        "I.1.2,500,kWh,tw-grid,tw-grid,0.4,kg/kWh",
    ),
    core(
        "market factor without unit",
        "market_ef_co2e needs its unit",
        "gpc_ref,activity_value,activity_unit,factor_id,market_ef_co2e",
        "I.1.2,500,kWh,tw-grid,0.4",
    ),
    core(
        "NO and a value",
        "%(ref)s is marked NO (not occurring) but other rows report it",
        "gpc_ref,activity_value,activity_unit,factor_id,notation_key",
        f"I.1.1,5,TJ,{NG},",
        "I.1.1,,,,NO",
        keeps=("I.1.1",),
    ),
    core(
        "more than a thousand problems",
        "… and %(count)s more problems not listed",
        ROW,
        *[f"I.1.1,1,{n},zzz,{NG}," for n in range(1, 1006)],
        keeps=("5",),
    ),
    # -- warnings about the factors used ------------------------------------------------------------------------
    Case(
        "secondary grid factor",
        "factor %(factor)s is %(status)s: verify against %(source)s",
        lambda _: warnings_of(activity("I.1.2,2,500,kWh,tw-grid,"), year=2024),
        ("tw-grid:2024", "MOEA Energy Administration"),
    ),
    Case(
        "CO2e-only factor",
        "factor %(factor)s is published as CO2e only (GWP basis: %(basis)s); it is kept as CO2e and not "
        "re-weighted when the GWP set changes",
        lambda _: warnings_of(activity("I.1.2,2,500,kWh,tw-grid,"), year=2020),
        ("tw-grid:2020",),
    ),
    # -- a city's own factor file -------------------------------------------------------------------------------
    Case(
        "factor file without source",
        "factor files need columns %(columns)s",
        lambda _: factor_file("city:boiler,TJ,kg", header="factor_id,activity_unit,mass_unit"),
        ("factor_id, activity_unit, mass_unit, source",),
    ),
    factors(
        "factor id with a space",
        "factor_id %(factor)s may use letters, digits and _ . : / - only",
        "city boiler,TJ,kg,56100,,City energy office,user,2021",
        keeps=("'city boiler'",),
    ),
    factors(
        "negative factor",
        "%(column)s must not be negative",
        "city:boiler,TJ,kg,-1,,City energy office,user,2021",
        keeps=("co2",),
    ),
    factors(
        "factor without gas",
        "no gas value (co2, ch4, n2o, co2e or co2_biogenic)",
        "city:boiler,TJ,kg,,,City energy office,user,2021",
    ),
    factors(
        "factor with gases and CO2e",
        "give either per-gas values or co2e, not both (CO2e is derived from gases)",
        "city:boiler,TJ,kg,56100,56200,City energy office,user,2021",
    ),
    factors(
        "unknown status",
        "unknown status %(status)s; use one of %(statuses)s",
        "city:boiler,TJ,kg,56100,,City energy office,official,2021",
        keeps=("'official'", "published"),
    ),
    factors(
        "factor without source",
        "source is required: every factor must say where it comes from",
        "city:boiler,TJ,kg,56100,,,user,2021",
    ),
    factors(
        "mass unit that is energy",
        "mass_unit %(unit)s is not a mass",
        "city:boiler,TJ,kWh,56100,,City energy office,user,2021",
        keeps=("'kWh'",),
    ),
    factors(
        "factor value as text",
        "could not convert string to float: %(value)s",
        "city:boiler,TJ,kg,lots,,City energy office,user,2021",
        keeps=("'lots'",),
    ),
    factors(
        "factor year as text",
        "invalid literal for int() with base 10: %(value)s",
        "city:boiler,TJ,kg,56100,,City energy office,user,2021a",
        keeps=("'2021a'",),
    ),
    factors(
        "factor id taken",
        "factor id %(factor)s already exists (%(origin)s); give your factor its own id, e.g. 'city:...'",
        "tw-grid:2020,TJ,kg,56100,,City energy office,user,2021",
        keeps=("'tw-grid:2020'", "bundled:factors/tw_grid.csv"),
    ),
    Case(
        "factor row without id",
        "missing column %(column)s",
        lambda _: [invalid_data_reason(lambda: factor_from_row({}, origin="user:f.csv", where="f.csv, row 2"))],
        ("'factor_id'",),
    ),
    # -- calculation methods -------------------------------------------------------------------------------------
    method(
        "misspelt method",
        "unknown method %(method)s; known: %(known)s",
        "III.1.1,t,landfil_mc,doc=0.2;mcf=1",
        keeps=("'landfil_mc'", "landfill_mc"),
    ),
    method(
        "landfill method on energy",
        "method %(method)s applies to %(refs)s rows, not %(ref)s",
        "I.1.1,t,landfill_mc,doc=0.2;mcf=1",
        keeps=("landfill_mc", "III.1.", "I.1.1"),
    ),
    method(
        "losses without a grid factor",
        "method %(method)s needs a factor_id or inline factor",
        "I.1.3,kWh,td_losses,loss_share=0.05",
        keeps=("td_losses",),
    ),
    method(
        "landfill with a factor",
        "method %(method)s computes its own factors",
        "III.1.1,t,landfill_mc,doc=0.2;mcf=1",
        keeps=("landfill_mc",),
        factor=NG,
    ),
    method(
        "parameter without =",
        "%(parameter)s: expected key=value",
        "III.1.1,t,landfill_mc,doc 0.2",
        keeps=("doc 0.2",),
    ),
    method(
        "parameter twice",
        "%(parameter)s: given twice",
        "III.1.1,t,landfill_mc,doc=0.2;mcf=1;doc=0.3",
        keeps=("doc",),
    ),
    method(
        "landfill without MCF",
        "mcf: required: give mcf= (0..1) or site= (%(sites)s)",
        "III.1.1,t,landfill_mc,doc=0.2",
        keeps=("managed_anaerobic",),
    ),
    method(
        "wastewater without MCF",
        "mcf: required: give mcf= (0..1) or pathway= (%(pathways)s)",
        "III.4.1,person,wastewater_ch4,bod=60;i=1.25",
    ),
    method(
        "landfill without carbon",
        "doc: required: give doc= or composition shares (food=, paper=, …)",
        "III.1.1,t,landfill_mc,mcf=1",
    ),
    method(
        "decay without rate",
        "k: required: give k= (1/yr) or climate= (%(climates)s)",
        "III.1.1,t,landfill_fod,deposit_year=2010;doc=0.2;mcf=1",
        keeps=("tropical_wet",),
    ),
    method(
        "open burning without basis",
        "basis: required: EFs are per dry t; give basis=dry or dry_matter=",
        "III.3.1,t,open_burning,",
    ),
    method(
        "open burning of wet waste",
        "dry_matter: required with wet tonnes: open-burning EFs are per dry t",
        "III.3.1,t,open_burning,basis=wet",
    ),
    method(
        "wastewater without BOD",
        "bod: required: give bod= (g/person/day) or region= (%(regions)s)",
        "III.4.1,person,wastewater_ch4,",
    ),
    method(
        "wastewater without industry factor",
        "i: required: give i= or collected_with_industry=yes|no",
        "III.4.1,person,wastewater_ch4,bod=60",
    ),
    method(
        "wastewater without protein",
        "protein: required: protein= (kg/person/yr) or protein_g_per_day=",
        "III.4.1,person,wastewater_n2o,",
    ),
    method(
        "losses without their share",
        "%(parameter)s: required",
        "I.1.3,kWh,td_losses,",
        keeps=("loss_share",),
        factor="tw-grid",
    ),
    method(
        "parameter as text",
        "%(parameter)s: not a number: %(value)s",
        "III.1.1,t,landfill_mc,doc=abc;mcf=1",
        keeps=("doc", "'abc'"),
    ),
    method(
        "infinite parameter",
        "%(parameter)s: not a finite number",
        "I.1.3,kWh,td_losses,loss_share=inf",
        keeps=("loss_share",),
        factor="tw-grid",
    ),
    method(
        "negative share",
        "%(parameter)s: must be at least %(minimum)s, got %(value)s",
        "I.1.3,kWh,td_losses,loss_share=-0.1",
        keeps=("loss_share", "-0.1"),
        factor="tw-grid",
    ),
    method(
        "share too large",
        "%(parameter)s: must be at most %(maximum)s, got %(value)s",
        "I.1.3,kWh,td_losses,loss_share=0.6",
        keeps=("loss_share", "0.5", "0.6"),
        factor="tw-grid",
    ),
    method(
        "zero decay rate",
        "%(parameter)s: must be more than 0",
        "III.1.1,t,landfill_fod,deposit_year=2010;doc=0.2;mcf=1;k=0",
        keeps=("k",),
    ),
    method(
        "misspelt parameter",
        "%(parameter)s: unknown parameter for this method",
        "III.1.1,t,landfill_mc,doc=0.2;mcf=1;mfc=1",
        keeps=("mfc",),
    ),
    method(
        "unknown climate",
        "%(parameter)s: must be one of %(options)s, got %(value)s",
        "III.1.1,t,landfill_fod,deposit_year=2010;doc=0.2;mcf=1;climate=hot",
        keeps=("climate", "'hot'", "tropical_wet"),
    ),
    method(
        "MCF and site",
        "%(parameter)s: give %(first)s= or %(second)s=, not both",
        "III.1.1,t,landfill_mc,doc=0.2;mcf=1;site=managed_anaerobic",
        keeps=("site", "mcf"),
    ),
    method(
        "composition above one",
        "composition: shares sum to %(total)s, more than 1",
        "III.1.1,t,landfill_mc,food=0.8;paper=0.5;mcf=1",
        keeps=("1.3",),
    ),
    method(
        "DOC and composition",
        "doc: give doc= or composition shares, not both",
        "III.1.1,t,landfill_mc,doc=0.2;food=0.5;mcf=1",
    ),
    method(
        "fractional deposit year",
        "%(parameter)s: must be a whole year, got %(value)s",
        "III.1.1,t,landfill_fod,deposit_year=2010.5;doc=0.2;mcf=1;k=0.1",
        keeps=("deposit_year", "2010.5"),
    ),
    method(
        "deposit after the inventory",
        "%(parameter)s: %(deposit_year)s is after inventory year %(year)s",
        "III.1.1,t,landfill_fod,deposit_year=2030;doc=0.2;mcf=1;k=0.1",
        keeps=("deposit_year", "2030", "2020"),
    ),
    method(
        "industrial waste burnt",
        "%(parameter)s: no default carbon content; enter it as its own row",
        "III.3.1,t,incineration,technology=continuous;industrial=0.2",
        keeps=("industrial",),
    ),
    method(
        "dry basis with dry matter",
        "dry_matter: only used with wet tonnes; basis=dry needs none",
        "III.3.1,t,open_burning,basis=dry;dry_matter=0.5",
    ),
    method(
        "more nitrogen in sludge than in water",
        "n_sludge_kg_per_person: more than the %(nitrogen)s kg N/person/yr in the wastewater",
        "III.4.1,person,wastewater_n2o,protein=30;n_sludge_kg_per_person=100",
    ),
    # -- importing into a stored inventory (services) -----------------------------------------------------------
    Case(
        "row of another year",
        "this row is for %(row_year)s, but the inventory is %(year)s",
        lambda _: reasons_of(
            lambda: check_years(Rows("activity.csv", ("gpc_ref", "year"), [["I.1.1", "2017"]], [2]), 2020)
        ),
        ("2017", "2020"),
    ),
    Case(
        "no rows at all",
        "the file has no activity rows",
        lambda _: reasons_of(
            lambda: compute_rows(
                Rows("activity.csv", ("gpc_ref",), [], []),
                cast(Any, SimpleNamespace(year=2020, gwp_set="AR5")),
                bundled_library(),
            )
        ),
    ),
    Case(
        "file too large",
        "the file is %(size)s MB; the limit is %(limit)s MB",
        lambda _: reasons_of(lambda: _check_upload("activity.csv", b"x" * 2_500_000, 2_000_000)),
        ("2.5", "2"),
    ),
]


#: Templates no test input reaches, each with an example reason in the exact form the source writes it.
SYNTHETIC = {
    # Only from preview_import with a signed-in actor and a stored inventory; the form offers the two modes only.
    "mode must be one of %(modes)s": "mode must be one of replace, append",
}


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_a_real_problem_reads_in_traditional_chinese_with_its_values_kept(case: Case, tmp_path: Path) -> None:
    reasons = case.produce(tmp_path)
    found = [reason for reason in reasons if (template := template_of(reason)) and template.msgid == case.msgid]
    assert found, f"no reason of the template among {reasons}"
    for reason in found:
        translated = translate_reason(reason, ZH)
        assert CJK.search(translated), translated
        assert translated != reason
        for value in case.keeps:
            assert value in reason, f"{value!r} not in the English reason {reason!r}"
            assert value in translated, f"{value!r} lost in {translated!r}"


def test_the_example_problems_of_the_brief_read_naturally() -> None:
    (unit,) = compile_csv(activity("I.1.2,2,500,kwhh,tw-grid,"))
    assert translate_reason(unit, ZH) == "未知的單位 'kwhh'（您是不是要填 'kWh'？）"
    (scope,) = compile_csv(activity(f"I.1.1,2,5,TJ,{NG},"))
    assert translate_reason(scope, ZH) == "I.1.1 屬於範疇 1，沒有範疇 2"
    (litres,) = compile_csv(activity(f"I.1.1,1,5,L,{NG},"))
    assert "（體積）" in translate_reason(litres, ZH) and "（能量）" in translate_reason(litres, ZH)


def test_closed_word_lists_inside_a_reason_are_translated() -> None:
    secondary, co2e_only = warnings_of(activity("I.1.2,2,500,kWh,tw-grid,"), year=2024)
    assert "次級資料" in translate_reason(secondary, ZH)
    assert "未說明" in translate_reason(co2e_only, ZH)


def test_every_template_is_reached_by_a_real_input_or_listed_as_synthetic() -> None:
    msgids = {template.msgid for template in TEMPLATES}
    covered = {case.msgid for case in CASES}
    assert covered - msgids == set(), "cases for templates that do not exist"
    assert set(SYNTHETIC) - msgids == set()
    assert covered & set(SYNTHETIC) == set()
    assert msgids - covered - set(SYNTHETIC) == set(), "templates without a test input"


@pytest.mark.parametrize(("msgid", "reason"), SYNTHETIC.items())
def test_a_synthetic_reason_is_translated(msgid: str, reason: str) -> None:
    template = template_of(reason)
    assert template is not None and template.msgid == msgid
    assert CJK.search(translate_reason(reason, ZH))


@pytest.mark.parametrize("template", TEMPLATES, ids=[template.msgid[:60] for template in TEMPLATES])
def test_every_template_has_a_traditional_chinese_translation_with_the_same_placeholders(
    template: issue_text.Template,
) -> None:
    translated = issue_text._Catalogue(ZH).gettext(template.msgid)
    assert translated != template.msgid
    assert CJK.search(translated)
    assert set(PLACEHOLDER.findall(translated)) == set(template.placeholders)
    for vocabulary in template.vocabulary.values():
        assert vocabulary in issue_text._vocabularies_for(ZH)


def test_templates_are_distinct() -> None:
    assert len({template.msgid for template in TEMPLATES}) == len(TEMPLATES)


# --- The catalogue ------------------------------------------------------------------------------------------------


def _catalogue() -> Any:
    with (i18n.LOCALE_DIR / "zh_Hant" / "LC_MESSAGES" / "messages.po").open("rb") as po_file:
        return read_po(po_file, locale=ZH)


def test_every_message_of_the_module_is_a_reviewed_chinese_translation_keeping_its_placeholders() -> None:
    source = Path(issue_text.__file__)
    extracted = {
        (context, message if isinstance(message, str) else message[0])
        for _, message, _, context in extract_from_file("python", source, keywords=DEFAULT_KEYWORDS)
    }
    entries = {(m.context, m.id): m for m in _catalogue() if m.id}
    assert len(extracted) > 100
    for key in sorted(extracted, key=str):
        message = entries.get(key)
        assert message is not None, key
        assert not message.fuzzy, key
        assert CJK.search(message.string), key
        assert set(PLACEHOLDER.findall(message.string)) == set(PLACEHOLDER.findall(key[1])), key


def test_a_reason_without_a_translation_stays_in_english(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(i18n, "get_translations", lambda locale: NullTranslations())
    assert translate_reason("unknown unit 'kwhh'", ZH) == "unknown unit 'kwhh'"


# --- Unknown reasons, English, issues and columns -----------------------------------------------------------------


@pytest.mark.parametrize(
    "reason",
    [
        "something the core will say one day",
        "",
        "unknown unit kwhh",  # not quoted as the core quotes it
        "the file is empty.",
        "UNKNOWN UNIT 'kwhh'",
    ],
)
def test_an_unknown_reason_comes_back_unchanged(reason: str) -> None:
    assert template_of(reason) is None
    assert translate_reason(reason, ZH) == reason


@pytest.mark.parametrize("locale", ["en", "en-GB", "fr", ""])
def test_english_and_unsupported_locales_get_the_reason_unchanged(locale: str) -> None:
    for reason in ["unknown unit 'kwhh' (did you mean 'kWh'?)", "must not be negative", *SYNTHETIC.values()]:
        assert translate_reason(reason, locale) == reason


def test_chinese_locale_tags_are_understood() -> None:
    assert translate_reason("must not be negative", "zh-TW") == "不可為負值"


def test_user_text_with_quotes_and_regex_characters_is_kept_verbatim() -> None:
    (reason,) = compile_csv(activity(f"I.1.1,1,5,it's (m³)*,{NG},"))
    translated = translate_reason(reason, ZH)
    assert CJK.search(translated)
    assert '"it\'s (m³)*"' in reason and '"it\'s (m³)*"' in translated


def test_an_issue_is_copied_with_its_english_reason_kept() -> None:
    with pytest.raises(InputErrors) as caught:
        compile_activity(
            read_table_bytes(activity("I.1.2,2,500,kwhh,tw-grid,").encode(), "activity.csv"),
            bundled_library(),
            inventory_year=2020,
        )
    issue = issue_dict(caught.value.issues[0])
    translated = translate_issue(issue, ZH)
    assert issue["reason"] == "unknown unit 'kwhh' (did you mean 'kWh'?)"  # the original is not changed
    assert translated == {
        **issue,
        "reason": "未知的單位 'kwhh'（您是不是要填 'kWh'？）",
        "reason_en": "unknown unit 'kwhh' (did you mean 'kWh'?)",
    }
    assert translate_issue(translated, ZH) == translated  # translating twice changes nothing
    assert translate_issue(issue, "en") == {**issue, "reason_en": issue["reason"]}


@pytest.mark.parametrize("column", KNOWN)
def test_every_input_column_has_a_chinese_label_that_shows_the_raw_name(column: str) -> None:
    label = column_label(column, ZH)
    assert CJK.search(label), label
    assert label.endswith(f" ({column})")


def test_column_labels() -> None:
    assert column_label("activity_unit", ZH) == "活動數據單位 (activity_unit)"
    assert column_label("gpc_ref", ZH) == "GPC 編號 (gpc_ref)"
    assert column_label("factor_id", ZH) == "排放係數代碼 (factor_id)"
    assert column_label("ef_co2", ZH) == "CO2 排放係數 (ef_co2)"
    assert column_label("notation_key", ZH) == "註記代碼 (notation_key)"
    assert column_label("data_quality", ZH) == "資料品質 (data_quality)"
    assert column_label("mass_unit", ZH) == "質量單位 (mass_unit)"
    assert column_label("activity_unit", "en") == "activity_unit"
    assert column_label("my_notes", ZH) == "my_notes"  # a passthrough column of the city's own
    assert column_label("", ZH) == ""


@pytest.mark.parametrize(
    ("place", "expected"),
    [
        ("a.csv, row 12, column activity_unit", "a.csv，第 12 列，欄位 "),
        ("a.csv, row 12", "a.csv，第 12 列"),
        (", column factor_id", "欄位 "),
        (", row 3", "第 3 列"),
    ],
)
def test_the_place_of_a_warning_reads_in_traditional_chinese_and_keeps_the_file_name(place: str, expected: str) -> None:
    translated = translate_place(place, "zh_Hant")
    assert translated.startswith(expected)
    assert translate_place(place, "en") == place


def test_a_column_in_a_translated_place_keeps_its_raw_name_beside_its_label() -> None:
    assert translate_place("a.csv, row 4, column activity_unit", "zh_Hant").endswith("(activity_unit)")
