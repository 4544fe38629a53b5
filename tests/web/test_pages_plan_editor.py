"""The scenario editor, ``/cities/{slug}/plans/new`` and ``/cities/{slug}/plans/{id}/edit``: run without saving,
problems listed by line and key, save as a new version, common edits, deletion, and who may edit. Plain form posts
(no JavaScript)."""

from __future__ import annotations

import html
import re
from collections.abc import Callable

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from zerocity.services import plans
from zerocity.services.actor import Actor
from zerocity.services.planning import demo_scenario_text
from zerocity.store.db import Database
from zerocity.store.plan_models import CityPlan, CityPlanVersion
from zerocity.web.routers import pages_plan_editor

Client = Callable[..., TestClient]
EDITOR = "editor@kaohsiung.demo"
#: The worked example with few draws, so that runs in these tests are quick.
QUICK = demo_scenario_text().replace("draws = 2000", "draws = 40")


def visible_text(page: str) -> str:
    without_svg = re.sub(r"<svg.*?</svg>", " ", page, flags=re.S)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", without_svg)))


def textarea(page: str) -> str:
    match = re.search(r"<textarea[^>]*>(.*?)</textarea>", page, flags=re.S)
    assert match is not None
    return html.unescape(match.group(1))


def counts(db: Database) -> tuple[int, int]:
    with db.read() as session:
        return (
            session.scalar(select(func.count()).select_from(CityPlan)) or 0,
            session.scalar(select(func.count()).select_from(CityPlanVersion)) or 0,
        )


def new_plan(db: Database) -> int:
    with db.write() as session:
        return plans.create_plan(session, Actor.system(), "kaohsiung", "Editor test", QUICK).id


def form(action: str, scenario: str = QUICK, **extra: str) -> dict[str, str]:
    return {"name": "Editor test", "scenario": scenario, "note": "", "version": "1", "action": action, **extra}


def test_the_new_plan_form_starts_from_the_citys_stored_inventory(make_client: Client) -> None:
    response = make_client(EDITOR, locale="en").get("/cities/kaohsiung/plans/new")

    assert response.status_code == 200
    text = textarea(response.text)
    assert 'stored = "kaohsiung"' in text and "base_year = 2020" in text
    assert 'template = "appliance_efficiency"' in text


def test_the_starting_scenario_saves_as_it_is(make_client: Client, db: Database) -> None:
    client = make_client(EDITOR, locale="en")
    text = textarea(client.get("/cities/kaohsiung/plans/new").text)

    response = client.post("/cities/kaohsiung/plans/new", data=form("save", text, name="First plan", version="0"))

    assert response.status_code == 303
    assert re.fullmatch(r"/cities/kaohsiung/plans/\d+", response.headers["location"])


def test_run_shows_the_results_without_saving(make_client: Client, db: Database) -> None:
    plan_id = new_plan(db)
    before = counts(db)

    response = make_client(EDITOR, locale="en").post(f"/cities/kaohsiung/plans/{plan_id}/edit", data=form("run"))

    assert response.status_code == 200
    text = visible_text(response.text)
    assert "Results of this text (not saved)" in text and "Attribution method: loading order." in text
    assert response.text.count("<svg") == 3
    assert counts(db) == before


def test_a_scenario_that_does_not_run_is_listed_by_line_and_key_and_kept_in_the_form(
    make_client: Client, db: Database
) -> None:
    plan_id = new_plan(db)
    broken = QUICK.replace("end_year = 2030, p_max = 0.6 }", "end_year = 2030, p_max = 1.2 }", 1)
    line = broken.splitlines().index(next(x for x in broken.splitlines() if "p_max = 1.2" in x)) + 1
    before = counts(db)

    response = make_client(EDITOR, locale="en").post(
        f"/cities/kaohsiung/plans/{plan_id}/edit", data=form("save", broken)
    )

    assert response.status_code == 422
    text = visible_text(response.text)
    assert "The scenario could not be run. Nothing was saved." in text
    assert f"{line} actions.efficient_appliances.curve.p_max" in text
    assert textarea(response.text) == broken
    assert counts(db) == before


def test_a_toml_syntax_error_is_shown_with_its_line(make_client: Client, db: Database) -> None:
    plan_id = new_plan(db)

    response = make_client(EDITOR, locale="zh_Hant").post(
        f"/cities/kaohsiung/plans/{plan_id}/edit", data=form("run", "[scenario]\nname = \n")
    )

    assert response.status_code == 422
    assert "情境無法計算，未儲存任何內容。" in visible_text(response.text)
    assert re.search(r'<td class="num">2</td>\s*<td><code>\(syntax\)</code>', response.text)


def test_save_stores_a_new_version_and_a_stale_form_is_refused(make_client: Client, db: Database) -> None:
    plan_id = new_plan(db)
    client = make_client(EDITOR, locale="en")
    changed = QUICK.replace("reduction = 0.30", "reduction = 0.35")

    response = client.post(f"/cities/kaohsiung/plans/{plan_id}/edit", data=form("save", changed, note="tighter"))

    assert response.status_code == 303
    page = visible_text(client.get(response.headers["location"]).text)
    assert "The plan was saved." in page and "Version 2" in page and "tighter" in page
    stale = client.post(f"/cities/kaohsiung/plans/{plan_id}/edit", data=form("save", QUICK, version="1"))
    assert stale.status_code == 409
    assert "someone else saved this plan since you opened it" in visible_text(stale.text)


def test_common_edits_change_the_text_and_run_it(make_client: Client, db: Database) -> None:
    plan_id = new_plan(db)
    edits = {
        "quick_draws": "30",
        "quick_seed": "9",
        "quick_target": "1",
        "quick_target_year": "2035",
        "quick_reduction": "0.4",
        "quick_action": "landfill_gas_capture",
        "quick_p_max": "0.9",
        "quick_effect": "0.5",
    }

    response = make_client(EDITOR, locale="en").post(
        f"/cities/kaohsiung/plans/{plan_id}/edit", data=form("quick", **edits)
    )

    assert response.status_code == 200
    text = textarea(response.text)
    assert "draws = 30" in text and "seed = 9" in text
    assert "target_year = 2035" in text and "reduction = 0.4" in text
    assert 'curve = { kind = "step", year = 2025, p = 0.9 }' in text  # a step curve's share is p
    assert "effect = 0.5" in text and "# recovery share" in text  # the comment stays
    assert "30 draws, seed 9" in visible_text(response.text)


def test_an_unusable_common_edit_changes_nothing(make_client: Client, db: Database) -> None:
    plan_id = new_plan(db)

    response = make_client(EDITOR, locale="en").post(
        f"/cities/kaohsiung/plans/{plan_id}/edit", data=form("quick", quick_reduction="lots")
    )

    assert response.status_code == 422
    assert textarea(response.text) == QUICK
    assert "The common edits were not applied" in visible_text(response.text)


def test_deleting_needs_the_confirmation_box(make_client: Client, db: Database) -> None:
    plan_id = new_plan(db)
    client = make_client(EDITOR, locale="en")

    unconfirmed = client.post(f"/cities/kaohsiung/plans/{plan_id}/delete")
    assert unconfirmed.status_code == 303 and unconfirmed.headers["location"].endswith("/edit")
    assert client.get(f"/cities/kaohsiung/plans/{plan_id}").status_code == 200

    confirmed = client.post(f"/cities/kaohsiung/plans/{plan_id}/delete", data={"confirm": "yes"})
    assert confirmed.status_code == 303 and confirmed.headers["location"] == "/cities/kaohsiung/plan"
    assert client.get(f"/cities/kaohsiung/plans/{plan_id}").status_code == 404


def test_only_the_citys_editors_open_the_editor(make_client: Client, db: Database) -> None:
    plan_id = new_plan(db)
    url = f"/cities/kaohsiung/plans/{plan_id}/edit"

    assert make_client(EDITOR, locale="en").get(url).status_code == 200
    assert make_client("viewer@kaohsiung.demo", locale="en").get(url).status_code == 403
    assert make_client("editor@tainan.demo", locale="en").get(url).status_code == 403
    public = make_client(locale="en").get("/cities/kaohsiung/plans/new")
    assert public.status_code == 303 and public.headers["location"].startswith("/login")


def test_a_viewers_save_changes_nothing(make_client: Client, db: Database) -> None:
    plan_id = new_plan(db)
    before = counts(db)

    response = make_client("viewer@kaohsiung.demo", locale="en").post(
        f"/cities/kaohsiung/plans/{plan_id}/edit", data=form("save")
    )

    assert response.status_code == 403
    assert counts(db) == before


def test_every_service_message_of_the_editor_is_marked_for_translation() -> None:
    assert "this city already has a plan of that name" in pages_plan_editor.PLAN_MESSAGES
