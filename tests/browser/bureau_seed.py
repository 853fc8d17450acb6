"""The state bureau-reviews.spec.js starts from: a department's project whose FSR and PD approval has announced.

approval's submission routes are not served yet, so this plays approval: it publishes the ``FSRSubmitted`` and
``PreliminaryDesignSubmitted`` events the contract gives (docs/events.md) on the suite's exchange, as the
services' integration tests do, and waits until funds has opened 财政's estimate review and security 网信's
cybersecurity review. The project itself is a real ad-hoc application (第九条 needs no call window), so the
project page exists for everyone who may see it."""

from __future__ import annotations

import importlib.util
import uuid

from itpm_common.events import CloudEvent, event_type
from itpm_common.testing import publish_events

from ..e2e.suite import REPO, Suite

_spec = importlib.util.spec_from_file_location("planning_sample", REPO / "services/planning/tests/sample.py")
_sample = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_sample)

UNIT = "health"
# TH-1's boundary itself: 1,000,000.00 元 needs 财政's review (R-10-3, "以上" includes the number).
ESTIMATE_FEN = 100_000_000
LINE_ITEMS = [{"code": "01", "name": "硬件设备购置", "amount_fen": 60_000_000},
              {"code": "02", "name": "软件开发", "amount_fen": 35_000_000},
              {"code": "03", "name": "网络安全与密码应用", "amount_fen": 5_000_000}]
CHAPTER = {"needs_analysis": "系统承载全市医疗健康数据，须满足等保三级要求",
           "tasks_and_content": "建设边界防护、入侵检测、数据加密与审计",
           "protection_design": "按“一个中心、三重防护”设计安全保障体系",
           "investment_fen": 5_000_000,
           "crypto_content": "采用商用密码实现身份鉴别和数据传输加密",
           "tiered_protection_summary": None}


def _submitted(name: str, project: dict, stage: str, **data) -> CloudEvent:
    facts = {"project_id": project["id"], "unit_id": project["unit_id"], "unit_name": project["unit_name"],
             "name": project["name"], "classified": False, "plan_year": project["plan_year"], "category": "BUILD"}
    body = {**facts, "submission_id": str(uuid.uuid4()), "stage": stage, "version_no": 1,
            "digest": "sha256:" + uuid.uuid4().hex * 2, "track": "STANDARD", "origin": "ADHOC",
            "total_investment_fen": ESTIMATE_FEN, "estimate_fen": None, "line_items": [], "catalog_version": None,
            "estimate_review_required": False, "security_chapter": CHAPTER, "important_domain": True,
            "new_civil_works": False, "high_energy": False, "cross_department": False, "cross_level": False,
            "duplicate_collection_flags": [], "similar_systems": [], "linkage_none": False, **data}
    return CloudEvent(type=event_type("approval", name), source="/itpm/approval", subject=project["id"],
                      data=body, unitid=project["unit_id"], article="第十条", actorid=UNIT, actorrole="UNIT")


def seed(suite: Suite, plan_year: int) -> dict:
    health, cz, wx = suite.login(UNIT), suite.login("cz"), suite.login("wx")
    documents = {slot: health.upload(f"{slot}.pdf", data=b"%PDF-1.4\n% " + slot.encode() + b"\n%%EOF\n")
                 for slot in ("application_form", "project_plan")}
    body = _sample.adhoc_application(plan_year=plan_year, name=f"智慧医疗健康平台（{uuid.uuid4().hex[:5]}）",
                                     documents=documents)
    created = health.post("/api/adhoc-applications", json=body)
    assert created.status_code == 201, created.text
    project = created.json()

    fsr = _submitted("FSRSubmitted", project, "FSR")
    pd = _submitted("PreliminaryDesignSubmitted", project, "PD", estimate_fen=ESTIMATE_FEN, line_items=LINE_ITEMS,
                    estimate_review_required=True)
    publish_events(suite.env["AMQP_URI"], fsr, pd)

    pid = project["id"]
    cz.wait_for(f"/api/projects/{pid}/estimate-review", lambda r: r["status"] == "OPEN")
    wx.wait_for(f"/api/cybersecurity-reviews?project_id={pid}", lambda r: r["total"] == 2)
    return {"project_id": pid, "project_name": project["name"], "unit": UNIT,
            "fsr_submission_id": fsr.data["submission_id"], "pd_submission_id": pd.data["submission_id"]}
