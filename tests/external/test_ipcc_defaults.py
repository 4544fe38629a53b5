"""Energy check cases with IPCC 2006 default factors (DOMAIN.md §7, "IPCC-default cases (derived, AR5)").

These come from DOMAIN.md rather than a data file in ../shared/data/external, so they need no external data:
the bundled factors (ipcc2006/...) are the IPCC 2006 Vol. 2 tables, and the expected figures are derived by
hand in DOMAIN.md. Tolerance relative 1e-6.
"""

from __future__ import annotations

import pytest

from zerocity.core.factors import bundled_library

REL = 1e-6
HEADER = ["gpc_ref", "activity_value", "activity_unit", "factor_id", "year"]
YEAR = "2021"

DIESEL_ROAD = "ipcc2006/road/gas_diesel_oil"
NATURAL_GAS_RESIDENTIAL = "ipcc2006/residential/natural_gas"
SUB_BITUMINOUS_ENERGY = "ipcc2006/energy_industries/sub_bituminous_coal"


@pytest.mark.parametrize(
    ("gwp", "expected_kg"),
    [("AR5", 75242.7), ("AR4", 75359.7), ("AR6-fossil", 75280.92)],
)
def test_one_tj_of_road_diesel_gives_the_domain_figure_for_each_gwp_set(run_inventory, gwp, expected_kg):
    """1 TJ × 74,100 / 3.9 / 3.9 kg/TJ (IPCC 2006 Vol. 2 Table 3.2.1, 3.2.2)."""
    result = run_inventory(HEADER, [["II.1.1", "1", "TJ", DIESEL_ROAD, YEAR]], gwp)
    assert result.total("basic") * 1000 == pytest.approx(expected_kg, rel=REL)
    gases = result.compiled.gases
    kg = result.row_gas_kg[0]
    assert (kg[gases.index("CO2")], kg[gases.index("CH4")], kg[gases.index("N2O")]) == pytest.approx(
        (74100, 3.9, 3.9), rel=REL
    )


def test_road_diesel_co2_is_74100_not_the_60600_slip():
    """DOMAIN.md pitfall 1: road diesel CO2 is 74,100 kg/TJ, as stationary."""
    assert bundled_library().get(DIESEL_ROAD).gases["CO2"] == 74100


def test_1000_t_of_residential_natural_gas_via_the_ipcc_ncv_gives_2700_792_t(run_inventory):
    """1000 t × NCV 48 TJ/Gg = 48 TJ × (56,100 + 5 × 28 + 0.1 × 265) kg/TJ (Table 1.2, 1.4, 2.5)."""
    result = run_inventory(HEADER, [["I.1.1", "1000", "t", NATURAL_GAS_RESIDENTIAL, YEAR]], "AR5")
    assert result.total("basic") == pytest.approx(2700.792, rel=REL)
    conversion = result.compiled.conversions[result.compiled.conversion_index[0]]
    assert conversion.multiplier == pytest.approx(0.048, rel=REL)  # 1 t = 0.001 Gg × 48 TJ/Gg
    gases = result.compiled.gases
    assert result.row_gas_kg[0, gases.index("CO2")] == pytest.approx(48 * 56100, rel=REL)


def test_1000_t_of_sub_bituminous_coal_for_grid_generation_gives_1824_33195_t_outside_basic(run_inventory):
    """1000 t × NCV 18.9 TJ/Gg × (96,100 + 1 × 28 + 1.5 × 265) kg/TJ, booked in I.4.4 (not in BASIC)."""
    result = run_inventory(HEADER, [["I.4.4", "1000", "t", SUB_BITUMINOUS_ENERGY, YEAR]], "AR5")
    assert result.generation_t == pytest.approx(1824.33195, rel=REL)
    assert result.total("basic") == 0.0
    assert result.total("territorial") == pytest.approx(1824.33195, rel=REL)
    assert result.scope(1) == pytest.approx(1824.33195, rel=REL)
    assert result.scope(1, excluding_generation=True) == 0.0
