"""Peer benchmarking maths (src/zerocity/core/benchmarking.py): small cases worked by hand, the exclusion reasons,
and properties of shares, rates and the similarity coefficient."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from zerocity.core.benchmarking import (
    BASIC,
    BASIC_PLUS,
    SECTORS,
    Basis,
    BenchmarkError,
    CityFigures,
    FeatureWeights,
    InventoryFigures,
    Metric,
    PeerFeatures,
    Reason,
    compare,
    compound_annual_rate,
    fractional_change,
    intensity,
    most_common_gdp_unit,
    rank_peers,
    sector_shares,
    similarity,
)


def inventory(
    year: int = 2019,
    *,
    basic: float = 1000.0,
    basic_plus: float = 1200.0,
    gwp_set: str = "AR5",
    missing_basic_plus: tuple[str, ...] = (),
    missing_basic: tuple[str, ...] = (),
    population: float | None = 100.0,
    gdp: float | None = 50.0,
    gdp_unit: str = "billion TWD",
    sectors: dict[str, float] | None = None,
) -> InventoryFigures:
    by_sector = sectors or {"I": 600.0, "II": 300.0, "III": 100.0}
    return InventoryFigures(
        year=year,
        gwp_set=gwp_set,
        totals_tco2e={BASIC: basic, BASIC_PLUS: basic_plus},
        sectors_tco2e={BASIC: by_sector, BASIC_PLUS: {**by_sector, "IV": 150.0, "V": 50.0}},
        missing_refs={BASIC: missing_basic, BASIC_PLUS: missing_basic_plus},
        population=population,
        gdp=gdp,
        gdp_unit=gdp_unit,
    )


def city(name: str, latest: InventoryFigures | None = None, base: InventoryFigures | None = None) -> CityFigures:
    return CityFigures(name, latest if latest is not None else inventory(), base)


# --- arithmetic by hand ---------------------------------------------------------------------------------------------


def test_per_capita_divides_the_total_by_the_population_of_the_year() -> None:
    assert intensity([2_000_000.0], [250_000.0]).tolist() == [8.0]


def test_an_intensity_without_a_positive_denominator_is_not_a_number_rather_than_zero_or_an_error() -> None:
    values = intensity([10.0, 10.0, 10.0], [0.0, -5.0, float("nan")])
    assert np.isnan(values).all()


def test_sector_shares_of_a_small_city_are_its_sectors_over_its_total() -> None:
    shares = sector_shares([[600.0, 300.0, 100.0, 0.0, 0.0]])[0]
    assert shares.tolist() == pytest.approx([0.6, 0.3, 0.1, 0.0, 0.0])
    assert shares.sum() == pytest.approx(1.0)


def test_removals_give_a_negative_share_and_the_shares_still_sum_to_one() -> None:
    shares = sector_shares([[800.0, 200.0, 100.0, 0.0, -100.0]])[0]
    assert shares[-1] == pytest.approx(-0.1)
    assert shares.sum() == pytest.approx(1.0)


def test_shares_of_a_total_that_is_not_positive_are_undefined() -> None:
    assert np.isnan(sector_shares([[100.0, 0.0, 0.0, 0.0, -100.0]])).all()


def test_a_cut_from_100_to_81_over_two_years_is_minus_19_percent_and_minus_10_percent_a_year() -> None:
    assert fractional_change([100.0], [81.0])[0] == pytest.approx(-0.19)
    assert compound_annual_rate([100.0], [81.0], [2])[0] == pytest.approx(-0.10)


def test_a_compound_rate_needs_positive_values_and_a_positive_span() -> None:
    rates = compound_annual_rate([100.0, -5.0, 100.0], [80.0, 10.0, 80.0], [0, 3, 2])
    assert math.isnan(rates[0]) and math.isnan(rates[1])
    assert rates[2] == pytest.approx(math.sqrt(0.8) - 1)


# --- comparisons and their exclusions ----------------------------------------------------------------------------


def test_a_comparison_on_the_default_basis_is_basic_with_ar5() -> None:
    basis = Basis()
    assert (basis.gwp_set, basis.level) == ("AR5", BASIC)


def test_an_unknown_level_or_metric_is_refused() -> None:
    with pytest.raises(BenchmarkError):
        Basis(level="BASIC++")
    with pytest.raises(BenchmarkError):
        compare([city("a")], Basis(), "kilograms")


def test_totals_and_per_capita_figures_come_from_the_level_of_the_basis() -> None:
    cities = [city("a", inventory(basic=1000.0, basic_plus=1500.0, population=100.0))]

    assert compare(cities, Basis(), Metric.TOTAL).rows[0].value == 1000.0
    assert compare(cities, Basis(level=BASIC_PLUS), Metric.TOTAL).rows[0].value == 1500.0
    assert compare(cities, Basis(), Metric.PER_CAPITA).rows[0].value == 10.0


def test_a_city_with_another_gwp_set_is_excluded_with_its_set_and_the_basis() -> None:
    result = compare([city("a"), city("b", inventory(gwp_set="AR6"))], Basis(gwp_set="AR5"), Metric.TOTAL)

    assert [row.city for row in result.rows] == ["a"]
    (exclusion,) = result.excluded
    assert (exclusion.city, exclusion.reason) == ("b", Reason.GWP_SET)
    assert (exclusion.detail["gwp_set"], exclusion.detail["basis"]) == ("AR6", "AR5")


def test_a_basic_inventory_is_excluded_from_a_basic_plus_comparison_naming_what_it_lacks() -> None:
    basic_only = inventory(missing_basic_plus=("IV.1", "V.3"))
    full = inventory()
    result = compare([city("a", full), city("b", basic_only)], Basis(level=BASIC_PLUS), Metric.TOTAL)

    assert [row.city for row in result.rows] == ["a"]
    (exclusion,) = result.excluded
    assert exclusion.reason is Reason.LEVEL
    assert exclusion.detail == {"basis": BASIC_PLUS, "missing": "IV.1, V.3", "year": 2019}
    assert basic_only.level == BASIC and full.level == BASIC_PLUS


def test_a_basic_plus_inventory_takes_part_in_basic_comparisons_with_its_basic_total() -> None:
    result = compare([city("a", inventory()), city("b", inventory(missing_basic_plus=("V.3",)))], Basis(), Metric.TOTAL)
    assert [row.city for row in result.rows] == ["a", "b"] and not result.excluded


def test_an_inventory_with_silent_basic_sources_is_below_basic_and_excluded() -> None:
    gap = inventory(missing_basic=("I.8.1",), missing_basic_plus=("I.8.1",))
    result = compare([city("a", gap)], Basis(), Metric.TOTAL)

    assert gap.level == ""
    assert result.excluded[0].reason is Reason.LEVEL and result.excluded[0].detail["missing"] == "I.8.1"


def test_a_city_without_a_published_inventory_is_listed_as_excluded() -> None:
    result = compare([CityFigures("a", None)], Basis(), Metric.TOTAL)
    assert result.excluded[0].reason is Reason.NO_INVENTORY


def test_per_capita_without_population_excludes_the_city_for_that_metric_only() -> None:
    cities = [city("a", inventory(population=None))]

    assert compare(cities, Basis(), Metric.TOTAL).rows
    assert compare(cities, Basis(), Metric.PER_CAPITA).excluded[0].reason is Reason.NO_POPULATION


def test_per_gdp_divides_by_the_gdp_of_the_year_in_its_stated_unit() -> None:
    result = compare([city("a", inventory(basic=1000.0, gdp=50.0))], Basis(), Metric.PER_GDP)

    assert result.rows[0].value == 20.0
    assert result.basis.gdp_unit == "billion TWD"


def test_missing_gdp_is_an_exclusion_with_the_year() -> None:
    result = compare([city("a"), city("b", inventory(gdp=None))], Basis(), Metric.PER_GDP)

    assert result.excluded[0].city == "b"
    assert (result.excluded[0].reason, result.excluded[0].detail) == (Reason.NO_GDP, {"year": 2019})


def test_gdp_in_another_unit_is_never_converted_but_excluded_and_the_majority_unit_is_the_basis() -> None:
    cities = [city("a"), city("b"), city("c", inventory(gdp=2.0, gdp_unit="billion USD"))]
    result = compare(cities, Basis(), Metric.PER_GDP)

    assert result.basis.gdp_unit == "billion TWD"
    assert [row.city for row in result.rows] == ["a", "b"]
    assert result.excluded[0].reason is Reason.GDP_UNIT
    assert result.excluded[0].detail == {"unit": "billion USD", "basis": "billion TWD"}


def test_a_gdp_unit_asked_for_is_kept_even_when_fewer_cities_use_it() -> None:
    cities = [city("a"), city("b"), city("c", inventory(gdp=2.0, gdp_unit="billion USD"))]
    result = compare(cities, Basis(gdp_unit="billion USD"), Metric.PER_GDP)

    assert [row.city for row in result.rows] == ["c"]
    assert {e.city for e in result.excluded} == {"a", "b"}


def test_the_majority_gdp_unit_breaks_ties_alphabetically_and_ignores_cities_off_the_basis() -> None:
    cities = [
        city("a", inventory(gdp_unit="million TWD")),
        city("b", inventory(gdp_unit="billion TWD")),
        city("c", inventory(gdp_unit="million TWD", gwp_set="AR4")),
    ]
    assert most_common_gdp_unit(cities, Basis()) == "billion TWD"


def test_sector_shares_of_the_basis_level_sum_to_one() -> None:
    result = compare([city("a")], Basis(level=BASIC_PLUS), Metric.SECTOR_SHARES)

    shares = result.rows[0].shares
    assert list(shares) == list(SECTORS)
    assert sum(shares.values()) == pytest.approx(1.0)
    assert shares["IV"] == pytest.approx(150.0 / 1200.0)


def test_the_trend_runs_from_the_first_published_inventory_to_the_latest() -> None:
    result = compare([city("a", inventory(2020, basic=810.0), inventory(2018, basic=1000.0))], Basis(), Metric.TREND)

    row = result.rows[0]
    assert (row.base_year, row.year, row.base_value) == (2018, 2020, 1000.0)
    assert row.value == pytest.approx(-0.19)
    assert row.annual_rate == pytest.approx(-0.10)


def test_a_trend_needs_two_inventories_and_a_base_year_on_the_basis() -> None:
    single = compare([city("a", inventory(2019), inventory(2019))], Basis(), Metric.TREND)
    assert single.excluded[0].reason is Reason.ONE_INVENTORY

    other_gwp = compare([city("a", inventory(2020), inventory(2015, gwp_set="AR4"))], Basis(), Metric.TREND)
    assert other_gwp.excluded[0].reason is Reason.BASE_OFF_BASIS
    assert other_gwp.excluded[0].detail == {"year": 2015, "why": "gwp_set"}


# --- properties ---------------------------------------------------------------------------------------------------

positive = st.floats(min_value=1e-3, max_value=1e9, allow_nan=False)
sector_values = st.lists(st.floats(min_value=0, max_value=1e8, allow_nan=False), min_size=5, max_size=5)


@given(st.lists(sector_values, min_size=1, max_size=8))
def test_shares_of_any_positive_total_sum_to_one(rows: list[list[float]]) -> None:
    shares = sector_shares(rows)
    for row, share in zip(rows, shares, strict=True):
        if sum(row) > 0:
            assert share.sum() == pytest.approx(1.0)
            assert np.all(share >= 0)
        else:
            assert np.isnan(share).all()


@given(positive, st.floats(min_value=1e-3, max_value=1e3), st.integers(min_value=1, max_value=60))
def test_the_compound_rate_compounds_back_to_the_latest_value(base: float, ratio: float, years: int) -> None:
    latest = base * ratio
    rate = compound_annual_rate([base], [latest], [years])[0]
    assert base * (1 + rate) ** years == pytest.approx(latest, rel=1e-6)
    if abs(ratio - 1) > 1e-6:  # a cut is a negative rate, a rise a positive one
        assert np.sign(rate) == np.sign(fractional_change([base], [latest])[0]) == np.sign(ratio - 1)


@given(positive, positive)
def test_the_fractional_change_and_the_rate_over_one_year_agree(base: float, latest: float) -> None:
    assert compound_annual_rate([base], [latest], [1])[0] == pytest.approx(fractional_change([base], [latest])[0])


# --- similarity ---------------------------------------------------------------------------------------------------

TAIWAN = [
    PeerFeatures("kaohsiung", 2_770_000, "Aw", 0.44, 12.7),
    PeerFeatures("tainan", 1_880_000, "Aw", 0.47, 10.3),
    PeerFeatures("taichung", 2_815_000, "Cwa", 0.45, 8.5),
    PeerFeatures("pingtung", 819_000, "Aw", 0.28, 10.7),
]


def test_similarity_by_hand_for_two_cities_at_the_ends_of_every_range() -> None:
    result = similarity([PeerFeatures("a", 1e5, "Aw", 0.2), PeerFeatures("b", 1e6, "Cfa", 0.6)])

    assert result.overall[0, 1] == 0.0  # furthest apart on population and industry, other climate group
    assert result.overall[0, 0] == result.overall[1, 1] == 1.0


def test_similarity_by_hand_with_a_city_in_the_middle() -> None:
    cities = [PeerFeatures("a", 1e4, "Aw", 0.2), PeerFeatures("b", 1e5, "Am", 0.4), PeerFeatures("c", 1e6, "Cwa", 0.6)]
    result = similarity(cities)

    # a-b: population 1 - 1/2, same group A, industry 1 - 0.2/0.4 -> mean of (0.5, 1, 0.5)
    assert result.overall[0, 1] == pytest.approx(2 / 3)
    assert result.by_feature[0, 1].tolist()[:3] == pytest.approx([0.5, 1.0, 0.5])


def test_a_feature_either_city_lacks_is_no_evidence_of_likeness() -> None:
    result = similarity([PeerFeatures("a", 1e4, "", 0.2), PeerFeatures("b", 1e6, "Aw", 0.2)])

    assert result.overall[0, 1] == pytest.approx(1 / 3)  # population 0, industry 1, climate unknown for a: 0
    assert math.isnan(result.by_feature[0, 1, 1])
    assert result.overall[0, 0] == pytest.approx(2 / 3) and result.overall[1, 1] == 1.0


def test_a_city_alike_on_one_known_feature_does_not_outrank_one_alike_on_all() -> None:
    cities = [
        PeerFeatures("me", 1e5, "Aw", 0.3),
        PeerFeatures("sparse", 1e5),
        PeerFeatures("close", 1.2e5, "Am", 0.32),
        PeerFeatures("far", 1e7, "Dfb", 0.6),
    ]
    assert [p.city for p in rank_peers(similarity(cities), "me")] == ["close", "sparse", "far"]


def test_cities_sharing_no_feature_are_not_ranked() -> None:
    result = similarity([PeerFeatures("a", 1e5), PeerFeatures("b", climate_zone="Aw")])

    assert math.isnan(result.overall[0, 1])
    assert rank_peers(result, "a") == []


def test_emissions_count_only_when_given_a_weight() -> None:
    without = similarity(TAIWAN)
    with_emissions = similarity(TAIWAN, FeatureWeights(emissions=1.0))

    assert np.isnan(without.by_feature[..., 3]).all()
    assert np.isfinite(with_emissions.by_feature[..., 3]).all()
    assert not np.allclose(without.overall, with_emissions.overall)


def test_weights_must_be_usable() -> None:
    with pytest.raises(BenchmarkError):
        similarity(TAIWAN, FeatureWeights(0, 0, 0, 0))
    with pytest.raises(BenchmarkError):
        similarity(TAIWAN, FeatureWeights(population=-1))


def test_the_peers_of_kaohsiung_put_tainan_first_and_say_why() -> None:
    peers = rank_peers(similarity(TAIWAN), "kaohsiung", limit=2)

    assert [p.city for p in peers] == ["tainan", "taichung"]
    assert peers[0].by_feature["climate"] == 1.0
    assert peers[1].by_feature["climate"] == 0.0
    assert all(p.city != "kaohsiung" for p in peers)


def test_ranking_an_unknown_city_is_an_error() -> None:
    with pytest.raises(BenchmarkError):
        rank_peers(similarity(TAIWAN), "taipei")


features = st.builds(
    PeerFeatures,
    city=st.uuids().map(str),
    population=st.one_of(st.none(), st.floats(min_value=1, max_value=4e7)),
    climate_zone=st.sampled_from(["", "Af", "Aw", "Cwa", "Cfa", "Dwa", "BSh"]),
    industry_share=st.one_of(st.none(), st.floats(min_value=0, max_value=1)),
    per_capita_tco2e=st.one_of(st.none(), st.floats(min_value=0, max_value=60)),
)


@given(st.lists(features, min_size=1, max_size=12, unique_by=lambda f: f.city))
def test_similarity_is_symmetric_bounded_and_every_city_is_most_similar_to_itself(cities: list[PeerFeatures]) -> None:
    result = similarity(cities, FeatureWeights(emissions=0.5))
    overall = result.overall

    assert np.allclose(overall, overall.T, equal_nan=True)
    finite = overall[np.isfinite(overall)]
    assert np.all((finite >= -1e-12) & (finite <= 1 + 1e-12))
    for i, city in enumerate(cities):
        row = overall[i]
        if np.isfinite(row[i]):
            assert np.all(row[np.isfinite(row)] <= row[i] + 1e-12)
        complete = city.population and city.climate_group and city.industry_share is not None
        if complete and city.per_capita_tco2e is not None:
            assert row[i] == pytest.approx(1.0)


@given(st.lists(features, min_size=2, max_size=12, unique_by=lambda f: f.city), st.integers(0, 12))
def test_peers_are_ranked_best_first_and_never_include_the_city_itself(cities: list[PeerFeatures], limit: int) -> None:
    result = similarity(cities)
    peers = rank_peers(result, cities[0].city, limit)

    assert len(peers) <= limit
    assert cities[0].city not in [p.city for p in peers]
    scores = [p.score for p in peers]
    assert scores == sorted(scores, reverse=True)
