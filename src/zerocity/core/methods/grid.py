"""Methods that scale a row's activity before its own factor applies (grid losses, boundary allocation)."""

from __future__ import annotations

from zerocity.core.methods.base import MethodFactors, MethodFunction, MethodParams


def td_losses(params: MethodParams, inventory_year: int) -> MethodFactors:
    """Transmission and distribution losses of grid energy consumed in the city (GPC rows I.x.3, II.x.3).

    The activity is the energy *consumed*; the losses needed to deliver it are ``E × λ / (1 − λ)`` where λ is the
    loss share of energy sent out (DOMAIN.md §2, grid energy). The grid factor of the row then applies. Taiwan's
    national factor already nets out line losses for consumers, so cities using it should state λ's source.
    """
    loss_share = params.number("loss_share", minimum=0.0, maximum=0.5)
    params.check_all_used()
    scale = loss_share / (1.0 - loss_share)
    return MethodFactors(
        equation="GPC v1.1 ch. 6 (T&D losses): E_loss = E_consumed × λ/(1−λ)",
        explanation=f"T&D losses λ = {loss_share:g} → activity × {scale:.6g}",
        activity_scale=scale,
    )


def allocation(params: MethodParams, inventory_year: int) -> MethodFactors:
    """Share of an activity allocated to this row, e.g. the in-boundary part of transboundary trips.

    GPC ch. 7 (induced activity): trips inside the city count 100 %, trips with one end inside 50 %, through
    trips 0 %; the out-of-boundary part goes to II.x.3 as its own row with the complementary share.
    """
    share = params.number("share", minimum=0.0, maximum=1.0)
    params.check_all_used()
    return MethodFactors(
        equation="GPC v1.1 ch. 7 (transboundary allocation)",
        explanation=f"allocated share {share:g}",
        activity_scale=share,
    )


GRID_METHODS: dict[str, MethodFunction] = {"td_losses": td_losses, "allocation": allocation}
