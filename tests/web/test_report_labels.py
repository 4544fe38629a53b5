"""The GPC workbook in Traditional Chinese (``zerocity.web.report_labels``).

The writer is run on real inventories (the Kaohsiung demo, and a small one with a market-based scope 2 factor and a
column the engine does not read) with a translator that records every text it looks up, so a heading added to
``zerocity.reports.xlsx`` without a translation fails here rather than showing up in English in a Chinese export.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_file
from babel.messages.pofile import read_po

from zerocity.core.factors import bundled_library
from zerocity.core.gpc import gpc_catalogue
from zerocity.core.gwp import all_gases
from zerocity.core.inventory.compile import compile_activity
from zerocity.core.inventory.engine import compute_inventory
from zerocity.core.inventory.result import InventoryResult
from zerocity.core.table import RawTable
from zerocity.reports import xlsx
from zerocity.reports.xlsx import SHEETS, write_inventory_xlsx
from zerocity.services.inventory import compute_inventory_file
from zerocity.web import i18n, report_labels
from zerocity.web.report_labels import (
    GAS_KILOGRAMS,
    GAS_TONNES,
    REPORT_MSGIDS,
    xlsx_labels,
)

ZH = "zh_Hant"
CJK = re.compile(r"[\u4e00-\u9fff]")
PLACEHOLDER = re.compile(r"%\((\w+)\)s")
DEMO = Path(__file__).resolve().parents[2] / "src" / "zerocity" / "data" / "demo" / "kaohsiung_demo.csv"
SOURCE = Path(report_labels.__file__)

#: Texts the writer passes through its translator that are the same in every language.
KEPT_AS_IS = frozenset({"BASIC", "BASIC+", *all_gases()})

#: A small inventory that reaches what the demo does not: market-based scope 2 (summary line, audit column and
#: "used for" in the sources sheet) and a column the engine does not read (its name is the user's, kept as is).
MARKET_HEADER = ["gpc_ref", "activity_value", "activity_unit", "factor_id", "year", "market_ef_co2e", "market_ef_unit"]
MARKET_ROWS = [
    ["I.1.2", "1000", "MWh", "tw-grid", "2023", "0.1", "kg/kWh"],
    ["II.1.1", "1", "TJ", "ipcc2006/road/gas_diesel_oil", "2023", "", ""],
]
PASSTHROUGH = "meter_id"


@pytest.fixture(scope="module")
def demo() -> InventoryResult:
    return compute_inventory_file(str(DEMO), year=2020)


def _market_result() -> InventoryResult:
    header = [*MARKET_HEADER, PASSTHROUGH]
    rows = [[*row, f"M-{n}"] for n, row in enumerate(MARKET_ROWS)]
    return compute_inventory(compile_activity(RawTable.from_rows("market.csv", header, rows), bundled_library()), "AR5")


def _recorded_texts(result: InventoryResult, path: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every text ``write_inventory_xlsx`` asks its translator for, in order of first use."""
    seen: dict[str, None] = {}
    original = xlsx._Translator.__call__

    def record(self: Any, text: str) -> str:
        seen.setdefault(text, None)
        return original(self, text)

    with monkeypatch.context() as patch:
        patch.setattr(xlsx._Translator, "__call__", record)
        write_inventory_xlsx(result, path)
    return list(seen)


def _cells(path: Path) -> Iterator[tuple[str, list[tuple[Any, ...]]]]:
    workbook = openpyxl.load_workbook(path, read_only=True)
    try:
        for sheet in workbook.worksheets:
            yield sheet.title, [tuple(row) for row in sheet.iter_rows(values_only=True)]
    finally:
        workbook.close()


@pytest.fixture(scope="module")
def zh_workbook(demo: InventoryResult, tmp_path_factory: pytest.TempPathFactory) -> openpyxl.Workbook:
    path = tmp_path_factory.mktemp("zh") / "inventory.xlsx"
    write_inventory_xlsx(demo, path, labels=xlsx_labels(ZH))
    return openpyxl.load_workbook(path)


# --- The Chinese workbook ------------------------------------------------------------------------------------------


def test_the_chinese_workbook_has_chinese_sheet_names(zh_workbook: openpyxl.Workbook) -> None:
    assert zh_workbook.sheetnames == ["GPC 摘要", "GPC 報告表", "計算明細", "警示", "資料來源"]
    assert all(CJK.search(name) for name in zh_workbook.sheetnames)


def test_the_chinese_summary_has_chinese_headings_and_notes(zh_workbook: openpyxl.Workbook) -> None:
    summary = zh_workbook["GPC 摘要"]
    assert summary["A1"].value == "GPC 城市溫室氣體盤查清冊"
    assert summary["A3"].value == "城市"
    assert summary["A4"].value == "盤查年度"
    assert summary["B4"].value == 2020
    labels = [row[0] for row in summary.iter_rows(values_only=True) if row[0]]
    assert "範疇二（地區基準）" in labels
    assert "生質 CO2（不計入總量）" in labels
    assert "BASIC" in labels and "BASIC+" in labels  # names of the GPC totals stay as they are
    assert "生質 CO2 另行列報，不計入總量。" in labels
    units = {row[2] for row in summary.iter_rows(values_only=True) if row[0] == "BASIC"}
    assert units == {"公噸 CO2e"}


def test_the_chinese_gpc_table_names_sectors_sub_sectors_and_sources_in_chinese(
    zh_workbook: openpyxl.Workbook,
) -> None:
    table = zh_workbook["GPC 報告表"]
    header = [cell.value for cell in table[1]]
    assert header[:7] == ["GPC 編號", "部門", "子部門", "排放源", "範疇", "公噸 CO2e", "註記代碼"]
    assert "CO2（公噸）" in header and "HFC-134a（公噸）" in header and "生質 CO2（公噸）" in header
    assert [cell.value for cell in table[2]][:4] == ["I.1.1", "固定能源", "住宅建築", "轄區內燃料燃燒"]
    for row in table.iter_rows(min_row=2, max_col=4, values_only=True):
        ref, sector, subsector, source = row
        assert all(CJK.search(str(text)) for text in (sector, subsector, source)), ref


def test_every_heading_of_the_chinese_workbook_is_chinese_or_a_formula(zh_workbook: openpyxl.Workbook) -> None:
    for sheet in zh_workbook.worksheets:
        for cell in sheet[1]:
            if isinstance(cell.value, str) and sheet.title != "GPC 摘要":
                assert CJK.search(cell.value) or cell.value in KEPT_AS_IS, (sheet.title, cell.coordinate, cell.value)
    audit_header = [cell.value for cell in zh_workbook["計算明細"][1]]
    assert audit_header[:3] == ["來源檔案列號", "GPC 編號", "說明"]
    sources_header = [cell.value for cell in zh_workbook["資料來源"][1]]
    assert sources_header[:3] == ["排放係數代碼", "用途", "資料來源"]
    assert "CO2" in sources_header and "未分氣體 CO2e" in sources_header


def test_the_english_workbook_is_the_same_as_without_labels(demo: InventoryResult, tmp_path: Path) -> None:
    plain, english = tmp_path / "plain.xlsx", tmp_path / "en.xlsx"
    write_inventory_xlsx(demo, plain)
    write_inventory_xlsx(demo, english, labels=xlsx_labels("en"))
    assert list(_cells(english)) == list(_cells(plain))
    assert [name for name, _ in _cells(english)] == list(SHEETS)


# --- Coverage ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("case", ["demo", "market-based"])
def test_every_text_the_writer_translates_has_a_chinese_label(
    case: str, demo: InventoryResult, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = demo if case == "demo" else _market_result()
    texts = _recorded_texts(result, tmp_path / "inventory.xlsx", monkeypatch)
    labels = xlsx_labels(ZH)
    if case == "market-based":
        assert {"Scope 2 market-based", "Market-based factor id", "market-based scope 2"} <= set(texts)
        texts.remove(PASSTHROUGH)  # the user's own column name, shown as they typed it
    else:
        assert "HFC-134a t" in texts  # a gas outside the engine's own columns
    untranslated = [t for t in texts if t not in KEPT_AS_IS and not CJK.search(labels.get(t, ""))]
    assert untranslated == []


def test_every_gas_gets_a_tonnes_and_a_kilograms_heading() -> None:
    labels = xlsx_labels(ZH)
    for gas in all_gases():
        assert labels[f"{gas} t"] == f"{gas}（公噸）"
        assert labels[f"{gas} kg"] == f"{gas}（公斤）"
    assert labels["CO2(b) t"] == "生質 CO2（公噸）"
    assert labels["CO2e-only kg"] == "未分氣體 CO2e（公斤）"
    assert GAS_TONNES not in labels and GAS_KILOGRAMS not in labels


def test_the_msgids_cover_every_name_in_the_gpc_catalogue() -> None:
    refs = gpc_catalogue().refs
    assert len(refs) == 54
    names = {text for ref in refs for text in (ref.sector, ref.subsector, ref.emission_source)}
    assert names - set(REPORT_MSGIDS) == set()


def test_the_msgids_cover_the_sheet_names() -> None:
    assert set(SHEETS) <= set(REPORT_MSGIDS)


def test_babel_extracts_exactly_the_msgids() -> None:
    extracted = [message for _, message, _, _ in extract_from_file("python", str(SOURCE), keywords=DEFAULT_KEYWORDS)]
    assert sorted(extracted) == sorted(REPORT_MSGIDS)
    assert len(set(REPORT_MSGIDS)) == len(REPORT_MSGIDS)


# --- The catalogue -------------------------------------------------------------------------------------------------


def _catalogue() -> dict[str, Any]:
    with (i18n.LOCALE_DIR / "zh_Hant" / "LC_MESSAGES" / "messages.po").open("rb") as po_file:
        catalog = read_po(po_file, locale=ZH)
    return {message.id: message for message in catalog if isinstance(message.id, str) and message.id}


def test_every_msgid_has_a_chinese_translation_in_the_catalogue() -> None:
    catalogue = _catalogue()
    for msgid in REPORT_MSGIDS:
        message = catalogue.get(msgid)
        assert message is not None, msgid
        assert isinstance(message.string, str) and message.string.strip(), msgid
        assert not message.fuzzy, msgid
        assert CJK.search(message.string), msgid
        assert set(PLACEHOLDER.findall(message.string)) == set(PLACEHOLDER.findall(msgid)), msgid


def test_the_translations_keep_gas_formulas_and_codes() -> None:
    catalogue = _catalogue()
    for msgid in REPORT_MSGIDS:
        for code in re.findall(r"\b(?:CO2e?|CH4|N2O|I\.4\.4|BASIC\+?|GPC|GWP|IPPU|AFOLU|NE)\b", msgid):
            assert code in catalogue[msgid].string, (msgid, code)


def test_translated_sheet_names_are_valid_excel_names() -> None:
    for locale in i18n.SUPPORTED:
        labels = xlsx_labels(locale)
        names = [labels[sheet] for sheet in SHEETS]
        assert len({name.casefold() for name in names}) == len(names)
        for name in names:
            assert 0 < len(name) <= 31, name
            assert not set(name) & set("[]:*?/\\"), name
            assert name == name.strip().strip("'"), name


# --- Where translations come from --------------------------------------------------------------------------------


def test_the_labels_come_from_the_catalogue(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(i18n, "gettext", lambda message, locale: "總覽" if message == "GPC summary" else message)
    labels = xlsx_labels(ZH)
    assert labels["GPC summary"] == "總覽"
    assert labels["GPC table"] == "GPC table"  # untranslated in the (patched) catalogue: English, never blank


def test_a_broken_gas_template_translation_falls_back_to_english(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(i18n, "gettext", lambda message, locale: "%(gaz)s 公噸" if message == GAS_TONNES else message)
    assert xlsx_labels(ZH)["CH4 t"] == "CH4 t"


def test_language_tags_and_unknown_locales() -> None:
    assert xlsx_labels("zh-TW") == xlsx_labels(ZH)
    assert all(key == value for key, value in xlsx_labels("en").items())
    assert all(key == value for key, value in xlsx_labels("fr").items())


def test_the_labels_are_a_fresh_dict_each_time() -> None:
    labels = xlsx_labels(ZH)
    labels["GPC summary"] = "changed"
    assert xlsx_labels(ZH)["GPC summary"] == "GPC 摘要"
