"""User factor files: loaded beside the bundled library, validated as strictly as input rows."""

from __future__ import annotations

from pathlib import Path

import pytest

from zerocity.core.errors import InputErrors
from zerocity.services.factors import load_factor_library
from zerocity.services.inventory import compute_inventory_file

HEADER = "factor_id,activity_unit,mass_unit,co2,ch4,n2o,co2e,year,status,source\n"


def _write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding=encoding)
    return path


def test_a_city_factor_file_adds_factors_that_inventories_can_cite(tmp_path: Path) -> None:
    factors = _write(
        tmp_path,
        "city_factors.csv",
        HEADER + "city:kaohsiung/lng_plant,GJ,kg,56.1,0.001,0.0001,,2022,user,Plant operator report 2022\n",
    )
    activity = _write(
        tmp_path,
        "activity.csv",
        "gpc_ref,activity_value,activity_unit,factor_id,year\nI.3.1,1000,TJ,city:kaohsiung/lng_plant,2022\n",
    )
    result = compute_inventory_file(activity, gwp="AR5", factor_files=[factors])
    # 1000 TJ = 1e6 GJ; 56.1 kg CO2 + 0.001 × 28 + 0.0001 × 265 kg per GJ
    assert result.total("basic") == pytest.approx(1e6 * (56.1 + 0.028 + 0.0265) / 1000, rel=1e-12)


def test_a_factor_file_row_without_a_source_is_refused_with_its_row(tmp_path: Path) -> None:
    factors = _write(tmp_path, "bad.csv", HEADER + "city:x,kWh,kg,,,,0.5,2022,user,\n")
    with pytest.raises(InputErrors) as caught:
        load_factor_library([factors])
    issue = caught.value.issues[0]
    assert (issue.file, issue.row) == ("bad.csv", 2)
    assert "source" in issue.reason


def test_a_user_factor_may_not_shadow_a_bundled_one(tmp_path: Path) -> None:
    factors = _write(tmp_path, "shadow.csv", HEADER + "tw-grid:2023,kWh,kg,,,,0.1,2023,user,my guess\n")
    with pytest.raises(InputErrors) as caught:
        load_factor_library([factors])
    assert "already exists" in caught.value.issues[0].reason


def test_a_factor_file_missing_required_columns_names_them(tmp_path: Path) -> None:
    factors = _write(tmp_path, "thin.csv", "factor_id,co2\ncity:x,1\n")
    with pytest.raises(InputErrors) as caught:
        load_factor_library([factors])
    assert caught.value.issues[0].row == 1
    assert "activity_unit" in caught.value.issues[0].reason
