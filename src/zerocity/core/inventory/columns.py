"""The activity input format: one activity record per row (README, "Input format")."""

from __future__ import annotations

REQUIRED = ("gpc_ref",)

#: Columns the engine reads. Any other column is kept and passed through to the audit trail.
KNOWN = (
    "gpc_ref",
    "scope",
    "activity_value",
    "activity_unit",
    "factor_id",
    "ef_co2",
    "ef_ch4",
    "ef_n2o",
    "ef_co2e",
    "ef_co2_biogenic",
    "ef_unit",
    "emissions_tco2e",
    "gas",
    "emissions_t",
    "notation_key",
    "city",
    "year",
    "fuel",
    "description",
    "data_quality",
    "source",
    "method",
    "method_params",
    "ncv",
    "ncv_unit",
    "density",
    "density_unit",
    "market_factor_id",
    "market_ef_co2e",
    "market_ef_unit",
)

#: Inline per-gas factor columns and the gas each one carries.
INLINE_FACTOR_COLUMNS = {
    "ef_co2": "CO2",
    "ef_ch4": "CH4",
    "ef_n2o": "N2O",
    "ef_co2e": "CO2e",
    "ef_co2_biogenic": "CO2_biogenic",
}

#: Columns that make a row an activity, a direct entry or a notation-key row.
VALUE_COLUMNS = ("activity_value", "emissions_tco2e", "emissions_t")
