"""Problems found in an input file, in the reader's language.

The accounting core and the file reader report each problem as an ``InputIssue`` whose ``reason`` is an English
sentence, often with values in it (a unit, a factor id, a number, "did you mean …?"). The core stays free of
translation code, so the translation happens here, at the edge: every reason template the core, the reader and the
services can produce has one entry in :data:`TEMPLATES`, a regular expression built from an English msgid with
named placeholders. A reason that matches is rebuilt from the msgid's translation with the captured values kept
verbatim (units, ids, numbers, the user's own text); a reason that matches nothing is returned unchanged, so the
reader never loses information, only, at worst, the translation.

Translations live in the main catalogue (``make messages``). When the core gains or changes a reason, add or change
its entry here, translate it in ``src/zerocity/locale/zh_Hant/LC_MESSAGES/messages.po`` and give the test an example
reason (``tests/web/test_issue_text.py``).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from zerocity.web import i18n


def N_(message: str) -> str:
    """Marks a msgid for extraction (``pybabel extract``); translated where it is used."""
    return message


# --- Building blocks of the patterns ---------------------------------------------------------------------------

#: A Python ``repr`` of a string, as the core quotes user text: ``'kWhh'`` or ``"it's"``.
QUOTED: Final[str] = r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\""
#: A whole number (row, year, count, scope).
INTEGER: Final[str] = r"-?\d+"
#: A number as ``f"{x:g}"`` writes it: ``0.5``, ``-1``, ``1e+06``, ``inf``.
NUMBER: Final[str] = r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[-+]?\d+)?|[-+]?inf|nan"
#: One word without spaces: a factor id, a GPC reference number, a method name.
WORD: Final[str] = r"\S+"
#: A Python list as ``str(list)`` writes it: ``[2019, 2020]``.
LIST: Final[str] = r"\[.*\]"
#: Anything, possibly nothing (free text of a library or of the operating system).
ANY_TEXT: Final[str] = r".*"
#: A ``key=value`` parameter name of a calculation method (lower-cased, no ``:``, ``;`` or ``=``).
PARAMETER: Final[str] = r"[^:;=]+"

_PLACEHOLDER = re.compile(r"%\((\w+)\)s|%%")


@dataclass(frozen=True)
class Template:
    """One reason template: the English msgid with ``%(name)s`` placeholders and the pattern derived from it.

    ``groups`` gives the regular expression of a placeholder (default: any text, shortest first); a name used twice
    must capture the same text both times. ``vocabulary`` names a closed word list (see :func:`_vocabularies`)
    whose words are translated inside the sentence, e.g. the dimension ``mass``; other values are kept verbatim.
    """

    msgid: str
    groups: Mapping[str, str] = field(default_factory=dict)
    vocabulary: Mapping[str, str] = field(default_factory=dict)
    pattern: re.Pattern[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "pattern", re.compile(_pattern_of(self.msgid, self.groups), re.DOTALL))

    @property
    def placeholders(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(m.group(1) for m in _PLACEHOLDER.finditer(self.msgid) if m.group(1)))


def _pattern_of(msgid: str, groups: Mapping[str, str]) -> str:
    parts: list[str] = []
    seen: set[str] = set()
    position = 0
    for match in _PLACEHOLDER.finditer(msgid):
        parts.append(re.escape(msgid[position : match.start()]))
        position = match.end()
        name = match.group(1)
        if name is None:
            parts.append("%")
        elif name in seen:
            parts.append(f"(?P={name})")
        else:
            seen.add(name)
            parts.append(f"(?P<{name}>{groups.get(name, '.+?')})")
    parts.append(re.escape(msgid[position:]))
    unknown = set(groups) - seen
    if unknown:
        raise ValueError(f"groups {sorted(unknown)} are not placeholders of {msgid!r}")
    return "".join(parts)


def _t(msgid: str, *, vocabulary: Mapping[str, str] | None = None, **groups: str) -> Template:
    return Template(msgid, groups, vocabulary or {})


#: Every reason the reader, the core and the services put in an ``InputIssue`` (or raise as a message shown to the
#: person who uploaded the file), most specific first: the first template whose pattern matches the whole reason
#: translates it.
TEMPLATES: Final[tuple[Template, ...]] = (
    # -- Reading the file (zerocity.ingest) -------------------------------------------------------------------
    _t(N_("cannot read file: %(error)s"), error=ANY_TEXT),
    _t(N_("not a valid XLSX file (is it an old .xls?)")),
    _t(N_("unsupported file type %(suffix)s: use .csv or .xlsx"), suffix=QUOTED),
    _t(N_("this is a binary file, not CSV text")),
    _t(N_("the file is empty")),
    _t(N_("the file has no header row")),
    _t(
        N_("column %(column)s appears twice (columns %(first)s and %(second)s)"),
        column=QUOTED,
        first=INTEGER,
        second=INTEGER,
    ),
    _t(
        N_("broken CSV: Expected %(expected)s fields in line %(line)s, saw %(found)s (a stray comma or quote?)"),
        expected=INTEGER,
        line=INTEGER,
        found=INTEGER,
    ),
    _t(N_("broken CSV: %(detail)s (a stray comma or quote?)"), detail=ANY_TEXT),
    _t(N_("not a readable XLSX workbook: %(error)s"), error=ANY_TEXT),
    _t(N_("the first sheet is empty")),
    _t(N_("formula cell: paste values instead")),
    _t(
        N_(
            "the file is neither UTF-8 nor Big5 (cp950): undecodable byte %(byte)s at offset %(offset)s; "
            "save it as UTF-8 CSV"
        ),
        byte=r"0x[0-9a-f]{2}",
        offset=INTEGER,
    ),
    # -- The columns and rows of the activity table (zerocity.core.inventory.compile) --------------------------
    _t(N_("required column %(column)s is missing (found: no columns)"), column=QUOTED),
    _t(N_("required column %(column)s is missing (found: %(found)s)"), column=QUOTED, found=ANY_TEXT),
    _t(N_("the file has a header but no data rows")),
    _t(N_("GPC reference number is empty")),
    _t(N_("unknown GPC reference number %(ref)s"), ref=QUOTED),
    _t(N_("a notation key together with a value: give one or the other")),
    _t(N_("give only one of activity_value, emissions_tco2e or emissions_t per row")),
    _t(N_("row has no activity_value, emissions_tco2e, emissions_t or notation_key")),
    _t(N_("gas is given but emissions_t is empty")),
    _t(N_("emissions_t needs the gas it measures")),
    _t(N_("not a number: %(value)s"), value=QUOTED),
    _t(N_("not a finite number: %(value)s"), value=QUOTED),
    _t(N_("must not be negative")),
    _t(N_("negative emissions (removals) are allowed only where GPC allows them (V.2 land)")),
    _t(N_("scope must be 1, 2 or 3, got %(value)s"), value=QUOTED),
    _t(N_("%(ref)s is scope %(scope)s; it has no scope %(given)s"), ref=WORD, scope=INTEGER, given=INTEGER),
    _t(N_("data quality must be H, M or L, got %(value)s"), value=QUOTED),
    _t(N_("unknown fuel %(fuel)s (did you mean %(suggestions)s?)"), fuel=QUOTED, suggestions=ANY_TEXT),
    _t(N_("unknown fuel %(fuel)s"), fuel=QUOTED),
    _t(N_("year must be a whole year %(first)s–%(last)s"), first=INTEGER, last=INTEGER),
    _t(N_("the file holds several years %(years)s: choose one (--year)"), years=LIST),
    _t(N_("no inventory year: add a 'year' column or give --year")),
    _t(N_("the file holds several cities %(cities)s: choose one (--city)"), cities=LIST),
    _t(N_("no rows for year %(year)s and city %(city)s"), year=INTEGER, city=QUOTED),
    _t(N_("no rows for year %(year)s"), year=INTEGER),
    _t(N_("invalid notation key %(value)s; use NO, IE, NE or C"), value=QUOTED),
    _t(N_("duplicate of row %(row)s (every column identical)"), row=INTEGER),
    _t(N_("unknown gas %(gas)s; use CO2, CH4, N2O, CO2_biogenic or an F-gas name"), gas=QUOTED),
    _t(N_("activity_unit is empty")),
    _t(N_("give factor_id or inline ef_* values, not both")),
    _t(N_("a factor or method on a notation-key row")),
    _t(N_("inline factors need ef_unit, e.g. kg/TJ")),
    _t(N_("no emission factor: give factor_id, inline ef_* values with ef_unit, or a method")),
    _t(N_("give per-gas factors or ef_co2e, not both (CO2e is computed from the gases)")),
    _t(
        N_(
            "factor %(factor)s is for %(valid_year)s but the inventory year is %(year)s; "
            "use the factor of the inventory year (e.g. tw-grid)"
        ),
        factor=WORD,
        valid_year=INTEGER,
        year=INTEGER,
    ),
    _t(
        N_("fuel %(fuel)s does not match factor %(factor)s (fuel %(factor_fuel)s)"),
        fuel=QUOTED,
        factor=WORD,
        factor_fuel=QUOTED,
    ),
    _t(N_("method %(method)s needs a factor_id or inline factor"), method=WORD),
    _t(N_("method %(method)s computes its own factors"), method=WORD),
    _t(
        N_("%(column)s has no meaning on a directly reported row"),
        column=r"factor_id|ef_unit|activity_unit|method",
    ),
    _t(N_("market-based factors apply to scope 2 rows only")),
    _t(N_("give market_factor_id or market_ef_co2e, not both")),
    _t(N_("market_ef_co2e needs its unit")),
    _t(N_("%(ref)s is marked NO (not occurring) but other rows report it"), ref=WORD),
    _t(N_("… and %(count)s more problems not listed"), count=INTEGER),
    # -- Units (zerocity.core.units) and conversions (zerocity.core.inventory.conversions) -------------------
    _t(N_("empty unit")),
    _t(N_("unit %(unit)s has more than one '/'"), unit=QUOTED),
    _t(N_("unknown unit %(unit)s (did you mean %(suggestions)s?)"), unit=QUOTED, suggestions=ANY_TEXT),
    _t(N_("unknown unit %(unit)s"), unit=QUOTED),
    _t(N_("unit %(unit)s has no dimension"), unit=QUOTED),
    _t(
        N_("cannot convert %(from_unit)s (%(from_dimension)s) to %(to_unit)s (%(to_dimension)s)"),
        from_unit=QUOTED,
        to_unit=QUOTED,
    ),
    _t(N_("factor unit %(unit)s must be a mass per activity unit, e.g. kg/TJ or lb/MWh"), unit=QUOTED),
    _t(N_("factor unit %(unit)s must be a mass per activity unit, e.g. kg/TJ"), unit=QUOTED),
    _t(
        N_(
            "activity in %(unit)s (%(dimension)s) does not match factor %(factor)s per %(factor_unit)s "
            "(%(factor_dimension)s); converting needs a density and/or NCV "
            "(columns ncv + ncv_unit, density + density_unit)"
        ),
        vocabulary={"dimension": "dimension", "factor_dimension": "dimension"},
        factor=WORD,
    ),
    _t(N_("%(name)s needs %(name)s_unit (e.g. TJ/Gg for NCV, kg/L for density)"), name=r"ncv|density"),
    # -- Emission factors (zerocity.core.factors) ------------------------------------------------------------
    _t(N_("unknown factor id %(factor)s (did you mean %(suggestions)s?)"), factor=QUOTED, suggestions=ANY_TEXT),
    _t(N_("unknown factor id %(factor)s"), factor=QUOTED),
    _t(N_("%(factor)s needs the inventory year"), factor=WORD),
    _t(N_("no %(factor)s factor for %(year)s; never substitute another year"), factor=WORD, year=INTEGER),
    _t(
        N_("factor %(factor)s has status %(status)s (%(note)s); a target is not a measured factor"),
        factor=WORD,
        status=QUOTED,
        note=ANY_TEXT,
    ),
    _t(
        N_("factor %(factor)s is %(status)s: verify against %(source)s"),
        vocabulary={"status": "factor status"},
        factor=WORD,
        status=r"secondary|derived|unconfirmed",
        source=ANY_TEXT,
    ),
    _t(
        N_(
            "factor %(factor)s is published as CO2e only (GWP basis: %(basis)s); "
            "it is kept as CO2e and not re-weighted when the GWP set changes"
        ),
        vocabulary={"basis": "GWP basis"},
        factor=WORD,
    ),
    # A city's own factor file (zerocity.core.factors.factor_from_row via zerocity.services.factors).
    _t(N_("factor files need columns %(columns)s"), columns=ANY_TEXT),
    _t(N_("factor_id %(factor)s may use letters, digits and _ . : / - only"), factor=QUOTED),
    _t(N_("%(column)s must not be negative"), column=r"co2|ch4|n2o|co2e|co2_biogenic"),
    _t(N_("no gas value (co2, ch4, n2o, co2e or co2_biogenic)")),
    _t(N_("give either per-gas values or co2e, not both (CO2e is derived from gases)")),
    _t(N_("unknown status %(status)s; use one of %(statuses)s"), status=QUOTED, statuses=ANY_TEXT),
    _t(N_("source is required: every factor must say where it comes from")),
    _t(N_("mass_unit %(unit)s is not a mass"), unit=QUOTED),
    _t(N_("missing column %(column)s"), column=QUOTED),
    _t(N_("could not convert string to float: %(value)s"), value=QUOTED),
    _t(N_("invalid literal for int() with base 10: %(value)s"), value=QUOTED),
    _t(
        N_("factor id %(factor)s already exists (%(origin)s); give your factor its own id, e.g. 'city:...'"),
        factor=QUOTED,
        origin=ANY_TEXT,
    ),
    # -- Calculation methods (zerocity.core.methods): "<parameter>: <what is wrong>" -----------------------------
    _t(N_("unknown method %(method)s; known: %(known)s"), method=QUOTED, known=ANY_TEXT),
    _t(N_("method %(method)s applies to %(refs)s rows, not %(ref)s"), method=WORD, ref=ANY_TEXT),
    _t(N_("%(parameter)s: expected key=value")),
    _t(N_("%(parameter)s: given twice"), parameter=PARAMETER),
    _t(N_("mcf: required: give mcf= (0..1) or site= (%(sites)s)"), sites=ANY_TEXT),
    _t(N_("mcf: required: give mcf= (0..1) or pathway= (%(pathways)s)"), pathways=ANY_TEXT),
    _t(N_("doc: required: give doc= or composition shares (food=, paper=, …)")),
    _t(N_("k: required: give k= (1/yr) or climate= (%(climates)s)"), climates=ANY_TEXT),
    _t(N_("basis: required: EFs are per dry t; give basis=dry or dry_matter=")),
    _t(N_("dry_matter: required with wet tonnes: open-burning EFs are per dry t")),
    _t(N_("bod: required: give bod= (g/person/day) or region= (%(regions)s)"), regions=ANY_TEXT),
    _t(N_("i: required: give i= or collected_with_industry=yes|no")),
    _t(N_("protein: required: protein= (kg/person/yr) or protein_g_per_day=")),
    _t(N_("%(parameter)s: required"), parameter=PARAMETER),
    _t(N_("%(parameter)s: not a number: %(value)s"), parameter=PARAMETER, value=QUOTED),
    _t(N_("%(parameter)s: not a finite number"), parameter=PARAMETER),
    _t(
        N_("%(parameter)s: must be at least %(minimum)s, got %(value)s"),
        parameter=PARAMETER,
        minimum=NUMBER,
        value=NUMBER,
    ),
    _t(
        N_("%(parameter)s: must be at most %(maximum)s, got %(value)s"),
        parameter=PARAMETER,
        maximum=NUMBER,
        value=NUMBER,
    ),
    _t(N_("%(parameter)s: must be more than 0"), parameter=PARAMETER),
    _t(N_("%(parameter)s: unknown parameter for this method"), parameter=PARAMETER),
    _t(
        N_("%(parameter)s: must be one of %(options)s, got %(value)s"),
        parameter=PARAMETER,
        options=ANY_TEXT,
        value=QUOTED,
    ),
    _t(
        N_("%(parameter)s: give %(first)s= or %(second)s=, not both"),
        parameter=PARAMETER,
        first=PARAMETER,
        second=PARAMETER,
    ),
    _t(N_("composition: shares sum to %(total)s, more than 1"), total=NUMBER),
    _t(N_("doc: give doc= or composition shares, not both")),
    _t(N_("%(parameter)s: must be a whole year, got %(value)s"), parameter=PARAMETER, value=NUMBER),
    _t(
        N_("%(parameter)s: %(deposit_year)s is after inventory year %(year)s"),
        parameter=PARAMETER,
        deposit_year=INTEGER,
        year=INTEGER,
    ),
    _t(N_("%(parameter)s: no default carbon content; enter it as its own row"), parameter=PARAMETER),
    _t(N_("dry_matter: only used with wet tonnes; basis=dry needs none")),
    _t(
        N_("n_sludge_kg_per_person: more than the %(nitrogen)s kg N/person/yr in the wastewater"),
        nitrogen=NUMBER,
    ),
    # -- Importing into a stored inventory (zerocity.services.computation, zerocity.services.imports) ------------
    _t(N_("this row is for %(row_year)s, but the inventory is %(year)s"), year=INTEGER),
    _t(N_("the file has no activity rows")),
    _t(N_("the file is %(size)s MB; the limit is %(limit)s MB"), size=NUMBER, limit=NUMBER),
    _t(N_("mode must be one of %(modes)s"), modes=ANY_TEXT),
)


# --- Catalogue lookups ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Catalogue:
    """gettext and pgettext over the main catalogue of one locale."""

    locale: str

    def gettext(self, message: str) -> str:
        return str(i18n.get_translations(self.locale).gettext(message))

    def pgettext(self, context: str, message: str) -> str:
        return str(i18n.get_translations(self.locale).pgettext(context, message))


def _vocabularies(catalogue: _Catalogue) -> dict[str, dict[str, str]]:
    """Closed word lists the core puts inside sentences, by vocabulary name: English word → translation."""
    return {
        "dimension": {  # zerocity.core.inventory.conversions._DIMENSION_EXAMPLES
            "mass": catalogue.pgettext("unit dimension", "mass"),
            "volume": catalogue.pgettext("unit dimension", "volume"),
            "distance": catalogue.pgettext("unit dimension", "distance"),
            "energy": catalogue.pgettext("unit dimension", "energy"),
            "vehicle distance": catalogue.pgettext("unit dimension", "vehicle distance"),
            "passenger distance": catalogue.pgettext("unit dimension", "passenger distance"),
            "freight transport work": catalogue.pgettext("unit dimension", "freight transport work"),
            "population": catalogue.pgettext("unit dimension", "population"),
        },
        "factor status": {  # the statuses that earn a warning (zerocity.core.inventory.conversions)
            "secondary": catalogue.pgettext("factor status", "secondary"),
            "derived": catalogue.pgettext("factor status", "derived"),
            "unconfirmed": catalogue.pgettext("factor status", "unconfirmed"),
        },
        "GWP basis": {
            "unstated": catalogue.pgettext("GWP basis", "unstated"),
        },
    }


def _column_labels(catalogue: _Catalogue) -> dict[str, str]:
    """Labels of the input columns: the activity format (core.inventory.columns.KNOWN) and a factor file's."""
    return {
        "gpc_ref": catalogue.pgettext("input column", "GPC reference number"),
        "scope": catalogue.pgettext("input column", "scope"),
        "activity_value": catalogue.pgettext("input column", "activity data value"),
        "activity_unit": catalogue.pgettext("input column", "activity data unit"),
        "factor_id": catalogue.pgettext("input column", "emission factor ID"),
        "ef_co2": catalogue.pgettext("input column", "CO2 emission factor"),
        "ef_ch4": catalogue.pgettext("input column", "CH4 emission factor"),
        "ef_n2o": catalogue.pgettext("input column", "N2O emission factor"),
        "ef_co2e": catalogue.pgettext("input column", "CO2e emission factor"),
        "ef_co2_biogenic": catalogue.pgettext("input column", "biogenic CO2 emission factor"),
        "ef_unit": catalogue.pgettext("input column", "emission factor unit"),
        "emissions_tco2e": catalogue.pgettext("input column", "emissions in t CO2e"),
        "gas": catalogue.pgettext("input column", "gas"),
        "emissions_t": catalogue.pgettext("input column", "emissions of the gas in t"),
        "notation_key": catalogue.pgettext("input column", "notation key"),
        "city": catalogue.pgettext("input column", "city"),
        "year": catalogue.pgettext("input column", "year"),
        "fuel": catalogue.pgettext("input column", "fuel"),
        "description": catalogue.pgettext("input column", "description"),
        "data_quality": catalogue.pgettext("input column", "data quality"),
        "source": catalogue.pgettext("input column", "source"),
        "method": catalogue.pgettext("input column", "calculation method"),
        "method_params": catalogue.pgettext("input column", "calculation method parameters"),
        "ncv": catalogue.pgettext("input column", "net calorific value"),
        "ncv_unit": catalogue.pgettext("input column", "net calorific value unit"),
        "density": catalogue.pgettext("input column", "density"),
        "density_unit": catalogue.pgettext("input column", "density unit"),
        "market_factor_id": catalogue.pgettext("input column", "market-based emission factor ID"),
        "market_ef_co2e": catalogue.pgettext("input column", "market-based CO2e emission factor"),
        "market_ef_unit": catalogue.pgettext("input column", "market-based emission factor unit"),
        # Columns of a city's own factor file (zerocity.services.factors, core.factors.factor_from_row).
        "mass_unit": catalogue.pgettext("input column", "mass unit"),
        "co2": catalogue.pgettext("input column", "CO2 emission factor"),
        "ch4": catalogue.pgettext("input column", "CH4 emission factor"),
        "n2o": catalogue.pgettext("input column", "N2O emission factor"),
        "co2e": catalogue.pgettext("input column", "CO2e emission factor"),
        "co2_biogenic": catalogue.pgettext("input column", "biogenic CO2 emission factor"),
        "status": catalogue.pgettext("input column", "status"),
        "valid_year": catalogue.pgettext("input column", "valid year"),
        "category": catalogue.pgettext("input column", "category"),
        "basis": catalogue.pgettext("input column", "heating value basis"),
        "gwp_basis": catalogue.pgettext("input column", "GWP basis"),
        "notes": catalogue.pgettext("input column", "notes"),
    }


@functools.cache
def _vocabularies_for(locale: str) -> dict[str, dict[str, str]]:
    return _vocabularies(_Catalogue(locale))


@functools.cache
def _column_labels_for(locale: str) -> dict[str, str]:
    return _column_labels(_Catalogue(locale))


def _translates(locale: str) -> str | None:
    """The catalogue locale to translate into, or None when the English text is what the reader wants."""
    chosen = i18n.match_locale(locale)
    return None if chosen in (None, "en") else chosen


def _find(reason: str) -> tuple[Template, re.Match[str]] | None:
    for template in TEMPLATES:
        match = template.pattern.fullmatch(reason)
        if match is not None:
            return template, match
    return None


# --- Public functions ----------------------------------------------------------------------------------------


def template_of(reason: str) -> Template | None:
    """The template that translates ``reason`` (the first whose pattern matches all of it), or None."""
    found = _find(reason)
    return found[0] if found else None


def translate_reason(reason: str, locale: str) -> str:
    """``reason`` (an English ``InputIssue.reason``) in ``locale``; unchanged for English, for an unknown reason
    and whenever the translation is missing, so that no information is ever lost."""
    target = _translates(locale)
    if target is None or not isinstance(reason, str):
        return reason
    found = _find(reason)
    if found is None:
        return reason
    template, match = found
    catalogue = _Catalogue(target)
    translated = catalogue.gettext(template.msgid)
    if translated == template.msgid:
        return reason
    vocabularies = _vocabularies_for(target)
    values: dict[str, str] = {}
    for name, value in match.groupdict().items():
        vocabulary = template.vocabulary.get(name)
        values[name] = vocabularies[vocabulary].get(value, value) if vocabulary else value
    try:
        return translated % values
    except (KeyError, ValueError, TypeError):  # a broken translation must not hide the problem itself
        return reason


def translate_issue(issue: Mapping[str, Any], locale: str) -> dict[str, Any]:
    """A copy of an issue dict (file, row, column, reason, code) with ``reason`` in ``locale`` and the English
    original in ``reason_en``. Translating an already translated issue starts again from ``reason_en``."""
    translated = dict(issue)
    original = issue.get("reason_en", issue.get("reason", ""))
    translated["reason_en"] = original
    translated["reason"] = translate_reason(original, locale)
    return translated


_PLACE = re.compile(r"(?P<file>.*?)(?:, row (?P<row>\d+))?(?:, column (?P<column>[^,]+))?")
_PLACE_MSGIDS: Final[Mapping[tuple[bool, bool, bool], str]] = {
    (True, True, True): N_("%(file)s, row %(row)s, column %(column)s"),
    (True, True, False): N_("%(file)s, row %(row)s"),
    (False, True, True): N_("row %(row)s, column %(column)s"),
    (False, True, False): N_("row %(row)s"),
    (True, False, True): N_("%(file)s, column %(column)s"),
    (False, False, True): N_("column %(column)s"),
}


def translate_place(place: str, locale: str) -> str:
    """Where an issue is, as ``InputIssue.__str__`` writes it (``"a.csv, row 12, column unit"``), in ``locale``:
    the file name is kept and the column gets its reader's label (:func:`column_label`)."""
    target = _translates(locale)
    match = _PLACE.fullmatch(place) if target is not None else None
    if match is None:
        return place
    file, row, column = match.group("file"), match.group("row"), match.group("column")
    msgid = _PLACE_MSGIDS.get((bool(file), row is not None, column is not None))
    if msgid is None:
        return place
    translated = _Catalogue(target or "").gettext(msgid)
    values = {"file": file, "row": row or "", "column": column_label(column or "", locale)}
    try:
        return translated % values
    except (KeyError, ValueError, TypeError):  # a broken translation must not hide where the problem is
        return place


def column_label(column: str, locale: str) -> str:
    """A reader's label for an input column that keeps the raw name visible: ``活動數據單位 (activity_unit)``.

    English readers get the raw name (it is English already); an unknown or empty column name comes back as is.
    """
    target = _translates(locale)
    if target is None or not column:
        return column
    label = _column_labels_for(target).get(column)
    return f"{label} ({column})" if label else column
