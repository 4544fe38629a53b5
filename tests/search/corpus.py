"""A fixed bilingual corpus for the search tests: 15 cases, some in both languages, some in one only.

Written for these tests (sample text, not real case studies). Each case is built so that a query of the fixed set
has a known answer: 公車 appears in cases 1 (電動公車) and 7 (公車站, where jieba does not cut 公車 out by
itself), 沼氣 in 2 and 5, 甲烷 in 2, 5 and 14; "methane" only in English versions (5, 14), so only semantic search
can bring the Chinese-only landfill case 2 to an English query. Case 13 carries HTML in its title and summary.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

from zerocity.search.index import Document, replace_documents
from zerocity.store.db import Database


def _at(year: int, month: int = 6) -> datetime:
    return datetime(year, month, 1, tzinfo=UTC)


# doc_id -> (city_zh, city_en, country, year, themes, sectors, published, {lang: (title, summary, body)})
CASES: dict[int, tuple[str, str, str, int, tuple[str, ...], tuple[str, ...], datetime, dict[str, tuple[str, str, str]]]]
CASES = {
    1: ("高雄市", "Kaohsiung", "TW", 2021, ("mobility",), ("II.1",), _at(2022, 3), {
        "zh_Hant": ("高雄市電動公車汰換計畫",
                    "高雄市以電動公車汰換柴油公車，降低市區空氣污染與溫室氣體排放。",
                    "市府與客運業者合作，分三階段汰換老舊柴油車，並在轉運站設置充電設施。"),
        "en": ("Kaohsiung replaces diesel buses with electric buses",
               "Kaohsiung is replacing its diesel bus fleet with electric buses to cut air pollution and emissions.",
               "The city and bus operators replace old diesel vehicles in three phases and build depot charging."),
    }),
    2: ("臺南市", "Tainan", "TW", 2019, ("waste",), ("III.1",), _at(2020, 5), {
        "zh_Hant": ("臺南城西掩埋場沼氣回收發電",
                    "在封閉的垃圾掩埋場收集沼氣並發電，減少甲烷逸散。",
                    "掩埋場鋪設集氣管線，沼氣經處理後送入發電機組，每年減少數萬噸二氧化碳當量。"),
    }),
    3: ("臺中市", "Taichung", "TW", 2020, ("energy_governance",), ("I.1",), _at(2021, 1), {
        "zh_Hant": ("臺中市路燈全面換裝LED",
                    "全市路燈換裝LED燈具，用電量下降一半以上。",
                    "透過節能績效保證專案，由廠商負責汰換與維護，市府以節省的電費支付。"),
        "en": ("Taichung converts all street lights to LED",
               "Every street light in the city now uses LED lamps, cutting electricity use by more than half.",
               "An energy performance contract lets the supplier replace and maintain the lamps, paid from savings."),
    }),
    4: ("橫濱市", "Yokohama", "JP", 2018, ("buildings",), ("I.2",), _at(2019, 2), {
        "en": ("Heat pumps for Yokohama's public buildings",
               "Yokohama replaced gas boilers in schools and ward offices with air-source heat pumps.",
               "Heating and hot water in forty public buildings now come from heat pumps."),
    }),
    5: ("首爾", "Seoul", "KR", 2017, ("waste",), ("III.2",), _at(2018, 4), {
        "zh_Hant": ("首爾廚餘沼氣化",
                    "首爾把廚餘送進厭氧消化槽，產生沼氣供應社區熱能，並避免掩埋產生甲烷。",
                    "按量收費的廚餘回收制度讓分類率大幅提高。"),
        "en": ("Seoul turns food waste into biogas",
               "Seoul sends food waste to anaerobic digesters, producing biogas and avoiding landfill methane.",
               "Pay-as-you-throw charging for food waste raised separation rates sharply."),
    }),
    6: ("屏東縣", "Pingtung", "TW", 2022, ("energy_governance", "net_zero"), ("I.4",), _at(2023, 1), {
        "zh_Hant": ("屏東縣屋頂型太陽光電推廣",
                    "鼓勵農舍與畜舍屋頂設置太陽光電，增加再生能源供電。",
                    "縣府提供媒合平台與簡化申請流程。"),
        "en": ("Rooftop solar on Pingtung's farm buildings",
               "Pingtung encourages solar panels on farmhouse and livestock barn roofs to add renewable power.",
               "The county offers a matchmaking platform and a simpler application process."),
    }),
    7: ("臺北市", "Taipei", "TW", 2016, ("mobility",), ("II.1",), _at(2017, 7), {
        "zh_Hant": ("臺北公共自行車串連捷運",
                    "公共自行車站設在捷運站與公車站旁，解決最後一哩路。",
                    "使用前三十分鐘免費，鼓勵短程轉乘。"),
        "en": ("Taipei's public bicycles link to the metro",
               "Public bicycle docks stand next to metro stations and bus stops to solve the last mile.",
               "The first thirty minutes are free, which encourages short transfers."),
    }),
    8: ("高雄市", "Kaohsiung", "TW", 2023, ("net_zero",), ("I.1", "I.2"), _at(2024, 2), {
        "zh_Hant": ("高雄市溫室氣體盤查更新範疇一排放係數",
                    "依最新公告更新範疇一燃料排放係數，重新計算基準年排放量。",
                    "盤查依GPC標準，並說明各項活動數據來源。"),
    }),
    9: ("新加坡", "Singapore", "SG", 2015, ("buildings",), ("I.2",), _at(2016, 9), {
        "en": ("Singapore's green building programme",
               "A green mark scheme rates building energy performance and rewards retrofits.",
               "Older office towers upgraded chillers and lighting under the scheme."),
    }),
    10: ("新竹市", "Hsinchu", "TW", 2021, ("smart_city",), ("I.1",), _at(2021, 11), {
        "zh_Hant": ("新竹市智慧電表示範社區",
                    "為住戶裝設智慧電表，即時顯示用電，協助節能。",
                    "示範社區的平均用電量下降約百分之八。"),
        "en": ("Smart meters in a Hsinchu pilot neighbourhood",
               "Households received smart meters that show electricity use in real time to help save energy.",
               "Average consumption in the pilot fell by about eight percent."),
    }),
    11: ("東京都", "Tokyo", "JP", 2010, ("finance",), ("I.2",), _at(2011, 3), {
        "en": ("Tokyo's cap-and-trade for large buildings",
               "Tokyo set a mandatory emissions cap for large office buildings with trading of credits.",
               "Covered buildings cut emissions well beyond the required reduction."),
    }),
    12: ("桃園市", "Taoyuan", "TW", 2020, ("mobility",), ("II.1",), _at(2020, 12), {
        "zh_Hant": ("桃園市電動機車充電站布建",
                    "在里民活動中心與市場設置電動機車充電站。",
                    "搭配換購補助，加速淘汰二行程機車。"),
    }),
    13: ("臺南市", "Tainan", "TW", 2018, ("engagement",), (), _at(2018, 10), {
        "zh_Hant": ("<script>alert('x')</script> 社區參與工作坊",
                    "居民在工作坊中討論 <b>社區</b> 減碳行動。",
                    "工作坊成果納入區公所的年度計畫。"),
        "en": ("<script>alert('x')</script> Community engagement workshops",
               "Residents discussed <b>neighbourhood</b> carbon actions in workshops.",
               "The results went into the district office's yearly plan."),
    }),
    14: ("釜山", "Busan", "KR", 2019, ("waste",), ("III.4",), _at(2019, 8), {
        "zh_Hant": ("釜山污水處理廠甲烷回收",
                    "污水處理廠收集污泥消化產生的甲烷，用於廠內發電。",
                    "回收的能源供應廠區大部分用電。"),
        "en": ("Busan recovers methane at a wastewater plant",
               "The wastewater treatment plant captures methane from sludge digestion to generate power on site.",
               "The recovered energy supplies most of the plant's electricity."),
    }),
    15: ("宜蘭縣", "Yilan", "TW", 2019, ("biodiversity", "adaptation"), (), _at(2019, 12), {
        "zh_Hant": ("宜蘭濕地復育與生物多樣性",
                    "復育沿海濕地，兼顧生物多樣性與防洪。",
                    "濕地在颱風期間可暫存雨水，降低下游淹水。"),
        "en": ("Yilan restores wetlands for biodiversity",
               "Coastal wetlands are restored for biodiversity and flood protection.",
               "During typhoons the wetlands hold rainwater and reduce flooding downstream."),
    }),
}  # fmt: skip


def documents(doc_id: int) -> list[Document]:
    city_zh, city_en, country, year, themes, sectors, published, versions = CASES[doc_id]
    return [
        Document(
            kind="case",
            doc_id=doc_id,
            lang=lang,
            title=title,
            summary=summary,
            body=body,
            city=city_zh if lang == "zh_Hant" else city_en,
            country=country,
            year=year,
            themes=themes,
            sectors=sectors,
            published_at=published,
        )
        for lang, (title, summary, body) in versions.items()
    ]


def all_documents() -> Iterator[Document]:
    for doc_id in CASES:
        yield from documents(doc_id)


def load_corpus(db: Database, *, embed: bool = False) -> None:
    """Index the whole corpus in one transaction."""
    with db.write() as session:
        for doc_id in CASES:
            replace_documents(session, "case", doc_id, documents(doc_id), embed=embed)
