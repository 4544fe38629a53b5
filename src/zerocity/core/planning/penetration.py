"""Penetration curves p(t): the share of the stock an action reaches in each year (PLANNING.md §2).

Three shapes: a linear ramp, a step, and the logistic ``p_max / (1 + exp(−k·(t − t_mid)))``. Every parameter may
be a scalar or an array of shape ``(draws,)`` so that Monte Carlo (PLANNING.md §8) evaluates all draws at once:
with scalar parameters the result has shape ``(years,)``, otherwise ``(draws, years)``.

A share outside [0, 1] is a validation error naming the parameter, never silently clipped.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from zerocity.core.errors import ZeroCityError

FloatArray = npt.NDArray[np.float64]
#: A parameter: one value, or one value per Monte Carlo draw.
Parameter = float | npt.ArrayLike


class InvalidPenetration(ZeroCityError):
    """A penetration parameter is out of range or has the wrong shape; ``parameter`` names it."""

    code = "invalid_penetration"

    def __init__(self, parameter: str, reason: str) -> None:
        super().__init__(f"{parameter}: {reason}", parameter=parameter, reason=reason)
        self.parameter = parameter
        self.reason = reason


def linear_ramp(years: npt.ArrayLike, start_year: Parameter, end_year: Parameter, p_max: Parameter) -> FloatArray:
    """0 up to ``start_year``, rising linearly to ``p_max`` at ``end_year``, then flat."""
    t = _years(years)
    start, end, top = _draw_columns(start_year=start_year, end_year=end_year, p_max=p_max)
    _check_share("p_max", top)
    if np.any(end <= start):
        raise InvalidPenetration("end_year", "must be after start_year")
    progress = np.clip((t - start) / (end - start), 0.0, 1.0)
    return _shaped(top * progress)


def step(years: npt.ArrayLike, year: Parameter, p: Parameter) -> FloatArray:
    """0 before ``year``, ``p`` from ``year`` on (a ban or a one-off programme)."""
    t = _years(years)
    switch_year, share = _draw_columns(year=year, p=p)
    _check_share("p", share)
    return _shaped(np.where(t >= switch_year, share, 0.0))


def logistic(years: npt.ArrayLike, p_max: Parameter, k: Parameter, t_mid: Parameter) -> FloatArray:
    """S-curve ``p_max / (1 + exp(−k·(t − t_mid)))``: adoption of technologies (heat pumps, EVs, rooftop PV).

    ``k`` is the growth rate per year (> 0); ``t_mid`` the year at which half of ``p_max`` is reached.
    """
    t = _years(years)
    top, rate, midpoint = _draw_columns(p_max=p_max, k=k, t_mid=t_mid)
    _check_share("p_max", top)
    if np.any(rate <= 0):
        raise InvalidPenetration("k", "the logistic growth rate must be positive")
    # exp of a large positive number overflows to inf, and p_max / inf = 0 is the right limit: silence the warning.
    with np.errstate(over="ignore"):
        return _shaped(top / (1.0 + np.exp(-rate * (t - midpoint))))


def _years(years: npt.ArrayLike) -> FloatArray:
    t = np.asarray(years, dtype=np.float64)
    if t.ndim != 1 or t.size == 0:
        raise InvalidPenetration("years", "must be a non-empty one-dimensional sequence of years")
    return t


def _draw_columns(**parameters: Parameter) -> list[FloatArray]:
    """Each parameter as a float array of shape ``()`` or ``(draws, 1)``, all with the same number of draws."""
    columns: list[FloatArray] = []
    draws: set[int] = set()
    for name, value in parameters.items():
        array = np.asarray(value, dtype=np.float64)
        if array.ndim > 1:
            raise InvalidPenetration(name, f"must be a scalar or a 1-d array of draws, got shape {array.shape}")
        if not np.all(np.isfinite(array)):
            raise InvalidPenetration(name, "must be a finite number")
        if array.ndim == 1:
            draws.add(array.shape[0])
            array = array[:, np.newaxis]
        columns.append(array)
    if len(draws) > 1:
        raise InvalidPenetration(
            ", ".join(parameters), f"draw arrays differ in length: {sorted(draws)}; one value per draw"
        )
    return columns


def _check_share(parameter: str, share: FloatArray) -> None:
    if np.any((share < 0.0) | (share > 1.0)):
        worst = float(share.flat[np.argmax(np.abs(share - 0.5))])
        raise InvalidPenetration(parameter, f"a share must lie in [0, 1] (0-100 %), got {worst:g}")


def _shaped(values: npt.ArrayLike) -> FloatArray:
    return np.asarray(values, dtype=np.float64)
