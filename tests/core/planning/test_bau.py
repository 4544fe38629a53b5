"""Business-as-usual projections (``zerocity.core.planning.bau``, PLANNING.md §1), the Taiwan grid pathway and the
default driver elasticities."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zerocity.core.datafiles import STATUSES
from zerocity.core.errors import FactorMissing
from zerocity.core.factors import bundled_library
from zerocity.core.planning.bau import (
    DriverSeries,
    InvalidBauInput,
    default_elasticity,
    project_bau,
    tw_grid_pathway,
)

YEARS = np.arange(2023, 2027)


def households(values: list[float]) -> DriverSeries:
    return DriverSeries("households", np.asarray(values), source="test", vintage="2024")


def test_frozen_bau_grows_with_the_driver_raised_to_the_elasticity() -> None:
    bau = project_bau(YEARS, 2023, 100.0, driver=households([1.0, 1.1, 1.21, 1.331]), elasticity=0.5)
    np.testing.assert_allclose(bau.frozen_t_co2e, 100 * np.array([1.0, 1.1, 1.21, 1.331]) ** 0.5)
    assert bau.method == "drivers" and bau.causal


def test_a_bau_without_efficiency_or_factor_path_has_no_national_effort() -> None:
    bau = project_bau(YEARS, 2023, 100.0, driver=households([1, 2, 3, 4]), elasticity=1.0)
    np.testing.assert_allclose(bau.national_effort_t_co2e, 0.0)


def test_adjusted_bau_applies_autonomous_efficiency_and_the_factor_path() -> None:
    path = np.array([0.5, 0.45, 0.4, 0.35])
    bau = project_bau(
        YEARS,
        2023,
        100.0,
        driver=households([1.0, 1.0, 1.0, 1.0]),
        elasticity=1.0,
        autonomous_efficiency=0.01,
        factor_path=path,
        factor_path_source="test path",
    )
    expected = 100 * 0.99 ** np.arange(4) * path / 0.5
    np.testing.assert_allclose(bau.adjusted_t_co2e, expected)
    np.testing.assert_allclose(bau.national_effort_t_co2e, 100 - expected)
    assert bau.factor_path_source == "test path"


def test_the_growth_rate_fallback_compounds_from_the_base_year_and_is_labelled_non_causal() -> None:
    bau = project_bau(YEARS, 2023, 100.0, growth_rate=0.1)
    np.testing.assert_allclose(bau.frozen_t_co2e, [100.0, 110.0, 121.0, 133.1])
    assert bau.method == "growth_rate"
    assert bau.causal is False


def test_the_growth_rate_may_change_from_year_to_year() -> None:
    bau = project_bau(YEARS, 2023, 100.0, growth_rate=np.array([0.0, 0.1, -0.5, 0.2]))
    np.testing.assert_allclose(bau.frozen_t_co2e, [100.0, 110.0, 55.0, 66.0])


def test_the_bau_keeps_the_drivers_source_and_vintage() -> None:
    bau = project_bau(
        YEARS,
        2023,
        1.0,
        driver=DriverSeries("gdp", np.ones(4), source="DGBAS projection", vintage="2024-08"),
        elasticity=0.5,
    )
    assert (bau.driver_name, bau.driver_source, bau.driver_vintage) == ("gdp", "DGBAS projection", "2024-08")


def test_per_draw_elasticities_give_one_row_per_draw() -> None:
    bau = project_bau(YEARS, 2023, 100.0, driver=households([1.0, 2.0, 2.0, 2.0]), elasticity=np.array([0.0, 1.0]))
    assert bau.frozen_t_co2e.shape == (2, 4)
    np.testing.assert_allclose(bau.frozen_t_co2e[:, -1], [100.0, 200.0])


def test_neither_driver_nor_growth_rate_is_an_error() -> None:
    with pytest.raises(InvalidBauInput, match="growth rate"):
        project_bau(YEARS, 2023, 100.0)


def test_a_driver_without_elasticity_is_an_error() -> None:
    with pytest.raises(InvalidBauInput, match="elasticity"):
        project_bau(YEARS, 2023, 100.0, driver=households([1, 1, 1, 1]))


def test_years_that_do_not_start_at_the_base_year_are_an_error() -> None:
    with pytest.raises(InvalidBauInput, match="base year"):
        project_bau(YEARS, 2020, 100.0, growth_rate=0.0)


def test_negative_base_emissions_are_an_error() -> None:
    with pytest.raises(InvalidBauInput, match="negative"):
        project_bau(YEARS, 2023, -1.0, growth_rate=0.0)


@settings(max_examples=50, deadline=None)
@given(
    growth=st.floats(0.0, 0.05),
    elasticity=st.floats(0.0, 2.0),
    efficiency=st.floats(0.0, 0.05),
)
def test_adjusted_bau_never_exceeds_frozen_when_the_grid_only_gets_cleaner(
    growth: float, elasticity: float, efficiency: float
) -> None:
    years = np.arange(2023, 2051)
    driver = DriverSeries("population", (1 + growth) ** np.arange(years.size), source="test", vintage="t")
    bau = project_bau(
        years,
        2023,
        1000.0,
        driver=driver,
        elasticity=elasticity,
        autonomous_efficiency=efficiency,
        factor_path=tw_grid_pathway(years).kg_co2e_per_kwh,
    )
    assert np.all(bau.national_effort_t_co2e >= -1e-9)
    assert np.all(np.diff(bau.frozen_t_co2e) >= -1e-9)


def test_the_grid_pathway_uses_the_published_library_factors_for_historic_years() -> None:
    library = bundled_library()
    pathway = tw_grid_pathway(range(2017, 2024))
    expected = [library.get(f"tw-grid:{year}").gases["CO2e"] for year in range(2017, 2024)]
    np.testing.assert_allclose(pathway.kg_co2e_per_kwh, expected)
    assert set(pathway.statuses) == {"published"}
    assert all("tw-grid:" in source for source in pathway.sources)


def test_the_grid_pathway_marks_the_2025_target_and_later_projections() -> None:
    pathway = tw_grid_pathway([2025, 2030, 2050])
    assert pathway.statuses == ("target", "projection", "projection")
    assert pathway.kg_co2e_per_kwh[0] == pytest.approx(0.424)
    assert pathway.kg_co2e_per_kwh[1] == pytest.approx(0.424 + 5 / 25 * (0.118 - 0.424))
    assert "interpolation" in pathway.sources[1]


def test_the_pathway_2025_anchor_agrees_with_the_factor_library() -> None:
    assert tw_grid_pathway([2025]).kg_co2e_per_kwh[0] == bundled_library().get("tw-grid:2025").gases["CO2e"]


def test_the_grid_pathway_falls_from_2024_to_2050() -> None:
    pathway = tw_grid_pathway(range(2024, 2051))
    assert np.all(np.diff(pathway.kg_co2e_per_kwh) < 0)


@pytest.mark.parametrize("year", [2010, 2051])
def test_a_year_outside_the_pathway_is_an_error_not_an_extrapolation(year: int) -> None:
    with pytest.raises(FactorMissing):
        tw_grid_pathway([year])


def test_a_full_reference_number_falls_back_to_its_subsectors_default_elasticity() -> None:
    elasticity = default_elasticity("I.1.2", "households")
    assert elasticity.subsector == "I.1"
    assert elasticity.value == 1.0
    assert elasticity.status in STATUSES


def test_a_missing_default_elasticity_is_an_error_listing_the_known_drivers() -> None:
    with pytest.raises(InvalidBauInput, match="households"):
        default_elasticity("I.1", "gdp")
