"""Which methods exist and which GPC rows each may be used on."""

from __future__ import annotations

from dataclasses import dataclass

from zerocity.core.errors import ZeroCityError
from zerocity.core.methods.base import MethodFactors, MethodFunction, MethodParams
from zerocity.core.methods.grid import GRID_METHODS
from zerocity.core.methods.waste import WASTE_METHODS
from zerocity.core.methods.wastewater import WASTEWATER_METHODS


class UnknownMethod(ZeroCityError):
    code = "unknown_method"


class MethodNotForRef(ZeroCityError):
    code = "method_not_for_ref"


@dataclass(frozen=True)
class MethodSpec:
    name: str
    function: MethodFunction
    ref_prefixes: tuple[str, ...]  # GPC refs the method applies to; a ref matches if it starts with one


_WASTE_REFS = {
    "landfill_mc": ("III.1.",),
    "landfill_fod": ("III.1.",),
    "biological": ("III.2.",),
    "incineration": ("III.3.",),
    "open_burning": ("III.3.",),
}
_TD_REFS = tuple(f"I.{n}.3" for n in range(1, 7)) + tuple(f"II.{m}.3" for m in range(1, 6))


def _specs() -> dict[str, MethodSpec]:
    specs = {name: MethodSpec(name, fn, _WASTE_REFS[name]) for name, fn in WASTE_METHODS.items()}
    specs.update({name: MethodSpec(name, fn, ("III.4.",)) for name, fn in WASTEWATER_METHODS.items()})
    specs["td_losses"] = MethodSpec("td_losses", GRID_METHODS["td_losses"], _TD_REFS)
    specs["allocation"] = MethodSpec("allocation", GRID_METHODS["allocation"], ("I.", "II.", "III.", "IV.", "V."))
    return specs


METHODS = _specs()


def run_method(name: str, params_text: str, ref: str, inventory_year: int) -> MethodFactors:
    """Run the method a row names, after checking it is one GPC allows for that row."""
    key = name.strip().lower()
    spec = METHODS.get(key)
    if spec is None:
        raise UnknownMethod(f"unknown method {name!r}; known: {', '.join(sorted(METHODS))}", method=name)
    if not any(ref == p or ref.startswith(p) for p in spec.ref_prefixes):
        raise MethodNotForRef(
            f"method {key} applies to {', '.join(spec.ref_prefixes)} rows, not {ref}", method=key, ref=ref
        )
    return spec.function(MethodParams.parse(params_text), inventory_year)
