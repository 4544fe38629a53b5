"""Shared pieces of the case-library tests: a few hand-written cases (independent of the demo content file), a
second administrator for four-eyes checks, and small helpers. Import the fixtures into a test module by name."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from tests.services.conftest import World

from zerocity.services.actor import Actor
from zerocity.services.knowledge import cases
from zerocity.services.knowledge.cases import CaseFields, VersionText
from zerocity.store.models import User

#: A small demo-format document with three cases: bilingual and published, Chinese only, and one whose English
#: version is still a draft. Written for these tests (not the demo content file).
CASES_TOML = '''
[meta]
source = "Written for the ZeroCity tests"
sample = true

[[case]]
slug = "test-kaohsiung-buses"
city_zh = "高雄市"
city_en = "Kaohsiung"
city_slug = "kaohsiung"
country = "TW"
year = 2022
themes = ["mobility", "net_zero"]
gpc_sectors = ["II.1"]
action_templates = ["e_bus"]
published_at = 2026-03-15
  [case.zh]
  status = "published"
  title = "高雄市電動公車"
  summary = "柴油公車汰換為電動公車。"
  body = """### 做法\\n\\n夜間充電。"""
  [case.en]
  status = "published"
  title = "Kaohsiung electric buses"
  summary = "Diesel buses replaced by electric buses."
  body = """### What was done\\n\\nOvernight charging."""
  [[case.results]]
  kind = "tco2e_avoided_per_year"
  value = 12500.0
  unit = "t CO2e/yr"
  description_zh = "每年避免排放"
  description_en = "Avoided each year"
  source = "Illustrative figure written for the tests"
  [[case.links]]
  url = "https://example.org/buses"
  label_zh = "說明"
  label_en = "Background"

[[case]]
slug = "test-tainan-landfill-gas"
city_zh = "臺南市"
city_en = "Tainan"
city_slug = "tainan"
country = "TW"
year = 2019
themes = ["waste"]
gpc_sectors = ["III.1"]
action_templates = ["landfill_gas_capture"]
published_at = 2026-03-02
  [case.zh]
  status = "published"
  title = "臺南市掩埋場沼氣發電"
  summary = "收集沼氣發電。"
  body = "甲烷收集。"

[[case]]
slug = "test-kyoto-homes"
city_zh = "京都"
city_en = "Kyoto"
country = "JP"
year = 2019
themes = ["buildings", "engagement"]
published_at = 2026-04-01
  [case.zh]
  status = "published"
  title = "京都住宅節能診斷"
  summary = "志工到府診斷。"
  body = "節能。"
  [case.en]
  status = "draft"
  title = "Kyoto home energy checks"
  summary = "Volunteers visit homes."
  body = "Energy."
'''

NEWS_TOML = """
[meta]
sample = true

[[item]]
slug = "test-forum"
kind = "event"
date = 2030-05-20
event_end = 2030-05-21
place_zh = "高雄展覽館"
place_en = "Kaohsiung Exhibition Center"
online_url = "https://example.org/forum"
published = true
  [item.zh]
  title = "淨零城市論壇"
  body = "歡迎參加。"
  [item.en]
  title = "Net-zero city forum"
  body = "Join us."

[[item]]
slug = "test-news"
kind = "news"
date = 2026-03-10
published = true
  [item.zh]
  title = "案例庫上線"
  body = "新的案例庫。"
"""


def case_fields(city_id: int | None = None, **changes: Any) -> CaseFields:
    values: dict[str, Any] = {
        "city_id": city_id,
        "country": "TW",
        "year": 2023,
        "themes": ["mobility"],
        "gpc_sectors": ["II.1"],
        "action_templates": ["e_bus"],
        "results": [{"kind": "tco2e_avoided_per_year", "value": 100.0, "unit": "t CO2e/yr", "source": "test figure"}],
        "links": [{"url": "https://example.org/a", "label_en": "A"}],
    }
    values.update(changes)
    return CaseFields(**values)


def texts(*langs: str) -> dict[str, VersionText]:
    words = {
        "zh_Hant": VersionText(title="公車路網重整", summary="重新規劃公車路線。", body="## 做法\n\n公車。"),
        "en": VersionText(title="Bus network redesign", summary="Routes redrawn.", body="## Steps\n\nBuses."),
    }
    return {lang: words[lang] for lang in langs or ("zh_Hant", "en")}


@dataclass(frozen=True)
class Hub:
    """The services' two-city world plus a second administrator (four eyes need two)."""

    world: World
    second_admin: Actor

    def actor(self, role: str) -> Actor:
        if role == "second_admin":
            return self.second_admin
        actor: Actor = getattr(self.world, role)
        return actor

    def new_case(self, actor: Actor | None = None, *langs: str, **changes: Any) -> int:
        with self.world.db.write() as session:
            fields = case_fields(**({"city_id": self.world.city_id} | changes))
            case = cases.create_case(session, actor or self.world.editor, fields, texts(*langs))
            return case.id

    def publish(self, case_id: int, lang: str = "zh_Hant") -> None:
        """Submit (as the city's editor) and publish (as an administrator)."""
        with self.world.db.write() as session:
            cases.change_version_status(session, self.world.editor, case_id, lang, "submit")
            cases.change_version_status(session, self.world.admin, case_id, lang, "publish")


@pytest.fixture
def hub(world: World, password_hash: str) -> Hub:
    with world.db.write() as session:
        user = User(email="admin2@example.org", display_name="admin2", password_hash=password_hash, is_admin=True)
        session.add(user)
        session.flush()
        second = Actor(user_id=user.id, display_name="admin2", email=user.email, is_admin=True)
    return Hub(world, second)
