"""One plan year through the real processes and the gateway (Chapter 2): 政务办 opens the call; three
departments apply (one refused for a missing document, one for a closed window); the joint review; the plan
compiled, submitted, approved by the leading group and copied to 发改; and an ad-hoc project refused before
and accepted after 财政 confirms its funding."""

import importlib.util
import io
import json
from datetime import datetime, timedelta

import pika
import pytest
from openpyxl import load_workbook

from gateway.feed.amqp import EXTERNAL_EXCHANGE
from gateway.feed.tail_amqp import follow
from itpm_common.clock import SHANGHAI

from .suite import REPO

pytestmark = pytest.mark.e2e

_spec = importlib.util.spec_from_file_location("planning_sample", REPO / "services/planning/tests/sample.py")
_sample = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_sample)

YEAR = 2028
OPINION = {"verdict": "AGREE", "necessity": "确有必要", "feasibility": "方案可行", "security": "安全可控",
           "budget": "预算合理"}
CRITERIA = {"policy_need": "MET", "intensive_sharing": "MET", "content_funding": "MET", "security_solution": "MET"}
BUREAUS = ("wx", "fg", "gx", "cz")


def documents(client, *names):
    return {slot: client.upload(f"{slot}.pdf", data=b"%PDF-1.4\n% " + slot.encode() + b"\n%%EOF\n")
            for slot in names}


def apply(client, body, expect=201):
    resp = client.post("/api/plan-applications", json=body)
    assert resp.status_code == expect, resp.text
    return resp.json()


def joint_review(suite, pid, open_path, conclusion_path, conclusion):
    zwb = suite.login("zwb")
    # review learns of the application from planning's event, a moment after the department filed it.
    zwb.wait_for("/api/review-openings", lambda o: pid in [i["project_id"] for i in o["items"]])
    opened = zwb.post(open_path.format(pid=pid), json={})
    assert opened.status_code == 201, opened.text
    for bureau in BUREAUS:
        resp = suite.login(bureau).post(f"/api/projects/{pid}/review/opinions", json=OPINION)
        assert resp.status_code == 201, resp.text
    done = zwb.post(conclusion_path.format(pid=pid), json=conclusion)
    assert done.status_code == 200, done.text


def partner_queue(suite, name):
    """An external subscriber's durable queue on the feed's exchange, declared before anything is published."""
    conn = pika.BlockingConnection(pika.URLParameters(suite.env["AMQP_URI"]))
    try:
        ch = conn.channel()
        ch.exchange_declare(EXTERNAL_EXCHANGE, "topic", durable=True)
        ch.queue_declare(name, durable=True)
        ch.queue_bind(name, EXTERNAL_EXCHANGE, "#")
    finally:
        conn.close()


def test_one_plan_year_from_the_call_to_the_copy_for_fg(suite):
    partner_queue(suite, "provincial-platform")
    today = datetime.now(SHANGHAI).date()
    zwb, police, edu, health = (suite.login(u) for u in ("zwb", "police", "edu", "health"))

    call = zwb.post("/api/plan-calls", json={"plan_year": YEAR, "opens_on": (today - timedelta(days=3)).isoformat(),
                                             "closes_on": today.isoformat(), "notice": "关于申报年度项目的通知"})
    assert call.status_code == 201 and call.json()["status"] == "OPEN"
    assert police.post("/api/plan-calls", json={"plan_year": YEAR + 5, "opens_on": today.isoformat(),
                                                "closes_on": today.isoformat()}).status_code == 403

    # A closed window: the call of the year after closed yesterday; the refusal points to Art 9.
    zwb.post("/api/plan-calls", json={"plan_year": YEAR + 1, "opens_on": (today - timedelta(days=9)).isoformat(),
                                      "closes_on": (today - timedelta(days=1)).isoformat()})
    late = health.post("/api/plan-applications", json=_sample.valid_application(
        name="健康档案互认平台", plan_year=YEAR + 1, documents=documents(health, "application_form", "project_plan")))
    assert late.status_code == 422
    assert (late.json()["code"], late.json()["rule"], late.json()["article"]) == (
        "E07-CALL-WINDOW-CLOSED", "R-7-5", "第七条")
    assert "第九条" in late.json()["reason_zh"]

    # A missing 项目方案: refused with R-7-4's code; the corrected filing goes in.
    missing = edu.post("/api/plan-applications", json=_sample.valid_application(
        name="智慧校园平台", plan_year=YEAR, documents=documents(edu, "application_form")))
    assert missing.status_code == 422 and missing.json()["code"] == "E07-PROJECT-PLAN-MISSING"
    assert "项目方案" in missing.json()["reason_zh"]

    build = apply(police, _sample.valid_application(name="智慧警务大数据平台", plan_year=YEAR,
                                                    documents=documents(police, "application_form", "project_plan")))
    om = apply(edu, _sample.om_application(name="教育城域网运维", plan_year=YEAR,
                                           documents=documents(edu, "application_form", "project_plan")))
    school = apply(edu, _sample.valid_application(name="智慧校园平台", plan_year=YEAR, rank=2,
                                                  documents=documents(edu, "application_form", "project_plan")))

    for pid in (build["id"], om["id"], school["id"]):
        joint_review(suite, pid, "/api/projects/{pid}/review/open", "/api/projects/{pid}/review/conclusion",
                     {"outcome": "DRAFT", "consolidated_opinion": "四部门均同意，列入年度计划草案",
                      "criteria": CRITERIA})
        zwb.wait_for(f"/api/projects/{pid}", lambda p: p["state"] == "PLAN_DRAFTED")

    assert zwb.post(f"/api/plan-calls/{YEAR}/close", json={}).json()["status"] == "CLOSED"
    # 政务办 ranks across departments (R-8-2); each department's own priority only orders its own items.
    plan = zwb.post(f"/api/annual-plans/{YEAR}/compile", json={"build_order": [build["id"], school["id"]]})
    assert plan.status_code == 200, plan.text
    sections = plan.json()["sections"]
    assert [i["name"] for i in sections["BUILD"]] == ["智慧警务大数据平台", "智慧校园平台"]
    assert [i["name"] for i in sections["OM"]] == ["教育城域网运维"]
    submitted = zwb.post(f"/api/annual-plans/{YEAR}/submit", json={"expected_version": plan.json()["version"]})
    assert submitted.status_code == 200 and submitted.json()["status"] == "SUBMITTED"

    assert zwb.post(f"/api/annual-plans/{YEAR}/approve", json={"document_number": "x"}).status_code == 403
    lg = suite.login("lg")
    approved = lg.post(f"/api/annual-plans/{YEAR}/approve", json={
        "document_number": f"连信息化领〔{YEAR}〕1号", "note": "同意",
        "struck": [{"project_id": school["id"], "reason": "与市级教育平台重复，暂不列入"}]})
    assert approved.status_code == 200, approved.text
    assert approved.json()["status"] == "APPROVED"

    police.wait_for(f"/api/projects/{build['id']}", lambda p: p["state"] == "PLANNED")
    edu.wait_for(f"/api/projects/{school['id']}", lambda p: p["state"] == "NOT_INCLUDED")
    fg = suite.login("fg")
    listing = fg.wait_for(f"/api/projects/{build['id']}/plan-listing", lambda x: x.get("listed") is True)
    assert listing["plan_year"] == YEAR
    # R-8-6: the listed item may enter approval on the plan path; the struck one may not.
    entry = fg.wait_for(f"/api/projects/{build['id']}/approval-entry", lambda e: e["may_enter"])
    assert (entry["path"], entry["plan_listed"]) == ("PLAN", True)
    struck = fg.wait_for(f"/api/projects/{school['id']}/approval-entry", lambda e: e["state"] == "NOT_INCLUDED")
    assert struck["may_enter"] is False and struck["refusal"]["code"] == "E08-NOT-IN-APPROVED-PLAN"
    # The department sees only its own items of the approved plan.
    mine = edu.get(f"/api/annual-plans/{YEAR}").json()
    assert [i["name"] for i in mine["sections"]["OM"]] == ["教育城域网运维"]
    assert [i["name"] for i in mine["sections"]["BUILD"]] == ["智慧校园平台"]
    timeline = police.wait_for(f"/api/projects/{build['id']}/timeline",
                               lambda t: any(e["name"] == "PlanItemApproved" for e in t["items"]))["items"]
    assert {"PlanApplicationSubmitted", "PlanReviewOpened", "PlanItemDrafted", "PlanItemApproved"} <= {
        e["name"] for e in timeline}

    # The external feed (rules.md §8.3): the approved plan, without amounts, reaches a partner over AMQP.
    [published] = follow(suite.env["AMQP_URI"], "provincial-platform", ["#"], limit=1, out=io.StringIO())
    assert published["type"] == "cn.gov.lyg.itpm.planning.annual_plan_approved.v1"
    assert [i["name"] for i in published["data"]["items"]] == ["智慧警务大数据平台", "教育城域网运维"]
    assert "estimate_fen" not in json.dumps(published) and "actorid" not in published

    sheet = fg.get(f"/api/annual-plans/{YEAR}/export.xlsx")
    assert sheet.status_code == 200
    cells = [c for row in load_workbook(io.BytesIO(sheet.content)).active.iter_rows(values_only=True)
             for c in row if c]
    assert "智慧警务大数据平台" in cells and "智慧校园平台" not in cells
    pdf = fg.get(f"/api/annual-plans/{YEAR}/export.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")


def test_an_adhoc_project_waits_for_the_funding_confirmation(suite):
    health, zwb, cz = suite.login("health"), suite.login("zwb"), suite.login("cz")
    body = _sample.adhoc_application(plan_year=YEAR, documents=documents(health, "application_form", "project_plan"))
    project = health.post("/api/adhoc-applications", json=body)
    assert project.status_code == 201, project.text
    pid = project.json()["id"]
    assert project.json()["state"] == "ADHOC_APPLIED"

    zwb.wait_for("/api/review-openings", lambda r: any(i.get("project_id") == pid for i in r["items"]))
    refused = zwb.post(f"/api/projects/{pid}/joint-review/open", json={})
    assert refused.status_code == 422
    assert (refused.json()["code"], refused.json()["rule"], refused.json()["article"]) == (
        "E09-FUNDING-NOT-CONFIRMED", "R-9-2", "第九条")

    assert suite.login("fg").post(f"/api/projects/{pid}/funding-confirmation", json={
        "result": "SECURED", "confirmed_amount_fen": 100_000_000, "note": "x"}).status_code in (403, 404)
    cz.wait_for(f"/api/projects/{pid}/funding", lambda f: f.get("status") is not None)
    confirmed = cz.post(f"/api/projects/{pid}/funding-confirmation", json={
        "result": "SECURED", "confirmed_amount_fen": 100_000_000, "note": "已列入年度预算调整"})
    assert confirmed.status_code == 201, confirmed.text
    health.wait_for(f"/api/projects/{pid}", lambda p: p["state"] == "ADHOC_FUNDING_CONFIRMED")

    zwb.wait_for("/api/review-openings", lambda r: any(i.get("project_id") == pid and i.get("ready")
                                                       for i in r["items"]))
    joint_review(suite, pid, "/api/projects/{pid}/joint-review/open", "/api/projects/{pid}/joint-review/conclusion",
                 {"outcome": "PASS", "consolidated_opinion": "联审通过，资金已落实"})
    health.wait_for(f"/api/projects/{pid}", lambda p: p["state"] == "ADHOC_CLEARED")
    # R-9-6: cleared, it enters approval as ad-hoc and does not count as listed in the annual plan.
    entry = suite.login("fg").wait_for(f"/api/projects/{pid}/approval-entry", lambda e: e["may_enter"])
    assert (entry["path"], entry["plan_listed"]) == ("ADHOC", False)
