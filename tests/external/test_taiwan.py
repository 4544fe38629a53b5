"""Our engine against Taiwanese published data: Taipower electricity sales by county and sector, and the
national grid emission factor (電力排碳係數) by year.

Data: ``../shared/data/external/taipower-county-sales/`` (Taipower open data, data.gov.tw dataset 29935) and
``../shared/data/external/tw-grid-factors/`` (hand-transcribed MOEA Energy Administration figures); see each
SOURCE.md. DOMAIN.md §7 check case C10 (Kaohsiung 2020: 29,585,918,226 kWh × 0.502 = 14,852,130.95 t, derived).
"""

from __future__ import annotations

import re

import pytest

from zerocity.core.errors import InputErrors
from zerocity.core.factors import bundled_library

pytestmark = pytest.mark.external

TP = "taipower-county-sales"
TP_FILE = "taipower_county_sector_sales_2016-01_2021-07.csv"
GRID = "tw-grid-factors"
GRID_FILE = "tw_grid_emission_factors.csv"
REL = 1e-6
ROUNDED_T = 0.005

KAOHSIUNG, NATIONAL = "高雄市", "合計"
TOTAL_KWH = "合計售電量(度)"
#: sector columns (度 = kWh) -> GPC reference number (grid-supplied energy, scope 2)
SECTORS = {
    "住宅部門售電量(度)": "I.1.2",  # residential
    "服務業部門(含包燈)(度)": "I.2.2",  # services incl. street lighting -> commercial and institutional
    "農林漁牧售電量(度)": "I.5.2",  # agriculture, forestry, fishery
    "工業部門售電量(度)": "I.3.2",  # industry
}
#: statuses in tw_grid_emission_factors.csv -> the status our bundled factor must carry
STATUS = {"published": "published", "secondary_unverified": "secondary", "published_target": "target"}

HEADER = ["gpc_ref", "activity_value", "activity_unit", "factor_id", "year", "description"]


def _year_month(text: str) -> tuple[int, int]:
    match = re.fullmatch(r"(\d{4})年(\d{2})月", text)
    assert match, text
    return int(match[1]), int(match[2])


@pytest.fixture(scope="module")
def sales(external_file, read_csv) -> list[dict[str, str]]:
    rows = read_csv(external_file(TP, TP_FILE))
    assert rows and "日期" in rows[0], "the BOM must not end up in the first column name"
    return rows


@pytest.fixture(scope="module")
def grid_factors(external_file, read_csv) -> list[dict[str, str]]:
    return read_csv(external_file(GRID, GRID_FILE))


def _national_factor(grid_factors: list[dict[str, str]], year: int) -> float:
    (row,) = [r for r in grid_factors if r["scope"] == "national_average" and int(r["year"]) == year]
    return float(row["kgCO2e_per_kWh"])


def _kaohsiung_2020(sales: list[dict[str, str]]) -> list[dict[str, str]]:
    rows = [r for r in sales if r["縣市"] == KAOHSIUNG and _year_month(r["日期"])[0] == 2020]
    assert sorted(_year_month(r["日期"])[1] for r in rows) == list(range(1, 13))
    return rows


def test_kaohsiung_2020_total_sales_times_tw_grid_2020_matches_the_c10_figure(run_inventory, sales, grid_factors):
    rows = _kaohsiung_2020(sales)
    kwh = sum(int(r[TOTAL_KWH]) for r in rows)
    expected = kwh * _national_factor(grid_factors, 2020) / 1000
    result = run_inventory(HEADER, [["I.6.2", kwh, "kWh", "tw-grid:2020", "2020", "Kaohsiung 2020 total"]], "AR5")
    assert result.total("basic") == pytest.approx(expected, rel=REL)
    assert result.total("basic") == pytest.approx(14852130.95, abs=ROUNDED_T)  # DOMAIN.md C10 (derived)
    assert result.scope(2) == pytest.approx(expected, rel=REL)


def test_kaohsiung_2020_monthly_rows_in_du_sum_to_the_same_total(run_inventory, sales, grid_factors):
    """The 12 monthly rows entered as they are, in 度, with the yearless factor id "tw-grid"."""
    rows = _kaohsiung_2020(sales)
    monthly = run_inventory(HEADER, [["I.6.2", r[TOTAL_KWH], "度", "tw-grid", "2020", r["日期"]] for r in rows], "AR5")
    expected = sum(int(r[TOTAL_KWH]) for r in rows) * _national_factor(grid_factors, 2020) / 1000
    assert monthly.total("basic") == pytest.approx(expected, rel=REL)
    for row, ours in zip(rows, monthly.row_co2e_t.tolist(), strict=True):
        assert ours == pytest.approx(int(row[TOTAL_KWH]) * _national_factor(grid_factors, 2020) / 1000, rel=REL)


def test_kaohsiung_2020_sector_rows_sum_to_the_same_basic_total(run_inventory, sales, grid_factors):
    rows = _kaohsiung_2020(sales)
    table = [
        [ref, r[column], "度", "tw-grid:2020", "2020", f"{r['日期']} {column}"]
        for r in rows
        for column, ref in SECTORS.items()
    ]
    result = run_inventory(HEADER, table, "AR5")
    factor = _national_factor(grid_factors, 2020)
    for column, ref in SECTORS.items():
        sector_kwh = sum(int(r[column]) for r in rows)
        assert result.by_ref()[ref]["tco2e"] == pytest.approx(sector_kwh * factor / 1000, rel=REL), ref
    total_kwh = sum(int(r[TOTAL_KWH]) for r in rows)
    # SOURCE.md: the sector columns differ from 合計售電量 by ±1 kWh in a few rows (rounding at Taipower); 1 kWh
    # is 0.0005 t, well inside the ±0.005 t tolerance for rounded sources.
    assert abs(sum(int(r[c]) for r in rows for c in SECTORS) - total_kwh) <= len(rows)
    assert result.total("basic") == pytest.approx(total_kwh * factor / 1000, abs=ROUNDED_T)
    assert result.total("basic") == pytest.approx(14852130.95, abs=ROUNDED_T)


def test_kaohsiung_chosen_from_a_file_of_every_county_gives_the_same_figure(run_inventory, sales, grid_factors):
    rows = [r for r in sales if _year_month(r["日期"])[0] == 2020 and r["縣市"] != NATIONAL]
    table = [["I.6.2", r[TOTAL_KWH], "度", "tw-grid", "2020", r["日期"], r["縣市"]] for r in rows]
    everyone = run_inventory([*HEADER, "city"], table, "AR5", city=KAOHSIUNG)
    kwh = sum(int(r[TOTAL_KWH]) for r in _kaohsiung_2020(sales))
    assert everyone.compiled.city == KAOHSIUNG
    assert everyone.compiled.n_rows == 12
    assert everyone.total("basic") == pytest.approx(kwh * _national_factor(grid_factors, 2020) / 1000, rel=REL)


@pytest.mark.parametrize("month", ["2020年12月", "2021年07月"])
def test_counties_sum_to_the_published_national_total_for_a_month(run_inventory, sales, month):
    rows = [r for r in sales if r["日期"] == month]
    (national,) = [r for r in rows if r["縣市"] == NATIONAL]
    counties = [r for r in rows if r["縣市"] != NATIONAL]
    assert len(counties) == 22
    for column in [*SECTORS, TOTAL_KWH]:
        assert sum(int(r[column]) for r in counties) == int(national[column]), column
    year = _year_month(month)[0]
    ours = run_inventory(HEADER, [["I.6.2", r[TOTAL_KWH], "度", "tw-grid", year, r["縣市"]] for r in counties], "AR5")
    theirs = run_inventory(HEADER, [["I.6.2", national[TOTAL_KWH], "度", "tw-grid", year, NATIONAL]], "AR5")
    assert ours.total("basic") == pytest.approx(theirs.total("basic"), rel=1e-12)


def test_every_national_grid_factor_year_equals_our_bundled_tw_grid_factor(grid_factors):
    library = bundled_library()
    headline = [r for r in grid_factors if r["scope"] in ("national_average", "target_baseline")]
    assert headline
    for row in headline:
        factor = library.get(f"tw-grid:{row['year']}")
        assert factor.gases == {"CO2e": pytest.approx(float(row["kgCO2e_per_kWh"]), rel=REL)}, row["year"]
        assert (factor.mass_unit, factor.activity_unit) == ("kg", "kWh")
        assert factor.valid_year == int(row["year"])
        assert factor.status == STATUS[row["status"]], row["year"]
    bundled_years = {f.valid_year for f in library.factors.values() if f.factor_id.startswith("tw-grid:")}
    assert bundled_years == {int(r["year"]) for r in headline}


def test_the_2025_target_baseline_is_refused_as_an_inventory_factor(run_inventory, grid_factors):
    (target,) = [r for r in grid_factors if r["scope"] == "target_baseline"]
    assert target["status"] == "published_target"
    with pytest.raises(InputErrors, match="target"):
        run_inventory(HEADER, [["I.1.2", "1000", "kWh", f"tw-grid:{target['year']}", target["year"], "target"]])


def test_a_year_without_a_published_factor_is_an_error_not_a_fallback(run_inventory, grid_factors):
    years = {int(r["year"]) for r in grid_factors if r["scope"] == "national_average"}
    missing = min(years) - 1  # 2016: DOMAIN.md §5.1 has only a derived value, the external file none
    with pytest.raises(InputErrors, match=str(missing)):
        run_inventory(HEADER, [["I.1.2", "1000", "kWh", "tw-grid", missing, "no factor"]])
