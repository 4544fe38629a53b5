"""Our engine against the ghgtools R package's example inventory (Brandon-mcn/ghgtools commit 0f76554, AR5).

Data: ``../shared/data/external/ghgtools-example/`` (see its SOURCE.md). A corporate (GHG Protocol) example, not
GPC, but the arithmetic is the same: usage × kg CO2e per unit (GHGrawdata.csv), and per-gas factors × AR5 GWPs
= kg CO2e per unit (EFL_CO2e.csv). DOMAIN.md §7 check case C8.
"""

from __future__ import annotations

from collections import defaultdict

import pytest

from zerocity.core.units import units

pytestmark = pytest.mark.external

GT = "ghgtools-example"
REL = 1e-6

#: ghgtools unit names our unit system does not read as written, and the spelling it does read.
#: Every other name (kWh, therms, therm, gallon, scf, short ton, passenger-mile, vehicle-mile, vehicle mile) is
#: passed through unchanged. "usd" (spend-based factors) needs a currency unit: those tests skip without one.
UNIT_SPELLINGS = {"mmbtu": "mmBtu", "kbtu": "kBtu"}
CURRENCY_UNITS = {"usd"}

#: GPC reference numbers for the example's rows (the example is corporate: closest GPC home for each source).
GHGRAW_REFS = {
    ("Electricity", ""): "I.2.2",  # purchased electricity, buildings: scope 2
    ("Natural Gas", ""): "I.2.1",  # on-site combustion: scope 1
    ("Business Travel", "Ground Travel"): "II.1.3",
    ("Business Travel", "Air Travel"): "II.4.3",
    ("Business Travel", "Rail Travel"): "II.2.3",
    ("Employee Commuting", "Ground Travel"): "II.1.3",
    ("Employee Commuting", "Rail Travel"): "II.2.3",
    ("Purchased Goods and Services", "*"): "VI.1",
    ("Capital Goods", "*"): "VI.1",
}
SCOPE_REFS = {"scope 1": "I.6.1", "scope 2": "I.6.2", "scope 3": "VI.1"}
DIRECT_HEADER = ["gpc_ref", "activity_value", "activity_unit", "ef_co2e", "ef_unit", "year", "description"]
PER_GAS_HEADER = [
    "gpc_ref",
    "activity_value",
    "activity_unit",
    "ef_co2",
    "ef_ch4",
    "ef_n2o",
    "ef_unit",
    "year",
    "description",
]


def our_unit(name: str) -> str:
    return UNIT_SPELLINGS.get(name.strip().lower(), name.strip())


def engine_reads(unit: str) -> bool:
    try:
        units().parse(unit)
    except Exception:
        return False
    return True


def _ref(row: dict[str, str]) -> str:
    service, sub = row["service_type"], row["service_subcategory1"]
    return GHGRAW_REFS.get((service, sub)) or GHGRAW_REFS[(service, "*")]


@pytest.fixture(scope="module")
def ghgraw(external_file, read_csv) -> list[dict[str, str]]:
    return read_csv(external_file(GT, "GHGrawdata.csv"))


@pytest.fixture(scope="module")
def efl(external_file, read_csv) -> list[dict[str, str]]:
    return read_csv(external_file(GT, "EFL_CO2e.csv"))


def _ghgraw_row(row: dict[str, str], number: int) -> list[str]:
    unit = our_unit(row["unit"])
    return [_ref(row), row["usage"], unit, row["kgco2e_perunit"], f"kg/{unit}", row["year"], f"GHGrawdata row {number}"]


def test_b1458_natural_gas_therms_times_epa_factor_matches_ghgtools(run_inventory, ghgraw):
    number, row = next(
        (n, r) for n, r in enumerate(ghgraw, start=2) if r["asset_id"] == "B1458" and r["service_type"] == "Natural Gas"
    )
    assert row["unit"] == "therms"
    result = run_inventory(DIRECT_HEADER, [_ghgraw_row(row, number)], "AR5")
    assert result.total("basic") == pytest.approx(float(row["mt_co2e"]), rel=REL)
    assert result.scope(1) == pytest.approx(float(row["mt_co2e"]), rel=REL)


def test_every_ghgtools_row_with_a_physical_unit_matches_usage_times_factor(run_inventory, ghgraw):
    numbered = list(enumerate(ghgraw, start=2))
    physical = [(n, r) for n, r in numbered if r["unit"].lower() not in CURRENCY_UNITS]
    assert {r["unit"] for _, r in physical} == {"kWh", "therms", "passenger-mile", "vehicle-mile"}
    result = run_inventory(DIRECT_HEADER, [_ghgraw_row(r, n) for n, r in physical], "AR5")
    assert result.compiled.row_numbers.tolist() == list(range(2, len(physical) + 2))
    assert result.row_co2e_t.tolist() == pytest.approx([float(r["mt_co2e"]) for _, r in physical], rel=REL)
    assert result.row_co2e_t.tolist() == pytest.approx([float(r["kg_co2e"]) / 1000 for _, r in physical], rel=REL)


def test_ghgtools_spend_based_rows_in_usd(run_inventory, ghgraw):
    """11 of 35 rows are spend-based (USD × kg CO2e/USD, EPA Supply Chain factors, scope 3)."""
    numbered = [(n, r) for n, r in enumerate(ghgraw, start=2) if r["unit"].lower() in CURRENCY_UNITS]
    assert len(numbered) == 11
    if not engine_reads("USD"):
        pytest.skip("the engine has no currency unit: spend-based (USD) factors cannot be entered (reported)")
    result = run_inventory(DIRECT_HEADER, [_ghgraw_row(r, n) for n, r in numbered], "AR5")
    assert result.row_co2e_t.tolist() == pytest.approx([float(r["mt_co2e"]) for _, r in numbered], rel=REL)


def test_ghgtools_scope_sums_match_domain_c8_and_our_scope_totals(run_inventory, ghgraw):
    published: dict[str, float] = defaultdict(float)
    for row in ghgraw:
        published[row["emission_scope"]] += float(row["mt_co2e"])
    # DOMAIN.md C8: scope sums 49.463924 / 199.113935 / 682.190015 t (rounded to 1e-6 t)
    assert published["Scope 1"] == pytest.approx(49.463924, abs=5e-7)
    assert published["Scope 2"] == pytest.approx(199.113935, abs=5e-7)
    assert published["Scope 3"] == pytest.approx(682.190015, abs=5e-7)

    # every row whose unit the engine reads (all 35 once it knows USD; else the 24 in physical units)
    computable = [(n, r) for n, r in enumerate(ghgraw, start=2) if engine_reads(our_unit(r["unit"]))]
    result = run_inventory(DIRECT_HEADER, [_ghgraw_row(r, n) for n, r in computable], "AR5")
    assert result.scope(1) == pytest.approx(published["Scope 1"], rel=REL)
    assert result.scope(2) == pytest.approx(published["Scope 2"], rel=REL)
    scope3 = sum(float(r["mt_co2e"]) for _, r in computable if r["emission_scope"] == "Scope 3")
    assert result.scope(3) == pytest.approx(scope3, rel=REL)
    assert result.total("basic") == pytest.approx(published["Scope 1"] + published["Scope 2"], rel=REL)


def test_epa_natural_gas_per_gas_factors_recompose_to_the_ghgtools_co2e_factor_under_ar5(run_inventory, efl):
    rows = [r for r in efl if r["service_type"] == "natural gas" and r["emission_category"] == "stationary"]
    assert {r["unit"] for r in rows} >= {"therm", "scf", "mmbtu"}
    for row in rows:
        result = _per_gas_factor_inventory(run_inventory, [(0, row)])
        # 1000 units × kg/unit = t per 1000 units = kg per unit
        assert result.total("basic") == pytest.approx(float(row["kgco2e_perunit"]), rel=REL), row["unit"]


def test_every_ghgtools_physical_unit_factor_recomposes_under_ar5(run_inventory, efl):
    """All EFL_CO2e.csv rows in physical units (230 of 2,262): co2 + ch4 × 28 + n2o × 265 through our engine
    equals the published kgco2e_perunit. The 2,032 USD rows are checked in the next test."""
    assert {(r["gwps_ar"], r["ch4_gwp"], r["n2o_gwp"]) for r in efl} == {("ar5", "28", "265")}
    numbered = [(n, r) for n, r in enumerate(efl, start=2) if r["unit"].lower() not in CURRENCY_UNITS]
    assert len(numbered) == 230
    unread = sorted({r["unit"] for _, r in numbered if not engine_reads(our_unit(r["unit"]))})
    assert not unread, f"ghgtools units without a mapping: {unread}"
    assert all(float(r["otherghgs_kgco2eperunit"]) == 0 for _, r in numbered)
    by_year: dict[str, list[tuple[int, dict[str, str]]]] = defaultdict(list)
    for number, row in numbered:
        by_year[row["year"]].append((number, row))
    for rows in by_year.values():
        result = _per_gas_factor_inventory(run_inventory, rows)
        published = [float(r["kgco2e_perunit"]) for _, r in rows]
        assert result.row_co2e_t.tolist() == pytest.approx(published, rel=REL)


def _per_gas_factor_inventory(run_inventory, rows: list[tuple[int, dict[str, str]]]):
    table = []
    for number, row in rows:
        unit = our_unit(row["unit"])
        table.append(
            [
                SCOPE_REFS[row["emission_scope"].lower()],
                "1000",
                unit,
                row["co2_kgperunit"],
                row["ch4_kgperunit"],
                row["n2o_kgperunit"],
                f"kg/{unit}",
                row["year"],
                f"EFL_CO2e row {number}",
            ]
        )
    return run_inventory(PER_GAS_HEADER, table, "AR5")


def test_every_ghgtools_spend_based_factor_recomposes_under_ar5(run_inventory, efl):
    """The 2,032 USD rows (EPA Supply Chain factors): co2 + ch4 × 28 + n2o × 265 + other GHGs (given as CO2e)
    equals kgco2e_perunit. A row may carry per-gas factors or a CO2e factor, not both: the other-GHG part goes
    on a second row of the same activity."""
    numbered = [(n, r) for n, r in enumerate(efl, start=2) if r["unit"].lower() in CURRENCY_UNITS]
    assert len(numbered) == 2032
    if not engine_reads("USD"):
        pytest.skip("the engine has no currency unit: spend-based (USD) factors cannot be entered (reported)")
    by_year: dict[str, list[tuple[int, dict[str, str]]]] = defaultdict(list)
    for number, row in numbered:
        by_year[row["year"]].append((number, row))
    header = [*PER_GAS_HEADER, "ef_co2e"]
    for rows in by_year.values():
        table, owner = [], []
        for number, row in rows:
            ref = SCOPE_REFS[row["emission_scope"].lower()]
            gases = [row["co2_kgperunit"], row["ch4_kgperunit"], row["n2o_kgperunit"]]
            table.append([ref, "1000", "USD", *gases, "kg/USD", row["year"], f"EFL_CO2e row {number} gases", ""])
            owner.append(number)
            if float(row["otherghgs_kgco2eperunit"]) != 0:
                other = ["", "", "", "kg/USD", row["year"], f"EFL_CO2e row {number} other GHGs"]
                table.append([ref, "1000", "USD", *other, row["otherghgs_kgco2eperunit"]])
                owner.append(number)
        result = run_inventory(header, table, "AR5")
        ours: dict[int, float] = defaultdict(float)
        for number, tonnes in zip(owner, result.row_co2e_t.tolist(), strict=True):
            ours[number] += tonnes
        published = [float(r["kgco2e_perunit"]) for _, r in rows]
        assert [ours[n] for n, _ in rows] == pytest.approx(published, rel=REL)
