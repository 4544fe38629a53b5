"""The action template catalogue (``data/planning/action_templates.csv``, PLANNING.md §2).

A template is a kind of mitigation action with its defaults: the GPC sub-sectors it acts on, its loading-order
stage, its default effect and penetration curve, fuel-switch or rooftop-PV parameters, costs per unit (capital,
operating and energy savings, lifetime, who pays) and its co-benefits with a qualitative level. A scenario action
names a template and inherits every default it does not override (``zerocity.planning_file``).

Every row carries ``status`` and ``source``: most figures are ``illustrative`` (ZeroCity defaults with no citable
source, to be replaced by local data); the old-fuel factors of the fuel switches are derived from IPCC 2006 Vol. 2
Table 1.4 and say so. Co-benefit levels are qualitative (low, medium, high) and never enter a cost or a tonne.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache

from zerocity.core.datafiles import read_bundled_csv
from zerocity.core.errors import InvalidData, ZeroCityError
from zerocity.core.planning.costs import PAYERS
from zerocity.core.planning.pools import PvAccounting, Stage

TEMPLATES_FILE = "planning/action_templates.csv"

#: The co-benefits a template or an action may state, in the order reports list them.
CO_BENEFITS = (
    "air_quality",
    "health",
    "jobs",
    "energy_bills",
    "resilience",
    "energy_security",
    "comfort",
    "congestion",
    "noise",
    "road_safety",
)
#: Qualitative levels of a co-benefit, weakest first.
CO_BENEFIT_LEVELS = ("low", "medium", "high")
#: Curve parameters by curve kind (the same as the scenario model's).
CURVE_KINDS = {
    "linear": ("start_year", "end_year", "p_max"),
    "step": ("year", "p"),
    "logistic": ("p_max", "k", "t_mid"),
}
FUEL_SWITCH_KEYS = ("old_factor_kg_per_kwh", "efficiency_old", "efficiency_new")


class UnknownActionTemplate(ZeroCityError):
    code = "unknown_action_template"


class InvalidCoBenefit(ZeroCityError):
    """A co-benefit name or level outside the vocabulary; ``benefit`` names it."""

    code = "invalid_co_benefit"


@dataclass(frozen=True)
class CoBenefit:
    benefit: str  # one of CO_BENEFITS
    level: str  # one of CO_BENEFIT_LEVELS


@dataclass(frozen=True)
class TemplateCosts:
    """Costs per unit of the action (``unit``), in TWD at constant prices, and who pays them."""

    unit: str
    capex_per_unit: float
    opex_per_unit_year: float
    savings_per_unit_year: float
    lifetime_years: int
    payer_shares: Mapping[str, float]


@dataclass(frozen=True)
class PvDefaults:
    capacity_factor: float
    accounting: PvAccounting


@dataclass(frozen=True)
class ActionTemplate:
    template_id: str
    name_zh: str
    name_en: str
    stage: Stage
    gpc_subsectors: tuple[str, ...]  # GPC sub-sectors (I.1, II.1 …) whose pools the action may act on
    carrier: str
    effect: float
    curve_kind: str
    curve_parameters: Mapping[str, float]
    fuel_switch: Mapping[str, float] | None
    pv: PvDefaults | None
    costs: TemplateCosts | None
    co_benefits: tuple[CoBenefit, ...]
    status: str
    year: int
    source: str
    notes: str

    def covers(self, subsector: str) -> bool:
        """Whether a pool of GPC ``subsector`` (``I.1``, or a reference number such as ``I.1.2``) is in scope."""
        parts = subsector.strip().split(".")
        return any(parts[: len(ref.split("."))] == ref.split(".") for ref in self.gpc_subsectors)


def parse_pairs(text: str, where: str) -> dict[str, str]:
    """``key=value; key=value`` (the catalogue's format for curves, payers and co-benefits) as a dict."""
    pairs: dict[str, str] = {}
    for item in text.split(";"):
        if not item.strip():
            continue
        key, sep, value = item.partition("=")
        if not sep or not key.strip() or not value.strip():
            raise InvalidData(f"{where}: {item.strip()!r} is not key=value")
        if key.strip() in pairs:
            raise InvalidData(f"{where}: {key.strip()!r} appears twice")
        pairs[key.strip()] = value.strip()
    return pairs


def co_benefits(levels: Mapping[str, str]) -> tuple[CoBenefit, ...]:
    """Checked co-benefits in the catalogue's order; unknown names or levels raise :class:`InvalidCoBenefit`."""
    for benefit, level in levels.items():
        if benefit not in CO_BENEFITS:
            raise InvalidCoBenefit(
                f"unknown co-benefit {benefit!r}; use {', '.join(CO_BENEFITS)}", benefit=benefit, level=level
            )
        if level not in CO_BENEFIT_LEVELS:
            raise InvalidCoBenefit(
                f"co-benefit {benefit!r}: level {level!r} is not one of {', '.join(CO_BENEFIT_LEVELS)}",
                benefit=benefit,
                level=level,
            )
    return tuple(CoBenefit(name, levels[name]) for name in CO_BENEFITS if name in levels)


def _floats(pairs: Mapping[str, str], where: str) -> dict[str, float]:
    try:
        return {key: float(value) for key, value in pairs.items()}
    except ValueError as error:
        raise InvalidData(f"{where}: {error}") from None


def _template(row: Mapping[str, str], where: str) -> ActionTemplate:
    try:
        stage = Stage(row["stage"])
    except ValueError:
        raise InvalidData(f"{where}: unknown stage {row['stage']!r}") from None
    curve = parse_pairs(row["curve"], f"{where}, curve")
    kind = curve.pop("kind", "")
    if kind not in CURVE_KINDS or sorted(curve) != sorted(CURVE_KINDS[kind]):
        raise InvalidData(f"{where}: curve needs kind and exactly {CURVE_KINDS.get(kind, ('a known kind',))}")
    fuel_switch = _floats(parse_pairs(row["fuel_switch"], f"{where}, fuel_switch"), where) or None
    if fuel_switch is not None and sorted(fuel_switch) != sorted(FUEL_SWITCH_KEYS):
        raise InvalidData(f"{where}: fuel_switch needs {', '.join(FUEL_SWITCH_KEYS)}")
    pv_pairs = parse_pairs(row["pv"], f"{where}, pv")
    pv = None
    if pv_pairs:
        try:
            pv = PvDefaults(float(pv_pairs["capacity_factor"]), PvAccounting(pv_pairs["accounting"]))
        except (KeyError, ValueError) as error:
            raise InvalidData(f"{where}: pv needs capacity_factor and accounting ({error})") from None
    payers = _floats(parse_pairs(row["payers"], f"{where}, payers"), where)
    if set(payers) - set(PAYERS) or abs(sum(payers.values()) - 1.0) > 1e-9:
        raise InvalidData(f"{where}: payers must be among {', '.join(PAYERS)} with shares summing to 1")
    costs = None
    if row["cost_unit"]:
        try:
            costs = TemplateCosts(
                unit=row["cost_unit"],
                capex_per_unit=float(row["capex_per_unit"]),
                opex_per_unit_year=float(row["opex_per_unit_year"]),
                savings_per_unit_year=float(row["savings_per_unit_year"]),
                lifetime_years=int(row["lifetime_years"]),
                payer_shares=payers,
            )
        except ValueError as error:
            raise InvalidData(f"{where}: costs: {error}") from None
    try:
        benefits = co_benefits(parse_pairs(row["co_benefits"], f"{where}, co_benefits"))
        return ActionTemplate(
            template_id=row["template_id"],
            name_zh=row["name_zh"],
            name_en=row["name_en"],
            stage=stage,
            gpc_subsectors=tuple(ref.strip() for ref in row["gpc_subsectors"].split(";") if ref.strip()),
            carrier=row["carrier"],
            effect=float(row["effect"]),
            curve_kind=kind,
            curve_parameters=_floats(curve, where),
            fuel_switch=fuel_switch,
            pv=pv,
            costs=costs,
            co_benefits=benefits,
            status=row["status"],
            year=int(row["year"]),
            source=row["source"],
            notes=row["notes"],
        )
    except (InvalidCoBenefit, ValueError) as error:
        raise InvalidData(f"{where}: {error}") from None


@cache
def action_templates() -> tuple[ActionTemplate, ...]:
    """Every template of the catalogue, in file order (checked once, then cached)."""
    templates = []
    for number, row in enumerate(read_bundled_csv(TEMPLATES_FILE), start=2):
        where = f"{TEMPLATES_FILE}, row {number}"
        try:
            templates.append(_template(row, where))
        except KeyError as error:
            raise InvalidData(f"{where}: missing column {error}", path=TEMPLATES_FILE, row=number) from None
    ids = [t.template_id for t in templates]
    if len(set(ids)) != len(ids):
        raise InvalidData(f"{TEMPLATES_FILE}: duplicate template ids", path=TEMPLATES_FILE)
    return tuple(templates)


def action_template(template_id: str) -> ActionTemplate:
    """The template ``template_id``; raises :class:`UnknownActionTemplate` listing the known ids."""
    for template in action_templates():
        if template.template_id == template_id:
            return template
    known = ", ".join(t.template_id for t in action_templates())
    raise UnknownActionTemplate(
        f"unknown action template {template_id!r}; choose one of {known}", template_id=template_id
    )
