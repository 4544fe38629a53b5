"""Our GWP sets against openclimatedata's globalwarmingpotentials package (IPCC AR4/AR5/AR6 tables, CC0)."""

from __future__ import annotations

import globalwarmingpotentials
import pytest

from zerocity.core.datafiles import read_bundled_csv

_PUBLISHED_COLUMN = {"AR4": "AR4GWP100", "AR5": "AR5GWP100", "AR6": "AR6GWP100"}
_ROWS = [row for row in read_bundled_csv("gwp/gwp100.csv") if row["gwp_set"] in _PUBLISHED_COLUMN]


def _published(gwp_set: str, gas: str) -> float:
    if gas == "CO2":
        return 1.0  # the reference gas, not listed in the package's tables
    table = globalwarmingpotentials.data[_PUBLISHED_COLUMN[gwp_set]]
    by_name = {name.replace("-", "").lower(): value for name, value in table.items()}
    return float(by_name[gas.replace("-", "").lower()])


@pytest.mark.parametrize("row", _ROWS, ids=[f"{r['gwp_set']}-{r['gas']}" for r in _ROWS])
def test_each_bundled_gwp_equals_the_published_ipcc_table_value(row: dict[str, str]) -> None:
    assert float(row["gwp100"]) == _published(row["gwp_set"], row["gas"])


def test_every_gas_of_ar6_has_the_same_value_in_ar6_fossil_except_methane() -> None:
    ar6 = {r["gas"]: r["gwp100"] for r in read_bundled_csv("gwp/gwp100.csv") if r["gwp_set"] == "AR6"}
    fossil = {r["gas"]: r["gwp100"] for r in read_bundled_csv("gwp/gwp100.csv") if r["gwp_set"] == "AR6-fossil"}
    assert ar6.keys() == fossil.keys()
    assert {gas for gas in ar6 if ar6[gas] != fossil[gas]} == {"CH4"}
