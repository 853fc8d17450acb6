"""``python -m gateway.demo --base-url URL``: demo projects made through the
public API, as the departments and bureaus would make them.

Every command carries a fixed idempotency key, so running it twice changes
nothing. It leaves projects at different points of the plan review: one in
the draft plan after the full joint review, one half-way through the
opinions (both opened by 政务办), and fresh applications from each demo
department waiting for 政务办 to open their review.
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import datetime, timedelta

import requests

from itpm_common.clock import SHANGHAI

from .seed import DEMO_PASSWORD

_PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"

OPINION = {"verdict": "AGREE", "necessity": "业务需求明确，符合数字政府建设要求",
           "feasibility": "技术路线成熟，依托政务云建设", "security": "安全方案按等保三级设计，密码应用方案完整",
           "budget": "投资估算与建设内容相匹配"}
CONSOLIDATED = "经网信、发改、工信、财政联审，项目必要、可行、安全，预算合理，同意列入年度建设计划草案。"
CRITERIA = {"policy_need": "MET", "intensive_sharing": "MET", "content_funding": "MET",
            "security_solution": "MET"}

PROJECTS = [
    # (key, login, name, estimate in fen, rank, how far the review goes)
    ("police-1", "police", "智慧警务大数据平台", 8_600_000_00, 1, "drafted"),
    ("police-2", "police", "警务视频图像共享系统", 3_200_000_00, 2, "half"),
    ("edu-1", "edu", "教育资源公共服务平台升级", 1_500_000_00, 1, "submitted"),
    ("health-1", "health", "全民健康信息平台（二期）", 12_000_000_00, 1, "submitted"),
]


class Demo:
    def __init__(self, base_url: str):
        self.base = base_url.rstrip("/")
        self.sessions: dict[str, requests.Session] = {}

    def as_(self, login: str) -> requests.Session:
        if login not in self.sessions:
            resp = requests.post(f"{self.base}/api/auth/login",
                                 json={"username": login, "password": DEMO_PASSWORD}, timeout=30)
            resp.raise_for_status()
            session = requests.Session()
            session.headers["Authorization"] = f"Bearer {resp.json()['token']}"
            self.sessions[login] = session
        return self.sessions[login]

    def post(self, login: str, path: str, body: dict, key: str) -> dict:
        resp = self.as_(login).post(f"{self.base}{path}", json=body, timeout=30,
                                    headers={"Idempotency-Key": f"demo-{key}"})
        if resp.status_code >= 400:
            raise RuntimeError(f"{login} {path}: {resp.status_code} {resp.text}")
        return resp.json()

    def upload(self, login: str, filename: str) -> dict:
        resp = self.as_(login).post(f"{self.base}/api/documents", timeout=30,
                                    files={"file": (filename, _PDF + filename.encode(), "application/pdf")})
        resp.raise_for_status()
        return resp.json()

    def open_review(self, project_id: str, key: str, timeout: float = 30.0) -> None:
        """政务办 opens the plan review once the application reached review (T03)."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            review = self.as_("zwb").get(f"{self.base}/api/projects/{project_id}/review", timeout=30)
            if review.status_code == 200:
                return  # opened by an earlier run
            resp = self.as_("zwb").get(f"{self.base}/api/review-openings", timeout=30)
            resp.raise_for_status()
            if project_id in [item["project_id"] for item in resp.json()["items"]]:
                self.post("zwb", f"/api/projects/{project_id}/review/open", {}, f"{key}-open")
                return
            time.sleep(0.3)
        raise RuntimeError(f"the application {project_id} did not reach review")


def plan_year() -> int:
    """The demo files for next year's plan, as departments do in autumn."""
    return datetime.now(SHANGHAI).year + 1


def open_call(demo: Demo) -> None:
    """政务办's call for the plan year, open from a fortnight ago to a month ahead (R-7-5)."""
    today = datetime.now(SHANGHAI).date()
    year = plan_year()
    if demo.as_("zwb").get(f"{demo.base}/api/plan-calls/{year}", timeout=30).status_code == 200:
        return
    demo.post("zwb", "/api/plan-calls", {
        "plan_year": year, "opens_on": (today - timedelta(days=14)).isoformat(),
        "closes_on": (today + timedelta(days=30)).isoformat(),
        "notice": f"关于申报{year}年度市级政务信息化项目的通知"}, f"call-{year}")
    print(f"  政务办发布{year}年度计划申报通知")


def application(demo: Demo, login: str, name: str, estimate_fen: int, rank: int) -> dict:
    form = demo.upload(login, f"{name}-申报书.pdf")
    plan = demo.upload(login, f"{name}-项目方案.pdf")
    signer = {"police": "孙建国", "edu": "周文华", "health": "吴卫东"}[login]
    return {
        "name": name, "plan_year": plan_year(), "category": "BUILD", "build_kind": "NEW",
        "scope": {"budget_unit": True, "budget_funds": True, "system_type": "BUSINESS_SYSTEM"},
        "system": {"new_system_name": name},
        "policy_basis": [{"title": "连云港市“数字政府”建设实施方案", "doc_number": "连政发〔2022〕45号",
                          "level": "市委/市政府"}],
        "need": "现有业务系统分散建设，数据难以共享，群众办事需重复提交材料。",
        "objectives": "建成统一平台，实现业务协同和数据共享，办理时限压缩一半。",
        "intensive_sharing": "部署于市政务云，数据经市大数据中心共享交换，不重复采集。",
        "infrastructure": {"egov_network": True, "gov_cloud": True, "bigdata_center": True, "lyg_app": True},
        "standards": ["GB/T 22239-2019 网络安全等级保护基本要求", "GB/T 39786-2021 信息系统密码应用基本要求"],
        "content": "建设数据汇聚、业务协同和移动应用三个子系统，接入“我的连云港”APP。",
        "estimate_fen": estimate_fen,
        "funding_sources": [{"type": "MUNICIPAL", "amount_fen": estimate_fen}],
        "security_solution": "按等保三级同步规划、同步建设、同步使用，开展商用密码应用安全性评估。",
        "internal_review": {"necessity": True, "feasibility": True, "completeness": True, "conformity": True,
                            "signed_by": signer},
        "rank": rank,
        "documents": {"application_form": form, "project_plan": plan},
        "truthfulness_declared_by": signer,
    }


def run(base_url: str) -> None:
    demo = Demo(base_url)
    open_call(demo)
    for key, login, name, estimate, rank, stage in PROJECTS:
        project = demo.post(login, "/api/plan-applications", application(demo, login, name, estimate, rank), key)
        print(f"  {project['unit_name']} 申报《{project['name']}》")
        if stage == "submitted":
            continue
        demo.open_review(project["id"], key)
        print("    政务办开启计划论证")
        bureaus = ("wx", "fg", "gx", "cz") if stage == "drafted" else ("wx", "fg")
        for bureau in bureaus:
            demo.post(bureau, f"/api/projects/{project['id']}/review/opinions", OPINION, f"{key}-{bureau}")
        if stage == "drafted":
            demo.post("zwb", f"/api/projects/{project['id']}/review/conclusion",
                      {"outcome": "DRAFT", "criteria": CRITERIA, "consolidated_opinion": CONSOLIDATED},
                      f"{key}-conclusion")
            print("    联审完成，列入年度计划草案")
        else:
            print(f"    已有 {len(bureaus)} 个部门出具论证意见")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m gateway.demo", description="创建演示项目")
    parser.add_argument("--base-url", default="http://127.0.0.1:8080")
    args = parser.parse_args(argv)
    run(args.base_url)
    return 0


if __name__ == "__main__":
    sys.exit(main())
