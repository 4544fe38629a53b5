"""Costs of mitigation actions: annuities, net present value, marginal abatement cost and the MACC (PLANNING.md §7).

All money is in one currency at constant (real) prices; discount rates are real and always stated by the caller,
never assumed here. ``cost_defaults.csv`` lists published rates with their source so that a plan can name the one
it used; keep a private WACC (households, businesses) apart from the social discount rate.

Cash-flow convention: the capital cost falls in year 0 (the action's ``capital_year``); operating costs, energy
cost savings and abatement fall at the end of years 1 … lifetime. Positive ``energy_savings_per_year`` lowers the
cost; a negative value is allowed and means the action raises the energy bill (a fuel switch to dearer
electricity, for example).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache

import numpy as np
import numpy_financial as npf
from numpy.typing import ArrayLike, NDArray

from zerocity.core.datafiles import read_bundled_csv
from zerocity.core.errors import MethodParameterError, ZeroCityError

#: Who pays (PLANNING.md §7 "split costs by payer"); a closed list so that reports add up across actions.
PAYERS = ("city", "households", "businesses", "national", "utility")

#: Payer shares may differ from 1 by float rounding only.
_SHARE_TOLERANCE = 1e-9

_DATA_FILE = "planning/cost_defaults.csv"


class InvalidCostInput(MethodParameterError):
    """A cost input cannot be used (negative capital, lifetime ≤ 0, payer shares not summing to 1 …)."""

    code = "invalid_cost_input"


class UnknownDiscountRate(ZeroCityError):
    code = "unknown_discount_rate"


@dataclass(frozen=True)
class DiscountRate:
    """One published discount rate, with its source (a row of ``cost_defaults.csv``)."""

    rate_id: str
    kind: str  # "social" or "private"
    rate: float
    basis: str  # "real"
    status: str
    year: int
    source: str


@cache
def discount_rates() -> tuple[DiscountRate, ...]:
    """Every discount rate shipped in ``data/planning/cost_defaults.csv``."""
    return tuple(
        DiscountRate(
            rate_id=row["rate_id"],
            kind=row["kind"],
            rate=float(row["discount_rate"]),
            basis=row["basis"],
            status=row["status"],
            year=int(row["year"]),
            source=row["source"],
        )
        for row in read_bundled_csv(_DATA_FILE)
    )


def discount_rate(rate_id: str) -> DiscountRate:
    """The shipped discount rate called ``rate_id``; raises :class:`UnknownDiscountRate` otherwise."""
    for rate in discount_rates():
        if rate.rate_id == rate_id:
            return rate
    known = ", ".join(r.rate_id for r in discount_rates())
    raise UnknownDiscountRate(f"unknown discount rate {rate_id!r}; choose one of {known}", rate_id=rate_id)


@dataclass(frozen=True)
class ActionCosts:
    """The cost side of one action, in one currency at constant prices.

    ``payer_shares`` split every cost and saving of the action between :data:`PAYERS`; they must sum to 1.
    """

    action_id: str
    capital_cost: float
    capital_year: int
    operating_cost_per_year: float
    energy_savings_per_year: float
    lifetime_years: int
    payer_shares: Mapping[str, float] = field(default_factory=lambda: {"city": 1.0})

    def __post_init__(self) -> None:
        where = f"action {self.action_id!r}"
        if not math.isfinite(self.capital_cost) or self.capital_cost < 0:
            raise InvalidCostInput("capital_cost", f"{where}: must be a finite amount ≥ 0, got {self.capital_cost}")
        if not math.isfinite(self.operating_cost_per_year) or self.operating_cost_per_year < 0:
            raise InvalidCostInput(
                "operating_cost_per_year",
                f"{where}: must be ≥ 0, got {self.operating_cost_per_year}; enter lower running costs as "
                "energy_savings_per_year",
            )
        if not math.isfinite(self.energy_savings_per_year):
            raise InvalidCostInput("energy_savings_per_year", f"{where}: must be finite")
        if self.lifetime_years <= 0:
            raise InvalidCostInput("lifetime_years", f"{where}: must be > 0 years, got {self.lifetime_years}")
        _check_payer_shares(self.action_id, self.payer_shares)

    def net_cash_flows(self) -> NDArray[np.float64]:
        """Net benefit per year 0 … lifetime (savings − operating costs, minus capital in year 0)."""
        flows = np.full(self.lifetime_years + 1, self.energy_savings_per_year - self.operating_cost_per_year)
        flows[0] = -self.capital_cost
        return flows


def _check_payer_shares(action_id: str, shares: Mapping[str, float]) -> None:
    unknown = sorted(set(shares) - set(PAYERS))
    if unknown:
        raise InvalidCostInput(
            "payer_shares", f"action {action_id!r}: unknown payer(s) {', '.join(unknown)}; use {', '.join(PAYERS)}"
        )
    if any(not math.isfinite(s) or s < 0 for s in shares.values()):
        raise InvalidCostInput("payer_shares", f"action {action_id!r}: shares must be between 0 and 1")
    total = math.fsum(shares.values())
    if abs(total - 1.0) > _SHARE_TOLERANCE:
        raise InvalidCostInput("payer_shares", f"action {action_id!r}: shares sum to {total:g}, not 1")


def _check_rate(discount_rate: float) -> None:
    if not math.isfinite(discount_rate) or discount_rate <= -1:
        raise InvalidCostInput("discount_rate", f"must be a finite rate > −1, got {discount_rate}")


def capital_recovery_factor(discount_rate: float, lifetime_years: int) -> float:
    """CRF(r, n) = r(1 + r)^n / ((1 + r)^n − 1), and 1/n at r = 0: the annuity that repays 1 over n years."""
    _check_rate(discount_rate)
    if lifetime_years <= 0:
        raise InvalidCostInput("lifetime_years", f"must be > 0 years, got {lifetime_years}")
    if discount_rate == 0:
        return 1.0 / lifetime_years
    # r / (1 − (1 + r)^−n), written with log1p/expm1 so that tiny rates do not divide by zero.
    return discount_rate / -math.expm1(-lifetime_years * math.log1p(discount_rate))


def annualised_capital(action: ActionCosts, discount_rate: float) -> float:
    """Capital cost spread over the lifetime as an equal annuity: CAPEX · CRF(r, n)."""
    return action.capital_cost * capital_recovery_factor(discount_rate, action.lifetime_years)


def net_present_value(action: ActionCosts, discount_rate: float) -> float:
    """NPV of the action's net benefits (savings − operating costs − capital); a cost-saving action has NPV > 0."""
    _check_rate(discount_rate)
    return float(npf.npv(discount_rate, action.net_cash_flows()))


def static_mac(action: ActionCosts, annual_abatement_t_co2e: float, discount_rate: float) -> float:
    """Static marginal abatement cost per tCO2e: (CAPEX·CRF + O&M − energy savings) / annual abatement."""
    if not math.isfinite(annual_abatement_t_co2e) or annual_abatement_t_co2e <= 0:
        raise InvalidCostInput(
            "annual_abatement_t_co2e",
            f"action {action.action_id!r}: abatement must be > 0 for a cost per tonne, got {annual_abatement_t_co2e}",
        )
    annual_cost = annualised_capital(action, discount_rate) + action.operating_cost_per_year
    return (annual_cost - action.energy_savings_per_year) / annual_abatement_t_co2e


def npv_mac(
    action: ActionCosts,
    abatement_t_co2e_per_year: ArrayLike,
    discount_rate: float,
    *,
    discount_abatement: bool = True,
) -> float:
    """NPV-based marginal abatement cost: −NPV / Σ_t A_t (1 + r)^−t over years 1 … lifetime.

    ``abatement_t_co2e_per_year`` holds one value per operating year (length = lifetime), so a growing abatement
    (a heat pump on a decarbonising grid) is valued year by year. With ``discount_abatement`` (the default,
    and the convention that makes it equal the static MAC for constant flows) tonnes are discounted like money;
    without it they are simply summed. Reports must state which was used.
    """
    _check_rate(discount_rate)
    abatement = np.asarray(abatement_t_co2e_per_year, dtype=np.float64)
    if abatement.shape != (action.lifetime_years,):
        raise InvalidCostInput(
            "abatement_t_co2e_per_year",
            f"action {action.action_id!r}: need {action.lifetime_years} yearly values, got shape {abatement.shape}",
        )
    if not np.all(np.isfinite(abatement)):
        raise InvalidCostInput("abatement_t_co2e_per_year", f"action {action.action_id!r}: values must be finite")
    years = np.arange(1, action.lifetime_years + 1)
    weights = (1.0 + discount_rate) ** -years if discount_abatement else np.ones(action.lifetime_years)
    tonnes = float(np.sum(abatement * weights))
    if tonnes <= 0:
        raise InvalidCostInput(
            "abatement_t_co2e_per_year", f"action {action.action_id!r}: total abatement must be > 0, got {tonnes}"
        )
    return -net_present_value(action, discount_rate) / tonnes


@dataclass(frozen=True)
class MaccBars:
    """A marginal abatement cost curve: one bar per action, sorted by MAC, laid end to end.

    Bar ``i`` spans ``x0[i]`` … ``x1[i]`` (tCO2e, cumulative) at height ``height[i]`` (currency per tCO2e).
    """

    action_ids: tuple[str, ...]
    x0: NDArray[np.float64]
    x1: NDArray[np.float64]
    height: NDArray[np.float64]

    @property
    def width(self) -> NDArray[np.float64]:
        return self.x1 - self.x0


def macc_bars(
    action_ids: Sequence[str], mac_per_t_co2e: ArrayLike, loading_order_abatement_t_co2e: ArrayLike
) -> MaccBars:
    """Bars of a MACC, cheapest first, with widths from loading-order abatement (PLANNING.md §3, §7).

    Widths must be the overlap-corrected, loading-order abatement ΔE_k, never stand-alone potentials: the sum of
    stand-alone potentials overstates the total (Kesicki & Ekins 2012). Bars are placed end to end, so they
    never overlap and the curve ends at the total abatement. Ties in MAC keep the input order.
    """
    ids = tuple(action_ids)
    mac = np.asarray(mac_per_t_co2e, dtype=np.float64)
    widths = np.asarray(loading_order_abatement_t_co2e, dtype=np.float64)
    if mac.shape != (len(ids),) or widths.shape != (len(ids),):
        raise InvalidCostInput(
            "macc_bars", f"need one MAC and one abatement per action: {len(ids)} actions, {mac.shape}, {widths.shape}"
        )
    if len(set(ids)) != len(ids):
        raise InvalidCostInput("action_ids", "action ids must be unique")
    if not (np.all(np.isfinite(mac)) and np.all(np.isfinite(widths))):
        raise InvalidCostInput("macc_bars", "MAC and abatement must be finite")
    if np.any(widths < 0):
        negative = [ids[i] for i in np.flatnonzero(widths < 0)]
        raise InvalidCostInput("loading_order_abatement_t_co2e", f"negative abatement for {', '.join(negative)}")
    order = np.argsort(mac, kind="stable")
    sorted_widths = widths[order]
    x1 = np.cumsum(sorted_widths)
    # Each bar starts exactly where the previous one ends (x1 − width would differ in the last bits).
    x0 = np.concatenate(([0.0], x1[:-1]))
    return MaccBars(action_ids=tuple(ids[i] for i in order), x0=x0, x1=x1, height=mac[order])


@dataclass(frozen=True)
class PayerCosts:
    """Capital and net present cost (−NPV) per payer, summed over actions, at one stated discount rate."""

    discount_rate: float
    capital_cost: dict[str, float]
    net_present_cost: dict[str, float]


def cost_by_payer(actions: Sequence[ActionCosts], discount_rate: float) -> PayerCosts:
    """Split each action's capital and net present cost between payers by its ``payer_shares``.

    Net present cost is −NPV: negative when savings outweigh the costs for that payer.
    """
    capital = dict.fromkeys(PAYERS, 0.0)
    net_cost = dict.fromkeys(PAYERS, 0.0)
    for action in actions:
        npc = -net_present_value(action, discount_rate)
        for payer, share in action.payer_shares.items():
            capital[payer] += share * action.capital_cost
            net_cost[payer] += share * npc
    return PayerCosts(discount_rate=discount_rate, capital_cost=capital, net_present_cost=net_cost)
