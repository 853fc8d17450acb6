"""What both parts of the demo share: a client that acts through the public API
as each demo user, and the content of a complete plan application with the
bureaus' opinions on it.

Every command carries a fixed idempotency key (``demo-<key>``), so a second
run replays it and changes nothing.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime

import requests

from itpm_common.clock import SHANGHAI

from .seed import DEMO_PASSWORD

_PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
# Events travel between the services in tens of milliseconds; a short poll keeps the demo quick.
POLL_SECONDS = 0.1

OPINION = {"verdict": "AGREE", "necessity": "业务需求明确，符合数字政府建设要求",
           "feasibility": "技术路线成熟，依托政务云建设", "security": "安全方案按等保三级设计，密码应用方案完整",
           "budget": "投资估算与建设内容相匹配"}
CONSOLIDATED = "经网信、发改、工信、财政联审，项目必要、可行、安全，预算合理，同意列入年度建设计划草案。"
CRITERIA = {"policy_need": "MET", "intensive_sharing": "MET", "content_funding": "MET",
            "security_solution": "MET"}
BUREAUS = ("wx", "fg", "gx", "cz")
SIGNERS = {"police": "孙建国", "edu": "周文华", "health": "吴卫东"}


class Demo:
    def __init__(self, base_url: str):
        self.base = base_url.rstrip("/")
        self.sessions: dict[str, requests.Session] = {}

    def _login(self, login: str) -> requests.Session:
        resp = requests.post(f"{self.base}/api/auth/login",
                             json={"username": login, "password": DEMO_PASSWORD}, timeout=30)
        resp.raise_for_status()
        session = requests.Session()
        session.headers["Authorization"] = f"Bearer {resp.json()['token']}"
        return session

    def sign_in(self, *logins: str) -> None:
        """Logs everyone in at once: each login costs the gateway a deliberately slow password check."""
        with ThreadPoolExecutor(max_workers=len(logins)) as pool:
            self.sessions.update(zip(logins, pool.map(self._login, logins), strict=True))

    def as_(self, login: str) -> requests.Session:
        if login not in self.sessions:
            self.sessions[login] = self._login(login)
        return self.sessions[login]

    def post(self, login: str, path: str, body: dict, key: str) -> dict:
        resp = self.as_(login).post(f"{self.base}{path}", json=body, timeout=30,
                                    headers={"Idempotency-Key": f"demo-{key}"})
        if resp.status_code >= 400:
            raise RuntimeError(f"{login} {path}: {resp.status_code} {resp.text}")
        return resp.json()

    def get(self, login: str, path: str, **params) -> requests.Response:
        return self.as_(login).get(f"{self.base}{path}", params=params or None, timeout=30)

    def wait(self, login: str, path: str, until: Callable[[dict], bool], what: str,
             timeout: float = 30.0, **params) -> dict:
        """Polls a read until ``until`` holds: the services learn of each other's decisions by events."""
        deadline = time.monotonic() + timeout
        while True:
            resp = self.get(login, path, **params)
            if resp.status_code == 200 and until(resp.json()):
                return resp.json()
            if time.monotonic() > deadline:
                raise RuntimeError(f"{what}: {path} answered {resp.status_code} {resp.text[:300]}")
            time.sleep(POLL_SECONDS)

    def upload(self, login: str, filename: str) -> dict:
        resp = self.as_(login).post(f"{self.base}/api/documents", timeout=30,
                                    files={"file": (filename, _PDF + filename.encode(), "application/pdf")})
        resp.raise_for_status()
        return resp.json()

    def open_review(self, project_id: str, key: str, timeout: float = 30.0) -> None:
        """政务办 opens the plan review once the application reached review (T03)."""
        if self.get("zwb", f"/api/projects/{project_id}/review").status_code == 200:
            return  # opened by an earlier run
        self.wait("zwb", "/api/review-openings",
                  lambda page: project_id in [item["project_id"] for item in page["items"]],
                  f"the application {project_id} did not reach review", timeout)
        self.post("zwb", f"/api/projects/{project_id}/review/open", {}, f"{key}-open")


def plan_year() -> int:
    """The demo files for next year's plan, as departments do in autumn."""
    return datetime.now(SHANGHAI).year + 1


def application(demo: Demo, login: str, name: str, estimate_fen: int, rank: int, year: int) -> dict:
    form = demo.upload(login, f"{name}-申报书.pdf")
    plan = demo.upload(login, f"{name}-项目方案.pdf")
    signer = SIGNERS[login]
    return {
        "name": name, "plan_year": year, "category": "BUILD", "build_kind": "NEW",
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
