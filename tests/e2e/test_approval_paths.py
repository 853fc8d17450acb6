"""Chapter 3 (Art 10–15) through the real processes and the gateway: planned projects on each of the four
ways into 发改's approval (the standard stages, Art 10(1)'s direct FSR, Art 10(2)'s urgent package and Art
10(3)'s combined package), with 政务办's technical review, 网信's cybersecurity review and 财政's estimate review
as the services record them, the 批复 PDF and its digest; and a cross-department project whose framework
first overlaps, then is corrected, confirmed and determined before the sub-project may enter."""

import importlib.util
import io

import pytest
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
                lambda r: r.get("status") == "REQUESTED")
    done = cz.post(f"/api/projects/{pid}/estimate-review/conclusion", json={
        "submission_id": sub["submission_id"], "reviewed_fen": reviewed_fen, "opinion": "核减硬件购置费用"})
    assert done.status_code == 200, done.text


DECISION = {"sharing_chapter_opinion": "共享分析篇（章）内容完整，同意按目录共享",
            "security_chapter_opinion": "网络安全保障措施篇（章）符合要求", "security_status": "符合等保三级",
            "sharing_status": {"completeness": "目录完整", "timeliness": "每日更新"},
            "evaluation_none_available": True, "opinion": "同意"}


def approve(fg, pid, sub, expect=200, **extra):
    resp = fg.post(f"/api/projects/{pid}/approval/submissions/{sub['submission_id']}/approval",
                   json={**DECISION, **extra})
    assert resp.status_code == expect, resp.text
    return resp.json()


def wait_state(client, pid, state):
    return client.wait_for(f"/api/projects/{pid}/approval", lambda a: a["stage_state"] == state)


def blockers(client, pid):
    return {b["code"] for b in client.get(f"/api/projects/{pid}/approval/path").json()["blockers"]}
