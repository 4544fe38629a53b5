"""Regenerate src/zerocity/data/demo/kaohsiung_demo.csv (run once by hand; the CSV is committed).

Electricity sales are Taipower's published figures for Kaohsiung (高雄市), summed from the monthly open data set
(data.gov.tw 29935, Open Government Data Licence v1.0, attribution 台灣電力公司). Every other figure is an
ILLUSTRATIVE value for a Kaohsiung-like city, chosen to give plausible magnitudes, and is labelled so.
"""

from __future__ import annotations

import csv
from pathlib import Path

TAIPOWER = "Taipower sales by county, 高雄市, annual sum of monthly data (data.gov.tw 29935; OGDL v1.0, 台灣電力公司)"
ILLUSTRATIVE = "ILLUSTRATIVE demo figure (not published data)"

# kWh (度) per year: residential, services incl. street lighting, agriculture, industry (published).
SALES = {
    2017: (5656234084, 5655943892, 244421578, 17032606551),
    2018: (5509312697, 5470409827, 241231810, 18325450481),
    2019: (5546314734, 5616196000, 245175551, 17716716300),
    2020: (5869630206, 5475664159, 253120923, 17987502937),
}
COLUMNS = [
    "city",
    "year",
    "gpc_ref",
    "description",
    "activity_value",
    "activity_unit",
    "factor_id",
    "fuel",
    "method",
    "method_params",
    "emissions_tco2e",
    "gas",
    "emissions_t",
    "notation_key",
    "data_quality",
    "source",
]


def rows_for(year: int) -> list[dict[str, object]]:
    trend = 1 + 0.01 * (year - 2020)  # illustrative drift so the demo has a trend
    res, srv, agri, ind = SALES[year]
    rows: list[dict[str, object]] = []

    def add(**row: object) -> None:
        rows.append({"city": "Kaohsiung (demo)", "year": year, **row})

    def fuel(ref: str, value: float, factor: str, description: str, quality: str = "M") -> None:
        add(
            gpc_ref=ref,
            description=description,
            activity_value=round(value * trend, 1),
            activity_unit="TJ",
            factor_id=factor,
            data_quality=quality,
            source=ILLUSTRATIVE,
        )

    def grid(ref: str, kwh: int, description: str) -> None:
        add(
            gpc_ref=ref,
            description=description,
            activity_value=kwh,
            activity_unit="度",
            factor_id="tw-grid",
            fuel="electricity",
            data_quality="H",
            source=TAIPOWER,
        )

    fuel("I.1.1", 3500, "ipcc2006/residential/natural_gas", "household piped gas")
    fuel("I.1.1", 1800, "ipcc2006/residential/liquefied_petroleum_gases", "household LPG cylinders")
    grid("I.1.2", res, "residential electricity 住宅部門")
    add(
        gpc_ref="I.1.3",
        description="T&D losses on residential electricity",
        activity_value=res,
        activity_unit="kWh",
        factor_id="tw-grid",
        method="td_losses",
        method_params="loss_share=0.035",
        data_quality="L",
        source=f"{TAIPOWER}; loss share {ILLUSTRATIVE}",
    )
    fuel(
        "I.2.1",
        900,
        "ipcc2006/commercial_institutional/liquefied_petroleum_gases",
        "restaurants and shops LPG",
    )
    grid("I.2.2", srv, "services electricity incl. street lighting 服務業部門(含包燈)")
    fuel(
        "I.3.1",
        120000,
        "ipcc2006/manufacturing_construction/other_bituminous_coal",
        "steel and petrochemical coal",
    )
    fuel("I.3.1", 60000, "ipcc2006/manufacturing_construction/natural_gas", "industrial gas")
    fuel("I.3.1", 15000, "ipcc2006/manufacturing_construction/residual_fuel_oil", "industrial fuel oil")
    grid("I.3.2", ind, "industry electricity 工業部門")
    add(gpc_ref="I.4.1", notation_key="IE (I.4.4)", source="auxiliary use metered within plant totals")
    fuel("I.4.4", 180000, "ipcc2006/energy_industries/sub_bituminous_coal", "coal-fired power plant", "H")
    fuel("I.4.4", 80000, "ipcc2006/energy_industries/natural_gas", "gas-fired power plant", "H")
    fuel("I.5.1", 600, "ipcc2006/agriculture/gas_diesel_oil", "farm and fishery diesel")
    grid("I.5.2", agri, "agriculture, forestry, fishery electricity 農林漁牧")
    add(gpc_ref="I.7.1", notation_key="NO", source="no coal mining in the city")
    add(gpc_ref="I.8.1", notation_key="NE", source="gas distribution leakage not yet estimated")
    fuel("II.1.1", 30000, "ipcc2006/road/motor_gasoline_low_mileage_1995", "road gasoline sales")
    fuel("II.1.1", 15000, "ipcc2006/road/gas_diesel_oil", "road diesel sales")
    add(gpc_ref="II.1.2", notation_key="IE (I.2.2)", source="EV charging is billed as services electricity")
    add(
        gpc_ref="II.2.2",
        notation_key="IE (I.2.2)",
        source="metro traction power is billed as services electricity",
    )
    fuel("II.3.1", 2000, "ipcc2006/navigation/gas_diesel_oil", "harbour craft diesel")
    fuel("II.4.1", 1500, "ipcc2006/aviation/jet_kerosene", "domestic flights departing the city airport")
    fuel("II.5.1", 1200, "ipcc2006/off_road/gas_diesel_oil", "construction and port machinery")
    add(
        gpc_ref="III.1.1",
        description="sanitary landfill (methane commitment)",
        activity_value=round(20000 * trend),
        activity_unit="t",
        method="landfill_mc",
        method_params="site=managed_anaerobic; food=0.35; paper=0.15; garden=0.1; wood=0.05; textiles=0.05; ox=0.1",
        data_quality="M",
        source=ILLUSTRATIVE,
    )
    add(
        gpc_ref="III.2.1",
        description="composting of kitchen waste",
        activity_value=round(15000 * trend),
        activity_unit="t",
        method="biological",
        method_params="treatment=composting; basis=wet",
        data_quality="M",
        source=ILLUSTRATIVE,
    )
    add(
        gpc_ref="III.3.1",
        description="municipal incinerators",
        activity_value=round(900000 * trend),
        activity_unit="t",
        method="incineration",
        method_params="technology=continuous; food=0.4; paper=0.2; plastics=0.15; textiles=0.05; wood=0.05",
        data_quality="M",
        source=ILLUSTRATIVE,
    )
    add(
        gpc_ref="III.4.1",
        description="septic tanks",
        activity_value=round(1200000 * trend),
        activity_unit="person",
        method="wastewater_ch4",
        method_params="region=asia; collected_with_industry=no; pathway=septic_system",
        data_quality="L",
        source=ILLUSTRATIVE,
    )
    add(
        gpc_ref="III.4.1",
        description="effluent nitrogen",
        activity_value=round(2770000 * trend),
        activity_unit="person",
        method="wastewater_n2o",
        method_params="protein=30",
        data_quality="L",
        source=ILLUSTRATIVE,
    )
    add(
        gpc_ref="IV.1",
        description="steel and petrochemical process emissions",
        emissions_tco2e=round(3000000 * trend),
        data_quality="M",
        source=ILLUSTRATIVE,
    )
    add(
        gpc_ref="IV.2",
        description="refrigerant leakage",
        gas="HFC-134a",
        emissions_t=round(25 * trend, 2),
        data_quality="L",
        source=ILLUSTRATIVE,
    )
    add(
        gpc_ref="V.1",
        description="livestock enteric fermentation",
        gas="CH4",
        emissions_t=round(2500 * trend, 1),
        data_quality="L",
        source=ILLUSTRATIVE,
    )
    add(
        gpc_ref="V.2",
        description="urban forest and parks (net removal)",
        emissions_tco2e=-150000,
        data_quality="L",
        source=ILLUSTRATIVE,
    )
    add(gpc_ref="VI.1", notation_key="NE", source="consumption-based emissions not estimated")
    for ref, key, why in (
        ("I.4.2", "IE (I.3.2)", "plant auxiliary grid power is billed as industry electricity"),
        ("I.6.1", "NO", "all fuel use is assigned to a sub-sector"),
        ("I.6.2", "NO", "all electricity is assigned to a sub-sector"),
        ("II.2.1", "NE", "diesel trains of the national railway not yet split by city"),
        ("II.3.2", "NO", "no shore power supplied"),
        ("II.4.2", "IE (I.2.2)", "airport electricity is billed as services"),
        ("II.5.2", "IE (I.3.2)", "electric port cranes are billed as industry"),
        ("III.1.2", "NO", "all city landfill is inside the boundary"),
        ("III.2.2", "NO", "no city waste composted outside the boundary"),
        ("III.3.2", "NO", "no city waste incinerated outside the boundary"),
        ("III.4.2", "NO", "no city wastewater treated outside the boundary"),
    ):
        add(gpc_ref=ref, notation_key=key, source=f"{why} ({ILLUSTRATIVE})")
    return rows


def main() -> None:
    target = Path(__file__).resolve().parents[1] / "src/zerocity/data/demo/kaohsiung_demo.csv"
    with target.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        for year in sorted(SALES):
            writer.writerows(rows_for(year))


if __name__ == "__main__":
    main()
