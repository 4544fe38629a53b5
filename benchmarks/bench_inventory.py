"""Inventory engine benchmark: synthetic activity rows, the numpy engine against a per-row pint baseline.

Usage::

    .venv/bin/python benchmarks/bench_inventory.py --rows 1000000 [--baseline-rows 20000] [--no-csv]
        [--profile]

Builds ``--rows`` synthetic activity rows over 20 GPC reference numbers, ten activity units (TJ, GJ, MJ, t,
kg, kWh, MWh, 度, therm, mmBtu), bundled library factors (IPCC 2006 by id, by id + fuel, ``tw-grid`` with
and without year) and 50 distinct inline factors, straight into a dictionary-encoded ``RawTable`` (seeded
RNG, every row distinct and valid). It then times:

(a) ``compile_activity``: validation and compilation ("parsing"; excluded from the engine rate),
(b) ``compute_inventory``: the engine (best of ``--repeat``),
(c) a straightforward per-row baseline (one pint Quantity per row and per gas, ``.to('kg')``, × GWP,
    summed per ref) on the first ``--baseline-rows`` rows; its rows/s is extrapolated to N, and its per-ref
    totals are compared with the engine's on the same rows,
(d) with ``--csv`` (default when N <= 1,000,000): the CLI end to end on a CSV of the N rows, as a subprocess
    (``zerocity inventory compute FILE --format json -o out.json``): wall time and the child's peak RSS.

``--profile`` adds cProfile hot spots of ``compile_activity`` (in process) and of the CLI path (a child
process).

A benchmark, not a test: nothing is asserted on time. The last line is always
``rows_per_s=<engine rows/s> speedup_vs_baseline=<x> peak_mb=<MB>`` (peak RSS of this process).
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

from zerocity.core.factors import EmissionFactor, FactorLibrary, bundled_library
from zerocity.core.gpc import gpc_catalogue
from zerocity.core.gwp import gwp_set
from zerocity.core.inventory.compile import compile_activity
from zerocity.core.inventory.compiled import CompiledActivity
from zerocity.core.inventory.conversions import split_factor_unit
from zerocity.core.inventory.engine import compute_inventory
from zerocity.core.inventory.result import InventoryResult
from zerocity.core.table import RawColumn, RawTable
from zerocity.core.units import units

T = TypeVar("T")

YEAR = 2023
GWP = "AR5"
SEED = 20230101
N_INLINE = 50

#: Activity units by kind of factor. Energy factors are per TJ: t and kg bridge through the factor's NCV.
UNITS_BY_KIND = {
    "energy": ("TJ", "GJ", "MJ", "therm", "mmBtu", "t", "kg"),
    "inline": ("TJ", "GJ", "MJ", "therm", "mmBtu"),  # inline factors carry no NCV: energy units only
    "grid": ("kWh", "MWh", "度"),
}
#: Inline factor units, all numerically equal to kg/TJ (g/GJ, t/PJ) so one set of values stays plausible.
INLINE_EF_UNITS = ("kg/TJ", "g/GJ", "t/PJ")

#: (gpc_ref, factor_id or "" for inline factors, fuel cell text or None for the factor's own fuel, kind).
PROFILES: tuple[tuple[str, str, str | None, str], ...] = (
    ("I.1.1", "ipcc2006/residential/natural_gas", None, "energy"),
    ("I.1.1", "ipcc2006/residential", "liquefied_petroleum_gases", "energy"),  # id + fuel shorthand
    ("I.1.1", "ipcc2006/residential/other_kerosene", "煤油", "energy"),  # Chinese fuel name
    ("I.1.1", "ipcc2006/residential/wood_wood_waste", "", "energy"),  # biogenic CO2
    ("I.1.2", "tw-grid:2023", None, "grid"),
    ("I.1.2", "tw-grid", "電力", "grid"),  # year-less series
    ("I.2.1", "ipcc2006/commercial_institutional/natural_gas", None, "energy"),
    ("I.2.1", "ipcc2006/commercial_institutional/gas_diesel_oil", "", "energy"),
    ("I.2.1", "", "", "inline"),
    ("I.2.2", "tw-grid:2023", None, "grid"),
    ("I.3.1", "ipcc2006/manufacturing_construction/other_bituminous_coal", None, "energy"),
    ("I.3.1", "ipcc2006/manufacturing_construction/residual_fuel_oil", None, "energy"),
    ("I.3.1", "ipcc2006/manufacturing_construction/natural_gas", "", "energy"),
    ("I.3.1", "", "", "inline"),
    ("I.3.2", "tw-grid:2023", "", "grid"),
    ("I.4.1", "ipcc2006/energy_industries/gas_diesel_oil", None, "energy"),
    ("I.4.2", "tw-grid", "", "grid"),
    ("I.4.4", "ipcc2006/energy_industries/other_bituminous_coal", None, "energy"),
    ("I.4.4", "ipcc2006/energy_industries/natural_gas", None, "energy"),
    ("I.5.1", "ipcc2006/agriculture/gas_diesel_oil", None, "energy"),
    ("I.5.2", "tw-grid:2023", None, "grid"),
    ("I.6.1", "", "", "inline"),
    ("I.6.2", "tw-grid:2023", None, "grid"),
    ("II.1.1", "ipcc2006/road/gas_diesel_oil", None, "energy"),
    ("II.1.1", "ipcc2006/road/motor_gasoline_oxidation_catalyst", None, "energy"),
    ("II.1.1", "ipcc2006/road/compressed_natural_gas", "", "energy"),
    ("II.1.2", "tw-grid:2023", None, "grid"),
    ("II.2.1", "ipcc2006/rail/gas_diesel_oil", None, "energy"),
    ("II.2.2", "tw-grid:2023", None, "grid"),
    ("II.3.1", "ipcc2006/navigation/residual_fuel_oil", None, "energy"),
    ("II.4.1", "ipcc2006/aviation/jet_kerosene", None, "energy"),
    ("II.5.1", "ipcc2006/off_road/gas_diesel_oil", None, "energy"),
)

COLUMNS = (
    "gpc_ref",
    "activity_value",
    "activity_unit",
    "factor_id",
    "ef_co2",
    "ef_ch4",
    "ef_n2o",
    "ef_unit",
    "year",
    "data_quality",
    "fuel",
    "description",
)


# -- synthetic data ------------------------------------------------------------------------------------------
def _encoded(uniques: list[str], codes: np.ndarray) -> RawColumn:
    assert len(set(uniques)) == len(uniques), "uniques must be distinct"
    return RawColumn(uniques, np.ascontiguousarray(codes, dtype=np.int64))


def _distinct_values(rng: np.random.Generator, n: int) -> list[str]:
    """``n`` distinct activity values as people type them (log-spread, two decimals), in random order."""
    cents = np.empty(0, dtype=np.int64)
    while cents.shape[0] < n:
        draw = np.rint(10.0 ** rng.uniform(0.0, 7.0, size=int(n * 1.05) + 16) * 100).astype(np.int64)
        cents = np.unique(np.concatenate([cents, draw]))
    cents = rng.permutation(cents)[:n]
    return [f"{c // 100}.{c % 100:02d}" for c in cents.tolist()]


def _fuel_text(library: FactorLibrary, factor_id: str, fuel: str | None) -> str:
    if fuel is not None:
        return fuel
    return library.resolve(factor_id, YEAR).fuel


def synthetic_table(n: int, library: FactorLibrary, seed: int = SEED) -> RawTable:
    """``n`` valid, pairwise distinct activity rows, built straight into dictionary-encoded columns."""
    rng = np.random.default_rng(seed)
    profile = rng.integers(0, len(PROFILES), size=n)

    def column_from_profiles(texts: list[str], blank_first: bool = False) -> RawColumn:
        uniques = [""] if blank_first else []
        uniques += [t for t in dict.fromkeys(texts) if t not in uniques]
        per_profile = np.asarray([uniques.index(t) for t in texts], dtype=np.int64)
        return _encoded(uniques, per_profile[profile])

    fuels = [_fuel_text(library, p[1], p[2]) if p[1] else "" for p in PROFILES]
    columns: dict[str, RawColumn] = {
        "gpc_ref": column_from_profiles([p[0] for p in PROFILES]),
        "factor_id": column_from_profiles([p[1] for p in PROFILES], blank_first=True),
        "fuel": column_from_profiles(fuels, blank_first=True),
    }

    unit_uniques = list(dict.fromkeys(u for group in UNITS_BY_KIND.values() for u in group))
    kind_of_profile = np.asarray([list(UNITS_BY_KIND).index(p[3]) for p in PROFILES])[profile]
    unit_codes = np.empty(n, dtype=np.int64)
    for kind, group in enumerate(UNITS_BY_KIND.values()):
        rows = kind_of_profile == kind
        choices = np.asarray([unit_uniques.index(u) for u in group], dtype=np.int64)
        unit_codes[rows] = choices[rng.integers(0, len(group), size=int(rows.sum()))]
    columns["activity_unit"] = _encoded(unit_uniques, unit_codes)

    inline = kind_of_profile == list(UNITS_BY_KIND).index("inline")
    tuple_codes = np.where(inline, rng.integers(0, N_INLINE, size=n) + 1, 0)
    k = np.arange(N_INLINE)
    inline_values = {
        "ef_co2": [f"{v:.1f}" for v in 50_000 + 1_000 * k + rng.uniform(0, 999, N_INLINE)],
        "ef_ch4": [f"{v:.2f}" for v in 1 + 0.5 * k + rng.uniform(0, 0.49, N_INLINE)],
        "ef_n2o": [f"{v:.3f}" for v in 0.1 + 0.1 * k + rng.uniform(0, 0.09, N_INLINE)],
    }
    for name, texts in inline_values.items():
        columns[name] = _encoded(["", *texts], tuple_codes)
    ef_unit_of_tuple = np.concatenate([[0], 1 + k % len(INLINE_EF_UNITS)])
    columns["ef_unit"] = _encoded(["", *INLINE_EF_UNITS], ef_unit_of_tuple[tuple_codes])

    columns["activity_value"] = _encoded(_distinct_values(rng, n), np.arange(n))
    columns["year"] = _encoded([str(YEAR)], np.zeros(n, dtype=np.int64))
    columns["data_quality"] = _encoded(["H", "M", "L"], rng.integers(0, 3, size=n))
    sites = [f"synthetic site {i}" for i in range(1000)]
    columns["description"] = _encoded(sites, rng.integers(0, 1000, size=n))
    ordered = {name: columns[name] for name in COLUMNS}
    return RawTable("synthetic.csv", ordered, COLUMNS, np.arange(2, n + 2, dtype=np.int64))


def raw_row(raw: RawTable, codes: dict[str, list[int]], i: int) -> dict[str, str]:
    return {name: raw.columns[name].uniques[codes[name][i]] for name in COLUMNS}


# -- the per-row pint baseline -------------------------------------------------------------------------------
def baseline(raw: RawTable, n_rows: int, library: FactorLibrary) -> tuple[dict[str, float], float]:
    """Per-ref t CO2e of the first ``n_rows`` rows, one row at a time with pint Quantities; and the seconds.

    Unit strings go through ZeroCity's cached parser (pint alone cannot read ``度``); everything else is per
    row: a Quantity for the activity, an NCV bridge for mass units, a Quantity per gas factor, ``.to('kg')``.
    """
    system = units()
    quantity = system.registry.Quantity
    gwp = gwp_set(GWP)
    weight = {"CO2e": 1.0, "CO2_biogenic": 0.0, "CO2": gwp["CO2"], "CH4": gwp["CH4"], "N2O": gwp["N2O"]}
    kg = system.parse("kg")
    codes = {name: raw.columns[name].codes[:n_rows].tolist() for name in COLUMNS}
    totals: dict[str, float] = {}
    start = time.perf_counter()
    for i in range(n_rows):
        row = raw_row(raw, codes, i)
        activity = quantity(float(row["activity_value"]), system.parse(row["activity_unit"]))
        gases: dict[str, float]
        if row["factor_id"]:
            factor: EmissionFactor = library.resolve(row["factor_id"], YEAR, row["fuel"])
            gases, factor_unit, per_unit = dict(factor.gases), factor.unit_text, factor.activity_unit
            if activity.dimensionality != system.parse(per_unit).dimensionality:
                assert factor.ncv is not None, f"row {i}: no NCV to bridge {row['activity_unit']}"
                activity = activity * quantity(factor.ncv, system.parse(factor.ncv_unit))
        else:
            gases = {
                gas: float(row[column])
                for column, gas in (("ef_co2", "CO2"), ("ef_ch4", "CH4"), ("ef_n2o", "N2O"))
                if row[column]
            }
            factor_unit = row["ef_unit"]
            split_factor_unit(factor_unit)
        co2e_kg = 0.0
        for gas, value in gases.items():
            emitted = (activity * quantity(value, system.parse(factor_unit))).to(kg)
            co2e_kg += emitted.magnitude * weight[gas]
        totals[row["gpc_ref"]] = totals.get(row["gpc_ref"], 0.0) + co2e_kg / 1000.0
    return totals, time.perf_counter() - start


# -- helpers -------------------------------------------------------------------------------------------------
def best_of(repeat: int, action: Callable[[], T]) -> tuple[T, float, list[float]]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = action()
        times.append(time.perf_counter() - start)
    assert result is not None
    return result, min(times), times


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def engine_ref_totals(result: InventoryResult, n_rows: int) -> dict[str, float]:
    compiled = result.compiled
    refs = gpc_catalogue().refs
    first = compiled.positions < n_rows
    sums = np.bincount(compiled.ref_index[first], weights=result.row_co2e_t[first], minlength=len(refs))
    return {refs[i].ref: float(sums[i]) for i in np.flatnonzero(np.bincount(compiled.ref_index[first]))}


def max_relative_difference(a: dict[str, float], b: dict[str, float]) -> float:
    worst = 0.0
    for key in set(a) | set(b):
        x, y = a.get(key, 0.0), b.get(key, 0.0)
        scale = max(abs(x), abs(y))
        if scale:
            worst = max(worst, abs(x - y) / scale)
    return worst


def write_csv(raw: RawTable, path: Path) -> None:
    import pandas as pd

    data = {}
    for name in COLUMNS:
        column = raw.columns[name]
        data[name] = np.asarray(column.uniques, dtype=object)[column.codes]
    frame = pd.DataFrame(data)
    frame.to_csv(path, index=False, encoding="utf-8", lineterminator="\n")


def cli_command(csv_path: Path, out_path: Path) -> list[str]:
    executable = Path(sys.executable).parent / "zerocity"
    args = ["inventory", "compute", str(csv_path), "--format", "json", "-o", str(out_path)]
    if executable.exists():
        return [str(executable), *args]
    return [sys.executable, "-c", "from zerocity.cli import main; main()", *args]


def print_hot_spots(stats: pstats.Stats, title: str, top: int) -> None:
    entries: dict[Any, Any] = stats.stats  # type: ignore[attr-defined]
    roots = [str(Path(p).resolve()) for p in sys.path if p and Path(p).is_dir()]

    def where(key: tuple[str, int, str]) -> str:
        path, line, name = key
        for root in sorted(roots, key=len, reverse=True):
            if path.startswith(root + os.sep):
                path = path[len(root) + 1 :]
                break
        return f"{name}  {path}:{line}"

    for order, label in ((2, "tottime (own time)"), (3, "cumtime (with callees)")):
        print(f"  {title}: top {top} by {label}")
        print(f"    {'calls':>10} {'tottime s':>10} {'cumtime s':>10}  function  file:line")
        ranked = sorted(entries.items(), key=lambda item: item[1][order], reverse=True)[:top]
        for key, (_cc, calls, tottime, cumtime, _callers) in ranked:
            print(f"    {calls:>10} {tottime:>10.3f} {cumtime:>10.3f}  {where(key)}")


def profile_compile(raw: RawTable, library: FactorLibrary, top: int) -> None:
    print("profile (cProfile) of compile_activity, in process:")
    profiler = cProfile.Profile()
    profiler.enable()
    compile_activity(raw, library)
    profiler.disable()
    print_hot_spots(pstats.Stats(profiler), "compile_activity", top)


def profile_cli(csv_path: Path, out_path: Path, top: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        stats_file = Path(tmp) / "cli.prof"
        code = (
            "import cProfile, sys\n"
            "sys.argv = ['zerocity', *sys.argv[1:]]\n"
            f"cProfile.run('from zerocity.cli import main; main()', {str(stats_file)!r})\n"
        )
        args = ["inventory", "compute", str(csv_path), "--format", "json", "-o", str(out_path)]
        start = time.perf_counter()
        command = [sys.executable, "-c", code, *args]
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        wall = time.perf_counter() - start
        if done.returncode != 0 or not stats_file.exists():
            print(f"  CLI profile failed (exit {done.returncode}): {done.stderr.strip()[-2000:]}")
            return
        print(f"profile (cProfile) of the CLI path in a child process: {wall:.2f} s wall with profiler")
        print_hot_spots(pstats.Stats(str(stats_file)), "CLI path", top)


# -- main ----------------------------------------------------------------------------------------------------
def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="synthetic activity rows")
    parser.add_argument("--baseline-rows", type=int, default=20_000, help="rows for the slow pint baseline")
    parser.add_argument("--repeat", type=int, default=3, help="runs of compile and engine; the best is kept")
    parser.add_argument(
        "--csv",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="time the CLI end to end on a CSV of the rows (default: on when rows <= 1,000,000)",
    )
    parser.add_argument("--profile", action="store_true", help="cProfile compile_activity and the CLI path")
    parser.add_argument("--top", type=int, default=15, help="hot spots to list per profile")
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args(argv)
    n = args.rows
    run_csv = args.csv if args.csv is not None else n <= 1_000_000
    n_base = min(args.baseline_rows, n)

    library = bundled_library()
    units().parse("kg")  # build the unit registry outside every timing
    print(f"ZeroCity inventory benchmark: N={n:,}, baseline rows {n_base:,}, seed {args.seed}, GWP {GWP}")
    print(f"python {sys.version.split()[0]}, numpy {np.__version__}, {os.cpu_count()} CPU(s)")

    start = time.perf_counter()
    raw = synthetic_table(n, library, args.seed)
    build_s = time.perf_counter() - start
    distinct = {name: len(col.uniques) for name, col in raw.columns.items()}
    print(f"synthetic table built in {build_s:.2f} s; distinct values per column: {distinct}")

    compiled, compile_s, compile_times = best_of(
        args.repeat, lambda: compile_activity(raw, library, inventory_year=None, city=None)
    )
    assert isinstance(compiled, CompiledActivity)
    assert compiled.n_rows == n, f"compiled {compiled.n_rows} of {n} rows"
    print(
        f"(a) compile_activity (validation, parsing): best {compile_s:.3f} s of {len(compile_times)} "
        f"[{', '.join(f'{t:.3f}' for t in compile_times)}] = {n / compile_s:,.0f} rows/s; "
        f"{len(compiled.conversions)} conversions, {len(compiled.warnings)} warning(s)"
    )

    result, engine_s, engine_times = best_of(args.repeat, lambda: compute_inventory(compiled, GWP))
    engine_rate = n / engine_s
    print(
        f"(b) compute_inventory (engine): best {engine_s * 1000:.1f} ms of {len(engine_times)} "
        f"[{', '.join(f'{t * 1000:.1f}' for t in engine_times)}] = {engine_rate:,.0f} rows/s; "
        f"BASIC {result.total('basic'):,.1f} t CO2e"
    )
    both_rate = n / (compile_s + engine_s)
    print(f"    compile + engine: {compile_s + engine_s:.3f} s = {both_rate:,.0f} rows/s")

    base_totals, base_s = baseline(raw, n_base, library)
    base_rate = n_base / base_s
    speedup = engine_rate / base_rate
    difference = max_relative_difference(base_totals, engine_ref_totals(result, n_base))
    print(
        f"(c) per-row pint baseline: {n_base:,} rows in {base_s:.2f} s = {base_rate:,.0f} rows/s "
        f"(extrapolated to N={n:,}: {n / base_rate:,.1f} s)"
    )
    overall = both_rate / base_rate
    print(f"    speedup (extrapolated): engine {speedup:,.1f}x; compile + engine {overall:,.1f}x")
    print(f"    baseline vs engine, per-ref t CO2e on those rows: max relative difference {difference:.2e}")

    if run_csv:
        with tempfile.TemporaryDirectory(prefix="zerocity-bench-") as tmp:
            csv_path, out_path = Path(tmp) / "activity.csv", Path(tmp) / "out.json"
            start = time.perf_counter()
            write_csv(raw, csv_path)
            print(
                f"(d) wrote {csv_path.stat().st_size / 1e6:,.1f} MB CSV of {n:,} rows in "
                f"{time.perf_counter() - start:.2f} s"
            )
            command = cli_command(csv_path, out_path)
            start = time.perf_counter()
            done = subprocess.run(command, capture_output=True, text=True, check=False)
            cli_s = time.perf_counter() - start
            child_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024.0
            if done.returncode != 0:
                tail = done.stderr.strip()[-2000:]
                print(f"    CLI FAILED (exit {done.returncode}) after {cli_s:.2f} s: {tail}")
            else:
                summary = json.loads(out_path.read_text(encoding="utf-8"))
                cli_refs = {ref: v["tco2e"] for ref, v in summary["by_ref"].items() if v["tco2e"] is not None}
                cli_difference = max_relative_difference(cli_refs, engine_ref_totals(result, n))
                print(
                    f"    CLI end to end ({Path(command[0]).name} inventory compute --format json -o): "
                    f"{cli_s:.2f} s wall = {n / cli_s:,.0f} rows/s, child peak RSS {child_mb:,.0f} MB; "
                    f"rows {summary['rows']:,}; per-ref t CO2e vs in-process engine: "
                    f"max rel diff {cli_difference:.2e}"
                )
            start = time.perf_counter()
            subprocess.run([sys.executable, "-c", "import zerocity.cli"], check=False)
            print(
                f"    of which interpreter start + imports (python -c 'import zerocity.cli'): "
                f"{time.perf_counter() - start:.2f} s"
                + (
                    " [PYTHONDONTWRITEBYTECODE is set: no .pyc cache]"
                    if os.environ.get("PYTHONDONTWRITEBYTECODE")
                    else ""
                )
            )
            if args.profile:
                profile_compile(raw, library, args.top)
                profile_cli(csv_path, out_path, args.top)
    elif args.profile:
        profile_compile(raw, library, args.top)

    print(f"rows_per_s={engine_rate:.0f} speedup_vs_baseline={speedup:.1f} peak_mb={peak_mb():.1f}")


if __name__ == "__main__":
    main()
