"""Reading CSV and XLSX files (``zerocity.ingest.tables``): encodings Taiwanese spreadsheets use, broken files
reported as ``InputErrors`` with a location, and row numbers as a spreadsheet shows them (header = row 1)."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.support.files import xlsx_bytes

from zerocity.core.errors import InputErrors, InputIssue
from zerocity.core.table import RawTable
from zerocity.ingest.tables import read_table, read_table_bytes

CHINESE_CSV = "gpc_ref,description,activity_value,activity_unit,fuel\nI.1.1,住宅天然氣,1234.5,度,天然氣\n"


def columns(table: RawTable) -> dict[str, list[str]]:
    return {name: column.texts() for name, column in table.columns.items()}


def only_issue(data: bytes, name: str = "input.csv") -> InputIssue:
    with pytest.raises(InputErrors) as caught:
        read_table_bytes(data, name)
    assert len(caught.value.issues) == 1, [str(i) for i in caught.value.issues]
    return caught.value.issues[0]


# -- encodings -----------------------------------------------------------------------------------------------------


def test_utf8_csv_is_read_with_chinese_text_intact() -> None:
    table = read_table_bytes(CHINESE_CSV.encode("utf-8"), "activity.csv")
    assert table.file == "activity.csv"
    assert table.header == ("gpc_ref", "description", "activity_value", "activity_unit", "fuel")
    assert columns(table)["description"] == ["住宅天然氣"]
    assert columns(table)["activity_unit"] == ["度"]
    assert table.row_numbers.tolist() == [2]


def test_utf8_with_bom_as_excel_saves_it_loses_the_bom_from_the_first_header() -> None:
    table = read_table_bytes(("\ufeff" + CHINESE_CSV).encode("utf-8"), "activity.csv")
    assert table.header[0] == "gpc_ref"
    assert columns(table)["gpc_ref"] == ["I.1.1"]


def test_big5_cp950_csv_is_decoded() -> None:
    table = read_table_bytes(CHINESE_CSV.encode("cp950"), "activity.csv")
    assert columns(table)["description"] == ["住宅天然氣"]
    assert columns(table)["fuel"] == ["天然氣"]


def test_undecodable_bytes_give_a_clear_error_naming_the_line() -> None:
    data = b"gpc_ref,description\nI.1.1,ok\nI.2.1,\xff\xfe\xff\n"
    issue = only_issue(data)
    assert issue.file == "input.csv"
    assert issue.row == 3
    assert issue.code == "encoding"
    assert "neither UTF-8 nor Big5" in issue.reason and "0xff" in issue.reason


# -- CSV structure -------------------------------------------------------------------------------------------------


def test_a_row_with_an_extra_field_is_reported_on_its_line() -> None:
    issue = only_issue(b"gpc_ref,activity_value\nI.1.1,5\nI.2.1,6,7\nI.3.1,8\n")
    assert issue.row == 3
    assert issue.code == "csv"
    assert "broken CSV" in issue.reason and "Expected 2 fields" in issue.reason


def test_a_duplicate_header_is_refused_rather_than_renamed() -> None:
    issue = only_issue(b"gpc_ref,activity_value,Activity Value\nI.1.1,5,6\n")
    assert (issue.row, issue.column) == (1, "activity_value")
    assert "appears twice (columns 2 and 3)" in issue.reason


def test_headers_are_normalised_to_snake_case() -> None:
    table = read_table_bytes(b" GPC Ref ,Activity Value\nI.1.1,5\n", "a.csv")
    assert set(table.columns) == {"gpc_ref", "activity_value"}


def test_blank_lines_are_skipped_but_row_numbers_stay_those_a_spreadsheet_shows() -> None:
    data = b"gpc_ref,activity_value\nI.1.1,1\n\nI.2.1,2\n,\n  ,  \nI.3.1,3\n"
    table = read_table_bytes(data, "a.csv")
    assert columns(table)["gpc_ref"] == ["I.1.1", "I.2.1", "I.3.1"]
    assert table.row_numbers.tolist() == [2, 4, 7]


def test_windows_line_endings_are_read_like_unix_ones() -> None:
    table = read_table_bytes(b"gpc_ref,activity_value\r\nI.1.1,1\r\n\r\nI.2.1,2\r\n", "a.csv")
    assert columns(table)["activity_value"] == ["1", "2"]
    assert table.row_numbers.tolist() == [2, 4]


def test_a_quoted_cell_spanning_lines_is_one_row() -> None:
    table = read_table_bytes(b'gpc_ref,description\nI.1.1,"two\nlines"\nI.2.1,x\n', "a.csv")
    assert columns(table)["description"] == ["two\nlines", "x"]
    assert table.row_numbers.tolist() == [2, 3]


def test_semicolon_delimited_csv_keeps_decimal_commas_as_text() -> None:
    table = read_table_bytes("gpc_ref;activity_value;activity_unit\nI.1.1;1234,5;度\nI.2.1;7;kWh\n".encode(), "a.csv")
    assert columns(table) == {
        "gpc_ref": ["I.1.1", "I.2.1"],
        "activity_value": ["1234,5", "7"],
        "activity_unit": ["度", "kWh"],
    }


def test_every_cell_stays_text_and_nothing_is_guessed_as_missing() -> None:
    table = read_table_bytes(b"gpc_ref,notation_key,activity_value\nI.1.1,NA,007\nI.2.1,NULL,1e3\n", "a.csv")
    assert columns(table)["notation_key"] == ["NA", "NULL"]
    assert columns(table)["activity_value"] == ["007", "1e3"]


def test_cells_are_stripped_so_equal_values_share_one_code() -> None:
    table = read_table_bytes(b"gpc_ref,activity_unit\nI.1.1, kWh\nI.2.1,kWh \n", "a.csv")
    unit = table.columns["activity_unit"]
    assert list(unit.uniques) == ["kWh"]
    assert unit.codes.tolist() == [0, 0]


def test_an_empty_file_is_an_error() -> None:
    assert only_issue(b"").code == "empty"
    assert only_issue(b"\n\n  \n").code == "empty"


def test_a_header_only_file_reads_with_no_rows() -> None:
    table = read_table_bytes(b"gpc_ref,activity_value\n", "a.csv")
    assert table.n_rows == 0
    assert table.header == ("gpc_ref", "activity_value")


# -- file types ----------------------------------------------------------------------------------------------------


def test_a_pdf_is_refused_by_its_type() -> None:
    issue = only_issue(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n", "report.pdf")
    assert issue.code == "type"
    assert "'.pdf'" in issue.reason


def test_old_xls_bytes_are_refused_under_either_name() -> None:
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64
    assert only_issue(ole, "data.xls").code == "type"
    issue = only_issue(ole, "data.xlsx")
    assert issue.code == "type" and ".xls" in issue.reason


def test_binary_bytes_named_csv_are_refused() -> None:
    assert only_issue(b"\x00\x01\x02gpc_ref\x00", "data.csv").code == "type"


def test_a_corrupt_xlsx_is_an_error_not_a_traceback() -> None:
    issue = only_issue(b"PK\x03\x04" + b"garbage" * 20, "data.xlsx")
    assert issue.code == "type"


# -- XLSX ----------------------------------------------------------------------------------------------------------


def test_xlsx_numbers_and_text_are_read_as_text_with_blank_rows_skipped() -> None:
    data = xlsx_bytes(
        [
            ["gpc_ref", "activity_value", "activity_unit", "year"],
            ["I.1.1", 1234.5, "度", 2021],
            [None, None, None, None],
            ["I.2.1", 10.0, "TJ", 2021],
            ["I.3.1", 1e-7, "t", 2021],
        ]
    )
    table = read_table_bytes(data, "activity.xlsx")
    assert columns(table) == {
        "gpc_ref": ["I.1.1", "I.2.1", "I.3.1"],
        "activity_value": ["1234.5", "10", "1e-07"],
        "activity_unit": ["度", "TJ", "t"],
        "year": ["2021", "2021", "2021"],
    }
    assert table.row_numbers.tolist() == [2, 4, 5]


def test_a_formula_cell_is_refused_naming_its_row_and_column() -> None:
    data = xlsx_bytes(
        [
            ["gpc_ref", "activity_value", "activity_unit"],
            ["I.1.1", 5, "TJ"],
            ["I.2.1", "=B2*2", "TJ"],
        ]
    )
    with pytest.raises(InputErrors) as caught:
        read_table_bytes(data, "activity.xlsx")
    (issue,) = caught.value.issues
    assert (issue.file, issue.row, issue.column) == ("activity.xlsx", 3, "activity_value")
    assert issue.code == "formula"
    assert "formula" in issue.reason


def test_every_formula_cell_is_reported() -> None:
    data = xlsx_bytes([["gpc_ref", "activity_value"], ['="I.1.1"', "=1+1"], ["I.2.1", "=2+2"]])
    with pytest.raises(InputErrors) as caught:
        read_table_bytes(data, "activity.xlsx")
    assert [(i.row, i.column) for i in caught.value.issues] == [
        (2, "activity_value"),
        (2, "gpc_ref"),
        (3, "activity_value"),
    ]


def test_a_duplicate_header_in_xlsx_is_refused_like_in_csv() -> None:
    data = xlsx_bytes([["gpc_ref", "activity_value", "Activity Value"], ["I.1.1", 5, 6]])
    with pytest.raises(InputErrors) as caught:
        read_table_bytes(data, "activity.xlsx")
    (issue,) = caught.value.issues
    assert (issue.row, issue.column) == (1, "activity_value")


def test_an_xlsx_with_an_empty_first_sheet_is_an_error() -> None:
    assert only_issue(xlsx_bytes([]), "empty.xlsx").code == "empty"


# -- from disk -----------------------------------------------------------------------------------------------------


def test_read_table_reads_a_file_and_names_it_by_its_file_name(tmp_path: Path) -> None:
    path = tmp_path / "activity.csv"
    path.write_bytes(CHINESE_CSV.encode("cp950"))
    table = read_table(path)
    assert table.file == "activity.csv"
    assert columns(table)["fuel"] == ["天然氣"]
    assert read_table(path, display_name="upload 1").file == "upload 1"


def test_a_missing_file_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputErrors) as caught:
        read_table(tmp_path / "nope.csv")
    (issue,) = caught.value.issues
    assert issue.code == "io" and "cannot read file" in issue.reason


def test_an_xlsx_on_disk_is_read(tmp_path: Path) -> None:
    path = tmp_path / "activity.xlsx"
    path.write_bytes(xlsx_bytes([["gpc_ref", "emissions_tco2e"], ["V.2", -12.5]]))
    assert columns(read_table(path)) == {"gpc_ref": ["V.2"], "emissions_tco2e": ["-12.5"]}
