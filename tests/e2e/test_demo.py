"""The demo the README's first command creates (``python -m gateway.demo``, run by ``run.sh``) through the real
processes: next year's call at points of the plan review, and an earlier plan year approved by the leading
group whose projects show 发改's approval (Chapter 3) — one approved with all three reviews and its 批复, one
FSR waiting for the reviews in the bureaus' 我的待办, one with its code and catalog and the tracks open, and a
framework awaiting a participant's confirmation. A second run replays its fixed keys and changes nothing."""

import subprocess
import sys

import pytest

from gateway.demo_approval import APPROVED, LEAD, PARTICIPANT, PREPARED, PROJECTS, REVIEWED_FEN, WAITING
from gateway.demo_common import plan_year

from .suite import REPO

pytestmark = pytest.mark.e2e

YEAR = plan_year() - 1
NAMES = {part: name for _, _, name, _, _, part in PROJECTS}


def run_demo(suite) -> str:
    result = subprocess.run([sys.executable, "-m", "gateway.demo", "--base-url", suite.base_url], env=suite.env,
                            cwd=REPO, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return result.stdout


def projects(client, year) -> dict[str, dict]:
    page = client.get("/api/projects", params={"plan_year": year, "page_size": 100}).json()
    return {p["name"]: p for p in page["items"]}


def snapshot(suite) -> dict:
    """What a second run could change: every project's state and version, every approval case, frameworks,
    plans, the approved project's submissions, decisions and timeline."""
    zwb, fg, police = suite.login("zwb"), suite.login("fg"), suite.login("police")
    mine = {}
    for year in (YEAR, YEAR + 1):
        for name, p in projects(zwb, year).items():
            mine[name] = (p["id"], p["state"], p.get("updated_at"))
    approved = mine[NAMES[APPROVED]][0]
    case = fg.get(f"/api/projects/{approved}/approval").json()
    return {
        "projects": mine,
        "approvals": sorted((a["project_id"], a["stage_state"], a["version"])
                            for a in fg.get("/api/approvals", params={"page_size": 200}).json()["items"]),
        "frameworks": sorted((f["framework_id"], f["version_no"], f["status"])
                             for f in police.get("/api/frameworks", params={"scope": "mine"}).json()["items"]),
        "plans": {year: zwb.get(f"/api/annual-plans/{year}").json().get("version_no") for year in (YEAR,)},
        "calls": sorted((c["plan_year"], c["status"], c["version"])
                        for c in zwb.get("/api/plan-calls").json()["items"]),
        "approved": (len(case["submissions"]), len(case["decisions"]), case["version"]),
        "timeline": len(police.get(f"/api/projects/{approved}/timeline").json()["items"]),
    }


@pytest.fixture(scope="module")
def demo(suite):
    out = run_demo(suite)
    return {"stdout": out, "ids": {name: p["id"] for name, p in projects(suite.login("zwb"), YEAR).items()}}


def test_the_earlier_plan_year_is_approved_with_the_demo_departments_build_projects(suite, demo):
    plan = suite.login("zwb").get(f"/api/annual-plans/{YEAR}").json()
    assert plan["status"] == "APPROVED"
    assert plan["sections"]["OM"] == []
    listed = {i["name"]: i for i in plan["sections"]["BUILD"] if i["status"] == "LISTED"}
    assert set(listed) == set(NAMES.values())
    assert {i["unit_id"] for i in listed.values()} == {"police", "edu", "health"}
    call = suite.login("zwb").get(f"/api/plan-calls/{YEAR}").json()
    assert call["status"] == "CLOSED"
    # Next year's call stays as the Chapter 2 demo leaves it.
    assert suite.login("zwb").get(f"/api/plan-calls/{YEAR + 1}").json()["status"] == "OPEN"
    states = {name: p["state"] for name, p in projects(suite.login("zwb"), YEAR + 1).items()}
    assert states["智慧警务大数据平台"] == "PLAN_DRAFTED" and states["警务视频图像共享系统"] == "PLAN_UNDER_REVIEW"


def test_one_project_is_approved_with_the_three_reviews_and_its_approval_document(suite, demo):
    """R-10-2 (政务办), R-14-2 (网信) and R-10-3 (财政, 概算 ≥ 1,000,000.00) on the FSR and the PD; the 批复 PDF."""
    police = suite.login("police")
    pid = demo["ids"][NAMES[APPROVED]]
    case = police.get(f"/api/projects/{pid}/approval").json()
    assert (case["stage_state"], case["track"], case["approved_estimate_fen"]) == ("APPROVED", "PATH1", REVIEWED_FEN)
    stages = {s["stage"]: s["submission_id"] for s in case["submissions"]}
    assert set(stages) == {"FSR", "PD"}
    assert {r["submission_id"] for r in case["technical_reviews"] if r["outcome"] == "PASS"} == set(stages.values())
    assert {r["submission_id"] for r in case["security_reviews"]} == set(stages.values())
    assert [(r["status"], r["reviewed_fen"]) for r in case["estimate_reviews"]] == [("REVIEWED", REVIEWED_FEN)]
    assert REVIEWED_FEN >= 100_000_000
    final = [d for d in case["decisions"] if d["doc_no"] == case["approval_doc_no"]]
    pdf = police.get(f"/api/approval-documents/{final[0]['decision_id']}/pdf")
    assert pdf.status_code == 200 and pdf.headers["Content-Type"].startswith("application/pdf")
    assert pdf.content.startswith(b"%PDF")


def test_one_fsr_waits_for_the_reviews_in_the_bureaus_work_lists(suite, demo):
    pid = demo["ids"][NAMES[WAITING]]
    assert suite.login("edu").get(f"/api/projects/{pid}/approval").json()["stage_state"] == "FSR_SUBMITTED"
    for login in ("zwb", "wx", "fg"):
        items = suite.login(login).get("/api/workbench").json()["items"]
        assert pid in {i["project_id"] for i in items}, login


def test_one_project_has_its_code_and_catalog_and_sees_the_open_tracks(suite, demo):
    health = suite.login("health")
    pid = demo["ids"][NAMES[PREPARED]]
    assert len(health.get(f"/api/projects/{pid}/project-code").json()["code"]) == 24
    assert health.get(f"/api/projects/{pid}/catalog").json()["version_no"] == 1
    path = health.get(f"/api/projects/{pid}/approval/path").json()
    assert path["stage_state"] is None
    assert all(track["open"] for track in path["tracks"].values())


def test_a_framework_awaits_the_participants_confirmation(suite, demo):
    """Art 12: police's framework is drafted; edu, whose sub-project takes part, has yet to confirm it."""
    edu = suite.login("edu")
    awaiting = edu.get("/api/frameworks", params={"scope": "awaiting_me"}).json()["items"]
    assert [(f["status"], f["overall_project_id"], f["pending_unit_ids"]) for f in awaiting] == [
        ("DRAFTING", demo["ids"][NAMES[LEAD]], ["edu"])]
    framework = edu.get(f"/api/projects/{demo['ids'][NAMES[PARTICIPANT]]}/framework").json()
    assert framework["framework_id"] == awaiting[0]["framework_id"]
    links = {i["link"] for i in edu.get("/api/workbench").json()["items"]}
    assert f"/frameworks/{framework['framework_id']}" in links


def test_a_second_run_changes_nothing(suite, demo):
    before = snapshot(suite)
    run_demo(suite)
    assert snapshot(suite) == before
