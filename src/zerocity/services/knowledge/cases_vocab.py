"""The controlled vocabularies a case is described with, read from the versioned data files.

* themes: ``data/knowledge/themes.csv`` (code, name_zh, name_en);
* countries: ``data/knowledge/countries.csv`` (ISO 3166-1 alpha-2 code, name_zh, name_en);
* the planner's action templates: ``data/planning/action_templates.csv`` (template_id, name_zh, name_en);
* GPC sub-sectors (``II.1`` on-road transportation): the sub-sector codes of the GPC catalogue
  (``data/gpc/reference_numbers.csv``); their names are translated through the message catalogue, as on the GPC
  report.

Names come back in the reader's language: the Chinese name for ``zh_Hant``, the English one otherwise.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping

from zerocity.core.datafiles import read_bundled_csv
from zerocity.core.gpc import gpc_catalogue

LANGS = ("zh_Hant", "en")


def _names(path: str, key: str) -> dict[str, tuple[str, str]]:
    return {row[key]: (row["name_zh"], row["name_en"]) for row in read_bundled_csv(path)}


@functools.cache
def themes() -> Mapping[str, tuple[str, str]]:
    """Theme code -> (Chinese name, English name), in the file's order."""
    return _names("knowledge/themes.csv", "code")


@functools.cache
def countries() -> Mapping[str, tuple[str, str]]:
    return _names("knowledge/countries.csv", "code")


@functools.cache
def action_templates() -> Mapping[str, tuple[str, str]]:
    return _names("planning/action_templates.csv", "template_id")


@functools.cache
def gpc_subsectors() -> Mapping[str, str]:
    """Sub-sector code -> its English name in the GPC catalogue, in the standard's order."""
    found: dict[str, str] = {}
    for ref in gpc_catalogue().refs:
        found.setdefault(ref.subsector_code, ref.subsector)
    return found


def pick(pair: tuple[str, str], locale: str) -> str:
    """The name in the reader's language, or the other one when that is empty."""
    chinese, english = pair
    if locale == "zh_Hant":
        return chinese or english
    return english or chinese


def theme_name(code: str, locale: str) -> str:
    return pick(themes()[code], locale) if code in themes() else code


def country_name(code: str, locale: str) -> str:
    return pick(countries()[code], locale) if code in countries() else code


def template_name(template_id: str, locale: str) -> str:
    return pick(action_templates()[template_id], locale) if template_id in action_templates() else template_id
