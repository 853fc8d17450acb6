"""The walking skeleton through the real processes, driven over HTTP exactly
as a department and the bureaus would: application → 政务办 opens the plan
review → four opinions → conclusion → drafted, with the whole story on the
timeline."""

import importlib.util

import pytest
import requests

from .suite import REPO

pytestmark = pytest.mark.e2e

_spec = importlib.util.spec_from_file_location("planning_sample", REPO / "services/planning/tests/sample.py")
_sample = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_sample)

OPINION = {"verdict": "AGREE", "necessity": "需求明确，确有必要", "feasibility": "技术路线可行",
           "security": "安全方案符合等保要求", "budget": "预算测算合理"}
CRITERIA = {"policy_need": "MET", "intensive_sharing": "MET", "content_funding": "MET",
            "security_solution": "MET"}


def file_application(client, **changes):
    form = client.upload("申报书.pdf")
    plan = client.upload("项目方案.pdf", data=b"%PDF-1.4\n% plan\n%%EOF\n")
    body = _sample.valid_application(documents={"application_form": form, "project_plan": plan},
                                     **changes)
    resp = client.post("/api/plan-applications", json=body)
    assert resp.status_code == 201, resp.text
    return resp.json()


def open_plan_review(suite, pid: str) -> dict:
    """政务办 sees the application among those waiting and opens its review (T03)."""
    zwb = suite.login("zwb")
    zwb.wait_for("/api/review-openings", lambda o: pid in [i["project_id"] for i in o["items"]])
    resp = zwb.post(f"/api/projects/{pid}/review/open", json={"version_no": 1})
    assert resp.status_code == 201, resp.text
    return resp.json()


def test_health_reports_broker_and_every_service(suite):
    body = requests.get(f"{suite.base_url}/health", timeout=15).json()
    assert body["broker"]["status"] == "ok"
    assert set(body["services"]) == {"planning", "review", "approval", "funds", "acceptance", "security"}
    assert all(s["status"] == "ok" for s in body["services"].values()), body


def test_application_through_joint_review_to_draft_plan(suite):
    police = suite.login("police")
    project = file_application(police, name="智慧警务大数据平台（端到端）")
    pid = project["id"]
    assert project["state"] == "PLAN_APPLIED"

    # The application waits for 政务办; only 政务办 opens the review (第八条).
    not_zwb = suite.login("wx").post(f"/api/projects/{pid}/review/open", json={})
    assert not_zwb.status_code == 403 and not_zwb.json()["article"] == "第八条"
    opened = open_plan_review(suite, pid)
    assert opened["status"] == "OPEN" and opened["kind"] == "PLAN" and opened["opened_by_name"]
    again = suite.login("zwb").post(f"/api/projects/{pid}/review/open", json={})
    assert again.status_code == 409 and again.json()["code"] == "STATE-INVALID"
    police.wait_for(f"/api/projects/{pid}", lambda p: p["state"] == "PLAN_UNDER_REVIEW")

    zwb = suite.login("zwb")
    early = zwb.post(f"/api/projects/{pid}/review/conclusion",
                     json={"outcome": "DRAFT", "consolidated_opinion": "同意列入", "criteria": CRITERIA})
    assert early.status_code == 422
    assert early.json()["code"] == "E08-OPINION-MISSING" and early.json()["article"] == "第八条"

    for bureau in ("wx", "fg", "gx", "cz"):
        official = suite.login(bureau)
        resp = official.post(f"/api/projects/{pid}/review/opinions", json=OPINION)
        assert resp.status_code == 201, resp.text

    review = zwb.get(f"/api/projects/{pid}/review").json()
    assert review["missing_bureaus"] == []
    done = zwb.post(f"/api/projects/{pid}/review/conclusion",
                    json={"outcome": "DRAFT", "consolidated_opinion": "四部门均同意，列入年度计划草案",
                          "criteria": CRITERIA})
    assert done.status_code == 200, done.text

    police.wait_for(f"/api/projects/{pid}", lambda p: p["state"] == "PLAN_DRAFTED")
    timeline = police.wait_for(f"/api/projects/{pid}/timeline",
                               lambda t: any(e["name"] == "PlanItemDrafted" for e in t["items"]))["items"]
    names = [e["name"] for e in timeline]
    assert names[0] == "PlanApplicationSubmitted" and names[-1] == "PlanItemDrafted"
    assert names.count("PlanReviewOpinionRecorded") == 4
    assert "PlanReviewOpened" in names and "PlanReviewConcluded" in names
    opinion_roles = sorted(e["actor_role"] for e in timeline if e["name"] == "PlanReviewOpinionRecorded")
    assert opinion_roles == ["CZ", "FG", "GX", "WX"]
    submitted = timeline[0]
    assert submitted["actor_role"] == "UNIT" and submitted["actor_name"] == police.user["name"]
    assert all(e["time"] and e["name_zh"] for e in timeline)
    positions = [e["position"] for e in timeline]
    assert positions == sorted(positions)


def test_wrong_role_is_refused_citing_article_4(suite):
    police = suite.login("police")
    project = file_application(police, name="警务视频共享系统", rank=2)
    opener = police.post(f"/api/projects/{project['id']}/review/open", json={})
    assert opener.status_code == 403
    assert (opener.json()["code"], opener.json()["article"]) == ("AUTH-FORBIDDEN", "第八条")
    open_plan_review(suite, project["id"])
    resp = police.post(f"/api/projects/{project['id']}/review/opinions", json=OPINION)
    assert resp.status_code == 403
    body = resp.json()
    assert body["code"] == "AUTH-FORBIDDEN" and body["article"] == "第四条" and body["reason_zh"]

    wx = suite.login("wx")
    as_zwb = wx.post(f"/api/projects/{project['id']}/review/conclusion",
                     json={"outcome": "DRAFT", "consolidated_opinion": "x", "criteria": CRITERIA})
    assert as_zwb.status_code == 403 and as_zwb.json()["article"] == "第四条"


def test_department_cannot_see_another_departments_project(suite):
    police = suite.login("police")
    project = file_application(police, name="警务移动办公系统", rank=3)
    edu = suite.login("edu")
    for path in (f"/api/projects/{project['id']}", f"/api/projects/{project['id']}/timeline",
                 f"/api/projects/{project['id']}/review"):
        resp = edu.get(path)
        assert resp.status_code == 404, path
        assert resp.json()["code"] == "NOT-FOUND"
    listed = edu.get("/api/projects").json()
    assert project["id"] not in [p["id"] for p in listed["items"]]
    unknown = police.get("/api/projects/00000000-0000-0000-0000-000000000000")
    assert unknown.status_code == 404


def test_bad_input_is_a_clear_400_and_writes_nothing(suite):
    police = suite.login("police")
    before = police.get("/api/projects").json()["total"]
    form = police.upload("申报书.pdf")
    documents = {"application_form": form, "project_plan": form}

    malformed = police.session.post(f"{suite.base_url}/api/plan-applications", data=b"{not json",
                                    headers={"Content-Type": "application/json", "Idempotency-Key": "m1"},
                                    timeout=10)
    assert malformed.status_code == 400

    wrong_types = police.post("/api/plan-applications",
                              json=_sample.valid_application(estimate_fen="一百万", category="OTHER",
                                                             documents=documents))
    assert wrong_types.status_code == 400
    fields = wrong_types.json()["details"]["fields"]
    assert "estimate_fen" in fields and "category" in fields

    missing = police.post("/api/plan-applications", json={"plan_year": 2027})
    assert missing.status_code == 400
    assert "必填" in str(missing.json()["details"]["fields"])

    oversized = police.post("/api/plan-applications",
                            json=_sample.valid_application(content="长" * 2_000_000, documents=documents))
    assert oversized.status_code in (400, 413)

    rule = police.post("/api/plan-applications", json=_sample.valid_application(need="", documents=documents))
    assert rule.status_code == 422 and rule.json()["code"] == "E06-NEED-MISSING"

    assert police.get("/api/projects").json()["total"] == before


def test_citing_a_document_the_department_did_not_upload_is_refused(suite):
    edu_file = suite.login("edu").upload("教育局方案.pdf", data=b"%PDF-1.4\n% edu only\n%%EOF\n")
    police = suite.login("police")
    resp = police.post("/api/plan-applications", json=_sample.valid_application(
        name="警务借用他人文件", rank=5, documents={"application_form": edu_file, "project_plan": edu_file}))
    assert resp.status_code == 422
    assert (resp.json()["code"], resp.json()["article"]) == ("E07-DOCUMENT-NOT-UPLOADED", "第七条")
    assert police.get(f"/api/documents/{edu_file['digest']}").status_code == 404


def test_repeated_command_with_same_idempotency_key_answers_once(suite):
    police = suite.login("police")
    form = police.upload("申报书.pdf")
    body = _sample.valid_application(name="警务数据治理平台", rank=4,
                                     documents={"application_form": form, "project_plan": form})
    first = police.post("/api/plan-applications", json=body, key="same-key-1")
    second = police.post("/api/plan-applications", json=body, key="same-key-1")
    assert first.status_code == 201 and second.status_code in (200, 201)
    assert first.json()["id"] == second.json()["id"]
    conflict = police.post("/api/plan-applications", json={**body, "name": "另一个项目"}, key="same-key-1")
    assert conflict.status_code == 409 and conflict.json()["code"] == "IDEMPOTENCY-CONFLICT"
