"""``python -m gateway.demo --base-url URL``: demo projects made through the
public API, as the departments and bureaus would make them.

Every command carries a fixed idempotency key, so running it twice changes
nothing. For next year's call it leaves projects at different points of the
plan review: one in the draft plan after the full joint review, one half-way
through the opinions (both opened by 政务办), and fresh applications from each
demo department waiting for 政务办 to open their review. The earlier plan
year, whose plan the leading group approved, shows 发改's approval
(``demo_approval``).
"""

from __future__ import annotations

import argparse
import sys
from datetime import datetime, timedelta

from itpm_common.clock import SHANGHAI

from . import demo_approval
from .demo_common import CONSOLIDATED, CRITERIA, OPINION, Demo, application, plan_year

PROJECTS = [
    # (key, login, name, estimate in fen, rank, how far the review goes)
    ("police-1", "police", "智慧警务大数据平台", 8_600_000_00, 1, "drafted"),
    ("police-2", "police", "警务视频图像共享系统", 3_200_000_00, 2, "half"),
    ("edu-1", "edu", "教育资源公共服务平台升级", 1_500_000_00, 1, "submitted"),
    ("health-1", "health", "全民健康信息平台（二期）", 12_000_000_00, 1, "submitted"),
]


def open_call(demo: Demo) -> None:
    """政务办's call for the plan year, open from a fortnight ago to a month ahead (R-7-5)."""
    today = datetime.now(SHANGHAI).date()
    year = plan_year()
    if demo.get("zwb", f"/api/plan-calls/{year}").status_code == 200:
        return
    demo.post("zwb", "/api/plan-calls", {
        "plan_year": year, "opens_on": (today - timedelta(days=14)).isoformat(),
        "closes_on": (today + timedelta(days=30)).isoformat(),
        "notice": f"关于申报{year}年度市级政务信息化项目的通知"}, f"call-{year}")
    print(f"  政务办发布{year}年度计划申报通知")


def run_plan_review(demo: Demo) -> None:
    open_call(demo)
    for key, login, name, estimate, rank, stage in PROJECTS:
        project = demo.post(login, "/api/plan-applications",
                            application(demo, login, name, estimate, rank, plan_year()), key)
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


def run(base_url: str) -> None:
    demo = Demo(base_url)
    demo.sign_in("zwb", "wx", "fg", "gx", "cz", "lg", "police", "edu", "health")
    run_plan_review(demo)
    demo_approval.run(demo)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m gateway.demo", description="创建演示项目")
    parser.add_argument("--base-url", default="http://127.0.0.1:8080")
    args = parser.parse_args(argv)
    run(args.base_url)
    return 0


if __name__ == "__main__":
    sys.exit(main())
