"""Chapter 3 (Art 10–15) through the real processes and the gateway: planned projects on each of the four
ways into 发改's approval (the standard stages, Art 10(1)'s direct FSR, Art 10(2)'s urgent package and Art
10(3)'s combined package), with 政务办's technical review, 网信's cybersecurity review and 财政's estimate review
as the services record them, the 批复 PDF and its digest; and a cross-department project whose framework
first overlaps, then is corrected, confirmed and determined before the sub-project may enter."""

import importlib.util
import io

import pytest
import requests
from pypdf import PdfReader

from .suite import REPO

pytestmark = pytest.mark.e2e

_spec = importlib.util.spec_from_file_location("planning_sample", REPO / "services/planning/tests/sample.py")
_sample = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_sample)

YEAR = 2027
OPINION = {"verdict": "AGREE", "necessity": "确有必要", "feasibility": "方案可行", "security": "安全可控",
           "budget": "预算合理"}
CRITERIA = {"policy_need": "MET", "intensive_sharing": "MET", "content_funding": "MET", "security_solution": "MET"}
BUREAUS = ("wx", "fg", "gx", "cz")
ASSESSMENT = {"rating": "ADEQUATE", "note": "内容完整"}


# ---------------------------------------------------------------- Chapter 2: the projects become PLANNED


def _upload(client, slot):
    return client.upload(f"{slot}.pdf", data=b"%PDF-1.4\n% " + slot.encode() + b"\n%%EOF\n")


def plan(suite, projects):
    """Applies, reviews, compiles and approves one plan year holding ``projects`` ((login, name), ...);
    answers {name: project id}, each PLANNED and listed in 发改's copy of the plan."""
    zwb, ids = suite.login("zwb"), {}
    ranks: dict[str, int] = {}
    for login, name in projects:
        client = suite.login(login)
        ranks[login] = ranks.get(login, 0) + 1
        body = _sample.valid_application(name=name, plan_year=YEAR, rank=ranks[login],
                                         system={"new_system_name": name + "系统"},
                                         documents={s: _upload(client, s) for s in ("application_form",
                                                                                    "project_plan")})
        resp = client.post("/api/plan-applications", json=body)
        assert resp.status_code == 201, resp.text
        ids[name] = resp.json()["id"]
    for pid in ids.values():
        zwb.wait_for("/api/review-openings", lambda o, pid=pid: pid in [i["project_id"] for i in o["items"]])
        assert zwb.post(f"/api/projects/{pid}/review/open", json={}).status_code == 201
        for bureau in BUREAUS:
            resp = suite.login(bureau).post(f"/api/projects/{pid}/review/opinions", json=OPINION)
            assert resp.status_code == 201, resp.text
        done = zwb.post(f"/api/projects/{pid}/review/conclusion", json={
            "outcome": "DRAFT", "consolidated_opinion": "同意列入年度计划草案", "criteria": CRITERIA})
        assert done.status_code == 200, done.text
        zwb.wait_for(f"/api/projects/{pid}", lambda p: p["state"] == "PLAN_DRAFTED")
    compiled = zwb.post(f"/api/annual-plans/{YEAR}/compile", json={"build_order": list(ids.values())})
    assert compiled.status_code == 200, compiled.text
    assert zwb.post(f"/api/annual-plans/{YEAR}/submit",
                    json={"expected_version": compiled.json()["version"]}).status_code == 200
    approved = suite.login("lg").post(f"/api/annual-plans/{YEAR}/approve",
                                      json={"document_number": f"连信息化领〔{YEAR}〕2号", "note": "同意"})
    assert approved.status_code == 200, approved.text
    fg = suite.login("fg")
    for pid in ids.values():
        fg.wait_for(f"/api/projects/{pid}/approval-entry", lambda e: e["may_enter"])
    return ids


# ---------------------------------------------------------------- Chapter 3 steps, each as its bureau takes it


def security_chapter():
    return {"needs_analysis": "按等保三级分析威胁与需求", "tasks_and_content": "边界防护、审计、备份",
            "protection_design": "一个中心、三重防护", "investment_fen": 12_000_000,
            "crypto_content": "采用商用密码实现身份鉴别与传输加密", "tiered_protection_summary": None}


def chapters(client, total_fen, *docs):
    return {"total_investment_fen": total_fen, "documents": {d: _upload(client, d) for d in docs},
            "sharing_chapter": {"content": "共享资源清单、共享方式与反馈机制"}, "security_chapter": security_chapter(),
            "reliability_statement": {"products": [{"name": "服务器", "supplier": "国产厂商", "status": "安全可靠"}]},
            "infrastructure": {k: {"status": "USED"} for k in ("egov_network", "gov_cloud", "bigdata_center",
                                                               "lyg_app")}}


def with_estimate(body, total_fen):
    first = total_fen * 3 // 5
    return {**body, "estimate": {"total_fen": total_fen, "line_items": [
        {"code": "01", "name": "软件开发", "amount_fen": first},
        {"code": "02", "name": "硬件购置", "amount_fen": total_fen - first}]}}


def catalog(unit_code, resource_code):
    return {"entries": [{"resource_code": resource_code, "name": f"{resource_code}名录", "summary": "基础信息",
                         "provider_code": unit_code, "share_type": "UNCONDITIONAL",
                         "consumer_scope": {"kind": "ALL_GOVERNMENT_DEPARTMENTS"}, "open_scope": {"kind": "NOT_OPEN"},
                         "sharing_method": "接口", "update_frequency": "每日", "completeness": "全市覆盖",
                         "data_items": [{"name": f"{resource_code}编号", "type": "string"}]}],
            "sharing_mechanism": "建立数据共享长效机制", "feedback_mechanism": "按季度反馈使用情况"}


def prepare(client, pid, resource_code):
    """The department's standing facts: the project code the platform issues (Art 15) and its catalog (Art 14)."""
    code = client.post(f"/api/projects/{pid}/project-code/request", json={})
    assert code.status_code in (200, 201), code.text
    assert len(code.json()["code"]) == 24 and code.json()["code"][5:9] == "3207"
    cat = client.post(f"/api/projects/{pid}/catalog", json=catalog(client.user["unit_id"], resource_code))
    assert cat.status_code in (200, 201), cat.text
    return cat.json()["version_no"]


def submit(client, pid, stage, body, expect=201):
    resp = client.post(f"/api/projects/{pid}/approval/submissions", json={"stage": stage, **body})
    assert resp.status_code == expect, resp.text
    return resp.json()


def technical_review(suite, pid, sub):
    """政务办 reviews exactly this version (R-10-2)."""
    zwb = suite.login("zwb")
    zwb.wait_for(f"/api/projects/{pid}/technical-review?submission_id={sub['submission_id']}",
                 lambda r: (r.get("submission") or {}).get("submission_id") == sub["submission_id"])
    opened = zwb.post(f"/api/projects/{pid}/technical-review/opening", json={"submission_id": sub["submission_id"]})
    assert opened.status_code == 201, opened.text
    done = zwb.post(f"/api/projects/{pid}/technical-review/conclusion", json={
        "submission_id": sub["submission_id"], "outcome": "PASS", "consolidated_opinion": "技术方案可行"})
    assert done.status_code == 200, done.text


def cybersecurity_review(suite, pid, sub):
    wx = suite.login("wx")
    wx.wait_for(f"/api/projects/{pid}/cybersecurity-review?submission_id={sub['submission_id']}",
                lambda r: r.get("submission_id") == sub["submission_id"])
    done = wx.post(f"/api/projects/{pid}/cybersecurity-review", json={
        "submission_id": sub["submission_id"], "conclusion": "PASS", "opinion": "网络安全篇章四部分齐全",
        "important_domain": False,
        "assessments": {part: ASSESSMENT for part in ("needs_analysis", "tasks_and_content", "protection_design",
                                                      "investment", "crypto_content")}})
    assert done.status_code == 201, done.text


def estimate_review(suite, pid, sub, reviewed_fen):
    cz = suite.login("cz")
    cz.wait_for(f"/api/projects/{pid}/estimate-review?submission_id={sub['submission_id']}",
                lambda r: r.get("status") == "OPEN")
    done = cz.post(f"/api/projects/{pid}/estimate-review/conclusion", json={
        "submission_id": sub["submission_id"], "reviewed_fen": reviewed_fen, "opinion": "核减硬件购置费用"})
    assert done.status_code == 200, done.text


DECISION = {"sharing_chapter_opinion": "共享分析篇（章）内容完整，同意按目录共享",
            "security_chapter_opinion": "网络安全保障措施篇（章）符合要求", "security_status": "符合等保三级",
            "sharing_status": {"completeness": "目录完整", "timeliness": "每日更新"},
            "evaluation_none_available": True, "opinion": "同意"}


def approve(fg, pid, sub, expect=201, **extra):
    resp = fg.post(f"/api/projects/{pid}/approval/submissions/{sub['submission_id']}/approval",
                   json={**DECISION, **extra})
    assert resp.status_code == expect, resp.text
    return resp.json()


def wait_state(client, pid, state):
    return client.wait_for(f"/api/projects/{pid}/approval", lambda a: a["stage_state"] == state)


def blockers(client, pid):
    return {b["code"] for b in client.get(f"/api/projects/{pid}/approval/path").json()["blockers"]}


# ---------------------------------------------------------------- the scenarios

PROJECTS = (("police", "智慧警务指挥平台"), ("police", "警务视频融合平台"), ("edu", "智慧校园平台"),
            ("health", "急救调度平台"), ("health", "健康档案平台"), ("police", "城市运行联动平台"),
            ("edu", "教育数据联动子系统"))


@pytest.fixture(scope="module")
def planned(suite):
    return plan(suite, PROJECTS)


def test_the_standard_stages_with_all_three_reviews_and_the_approval_document(suite, planned):
    """T20 → T21 → T22 → T24 → T25 → T26/T27 → T28; R-15-1, R-10-4, R-10-2, R-14-2 (网信), R-10-3, 批复."""
    police, fg = suite.login("police"), suite.login("fg")
    pid = planned["智慧警务指挥平台"]

    refused = police.post(f"/api/projects/{pid}/approval/submissions",
                          json={"stage": "PROPOSAL", "total_investment_fen": 1_500_000_000,
                                "documents": {"proposal": _upload(police, "proposal")}})
    assert (refused.status_code, refused.json()["code"], refused.json()["article"]) == (
        422, "E15-PROJECT-CODE-MISSING", "第十五条")
    catalog_no = prepare(police, pid, "JW-001")
    path = police.get(f"/api/projects/{pid}/approval/path").json()
    assert path["tracks"]["STANDARD"]["open"] and path["tracks"]["PATH1"]["open"]   # plan-listed: Art 10(1)
    early_pd = police.post(f"/api/projects/{pid}/approval/submissions", json={
        "stage": "PD", **with_estimate(chapters(police, 1_500_000_000, "pd"), 1_500_000_000)})
    assert (early_pd.status_code, early_pd.json()["code"]) == (422, "E10-FSR-REQUIRED")

    proposal = submit(police, pid, "PROPOSAL", {"total_investment_fen": 1_500_000_000,
                                                "documents": {"proposal": _upload(police, "proposal")}})
    assert suite.login("zwb").post(f"/api/projects/{pid}/approval/submissions/{proposal['submission_id']}"
                                   "/approval", json=DECISION).status_code == 403     # only 发改 (R-10-8)
    approve(fg, pid, proposal)
    wait_state(police, pid, "PROPOSAL_APPROVED")

    fsr = submit(police, pid, "FSR", {**chapters(police, 1_500_000_000, "fsr"), "catalog_version": catalog_no})
    assert {"E10-TECH-REVIEW-MISSING", "E14-CYBERSECURITY-REVIEW-MISSING"} <= blockers(fg, pid)
    early = approve(fg, pid, fsr, expect=422)
    assert early["code"] in ("E10-TECH-REVIEW-MISSING", "E14-CYBERSECURITY-REVIEW-MISSING")
    technical_review(suite, pid, fsr)
    cybersecurity_review(suite, pid, fsr)
    fg.wait_for(f"/api/projects/{pid}/approval/path", lambda p: not p["blockers"])
    approve(fg, pid, fsr)
    wait_state(police, pid, "FSR_APPROVED")

    pd = submit(police, pid, "PD", {**with_estimate(chapters(police, 1_500_000_000, "pd"), 1_500_000_000),
                                    "catalog_version": catalog_no})
    wait_state(police, pid, "ESTIMATE_UNDER_REVIEW")                   # TH-1: 15,000,000.00 ≥ 1,000,000.00
    technical_review(suite, pid, pd)
    cybersecurity_review(suite, pid, pd)
    fg.wait_for(f"/api/projects/{pid}/approval/path", lambda p: {b["code"] for b in p["blockers"]} == {
        "E10-ESTIMATE-REVIEW-REQUIRED"})
    estimate_review(suite, pid, pd, 1_400_000_000)
    wait_state(police, pid, "PD_SUBMITTED")
    over = approve(fg, pid, pd, expect=422, approved_estimate_fen=1_500_000_000)
    assert (over["code"], over["rule"]) == ("E10-APPROVED-EXCEEDS-REVIEWED", "R-10-3")
    lines = [{"code": "01", "name": "软件开发", "amount_fen": 840_000_000},
             {"code": "02", "name": "硬件购置", "amount_fen": 560_000_000}]
    decision = approve(fg, pid, pd, approved_estimate_fen=1_400_000_000, line_items=lines)
    assert decision["stage_state"] == "APPROVED"
    police.wait_for(f"/api/projects/{pid}", lambda p: p["state"] == "APPROVED")

    pdf = police.get(f"/api/approval-documents/{decision['decision_id']}/pdf")
    assert pdf.status_code == 200 and pdf.headers["Content-Type"].startswith("application/pdf")
    text = "".join("".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages).split())
    for printed in (decision["doc_no"], decision["digest"], "智慧警务指挥平台", "14,000,000.00", "8,400,000.00",
                    "共享分析篇（章）内容完整", "网络安全保障措施篇（章）符合要求"):
        assert printed in text, printed
    verify = "/api/approval-documents/verify"
    # Whoever holds the paper may check it, without an account.
    checked = requests.get(suite.base_url + verify, params={"doc_no": decision["doc_no"],
                                                            "digest": decision["digest"]}, timeout=10)
    assert checked.status_code == 200 and checked.json()["valid"] is True
    forged = police.get(verify, params={"doc_no": decision["doc_no"], "digest": "0" * 64})
    assert forged.json()["valid"] is False
    # Another department cannot fetch the document; it does not learn it exists (rules.md §7.2).
    assert suite.login("edu").get(f"/api/approval-documents/{decision['decision_id']}/pdf").status_code == 404


def test_a_direct_fsr_returned_and_resubmitted_needs_a_review_of_the_new_version(suite, planned):
    """T23 (Art 10(1)), T32 and R-10-2's binding to the version; a 概算 of 999,999.99 needs no 财政 review."""
    edu, fg = suite.login("edu"), suite.login("fg")
    pid = planned["智慧校园平台"]
    catalog_no = prepare(edu, pid, "JY-001")
    v1 = submit(edu, pid, "FSR", {**chapters(edu, 99_999_999, "fsr"), "catalog_version": catalog_no})
    assert v1["track"] == "PATH1"
    technical_review(suite, pid, v1)
    cybersecurity_review(suite, pid, v1)
    returned = fg.post(f"/api/projects/{pid}/approval/submissions/{v1['submission_id']}/return",
                       json={"reason": "可行性研究报告需补充数据共享的测算"})
    assert returned.status_code == 200, returned.text
    wait_state(edu, pid, "RETURNED")
    v2 = submit(edu, pid, "FSR", {**chapters(edu, 99_999_999, "fsr"), "catalog_version": catalog_no})
    assert v2["version_no"] == 2
    fg.wait_for(f"/api/projects/{pid}/approval/path", lambda p: p["current_submission_id"] == v2["submission_id"])
    stale = approve(fg, pid, v2, expect=422)
    assert stale["code"] in ("E10-TECH-REVIEW-STALE", "E14-CYBERSECURITY-REVIEW-MISSING")
    assert "E10-TECH-REVIEW-STALE" in blockers(fg, pid)
    technical_review(suite, pid, v2)
    cybersecurity_review(suite, pid, v2)
    fg.wait_for(f"/api/projects/{pid}/approval/path", lambda p: not p["blockers"])
    approve(fg, pid, v2)
    wait_state(edu, pid, "FSR_APPROVED")

    pd = submit(edu, pid, "PD", {**with_estimate(chapters(edu, 99_999_999, "pd"), 99_999_999),
                                 "catalog_version": catalog_no})
    assert pd["stage_state"] == "PD_SUBMITTED"                         # 999,999.99: no estimate review (TH-1)
    technical_review(suite, pid, pd)
    cybersecurity_review(suite, pid, pd)
    fg.wait_for(f"/api/projects/{pid}/approval/path", lambda p: not p["blockers"])
    done = approve(fg, pid, pd)
    assert done["stage_state"] == "APPROVED" and done["record"]["estimate_review"] is None
    assert suite.login("cz").get(f"/api/projects/{pid}/estimate-review").json()["status"] == "NOT_REQUIRED"


def test_a_combined_package_at_exactly_ten_million_and_one_fen_above(suite, planned):
    """T30, R-10-7 at TH-2: 10,000,000.00 may combine, 10,000,000.01 may not."""
    health, fg = suite.login("health"), suite.login("fg")
    small, large = planned["急救调度平台"], planned["健康档案平台"]
    small_catalog = prepare(health, small, "WJ-001")
    prepare(health, large, "WJ-002")
    package = {**with_estimate(chapters(health, 1_000_000_001, "proposal", "fsr", "pd"), 1_000_000_001)}
    over = health.post(f"/api/projects/{large}/approval/submissions", json={"stage": "COMBINED_PACKAGE", **package})
    assert (over.status_code, over.json()["code"], over.json()["rule"]) == (422, "E10-COMBINED-OVER-LIMIT", "R-10-7")

    at_limit = submit(health, small, "COMBINED_PACKAGE", {
        **with_estimate(chapters(health, 1_000_000_000, "proposal", "fsr", "pd"), 1_000_000_000),
        "catalog_version": small_catalog})
    assert at_limit["track"] == "COMBINED"
    technical_review(suite, small, at_limit)
    cybersecurity_review(suite, small, at_limit)
    estimate_review(suite, small, at_limit, 1_000_000_000)
    fg.wait_for(f"/api/projects/{small}/approval/path", lambda p: not p["blockers"])
    assert approve(fg, small, at_limit)["stage_state"] == "APPROVED"


def test_an_urgent_package_waits_for_fg_to_confirm_its_depth(suite, planned):
    """T29, R-10-6 (a)(b) at submission and (c) at approval."""
    police, fg = suite.login("police"), suite.login("fg")
    pid = planned["警务视频融合平台"]
    catalog_no = prepare(police, pid, "JW-002")
    body = {**with_estimate(chapters(police, 300_000_000, "fsr", "pd"), 300_000_000), "catalog_version": catalog_no,
            "urgent_basis": {"kind": "NATIONAL_SECURITY", "reason": "重大活动安保"}}
    missing = police.post(f"/api/projects/{pid}/approval/submissions", json={"stage": "URGENT_PACKAGE", **body})
    assert (missing.status_code, missing.json()["code"]) == (422, "E10-PATH2-URGENCY-MISSING")
    urgent = submit(police, pid, "URGENT_PACKAGE", {**body, "urgency_statement": "须于活动开始前建成"})
    technical_review(suite, pid, urgent)
    cybersecurity_review(suite, pid, urgent)
    estimate_review(suite, pid, urgent, 300_000_000)
    fg.wait_for(f"/api/projects/{pid}/approval/path", lambda p: {b["code"] for b in p["blockers"]} == {
        "E10-PATH2-DEPTH-NOT-CONFIRMED"})
    confirmed = fg.post(f"/api/projects/{pid}/approval/submissions/{urgent['submission_id']}/depth-confirmation",
                        json={"note": "前期工作深度达到规定要求"})
    assert confirmed.status_code in (200, 201), confirmed.text
    assert approve(fg, pid, urgent)["stage_state"] == "APPROVED"


def framework_body(lead_pid, edu_pid, edu_code):
    """The 城市运行联动 framework (§6.5): police leads, edu takes part; ``edu_code`` is the content edu is given."""
    return {
        "title": "城市运行联动工程框架方案", "overall_project_id": lead_pid,
        "goals": "城市运行事件跨部门联动处置", "main_content": "事件汇聚、联动指挥、教育场所安全联动",
        "participants": [{"unit_id": "edu", "unit_name": "市教育局", "sub_project_id": edu_pid}],
        "departments": [
            {"unit_id": "police", "business_flow": "接警、研判、派警",
             "data_flows": [{"counterpart_unit_id": "edu", "direction": "OUT", "content": "校园周边警情"}],
             "interfaces": [{"name": "警情推送接口", "counterpart_unit_id": "edu", "direction": "PROVIDES"}]},
            {"unit_id": "edu", "business_flow": "校园安全事件上报与处置",
             "data_flows": [{"counterpart_unit_id": "police", "direction": "IN", "content": "校园周边警情"}],
             "interfaces": [{"name": "警情推送接口", "counterpart_unit_id": "police", "direction": "CONSUMES"}]}],
        "data_catalog": [
            {"resource_code": "LD-JW-001", "name": "联动警情", "provider_unit_id": "police",
             "data_items": ["LD-JW-001编号"]},
            {"resource_code": "LD-JY-001", "name": "校园安全事件", "provider_unit_id": "edu",
             "data_items": ["LD-JY-001编号"]}],
        "allocation": [
            {"item_id": "i-1", "code": "APP.EMERGENCY", "name": "联动指挥", "unit_id": "police"},
            {"item_id": "i-2", "code": edu_code, "name": "校园安全联动", "unit_id": "edu"}],
    }


def test_a_cross_department_project_enters_only_once_its_framework_is_determined(suite, planned):
    """Art 12: T90 with R-12-3's overlap found and corrected, R-12-4's confirmation, R-12-5 at the entry."""
    police, edu = suite.login("police"), suite.login("edu")
    lead, sub = planned["城市运行联动平台"], planned["教育数据联动子系统"]

    # Both departments given 联动指挥: saved as a draft, but it cannot be determined (R-12-3).
    created = police.post("/api/frameworks", json=framework_body(lead, sub, "APP.EMERGENCY"))
    assert created.status_code == 201, created.text
    fw = created.json()
    overlap = police.post(f"/api/frameworks/{fw['framework_id']}/determination", json={"version_no": 1})
    assert (overlap.status_code, overlap.json()["code"], overlap.json()["article"]) == (
        422, "E12-CONTENT-OVERLAP", "第十二条")

    # The participant may not enter approval before the framework is determined (R-12-5).
    code = edu.post(f"/api/projects/{sub}/project-code/request", json={})
    assert code.status_code in (200, 201), code.text
    early = edu.post(f"/api/projects/{sub}/approval/submissions", json={
        "stage": "FSR", **chapters(edu, 200_000_000, "fsr"), "content_items": [{"code": "APP.SERVICE",
                                                                               "name": "校园安全联动"}]})
    assert (early.status_code, early.json()["code"]) == (422, "E12-FRAMEWORK-NOT-DETERMINED")

    # Corrected: edu's part is 政务服务办理. The edit resets nothing yet confirmed; edu confirms version 2.
    edited = police.post(f"/api/frameworks/{fw['framework_id']}/versions",
                         json={**framework_body(lead, sub, "APP.SERVICE"), "version_no": 1})
    assert edited.status_code == 201, edited.text
    unconfirmed = police.post(f"/api/frameworks/{fw['framework_id']}/determination", json={"version_no": 2})
    assert (unconfirmed.status_code, unconfirmed.json()["code"]) == (422, "E12-FRAMEWORK-NOT-CONFIRMED")
    confirmed = edu.post(f"/api/frameworks/{fw['framework_id']}/confirmation",
                         json={"version_no": 2, "opinion": "同意"})
    assert confirmed.status_code == 200, confirmed.text
    determined = police.post(f"/api/frameworks/{fw['framework_id']}/determination", json={"version_no": 2})
    assert determined.status_code == 200 and determined.json()["status"] == "DETERMINED", determined.text

    # Now the sub-project enters, within its allocation (R-12-6) and with the allocated catalog entry (R-12-7).
    cat = edu.post(f"/api/projects/{sub}/catalog", json=catalog("edu", "LD-JY-001"))
    assert cat.status_code in (200, 201), cat.text
    outside = edu.post(f"/api/projects/{sub}/approval/submissions", json={
        "stage": "FSR", **chapters(edu, 200_000_000, "fsr"), "catalog_version": cat.json()["version_no"],
        "content_items": [{"code": "APP.EMERGENCY", "name": "联动指挥"}]})
    assert (outside.status_code, outside.json()["code"]) == (422, "E12-OUTSIDE-ALLOCATION")
    entered = submit(edu, sub, "FSR", {**chapters(edu, 200_000_000, "fsr"),
                                       "catalog_version": cat.json()["version_no"],
                                       "content_items": [{"code": "APP.SERVICE", "name": "校园安全联动"}]})
    assert entered["stage_state"] == "FSR_SUBMITTED"
