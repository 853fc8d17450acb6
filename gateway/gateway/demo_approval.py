"""The demo's Chapter 3: 发改's approval (Articles 10–15) of an earlier plan year.

So that next year's call stays as ``demo`` leaves it, the projects that reach
approval belong to this year's plan: 政务办 opens and closes the call, the
bureaus review each application, 政务办 compiles the plan and the leading group
approves it (copied to 发改). Then, each as its department or bureau would:

- 警务数据资源中心 (police) goes the direct-FSR way (Art 10(1)): its FSR and then
  its preliminary design pass 政务办's technical review and 网信's cybersecurity
  review, its 概算 of 6,800,000.00 元 is reviewed by 财政 to 6,500,000.00, and
  发改 approves both stages; the 批复 can be downloaded as a PDF;
- 智慧教育管理平台 (edu) has its FSR submitted and waits for the reviews, in
  政务办's, 网信's and 发改's 我的待办;
- 医疗急救调度系统 (health) has its project code and catalog, nothing submitted:
  the department sees the tracks open to it;
- 城市运行联动指挥平台 (police) leads a cross-department framework in which
  edu's 校园安全联动子系统 takes part; it is drafted and awaits edu's
  confirmation.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from itpm_common.clock import SHANGHAI
from itpm_common.money import fen_to_yuan_str

from .demo_common import BUREAUS, CONSOLIDATED, CRITERIA, OPINION, Demo, application, plan_year

APPROVED, WAITING, PREPARED, LEAD, PARTICIPANT = "approved", "waiting", "prepared", "lead", "participant"
PROJECTS = [
    # (key, login, name, estimate in fen, rank, what 发改's approval shows)
    ("ch3-police-1", "police", "警务数据资源中心", 6_800_000_00, 1, APPROVED),
    ("ch3-edu-1", "edu", "智慧教育管理平台", 3_600_000_00, 1, WAITING),
    ("ch3-health-1", "health", "医疗急救调度系统", 2_400_000_00, 1, PREPARED),
    ("ch3-police-2", "police", "城市运行联动指挥平台", 4_200_000_00, 2, LEAD),
    ("ch3-edu-2", "edu", "校园安全联动子系统", 900_000_00, 2, PARTICIPANT),
]
REVIEWED_FEN = 6_500_000_00        # 财政's review of the approved project's 概算 (≥ 1,000,000.00: R-10-3)
RESOURCES = {"police": "JW-DEMO-001", "edu": "JY-DEMO-001", "health": "WJ-DEMO-001"}
ASSESSMENT = {"rating": "ADEQUATE", "note": "内容完整，措施可行"}
DECISION = {"sharing_chapter_opinion": "共享分析篇（章）内容完整，同意按信息资源目录共享",
            "security_chapter_opinion": "网络安全保障措施篇（章）符合等保三级要求",
            "security_status": "已按等保三级同步规划", "evaluation_none_available": True,
            "sharing_status": {"completeness": "目录完整", "timeliness": "每日更新"}, "opinion": "同意"}


def earlier_year() -> int:
    """This year's plan: approved by now, while next year's call is still open."""
    return plan_year() - 1


# ---------------------------------------------------------------- Chapter 2: the earlier plan year


def call_and_close(demo: Demo, year: int) -> None:
    """政务办's call for the earlier year (R-7-5), closed once the departments have filed."""
    if demo.get("zwb", f"/api/plan-calls/{year}").status_code == 200:
        return
    today = datetime.now(SHANGHAI).date()
    demo.post("zwb", "/api/plan-calls", {
        "plan_year": year, "opens_on": (today - timedelta(days=30)).isoformat(), "closes_on": today.isoformat(),
        "notice": f"关于申报{year}年度市级政务信息化项目的通知"}, f"call-{year}")


def approved_plan(demo: Demo, year: int) -> dict[str, str]:
    """Files, reviews, compiles and approves the plan of ``year``; answers {key: project id}."""
    call_and_close(demo, year)
    ids = {}
    for key, login, name, estimate, rank, _ in PROJECTS:
        ids[key] = demo.post(login, "/api/plan-applications",
                             application(demo, login, name, estimate, rank, year), key)["id"]
    if demo.get("zwb", f"/api/plan-calls/{year}").json()["status"] == "OPEN":
        demo.post("zwb", f"/api/plan-calls/{year}/close", {}, f"call-{year}-close")
    plan = demo.get("zwb", f"/api/annual-plans/{year}")
    if plan.status_code == 200 and plan.json()["status"] == "APPROVED":
        return ids
    for key, pid in ids.items():
        demo.open_review(pid, key)
        for bureau in BUREAUS:
            demo.post(bureau, f"/api/projects/{pid}/review/opinions", OPINION, f"{key}-{bureau}")
        demo.post("zwb", f"/api/projects/{pid}/review/conclusion",
                  {"outcome": "DRAFT", "criteria": CRITERIA, "consolidated_opinion": CONSOLIDATED},
                  f"{key}-conclusion")
    for pid in ids.values():
        demo.wait("zwb", f"/api/projects/{pid}", lambda p: p["state"] == "PLAN_DRAFTED",
                  f"the project {pid} did not reach the draft plan")
    compiled = demo.post("zwb", f"/api/annual-plans/{year}/compile", {"build_order": list(ids.values())},
                         f"plan-{year}-compile")
    demo.post("zwb", f"/api/annual-plans/{year}/submit", {"expected_version": compiled["version"]},
              f"plan-{year}-submit")
    demo.post("lg", f"/api/annual-plans/{year}/approve",
              {"document_number": f"连信息化领〔{year}〕1号", "note": "同意"}, f"plan-{year}-approve")
    print(f"  领导小组审定{year}年度建设计划（{len(ids)} 个建设类项目），抄送发改")
    return ids


# ---------------------------------------------------------------- Chapter 3, each step as its bureau takes it


def _upload(demo: Demo, login: str, name: str, *slots: str) -> dict:
    titles = {"fsr": "可行性研究报告", "pd": "初步设计"}
    return {slot: demo.upload(login, f"{name}-{titles[slot]}.pdf") for slot in slots}


def stage_content(demo: Demo, login: str, name: str, total_fen: int, slot: str) -> dict:
    """An FSR or PD with both chapters (R-14-1, R-14-2) and the statements of §6.3."""
    return {
        "total_investment_fen": total_fen, "documents": _upload(demo, login, name, slot),
        "sharing_chapter": {"content": "共享资源清单、共享方式、共享长效机制与使用情况反馈机制"},
        "security_chapter": {"needs_analysis": "按等保三级分析安全威胁与需求",
                             "tasks_and_content": "边界防护、安全审计、数据备份",
                             "protection_design": "一个中心、三重防护", "investment_fen": 48_000_000,
                             "crypto_content": "采用商用密码实现身份鉴别与传输加密", "tiered_protection_summary": None},
        "reliability_statement": {"products": [{"name": "服务器", "supplier": "国产厂商", "status": "安全可靠"}]},
        "infrastructure": {k: {"status": "USED"} for k in ("egov_network", "gov_cloud", "bigdata_center", "lyg_app")},
    }


def estimate(total_fen: int) -> list[dict]:
    software = total_fen * 3 // 5
    return [{"code": "01", "name": "软件开发", "amount_fen": software},
            {"code": "02", "name": "硬件购置", "amount_fen": total_fen - software}]


def catalog(unit_id: str, resource_code: str, name: str) -> dict:
    return {"entries": [{"resource_code": resource_code, "name": f"{name}基础数据", "summary": "业务基础信息",
                         "provider_code": unit_id, "share_type": "UNCONDITIONAL",
                         "consumer_scope": {"kind": "ALL_GOVERNMENT_DEPARTMENTS"}, "open_scope": {"kind": "NOT_OPEN"},
                         "sharing_method": "接口", "update_frequency": "每日", "completeness": "全市覆盖",
                         "data_items": [{"name": "业务编号", "type": "string"}]}],
            "sharing_mechanism": "建立数据共享长效机制，经市大数据中心交换",
            "feedback_mechanism": "按季度反馈共享数据使用情况"}


def prepare(demo: Demo, key: str, login: str, pid: str, name: str) -> int:
    """The department's standing facts: the project code the platform issues (Art 15) and its catalog (Art 14)."""
    demo.post(login, f"/api/projects/{pid}/project-code/request", {}, f"{key}-code")
    return demo.post(login, f"/api/projects/{pid}/catalog", catalog(login, RESOURCES[login], name),
                     f"{key}-catalog")["version_no"]


def submit(demo: Demo, key: str, login: str, pid: str, stage: str, body: dict) -> dict:
    return demo.post(login, f"/api/projects/{pid}/approval/submissions", {"stage": stage, **body},
                     f"{key}-{stage.lower()}")


def technical_review(demo: Demo, key: str, pid: str, sub: dict) -> None:
    """政务办 opens and concludes its review of exactly this version (R-10-2)."""
    sid = sub["submission_id"]
    demo.wait("zwb", f"/api/projects/{pid}/technical-review",
              lambda r: (r.get("submission") or {}).get("submission_id") == sid,
              "政务办 did not hear of the submission", submission_id=sid)
    demo.post("zwb", f"/api/projects/{pid}/technical-review/opening", {"submission_id": sid}, f"{key}-{sid}-open")
    demo.post("zwb", f"/api/projects/{pid}/technical-review/conclusion", {
        "submission_id": sid, "outcome": "PASS",
        "consolidated_opinion": "技术方案可行，数据共享和安全保障措施符合要求"}, f"{key}-{sid}-technical")


def cybersecurity_review(demo: Demo, key: str, pid: str, sub: dict) -> None:
    """网信 reviews the four parts of the security chapter (第四条（二）, R-14-2)."""
    sid = sub["submission_id"]
    demo.wait("wx", f"/api/projects/{pid}/cybersecurity-review", lambda r: r.get("submission_id") == sid,
              "网信 did not hear of the submission", submission_id=sid)
    demo.post("wx", f"/api/projects/{pid}/cybersecurity-review", {
        "submission_id": sid, "conclusion": "PASS", "opinion": "网络安全保障措施篇（章）四部分齐全，符合等保三级要求",
        "important_domain": False,
        "assessments": {part: ASSESSMENT for part in ("needs_analysis", "tasks_and_content", "protection_design",
                                                      "investment", "crypto_content")}}, f"{key}-{sid}-security")


def estimate_review(demo: Demo, key: str, pid: str, sub: dict) -> None:
    """财政 reviews a 概算 of 1,000,000.00 or more (R-10-3, TH-1)."""
    sid = sub["submission_id"]
    demo.wait("cz", f"/api/projects/{pid}/estimate-review", lambda r: r.get("status") in ("OPEN", "REVIEWED"),
              "财政 did not hear of the 概算", submission_id=sid)
    demo.post("cz", f"/api/projects/{pid}/estimate-review/conclusion", {
        "submission_id": sid, "reviewed_fen": REVIEWED_FEN, "line_items": estimate(REVIEWED_FEN),
        "opinion": "核减硬件购置费用 300,000.00 元"}, f"{key}-{sid}-estimate")


def approve(demo: Demo, key: str, pid: str, sub: dict, **extra) -> dict:
    """发改 decides once nothing blocks the submission any more (R-10-8)."""
    sid = sub["submission_id"]
    demo.wait("fg", f"/api/projects/{pid}/approval/path",
              lambda p: p.get("current_submission_id") == sid and not p["blockers"],
              "the reviews did not reach 发改")
    return demo.post("fg", f"/api/projects/{pid}/approval/submissions/{sid}/approval", {**DECISION, **extra},
                     f"{key}-{sid}-approval")


def stage_state(demo: Demo, pid: str) -> str | None:
    resp = demo.get("fg", f"/api/projects/{pid}/approval")
    return resp.json()["stage_state"] if resp.status_code == 200 else None


def approved_project(demo: Demo, key: str, login: str, pid: str, name: str, estimate_fen: int) -> None:
    """Art 10(1): the FSR directly, then the preliminary design with its 概算, each reviewed and approved."""
    if stage_state(demo, pid) == "APPROVED":
        return
    catalog_no = prepare(demo, key, login, pid, name)
    fsr = submit(demo, key, login, pid, "FSR", {**stage_content(demo, login, name, estimate_fen, "fsr"),
                                                "catalog_version": catalog_no})
    technical_review(demo, key, pid, fsr)
    cybersecurity_review(demo, key, pid, fsr)
    approve(demo, key, pid, fsr)
    demo.wait(login, f"/api/projects/{pid}/approval", lambda a: a["stage_state"] != "FSR_SUBMITTED",
              "the FSR's approval did not arrive")
    pd = submit(demo, key, login, pid, "PD", {**stage_content(demo, login, name, estimate_fen, "pd"),
                                              "estimate": {"total_fen": estimate_fen,
                                                           "line_items": estimate(estimate_fen)},
                                              "catalog_version": catalog_no})
    technical_review(demo, key, pid, pd)
    cybersecurity_review(demo, key, pid, pd)
    estimate_review(demo, key, pid, pd)
    decision = approve(demo, key, pid, pd, approved_estimate_fen=REVIEWED_FEN, line_items=estimate(REVIEWED_FEN))
    print(f"    发改批复《{name}》（{decision['doc_no']}），概算 {fen_to_yuan_str(REVIEWED_FEN)} 元")


def framework(lead: str, participant: str) -> dict:
    """城市运行联动 (§6.5): police leads, edu takes part with its sub-project."""
    return {
        "title": "城市运行联动工程框架方案", "overall_project_id": lead,
        "goals": "城市运行事件跨部门联动处置", "main_content": "事件汇聚、联动指挥、校园安全联动",
        "participants": [{"unit_id": "edu", "unit_name": "市教育局", "sub_project_id": participant}],
        "departments": [
            {"unit_id": "police", "business_flow": "接警、研判、派警",
             "data_flows": [{"counterpart_unit_id": "edu", "direction": "OUT", "content": "校园周边警情"}],
             "interfaces": [{"name": "警情推送接口", "counterpart_unit_id": "edu", "direction": "PROVIDES"}]},
            {"unit_id": "edu", "business_flow": "校园安全事件上报与处置",
             "data_flows": [{"counterpart_unit_id": "police", "direction": "IN", "content": "校园周边警情"}],
             "interfaces": [{"name": "警情推送接口", "counterpart_unit_id": "police", "direction": "CONSUMES"}]}],
        "data_catalog": [
            {"resource_code": "LD-JW-001", "name": "联动警情", "provider_unit_id": "police",
             "data_items": ["警情编号"]},
            {"resource_code": "LD-JY-001", "name": "校园安全事件", "provider_unit_id": "edu",
             "data_items": ["事件编号"]}],
        "allocation": [
            {"item_id": "i-1", "code": "APP.EMERGENCY", "name": "联动指挥", "unit_id": "police"},
            {"item_id": "i-2", "code": "APP.SERVICE", "name": "校园安全联动", "unit_id": "edu"}],
    }


def run(demo: Demo) -> None:
    year = earlier_year()
    ids = approved_plan(demo, year)
    for pid in ids.values():
        demo.wait("fg", f"/api/projects/{pid}/approval-entry",
                  lambda e: e["plan_listed"] and e["state"] != "PLAN_DRAFTED", f"发改 did not receive the {year} plan")
    print(f"  {year}年度计划项目进入发改审批：")
    by_part = {part: (key, login, ids[key], name, estimate_fen)
               for key, login, name, estimate_fen, _, part in PROJECTS}

    key, login, pid, name, estimate_fen = by_part[WAITING]
    catalog_no = prepare(demo, key, login, pid, name)
    submit(demo, key, login, pid, "FSR", {**stage_content(demo, login, name, estimate_fen, "fsr"),
                                          "catalog_version": catalog_no})
    print(f"    《{name}》报送可行性研究报告，待政务办技术审核、网信网络安全审查和发改审批")

    key, login, pid, name, _ = by_part[PREPARED]
    prepare(demo, key, login, pid, name)
    print(f"    《{name}》已取得项目代码并编制信息资源目录，尚未报批")

    lead, participant = by_part[LEAD], by_part[PARTICIPANT]
    demo.post(lead[1], "/api/frameworks", framework(lead[2], participant[2]), f"{lead[0]}-framework")
    print(f"    《{lead[3]}》的跨部门框架方案待市教育局确认")

    approved_project(demo, *by_part[APPROVED])
