"""Solid waste methods (GPC v1.1 chapter 8; IPCC 2006 Guidelines Vol. 5 chapters 2-5).

Each method turns one row's ``key=value`` parameters into kg of each gas per tonne of waste. The activity is
the tonnes the city generated and sent to that treatment (emissions follow the generating city, GPC ch. 8).
Default parameters are read from ``factors/ipcc2006_waste.csv``; a value the user gives overrides its default,
and the explanation line says which was used.

Composition shares are wet-mass shares keyed by the IPCC Table 2.4 components (``food``, ``garden``,
``paper``, ``wood``, ``textiles``, ``nappies``, ``rubber_leather``, ``industrial``, ``plastics``, ``metal``,
``glass``, ``inert``). They may sum to less than 1: the remainder is counted as carrying no degradable or
fossil carbon, and the explanation shows how large it is.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from zerocity.core.datafiles import read_bundled_csv
from zerocity.core.errors import MethodParameterError
from zerocity.core.methods.base import MethodFactors, MethodFunction, MethodParams

WASTE_DEFAULTS_FILE = "factors/ipcc2006_waste.csv"

# Molar-mass ratios and unit steps: chemistry and arithmetic, not emission factors.
CH4_PER_C = 16 / 12
CO2_PER_C = 44 / 12
KG_PER_T = 1000.0
T_PER_GG = 1000.0
G_PER_KG = 1000.0
#: Shares are fractions; a sum above 1 by more than float rounding is an input error.
SHARE_SUM_TOLERANCE = 1e-9
#: Recovery (flaring, energy use) is zero unless the row states it: not a default factor, the absence of one.
NO_RECOVERY = 0.0


# --- reference data -----------------------------------------------------------------------------------------


@cache
def _defaults_table() -> dict[str, dict[str, float]]:
    table: dict[str, dict[str, float]] = {}
    for row in read_bundled_csv(WASTE_DEFAULTS_FILE):
        table.setdefault(row["parameter"], {})[row["key"]] = float(row["value"])
    return table


def waste_default(parameter: str, key: str) -> float:
    """One default from the IPCC 2006 waste data file, e.g. ``waste_default("docf", "default")``."""
    return _defaults_table()[parameter][key]


def waste_default_keys(parameter: str) -> tuple[str, ...]:
    """The keys a parameter has in the data file, in file order (e.g. the MCF site types)."""
    return tuple(_defaults_table()[parameter])


# --- parameter helpers shared by the waste and wastewater methods ------------------------------------------


def fraction(params: MethodParams, key: str, default: float | None = None) -> float:
    """A value between 0 and 1 inclusive."""
    return params.number(key, default, minimum=0.0, maximum=1.0)


def choice(params: MethodParams, key: str, options: Iterable[str], default: str | None = None) -> str:
    """A word from a closed list (case-insensitive)."""
    allowed = tuple(options)
    value = params.text(key, default).lower()
    if value not in allowed:
        raise MethodParameterError(key, f"must be one of {', '.join(allowed)}, got {value!r}")
    return value


def yes_no(params: MethodParams, key: str, default: str) -> bool:
    return choice(params, key, ("yes", "no"), default) == "yes"


def either(params: MethodParams, first: str, second: str) -> str | None:
    """Which of two alternative keys the row gives (``mcf=`` or ``site=``); giving both is an error."""
    if params.has(first) and params.has(second):
        raise MethodParameterError(second, f"give {first}= or {second}=, not both")
    if params.has(first):
        return first
    return second if params.has(second) else None


def shown(params: MethodParams, key: str, value: float) -> str:
    """A value for the explanation line, marked when it is the data file's default."""
    return f"{value:g}" if params.has(key) else f"{value:g} (default)"


def _composition(params: MethodParams) -> dict[str, float]:
    """Wet-mass shares of the Table 2.4 components the row names, validated to sum to at most 1."""
    shares = {c: fraction(params, c) for c in waste_default_keys("doc") if params.has(c)}
    total = sum(shares.values())
    if total > 1 + SHARE_SUM_TOLERANCE:
        raise MethodParameterError("composition", f"shares sum to {total:g}, more than 1")
    return shares


def _describe_shares(shares: dict[str, float]) -> str:
    remainder = max(0.0, 1 - sum(shares.values()))
    parts = [f"{c} {s:g}" for c, s in shares.items()]
    if remainder > SHARE_SUM_TOLERANCE:
        parts.append(f"rest {remainder:g} without carbon")
    return ", ".join(parts)


# --- landfill (solid waste disposal) ------------------------------------------------------------------------


@dataclass(frozen=True)
class _Landfill:
    """Site parameters common to methane commitment and first-order decay."""

    mcf: float
    docf: float
    f: float
    f_rec: float
    ox: float
    description: str

    def ch4_per_decomposed_c(self) -> float:
        """kg CH4 emitted per kg of degradable carbon that decomposes: F × 16/12 × (1 − f_rec) × (1 − OX)."""
        return self.f * CH4_PER_C * (1 - self.f_rec) * (1 - self.ox)


def _landfill_site(params: MethodParams) -> _Landfill:
    # MCF changes the result by a factor of 2.5 across site types, so it has no silent default.
    match either(params, "mcf", "site"):
        case "mcf":
            mcf = fraction(params, "mcf")
            mcf_text = f"{mcf:g}"
        case "site":
            site = choice(params, "site", waste_default_keys("mcf_landfill"))
            mcf = waste_default("mcf_landfill", site)
            mcf_text = f"{mcf:g} ({site})"
        case _:
            sites = ", ".join(waste_default_keys("mcf_landfill"))
            raise MethodParameterError("mcf", f"required: give mcf= (0..1) or site= ({sites})")
    docf = fraction(params, "docf", waste_default("docf", "default"))
    f = fraction(params, "f", waste_default("f", "default"))
    f_rec = fraction(params, "f_rec", NO_RECOVERY)
    ox = fraction(params, "ox", waste_default("ox", "other"))
    description = (
        f"MCF {mcf_text}, DOCf {shown(params, 'docf', docf)}, F {shown(params, 'f', f)}, "
        f"recovered {f_rec:g}, OX {shown(params, 'ox', ox)}"
    )
    return _Landfill(mcf=mcf, docf=docf, f=f, f_rec=f_rec, ox=ox, description=description)


def _degradable_carbon(params: MethodParams) -> tuple[dict[str, float], str]:
    """t DOC per t wet waste by component (GPC Eq. 8.1), or ``{"bulk": doc}`` when the row gives ``doc=``."""
    shares = _composition(params)
    if params.has("doc"):
        if shares:
            raise MethodParameterError("doc", "give doc= or composition shares, not both")
        doc = fraction(params, "doc")
        return {"bulk": doc}, f"DOC {doc:g}"
    if not shares:
        raise MethodParameterError("doc", "required: give doc= or composition shares (food=, paper=, …)")
    by_component = {c: s * waste_default("doc", c) for c, s in shares.items() if waste_default("doc", c) > 0}
    return by_component, f"DOC {sum(by_component.values()):g} from {_describe_shares(shares)}"


def landfill_mc(params: MethodParams, inventory_year: int) -> MethodFactors:
    """Landfill CH4 by methane commitment (GPC v1.1 Eq. 8.1, 8.3, 8.4).

    All the CH4 that the year's waste will ever release is booked in the year it is landfilled:
    ``CH4 = W × MCF × DOC × DOCf × F × 16/12 × (1 − f_rec) × (1 − OX)``. GPC allows this simpler method for
    cities without decades of disposal history; its totals are not comparable with first-order decay.

    Parameters: composition shares or ``doc=``; ``mcf=`` or ``site=``; optional ``docf=``, ``f=``, ``ox=``,
    ``f_rec=`` (fraction of generated CH4 recovered).
    """
    carbon, carbon_text = _degradable_carbon(params)
    site = _landfill_site(params)
    params.check_all_used()
    decomposable_c_kg_per_t = KG_PER_T * sum(carbon.values()) * site.docf * site.mcf
    ch4 = decomposable_c_kg_per_t * site.ch4_per_decomposed_c()
    return MethodFactors(
        equation="GPC v1.1 Eq. 8.1, 8.3, 8.4 (methane commitment)",
        explanation=f"Methane commitment: {carbon_text}; {site.description} → {ch4:g} kg CH4/t",
        activity_unit="t",
        kg_per_unit={"CH4": ch4},
    )


def _decay_rates(params: MethodParams, components: Iterable[str]) -> tuple[dict[str, float], str]:
    """k per component: one ``k=`` for all, or IPCC Table 3.3 by ``climate=``.

    Table 3.3 has rates for food, garden, paper, textiles, wood and bulk MSW. Nappies, rubber/leather and
    industrial waste have none of their own, so they take the bulk rate, as does a row that gives ``doc=``.
    """
    climates = tuple(p.removeprefix("k_") for p in _defaults_table() if p.startswith("k_"))
    match either(params, "k", "climate"):
        case "k":
            k = params.number("k", minimum=0.0)
            if k == 0:
                raise MethodParameterError("k", "must be more than 0")
            return dict.fromkeys(components, k), f"k {k:g}/yr"
        case "climate":
            climate = choice(params, "climate", climates)
            table = _defaults_table()[f"k_{climate}"]
            rates = {c: table.get(c, table["bulk"]) for c in components}
            listed = ", ".join(f"{c} {k:g}" for c, k in rates.items())
            return rates, f"k/yr {listed} ({climate})"
        case _:
            raise MethodParameterError("k", f"required: give k= (1/yr) or climate= ({', '.join(climates)})")


def _share_decomposing(k: float, years_after_deposit: int) -> float:
    """Fraction of a deposit's decomposable carbon that decomposes in its n-th year after deposit.

    Carbon deposited in year d starts to decay in d+1 (IPCC Eq. 3.4, 3.5 without the six-month delay option),
    so year n ≥ 1 takes ``e^(−k(n−1)) × (1 − e^(−k))`` and the shares over all years sum to 1.
    """
    if years_after_deposit < 1:
        return 0.0
    return math.exp(-k * (years_after_deposit - 1)) * -math.expm1(-k)


def landfill_fod(params: MethodParams, inventory_year: int) -> MethodFactors:
    """Landfill CH4 in the inventory year from one year's deposit, by first-order decay (IPCC 2006 Vol. 5
    Ch. 3 Eq. 3.1, 3.2, 3.4-3.6).

    The activity is the tonnes deposited in ``deposit_year=``; the result is the CH4 that deposit emits in the
    inventory year T: ``DDOCm = W × DOC × DOCf × MCF``, decomposed in T =
    ``DDOCm × e^(−k(T−d−1)) × (1 − e^(−k))`` for T > d and 0 in the deposit year itself (decay starts the year
    after deposit, as in the IPCC waste model without the delay-month option), and
    ``CH4 = decomposed × F × 16/12 × (1 − f_rec) × (1 − OX)``. Rows are linear in W, so one row per historical
    deposit year sums to the site's FOD total; over all years a deposit releases exactly its methane
    commitment. With a composition, each component decays at its own k.

    Parameters: ``deposit_year=``; composition shares or ``doc=``; ``k=`` or ``climate=``; ``mcf=`` or
    ``site=``; optional ``docf=``, ``f=``, ``ox=``, ``f_rec=``.
    """
    deposit_year_value = params.number("deposit_year")
    if not deposit_year_value.is_integer():
        raise MethodParameterError("deposit_year", f"must be a whole year, got {deposit_year_value:g}")
    deposit_year = int(deposit_year_value)
    if deposit_year > inventory_year:
        raise MethodParameterError("deposit_year", f"{deposit_year} is after inventory year {inventory_year}")
    carbon, carbon_text = _degradable_carbon(params)
    rates, rates_text = _decay_rates(params, carbon)
    site = _landfill_site(params)
    params.check_all_used()
    years_after = inventory_year - deposit_year
    decomposed_c_kg_per_t = sum(
        KG_PER_T * doc * site.docf * site.mcf * _share_decomposing(rates[c], years_after) for c, doc in carbon.items()
    )
    ch4 = decomposed_c_kg_per_t * site.ch4_per_decomposed_c()
    return MethodFactors(
        equation="IPCC 2006 Vol.5 Ch.3 Eq. 3.1, 3.2, 3.4-3.6 (first-order decay)",
        explanation=(
            f"First-order decay (not comparable with methane commitment): deposit {deposit_year}, "
            f"inventory {inventory_year} (decay year {years_after}); {carbon_text}; {rates_text}; "
            f"{site.description} → {ch4:g} kg CH4/t deposited"
        ),
        activity_unit="t",
        kg_per_unit={"CH4": ch4},
    )


# --- biological treatment -----------------------------------------------------------------------------------


def biological(params: MethodParams, inventory_year: int) -> MethodFactors:
    """Composting and anaerobic digestion (GPC v1.1 Eq. 8.5; IPCC 2006 Vol. 5 Ch. 4 Eq. 4.1, 4.2, Table 4.1).

    ``CH4 = m × EF_CH4 × (1 − f_rec)``, ``N2O = m × EF_N2O``. EFs are g per kg treated, which equals kg per t.
    Composting always yields N2O as well as CH4; Table 4.1 takes anaerobic digestion N2O as negligible.

    Parameters: ``treatment=composting|anaerobic_digestion``; optional ``basis=wet|dry`` (default wet: the
    activity is tonnes on that basis), ``ef_ch4=``, ``ef_n2o=`` (g/kg) and ``f_rec=`` (CH4 recovered).
    """
    treatments = tuple(dict.fromkeys(k.rsplit("_", 1)[0] for k in waste_default_keys("bio_ch4")))
    treatment = choice(params, "treatment", treatments)
    basis = choice(params, "basis", ("wet", "dry"), "wet")
    ef_ch4 = params.number("ef_ch4", waste_default("bio_ch4", f"{treatment}_{basis}"), minimum=0.0)
    ef_n2o = params.number("ef_n2o", waste_default("bio_n2o", f"{treatment}_{basis}"), minimum=0.0)
    f_rec = fraction(params, "f_rec", NO_RECOVERY)
    params.check_all_used()
    ch4 = ef_ch4 * (1 - f_rec)
    return MethodFactors(
        equation="GPC v1.1 Eq. 8.5; IPCC 2006 Vol.5 Ch.4 Eq. 4.1, 4.2",
        explanation=(
            f"{treatment.replace('_', ' ').capitalize()}, per t {basis} waste: CH4 g/kg "
            f"{shown(params, 'ef_ch4', ef_ch4)}, recovered {f_rec:g}; "
            f"N2O g/kg {shown(params, 'ef_n2o', ef_n2o)} → {ch4:g} kg CH4/t, {ef_n2o:g} kg N2O/t"
        ),
        activity_unit="t",
        kg_per_unit={"CH4": ch4, "N2O": ef_n2o},
    )


# --- incineration and open burning --------------------------------------------------------------------------


def _combustion_co2(params: MethodParams, oxidised: float, *, dry_shares: bool) -> tuple[float, float, str]:
    """kg fossil and kg biogenic CO2 per t burnt (IPCC 2006 Vol. 5 Eq. 5.2, by Table 2.4 component).

    ``CO2 = Σ share × dm × CF × FCF × OF × 44/12``; the non-fossil part ``(1 − FCF)`` is CO2(b). With
    ``dry_shares`` the activity is dry tonnes and the shares are dry-mass shares, so dm is not applied again.
    Metal, glass and inert carry no carbon here; a carbon-bearing component without carbon data is an error
    rather than a silent zero.
    """
    shares = _composition(params)
    carbon_data = waste_default_keys("cf")
    fossil_c = biogenic_c = 0.0
    for component, share in shares.items():
        if component not in carbon_data:
            if waste_default("doc", component) > 0:
                raise MethodParameterError(component, "no default carbon content; enter it as its own row")
            continue
        dry_matter = 1.0 if dry_shares else waste_default("dm", component)
        carbon = share * dry_matter * waste_default("cf", component) * oxidised
        fossil_share = waste_default("fcf", component)
        fossil_c += carbon * fossil_share
        biogenic_c += carbon * (1 - fossil_share)
    if shares:
        basis = "dry" if dry_shares else "wet"
        text = f"{basis} composition {_describe_shares(shares)}, OF {shown(params, 'of', oxidised)}"
    else:
        text = "no composition given, so no CO2 (fossil or biogenic) is estimated"
    return KG_PER_T * fossil_c * CO2_PER_C, KG_PER_T * biogenic_c * CO2_PER_C, text


def incineration(params: MethodParams, inventory_year: int) -> MethodFactors:
    """Incineration of solid waste (IPCC 2006 Vol. 5 Ch. 5 Eq. 5.1/5.2, 5.4, 5.5).

    Fossil CO2 from the composition's fossil carbon, CO2(b) from the rest; CH4 from Table 5.3 (kg per Gg wet
    waste) and N2O from Table 5.6 (g per t wet waste). Pitfall: 1,000 t at 50 g/t is 50 kg N2O, not 50 t.
    Without a composition the CO2 terms are 0 and the explanation says so.

    Parameters: ``technology=continuous|semi_continuous|batch``; optional wet composition shares and ``of=``.
    """
    technologies = tuple(t for t in waste_default_keys("incin_ch4") if t != "open_burning")
    technology = choice(params, "technology", technologies)
    oxidised = fraction(params, "of", waste_default("of", "incineration"))
    fossil_co2, biogenic_co2, co2_text = _combustion_co2(params, oxidised, dry_shares=False)
    params.check_all_used()
    ch4 = waste_default("incin_ch4", technology) / T_PER_GG
    n2o = waste_default("incin_n2o", technology) / G_PER_KG
    return MethodFactors(
        equation="IPCC 2006 Vol.5 Ch.5 Eq. 5.1 (by component as 5.2), 5.4, 5.5",
        explanation=(
            f"Incineration ({technology}), per t wet waste: {co2_text}; CH4 {ch4 * T_PER_GG:g} kg/Gg, "
            f"N2O {n2o * G_PER_KG:g} g/t → {fossil_co2:g} kg CO2, {biogenic_co2:g} kg CO2(b), "
            f"{ch4:g} kg CH4, {n2o:g} kg N2O"
        ),
        activity_unit="t",
        kg_per_unit={"CO2": fossil_co2, "CO2_biogenic": biogenic_co2, "CH4": ch4, "N2O": n2o},
    )


def _dry_tonnes_per_unit(params: MethodParams) -> tuple[float, str]:
    """Dry tonnes per unit of activity: 1 with ``basis=dry``, else the row's ``dry_matter=`` fraction."""
    if not params.has("basis") and not params.has("dry_matter"):
        raise MethodParameterError("basis", "required: EFs are per dry t; give basis=dry or dry_matter=")
    basis = choice(params, "basis", ("wet", "dry"), "wet")
    if basis == "dry":
        if params.has("dry_matter"):
            raise MethodParameterError("dry_matter", "only used with wet tonnes; basis=dry needs none")
        return 1.0, "dry"
    if not params.has("dry_matter"):
        raise MethodParameterError("dry_matter", "required with wet tonnes: open-burning EFs are per dry t")
    dry_matter = fraction(params, "dry_matter")
    return dry_matter, f"wet (dry matter {dry_matter:g})"


def open_burning(params: MethodParams, inventory_year: int) -> MethodFactors:
    """Open burning of waste (IPCC 2006 Vol. 5 Ch. 5 Eq. 5.2, 5.4, 5.5; OF Table 5.2, EFs Section 5.4).

    As incineration, with the open-burning oxidation factor and EFs. The CH4 and N2O defaults are per dry
    tonne, so the row must say ``basis=dry`` (activity in dry tonnes, composition shares read as dry shares)
    or give ``dry_matter=`` (activity in wet tonnes, EFs scaled by that dry fraction, composition as wet
    shares with Table 2.4 dm). Guessing either way would shift CH4 and N2O by the water content.

    Parameters: ``basis=dry`` or ``dry_matter=``; optional composition shares and ``of=``.
    """
    dry_t_per_unit, basis_text = _dry_tonnes_per_unit(params)
    oxidised = fraction(params, "of", waste_default("of", "open_burning"))
    dry_shares = not params.has("dry_matter")
    fossil_co2, biogenic_co2, co2_text = _combustion_co2(params, oxidised, dry_shares=dry_shares)
    params.check_all_used()
    ch4_kg_per_dry_t = waste_default("incin_ch4", "open_burning") / T_PER_GG
    n2o_kg_per_dry_t = waste_default("incin_n2o", "open_burning") / G_PER_KG
    ch4 = ch4_kg_per_dry_t * dry_t_per_unit
    n2o = n2o_kg_per_dry_t * dry_t_per_unit
    return MethodFactors(
        equation="IPCC 2006 Vol.5 Ch.5 Eq. 5.2, 5.4, 5.5 (open burning)",
        explanation=(
            f"Open burning, per t {basis_text}: {co2_text}; CH4 {ch4_kg_per_dry_t * T_PER_GG:g} kg/Gg dry, "
            f"N2O {n2o_kg_per_dry_t * G_PER_KG:g} g/t dry → {fossil_co2:g} kg CO2, "
            f"{biogenic_co2:g} kg CO2(b), {ch4:g} kg CH4, {n2o:g} kg N2O"
        ),
        activity_unit="t",
        kg_per_unit={"CO2": fossil_co2, "CO2_biogenic": biogenic_co2, "CH4": ch4, "N2O": n2o},
    )


WASTE_METHODS: dict[str, MethodFunction] = {
    "landfill_mc": landfill_mc,
    "landfill_fod": landfill_fod,
    "biological": biological,
    "incineration": incineration,
    "open_burning": open_burning,
}
