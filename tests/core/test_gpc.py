"""The GPC catalogue (``zerocity.core.gpc``): reference numbers, total membership, notation keys, data quality.

Membership rules are DOMAIN.md §1.1/§1.2 (GPC v1.1 ch. 3; they reproduce C40's published BASIC/BASIC+/territorial
totals): the test restates the rule from the ref's *structure* and checks every bundled row against it.
"""

from __future__ import annotations

import re

import pytest

from zerocity.core.gpc import (
    NOTATION_KEY_PATTERN,
    REF_ALIASES,
    TOTALS,
    ReferenceNumber,
    gpc_catalogue,
    parse_notation_key,
    worst_quality,
)

CATALOGUE = gpc_catalogue()
ALL_REFS = CATALOGUE.refs
REF_SHAPE = re.compile(r"^(I|II|III|IV|V|VI)\.\d(\.\d)?$")


def parts(ref: ReferenceNumber) -> tuple[str, int, int | None]:
    pieces = ref.ref.split(".")
    return pieces[0], int(pieces[1]), int(pieces[2]) if len(pieces) == 3 else None


def expected_basic(ref: ReferenceNumber) -> bool:
    sector, _, last = parts(ref)
    if ref.ref == "I.4.4":
        return False
    if sector in ("I", "II"):
        return ref.scope in (1, 2) and last in (1, 2)
    if sector == "III":
        return last in (1, 2)
    return False


def expected_basic_plus(ref: ReferenceNumber) -> bool:
    sector, _, last = parts(ref)
    transmission_or_transboundary = sector in ("I", "II") and last == 3
    return expected_basic(ref) or transmission_or_transboundary or sector in ("IV", "V")


def test_the_catalogue_has_the_54_gpc_reference_numbers_in_standard_order() -> None:
    assert len(ALL_REFS) == 54
    assert len({r.ref for r in ALL_REFS}) == 54
    assert ALL_REFS[0].ref == "I.1.1"
    assert ALL_REFS[-1].ref == "VI.1"
    assert [CATALOGUE.index(r.ref) for r in ALL_REFS] == list(range(54))


def test_every_reference_number_has_a_well_formed_ref_and_a_scope_of_1_2_or_3() -> None:
    for ref in ALL_REFS:
        assert REF_SHAPE.match(ref.ref), ref.ref
        assert ref.scope in (1, 2, 3), ref.ref
        assert ref.sector and ref.subsector and ref.emission_source, ref.ref


def test_the_catalogue_lists_each_subsector_with_the_refs_the_standard_defines() -> None:
    refs = {r.ref for r in ALL_REFS}
    expected = (
        {f"I.{n}.{s}" for n in range(1, 7) for s in (1, 2, 3)}
        | {"I.4.4", "I.7.1", "I.8.1"}
        | {f"II.{m}.{s}" for m in range(1, 6) for s in (1, 2, 3)}
        | {f"III.{k}.{s}" for k in range(1, 5) for s in (1, 2, 3)}
        | {"IV.1", "IV.2", "V.1", "V.2", "V.3", "VI.1"}
    )
    assert refs == expected


def test_the_scope_of_sector_i_and_ii_rows_follows_their_last_digit() -> None:
    for ref in ALL_REFS:
        sector, _, last = parts(ref)
        if sector in ("I", "II") and ref.ref != "I.4.4":
            assert ref.scope == last, ref.ref
    assert CATALOGUE.get("I.4.4").scope == 1


def test_waste_rows_x1_and_x3_are_scope_1_and_x2_is_scope_3() -> None:
    for ref in ALL_REFS:
        sector, _, last = parts(ref)
        if sector == "III":
            assert ref.scope == {1: 1, 2: 3, 3: 1}[last], ref.ref


@pytest.mark.parametrize("ref", ALL_REFS, ids=lambda r: r.ref)
def test_basic_is_scope_1_and_2_of_energy_and_transport_plus_waste_x1_and_x2(ref: ReferenceNumber) -> None:
    assert ref.basic is expected_basic(ref)


@pytest.mark.parametrize("ref", ALL_REFS, ids=lambda r: r.ref)
def test_basic_plus_adds_td_losses_transboundary_transport_ippu_and_afolu(ref: ReferenceNumber) -> None:
    assert ref.basic_plus is expected_basic_plus(ref)


@pytest.mark.parametrize("ref", ALL_REFS, ids=lambda r: r.ref)
def test_territorial_is_every_scope_1_row(ref: ReferenceNumber) -> None:
    assert ref.territorial is (ref.scope == 1)


@pytest.mark.parametrize("ref", ALL_REFS, ids=lambda r: r.ref)
def test_only_vi1_is_other_scope_3_and_it_is_in_no_other_total(ref: ReferenceNumber) -> None:
    assert ref.other_scope3 is (ref.ref == "VI.1")
    if ref.ref == "VI.1":
        assert not (ref.basic or ref.basic_plus or ref.territorial)


@pytest.mark.parametrize("ref", ALL_REFS, ids=lambda r: r.ref)
def test_only_v2_land_allows_negative_values(ref: ReferenceNumber) -> None:
    assert ref.allows_negative is (ref.ref == "V.2")


def test_basic_is_a_subset_of_basic_plus() -> None:
    basic = {r.ref for r in CATALOGUE.refs_in("basic")}
    basic_plus = {r.ref for r in CATALOGUE.refs_in("basic_plus")}
    assert basic < basic_plus
    assert basic_plus - basic == {
        *(f"I.{n}.3" for n in range(1, 7)),
        *(f"II.{m}.3" for m in range(1, 6)),
        "IV.1",
        "IV.2",
        "V.1",
        "V.2",
        "V.3",
    }


def test_grid_generation_i44_is_territorial_but_outside_basic_and_basic_plus() -> None:
    generation = CATALOGUE.get("I.4.4")
    assert generation.is_grid_generation
    assert generation.territorial and not generation.basic and not generation.basic_plus
    assert [r.ref for r in ALL_REFS if r.is_grid_generation] == ["I.4.4"]


def test_refs_in_rejects_a_total_that_does_not_exist() -> None:
    assert set(TOTALS) == {"basic", "basic_plus", "territorial", "other_scope3"}
    with pytest.raises(KeyError):
        CATALOGUE.refs_in("basic_plus_plus")


def test_sector_and_subsector_codes_come_from_the_ref() -> None:
    assert CATALOGUE.get("II.3.2").sector_code == "II"
    assert CATALOGUE.get("II.3.2").subsector_code == "II.3"
    assert CATALOGUE.get("IV.1").subsector_code == "IV.1"
    assert CATALOGUE.scopes_of_subsector("I.4") == [1, 2, 3]
    assert CATALOGUE.scopes_of_subsector("III.2") == [1, 3]


def test_sectors_are_listed_once_in_standard_order() -> None:
    assert CATALOGUE.sectors[0] == "Stationary energy"
    assert CATALOGUE.sectors[1] == "Transportation"
    assert CATALOGUE.sectors[2] == "Waste"
    assert len(CATALOGUE.sectors) == 6


@pytest.mark.parametrize(
    ("spelling", "ref"), [("I.63", "I.6.3"), ("i.63", "I.6.3"), (" ii.1.1 ", "II.1.1"), ("I. 1. 1", "I.1.1")]
)
def test_ref_spellings_seen_in_published_data_are_accepted(spelling: str, ref: str) -> None:
    assert spelling in CATALOGUE
    assert CATALOGUE.get(spelling).ref == ref


def test_the_alias_table_only_points_at_real_refs() -> None:
    assert REF_ALIASES == {"I.63": "I.6.3"}
    for target in REF_ALIASES.values():
        assert target in CATALOGUE


@pytest.mark.parametrize("unknown", ["I.9.1", "II.6.1", "VII.1", "I.1", "I.1.4", "", "1.1.1"])
def test_an_unknown_ref_is_not_in_the_catalogue(unknown: str) -> None:
    assert unknown not in CATALOGUE
    with pytest.raises(KeyError):
        CATALOGUE.get(unknown)


@pytest.mark.parametrize(
    ("text", "keys"),
    [
        ("NO", ("NO",)),
        ("IE", ("IE",)),
        ("NE", ("NE",)),
        ("C", ("C",)),
        ("no", ("NO",)),
        ("NO; IE", ("NO", "IE")),
        ("NO;IE", ("NO", "IE")),
        ("NE; NE", ("NE",)),
        ("IE (II.1.1)", ("IE",)),
        ("IE(II.1.1)", ("IE",)),
        ("NO; IE (I.4)", ("NO", "IE")),
        ("  NE  ", ("NE",)),
    ],
)
def test_valid_notation_keys_parse_into_their_distinct_keys(text: str, keys: tuple[str, ...]) -> None:
    assert parse_notation_key(text) == keys


@pytest.mark.parametrize(
    "text", ["NA", "N/A", "", "   ", "0", "-", "NO; NA", "IE (X.1.1)", "IE (II.1.1.1)", "NO IE", "yes", "NO;"]
)
def test_invalid_notation_keys_are_rejected(text: str) -> None:
    assert parse_notation_key(text) is None


def test_the_notation_key_pattern_is_the_one_in_the_domain_reference() -> None:
    assert NOTATION_KEY_PATTERN.pattern == r"^(NO|IE|NE|C)(\s*;\s*(NO|IE|NE|C))*\s*(\(\s*[IV]+(\.\d+){1,2}\s*\))?$"


def test_the_catalogue_knows_the_four_notation_keys_and_which_need_explaining() -> None:
    keys = CATALOGUE.notation_keys
    assert set(keys) == {"NO", "IE", "NE", "C"}
    assert not keys["NO"].requires_explanation
    assert keys["IE"].requires_explanation and keys["NE"].requires_explanation and keys["C"].requires_explanation


@pytest.mark.parametrize(
    ("codes", "worst"),
    [
        (["H"], "H"),
        (["H", "M"], "M"),
        (["M", "H"], "M"),
        (["H", "L", "M"], "L"),
        (["L", "L"], "L"),
        ([], ""),
        (["", "X"], ""),
        (["H", "", "x"], "H"),
    ],
)
def test_worst_quality_is_the_lowest_rating_present(codes: list[str], worst: str) -> None:
    assert worst_quality(codes) == worst
