"""``/api/factors``: the bundled emission-factor library (IPCC 2006 defaults, Taiwan's grid factor by year), each
factor with its source, year and status, so a figure in an inventory can be traced to where it comes from."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from zerocity.core.errors import UnknownFactor
from zerocity.core.factors import EmissionFactor, bundled_library
from zerocity.services.errors import NotFound
from zerocity.web.api_models import NO_NUL, FactorOut, Paginated
from zerocity.web.routers.api import OPTIONAL_AUTH, READ_ERRORS, CallerDep, PageDep, page_fields

router = APIRouter(prefix="/api/factors", tags=["factors"])

SearchText = Annotated[str, Query(max_length=200, pattern=NO_NUL)]


def factor_out(factor: EmissionFactor) -> FactorOut:
    return FactorOut(
        factor_id=factor.factor_id,
        category=factor.category,
        fuel=factor.fuel,
        activity_unit=factor.activity_unit,
        mass_unit=factor.mass_unit,
        gases=dict(factor.gases),
        status=factor.status,
        source=factor.source,
        year=factor.year,
        valid_year=factor.valid_year,
        ncv=factor.ncv,
        ncv_unit=factor.ncv_unit,
        density=factor.density,
        density_unit=factor.density_unit,
        basis=factor.basis,
        gwp_basis=factor.gwp_basis,
        description=factor.description,
        notes=factor.notes,
        origin=factor.origin,
    )


@router.get("", response_model=Paginated[FactorOut], responses=READ_ERRORS, openapi_extra=OPTIONAL_AUTH)
def list_factors(
    _actor: CallerDep,
    paging: PageDep,
    q: Annotated[SearchText, Query(description="Words that must all appear (id, fuel in English or Chinese, …).")] = "",
    category: Annotated[SearchText, Query(description="e.g. residential, grid.")] = "",
    status: Annotated[SearchText, Query(description="published, secondary, derived, target, unconfirmed.")] = "",
) -> Paginated[FactorOut]:
    """Search the factor library, in library order."""
    found = bundled_library().search(q, status=status, category=category)
    return Paginated[FactorOut](
        items=[factor_out(f) for f in found[paging.offset : paging.offset + paging.per_page]],
        **page_fields(len(found), paging),
    )


@router.get("/{factor_id:path}", response_model=FactorOut, responses=READ_ERRORS, openapi_extra=OPTIONAL_AUTH)
def get_factor(
    factor_id: Annotated[str, Path(max_length=200, description="e.g. ipcc2006/residential/natural_gas")],
    _actor: CallerDep,
) -> FactorOut:
    """One factor by its id (ids contain slashes: send them as they are)."""
    try:
        return factor_out(bundled_library().get(factor_id))
    except UnknownFactor as exc:
        raise NotFound("no such factor", factor_id=factor_id, hint=exc.message) from None
