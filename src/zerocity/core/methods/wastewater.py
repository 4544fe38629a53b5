"""Domestic wastewater methods (IPCC 2006 Guidelines Vol. 5 chapter 6; GPC v1.1 chapter 8).

The activity is the number of persons whose wastewater follows one treatment or discharge pathway, so IPCC's
``U_i × T_ij`` population split is done by the rows, one row per pathway. Defaults are read from
``factors/ipcc2006_waste.csv``; the 2019 Refinement changes several of them, so the explanation records each
value used.
"""

from __future__ import annotations

from zerocity.core.errors import MethodParameterError
from zerocity.core.methods.base import MethodFactors, MethodFunction, MethodParams
from zerocity.core.methods.waste import (
    G_PER_KG,
    NO_RECOVERY,
    choice,
    either,
    fraction,
    shown,
    waste_default,
    waste_default_keys,
    yes_no,
)

DAYS_PER_YEAR = 365  # IPCC Eq. 6.3 counts 365 days
N2O_PER_N = 44 / 28  # molar-mass ratio N2O / N2O-N
#: Nitrogen removed with sludge is zero unless the row states it (absence of removal, not a default factor).
NO_SLUDGE_REMOVAL = 0.0


def _bod_g_per_person_day(params: MethodParams) -> tuple[float, str]:
    match either(params, "bod", "region"):
        case "bod":
            bod = params.number("bod", minimum=0.0)
            return bod, f"BOD {bod:g} g/person/day"
        case "region":
            region = choice(params, "region", waste_default_keys("bod"))
            bod = waste_default("bod", region)
            return bod, f"BOD {bod:g} g/person/day ({region})"
        case _:
            regions = ", ".join(waste_default_keys("bod"))
            raise MethodParameterError("bod", f"required: give bod= (g/person/day) or region= ({regions})")


def _industry_factor(params: MethodParams) -> tuple[float, str]:
    # I changes TOW by 25 %, so whether industry discharges into the same sewer must be stated.
    match either(params, "i", "collected_with_industry"):
        case "i":
            i = params.number("i", minimum=1.0)
            return i, f"I {i:g}"
        case "collected_with_industry":
            collected = yes_no(params, "collected_with_industry", "no")
            key = "collected_with_industry" if collected else "uncollected"
            return waste_default("i_factor", key), f"I {waste_default('i_factor', key):g} ({key})"
        case _:
            raise MethodParameterError("i", "required: give i= or collected_with_industry=yes|no")


def _wastewater_mcf(params: MethodParams) -> tuple[float, str]:
    match either(params, "mcf", "pathway"):
        case "mcf":
            mcf = fraction(params, "mcf")
            return mcf, f"MCF {mcf:g}"
        case "pathway":
            pathway = choice(params, "pathway", waste_default_keys("mcf_wastewater"))
            mcf = waste_default("mcf_wastewater", pathway)
            return mcf, f"MCF {mcf:g} ({pathway})"
        case _:
            pathways = ", ".join(waste_default_keys("mcf_wastewater"))
            raise MethodParameterError("mcf", f"required: give mcf= (0..1) or pathway= ({pathways})")


def wastewater_ch4(params: MethodParams, inventory_year: int) -> MethodFactors:
    """CH4 from domestic wastewater per person served (IPCC 2006 Vol. 5 Ch. 6 Eq. 6.1-6.3).

    ``TOW = BOD × 0.001 × 365 × I`` kg BOD/person/yr (Eq. 6.3), ``EF = B0 × MCF`` (Eq. 6.2), and
    ``CH4 = TOW × (1 − sludge_fraction) × EF × (1 − f_rec)`` (Eq. 6.1, with sludge S and recovery R given as
    fractions so the result stays per person).

    Parameters: ``bod=`` (g/person/day) or ``region=``; ``i=`` or ``collected_with_industry=yes|no``; ``mcf=``
    or ``pathway=``; optional ``b0=`` (kg CH4/kg BOD), ``sludge_fraction=`` and ``f_rec=``.
    """
    bod, bod_text = _bod_g_per_person_day(params)
    industry, industry_text = _industry_factor(params)
    mcf, mcf_text = _wastewater_mcf(params)
    b0 = params.number("b0", waste_default("b0", "bod"), minimum=0.0)
    sludge = fraction(params, "sludge_fraction", NO_SLUDGE_REMOVAL)
    f_rec = fraction(params, "f_rec", NO_RECOVERY)
    params.check_all_used()
    tow_kg_bod = bod / G_PER_KG * DAYS_PER_YEAR * industry
    ch4 = tow_kg_bod * (1 - sludge) * b0 * mcf * (1 - f_rec)
    return MethodFactors(
        equation="IPCC 2006 Vol.5 Ch.6 Eq. 6.1-6.3",
        explanation=(
            f"Wastewater CH4: {bod_text}, {industry_text} → TOW {tow_kg_bod:g} kg BOD/person/yr; "
            f"sludge removed {sludge:g}; B0 {shown(params, 'b0', b0)}, {mcf_text}, recovered {f_rec:g} "
            f"→ {ch4:g} kg CH4/person/yr"
        ),
        activity_unit="person",
        kg_per_unit={"CH4": ch4},
    )


def _protein_kg_per_person_year(params: MethodParams) -> tuple[float, str]:
    # IPCC wants kg/person/yr; FAOSTAT publishes g/person/day (× 365 / 1000 = × 0.365). DOMAIN pitfall 4.
    match either(params, "protein", "protein_g_per_day"):
        case "protein":
            protein = params.number("protein", minimum=0.0)
            return protein, f"protein {protein:g} kg/person/yr"
        case "protein_g_per_day":
            per_day = params.number("protein_g_per_day", minimum=0.0)
            protein = per_day * DAYS_PER_YEAR / G_PER_KG
            return protein, f"protein {per_day:g} g/person/day = {protein:g} kg/person/yr"
        case _:
            raise MethodParameterError("protein", "required: protein= (kg/person/yr) or protein_g_per_day=")


def wastewater_n2o(params: MethodParams, inventory_year: int) -> MethodFactors:
    """N2O from domestic wastewater per person served (IPCC 2006 Vol. 5 Ch. 6 Eq. 6.7-6.9).

    Effluent: ``N = Protein × F_NPR × F_NON-CON × F_IND-COM − N_sludge`` (Eq. 6.8), ``N2O = N × EF × 44/28``
    (Eq. 6.7). With ``advanced_plant=yes`` the centralised plant's own emission ``F_IND-COM × EF_plant``
    (Box 6.1, Eq. 6.9) is added, for persons served by an advanced plant (T_plant = 1 for this row).

    Parameters: ``protein=`` (kg/person/yr) or ``protein_g_per_day=``; optional ``f_npr=``, ``f_non_con=``,
    ``f_ind_com=``, ``ef=`` (kg N2O-N/kg N), ``n_sludge_kg_per_person=`` (kg N/person/yr) and
    ``advanced_plant=yes|no``.
    """
    protein, protein_text = _protein_kg_per_person_year(params)
    f_npr = fraction(params, "f_npr", waste_default("n2o", "f_npr"))
    f_non_con = params.number("f_non_con", waste_default("n2o", "f_non_con"), minimum=1.0)
    f_ind_com = params.number("f_ind_com", waste_default("n2o", "f_ind_com"), minimum=1.0)
    ef = fraction(params, "ef", waste_default("n2o", "ef_effluent"))
    n_sludge = params.number("n_sludge_kg_per_person", NO_SLUDGE_REMOVAL, minimum=0.0)
    advanced_plant = yes_no(params, "advanced_plant", "no")
    params.check_all_used()
    n_in_wastewater = protein * f_npr * f_non_con * f_ind_com
    if n_sludge > n_in_wastewater:
        raise MethodParameterError(
            "n_sludge_kg_per_person", f"more than the {n_in_wastewater:g} kg N/person/yr in the wastewater"
        )
    n2o = (n_in_wastewater - n_sludge) * ef * N2O_PER_N
    plant_text = "no advanced plant"
    if advanced_plant:
        plant_n2o = f_ind_com * waste_default("n2o", "ef_plant") / G_PER_KG
        n2o += plant_n2o
        plant_text = f"advanced plant {plant_n2o:g} kg N2O/person/yr"
    return MethodFactors(
        equation="IPCC 2006 Vol.5 Ch.6 Eq. 6.7-6.9",
        explanation=(
            f"Wastewater N2O: {protein_text}, F_NPR {shown(params, 'f_npr', f_npr)}, "
            f"F_NON-CON {shown(params, 'f_non_con', f_non_con)}, "
            f"F_IND-COM {shown(params, 'f_ind_com', f_ind_com)}, "
            f"N in sludge {n_sludge:g} kg; EF {shown(params, 'ef', ef)} kg N2O-N/kg N; {plant_text} "
            f"→ {n2o:g} kg N2O/person/yr"
        ),
        activity_unit="person",
        kg_per_unit={"N2O": n2o},
    )


WASTEWATER_METHODS: dict[str, MethodFunction] = {
    "wastewater_ch4": wastewater_ch4,
    "wastewater_n2o": wastewater_n2o,
}
