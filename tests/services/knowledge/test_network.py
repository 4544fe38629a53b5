"""The member network service (src/zerocity/services/knowledge/network.py) on SQLite and PostgreSQL: the directory,
comparisons with their exclusions, peers and a city's public profile, from published inventories only."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from tests.services.knowledge.network_fixtures import DRAFT_TOTAL, NETWORK_BACKENDS, network_database

from zerocity.core.benchmarking import BASIC, BASIC_PLUS, Reason
from zerocity.services.errors import InvalidRequest, NotFound
from zerocity.services.knowledge import network
from zerocity.store.db import Database


@pytest.fixture(scope="module", params=NETWORK_BACKENDS)
def net(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    """One network per backend for the whole module: every test here only reads."""
    yield from network_database(request, tmp_path_factory)


def _reasons(result: network.NetworkComparison) -> dict[str, Reason]:
    return {e.city: e.reason for e in result.comparison.excluded}


def _values(result: network.NetworkComparison) -> dict[str, float]:
    return {row.city: row.value for row in result.comparison.rows}


def test_the_directory_shows_the_latest_published_inventory_never_a_newer_draft(net: Database) -> None:
    with net.read() as session:
        entries = {e.slug: e for e in network.directory(session, "en")}

    alpha = entries["alpha"]
    assert (alpha.year, alpha.basic_tco2e, alpha.published_years) == (2020, pytest.approx(810.0), (2018, 2020))
    assert alpha.per_capita_tco2e == pytest.approx(8.1)
    assert alpha.level == BASIC_PLUS and entries["beta"].level == BASIC
    assert entries["delta"].year is None and entries["delta"].basic_tco2e is None
    assert all(e.basic_tco2e != pytest.approx(DRAFT_TOTAL) for e in entries.values())


def test_the_directory_filters_by_country_and_region(net: Database) -> None:
    with net.read() as session:
        japan = network.directory(session, "en", country="jp")
        north = network.directory(session, "en", region="North")
        countries, regions = network.directory_choices(session)

    assert [e.slug for e in japan] == ["delta"]
    assert [e.slug for e in north] == ["gamma"]
    assert (countries, regions) == (["JP", "TW"], ["Kansai", "North", "South"])


def test_the_directory_sorts_either_way_with_cities_lacking_the_figure_last(net: Database) -> None:
    with net.read() as session:
        down = [e.slug for e in network.directory(session, "en", sort="per_capita", descending=True)]
        up = [e.slug for e in network.directory(session, "en", sort="per_capita")]
        by_name = [e.slug for e in network.directory(session, "zh_Hant", sort="name")]

    assert down[:2] == ["gamma", "alpha"] and down[-1] == "delta"
    assert up[0] in ("beta", "epsilon") and up[-1] == "delta"
    assert by_name == sorted(by_name, key=lambda slug: f"{slug}市")


def test_an_unknown_sort_is_refused(net: Database) -> None:
    with net.read() as session, pytest.raises(InvalidRequest):
        network.directory(session, "en", sort="password")


def test_a_total_comparison_leaves_out_another_gwp_set_and_a_city_that_published_nothing(net: Database) -> None:
    with net.read() as session:
        result = network.compare(session, [], network.basis_from(), "total")

    assert _values(result) == {"alpha": pytest.approx(810.0), "beta": 1000.0, "epsilon": 2000.0}
    assert _reasons(result) == {"gamma": Reason.GWP_SET, "delta": Reason.NO_INVENTORY}


def test_a_basic_plus_comparison_leaves_out_an_inventory_that_covers_only_basic(net: Database) -> None:
    with net.read() as session:
        result = network.compare(session, ["alpha", "beta", "epsilon"], network.basis_from(level=BASIC_PLUS), "total")

    assert _values(result) == {"alpha": pytest.approx(972.0), "epsilon": pytest.approx(2400.0)}
    (exclusion,) = result.comparison.excluded
    assert (exclusion.city, exclusion.reason) == ("beta", Reason.LEVEL)
    assert "IV.1" in str(exclusion.detail["missing"]) and "V.1" in str(exclusion.detail["missing"])


def test_the_ar6_city_is_compared_on_an_ar6_basis(net: Database) -> None:
    with net.read() as session:
        result = network.compare(session, [], network.basis_from(gwp_set="AR6"), "total")

    assert list(_values(result)) == ["gamma"]


def test_per_gdp_excludes_missing_gdp_and_other_units(net: Database) -> None:
    with net.read() as session:
        result = network.compare(session, [], network.basis_from(), "per_gdp")

    assert result.comparison.basis.gdp_unit == "billion TWD"  # one city each in TWD and USD: ties go alphabetically
    assert _values(result) == {"alpha": pytest.approx(810.0 / 50)}
    assert _reasons(result)["beta"] is Reason.GDP_UNIT
    assert _reasons(result)["epsilon"] is Reason.NO_GDP


def test_per_capita_uses_the_population_of_the_inventory_year(net: Database) -> None:
    with net.read() as session:
        result = network.compare(session, ["alpha", "epsilon"], network.basis_from(), "per_capita")

    assert _values(result) == {"alpha": pytest.approx(8.1), "epsilon": pytest.approx(5.0)}


def test_sector_shares_come_from_the_stored_results_and_sum_to_one(net: Database) -> None:
    with net.read() as session:
        basic = network.compare(session, ["alpha"], network.basis_from(), "sector_shares")
        basic_plus = network.compare(session, ["alpha"], network.basis_from(level=BASIC_PLUS), "sector_shares")

    shares = basic.comparison.rows[0].shares
    assert [shares[s] for s in ("I", "II", "III", "IV", "V")] == pytest.approx([0.6, 0.3, 0.1, 0.0, 0.0])
    plus = basic_plus.comparison.rows[0].shares
    assert sum(plus.values()) == pytest.approx(1.0)
    assert plus["IV"] == pytest.approx(0.15 / 1.2)


def test_the_trend_runs_from_the_first_published_year_and_ignores_the_draft(net: Database) -> None:
    with net.read() as session:
        result = network.compare(session, ["alpha", "beta"], network.basis_from(), "trend")

    (row,) = result.comparison.rows
    assert (row.city, row.base_year, row.year) == ("alpha", 2018, 2020)
    assert row.value == pytest.approx(-0.19)
    assert row.annual_rate == pytest.approx(-0.10)
    assert _reasons(result) == {"beta": Reason.ONE_INVENTORY}


@pytest.mark.parametrize(
    ("values", "error"),
    [
        ({"gwp_set": "AR9"}, InvalidRequest),
        ({"level": "BASIC++"}, InvalidRequest),
    ],
)
def test_an_unknown_basis_is_refused(values: dict[str, str], error: type[Exception]) -> None:
    with pytest.raises(error):
        network.basis_from(**values)


def test_an_unknown_metric_or_city_is_refused(net: Database) -> None:
    with net.read() as session:
        with pytest.raises(InvalidRequest):
            network.compare(session, [], network.basis_from(), "happiness")
        with pytest.raises(NotFound):
            network.compare(session, ["alpha", "atlantis"], network.basis_from(), "total")
        with pytest.raises(InvalidRequest):
            network.compare(session, [f"c{i}" for i in range(network.MAX_COMPARED + 1)], network.basis_from(), "total")


def test_peers_rank_by_similarity_and_say_why(net: Database) -> None:
    with net.read() as session:
        result = network.peers(session, "alpha", "en", limit=10)

    slugs = [p.city.slug for p in result.peers]
    assert "alpha" not in slugs
    assert slugs[0] == "beta"  # same climate group A, closest industry share and population
    assert result.peers[0].by_feature["climate"] == 1.0
    assert [p.score for p in result.peers] == sorted((p.score for p in result.peers), reverse=True)
    assert all(p.cases == [] for p in result.peers)


def test_peers_can_weigh_emissions_per_person(net: Database) -> None:
    with net.read() as session:
        result = network.peers(session, "alpha", "en", with_emissions=True)

    assert result.per_capita_tco2e == pytest.approx(8.1)
    assert "emissions" in result.peers[0].by_feature


def test_peers_of_an_unknown_city_are_not_found(net: Database) -> None:
    with net.read() as session, pytest.raises(NotFound):
        network.peers(session, "atlantis", "en")


def test_the_public_profile_shows_published_figures_and_the_trend(net: Database) -> None:
    with net.read() as session:
        profile = network.public_profile(session, "alpha", "en")

    assert profile.latest is not None and profile.latest.year == 2020
    assert [year for year, _, _ in profile.trend] == [2018, 2020]
    assert profile.per_capita_tco2e == pytest.approx(8.1)
    assert profile.per_gdp_tco2e == pytest.approx(16.2)
    assert profile.change is not None and profile.change.value == pytest.approx(-0.19)
    assert profile.plan is None and profile.cases == []


def test_the_public_profile_of_a_city_without_published_inventories_is_empty_not_a_draft(net: Database) -> None:
    with net.read() as session:
        profile = network.public_profile(session, "delta", "en")

    assert profile.latest is None and profile.trend == [] and profile.change is None


def test_the_inventory_figures_read_a_level_from_the_stored_reference_numbers(net: Database) -> None:
    with net.read() as session:
        members = {m.slug: m for m in network.members(session)}

    beta = members["beta"].latest
    assert beta is not None
    assert beta.covers(BASIC) and not beta.covers(BASIC_PLUS)
    assert {"IV.1", "IV.2", "V.1", "V.2", "V.3"} <= set(beta.missing_refs[BASIC_PLUS])
