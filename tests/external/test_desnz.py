"""Our engine against the UK Government GHG Conversion Factors 2023 (DESNZ/Defra flat file, version 1.1, AR5).

Data: ``../shared/data/external/desnz-2023-flat/`` (see its SOURCE.md), sheet "Factors by Category", header row 6.
DESNZ publishes a total factor (kg CO2e per unit) and its parts as **kg CO2e of CO2 / CH4 / N2O per unit**:
the CH4 and N2O parts are CO2e, not gas masses (DOMAIN.md pitfall 7). We turn the parts back into gas masses with
the AR5 GWPs DESNZ uses (CH4 28, N2O 265), enter them as per-gas factors and compute under AR5: the result must
be the published total. DOMAIN.md §7 check case C9.
"""

from __future__ import annotations

from collections import defaultdict
from functools import cache
from pathlib import Path

import openpyxl
import pytest

pytestmark = pytest.mark.external

DZ = "desnz-2023-flat"
WORKBOOK = "ghg-conversion-factors-2023-flat-file-update.xlsx"
HEADER_ROW = 6
REL = 1e-6
AR5_CH4, AR5_N2O = 28.0, 265.0

TOTAL = "kg CO2e"
PARTS = {"CO2": "kg CO2e of CO2 per unit", "CH4": "kg CO2e of CH4 per unit", "N2O": "kg CO2e of N2O per unit"}

#: DESNZ units of measure -> our spelling. The heating-value basis in brackets is a property of the factor
#: (DESNZ is gross/HHV unless it says Net CV), not of the unit: the energy itself is plain kWh.
UOM = {
    "kWh (Gross CV)": "kWh",
    "kWh (Net CV)": "kWh",
    "kWh": "kWh",
    "litres": "litres",
    "tonnes": "tonnes",
    "cubic metres": "m3",
    "km": "km",
    "miles": "miles",
    "passenger.km": "passenger-km",
    "tonne.km": "tonne-km",
}
SCOPE_REFS = {"Scope 1": "I.6.1", "Scope 2": "I.6.2", "Scope 3": "VI.1"}
HEADER = ["gpc_ref", "activity_value", "activity_unit", "ef_co2", "ef_ch4", "ef_n2o", "ef_unit", "year", "description"]

#: A handful of factors named by their DESNZ ID stem (the total is <stem>_1, the CO2/CH4/N2O parts _2/_3/_4).
NAMED = {
    "natural gas, kWh (Gross CV)": "1_100_1004_6",
    "diesel (average biofuel blend), litres": "1_101_1011_8",
    "electricity: UK, kWh": "7_400_4000_5",
}


@cache
def _factor_groups(path: Path) -> dict[str, dict[str, tuple]]:
    """ID stem -> {GHG/Unit: the sheet row} for every row of "Factors by Category" below the header."""
    workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        rows = iter(list(workbook["Factors by Category"].iter_rows(min_row=HEADER_ROW, values_only=True)))
    finally:
        workbook.close()
    header = next(rows)
    assert header[:10] == (
        "ID",
        "Scope",
        "Level 1",
        "Level 2",
        "Level 3",
        "Level 4",
        "Column Text",
        "UOM",
        "GHG/Unit",
        "GHG Conversion Factor 2023",
    )
    groups: dict[str, dict[str, tuple]] = defaultdict(dict)
    for row in rows:
        if isinstance(row[0], str) and row[0].count("_") == 4:
            stem = row[0].rsplit("_", 1)[0]
            groups[stem][row[8]] = row
    return dict(groups)


def _complete(group: dict[str, tuple]) -> bool:
    """A total with all three parts, each a number (141 groups leave the cells blank)."""
    wanted = [TOTAL, *PARTS.values()]
    return all(k in group and isinstance(group[k][9], int | float) for k in wanted)


@pytest.fixture(scope="module")
def groups(external_file) -> dict[str, dict[str, tuple]]:
    return _factor_groups(external_file(DZ, WORKBOOK))


def _gas_masses(group: dict[str, tuple]) -> tuple[float, float, float]:
    """kg of CO2, CH4, N2O per unit from the published CO2e parts (AR5)."""
    return (
        float(group[PARTS["CO2"]][9]),
        float(group[PARTS["CH4"]][9]) / AR5_CH4,
        float(group[PARTS["N2O"]][9]) / AR5_N2O,
    )


def _table_row(stem: str, group: dict[str, tuple]) -> list[object]:
    total = group[TOTAL]
    unit = UOM[total[7]]
    co2, ch4, n2o = _gas_masses(group)
    return [SCOPE_REFS[total[1]], "1000", unit, co2, ch4, n2o, f"kg/{unit}", "2023", f"DESNZ {stem}"]


def test_natural_gas_gross_cv_parts_sum_to_the_published_total(groups):
    group = groups[NAMED["natural gas, kWh (Gross CV)"]]
    assert group[TOTAL][4] == "Natural gas" and group[TOTAL][7] == "kWh (Gross CV)"
    parts = sum(float(group[p][9]) for p in PARTS.values())
    assert parts == pytest.approx(float(group[TOTAL][9]), rel=REL)
    assert round(float(group[TOTAL][9]), 5) == 0.18293  # the rounded figure DESNZ prints (SOURCE.md)
    assert parts == pytest.approx(0.1829289262, rel=REL)  # DOMAIN.md C9


@pytest.mark.parametrize("name", sorted(NAMED))
def test_desnz_co2e_parts_turned_into_gas_masses_give_the_published_total_under_ar5(run_inventory, groups, name):
    stem = NAMED[name]
    group = groups[stem]
    result = run_inventory(HEADER, [_table_row(stem, group)], "AR5")
    # 1000 units × kg/unit = t per 1000 units = kg per unit
    assert result.row_co2e_t[0] == pytest.approx(float(group[TOTAL][9]), rel=REL)
    gases = result.compiled.gases
    ch4_t = result.row_gas_kg[0, gases.index("CH4")] / 1000
    # the CH4 mass is the CO2e part ÷ 28: entering the part itself as a mass would overstate CO2e 28-fold
    assert ch4_t == pytest.approx(float(group[PARTS["CH4"]][9]) / AR5_CH4, rel=REL)


def test_desnz_natural_gas_under_ar6_differs_from_the_ar5_total_only_through_ch4_and_n2o(run_inventory, groups):
    stem = NAMED["natural gas, kWh (Gross CV)"]
    group = groups[stem]
    ar6 = run_inventory(HEADER, [_table_row(stem, group)], "AR6").row_co2e_t[0]
    co2, ch4, n2o = _gas_masses(group)
    assert ar6 == pytest.approx(co2 + 27.9 * ch4 + 273 * n2o, rel=REL)
    assert ar6 != pytest.approx(float(group[TOTAL][9]), rel=REL)


def test_every_complete_desnz_factor_recomposes_to_its_total_under_ar5(run_inventory, groups):
    """Every ID stem with a total and three numeric parts (1,278 of them: fuels, vehicles, freight, electricity)."""
    complete = {stem: g for stem, g in groups.items() if _complete(g)}
    assert len(complete) > 1200
    unmapped = sorted({g[TOTAL][7] for g in complete.values()} - set(UOM))
    assert not unmapped, f"DESNZ units without a mapping: {unmapped}"
    for stem, group in complete.items():
        parts = sum(float(group[p][9]) for p in PARTS.values())
        assert parts == pytest.approx(float(group[TOTAL][9]), rel=REL, abs=1e-12), stem
    stems = sorted(complete)
    result = run_inventory(HEADER, [_table_row(s, complete[s]) for s in stems], "AR5")
    published = [float(complete[s][TOTAL][9]) for s in stems]
    assert result.row_co2e_t.tolist() == pytest.approx(published, rel=REL, abs=1e-12)
