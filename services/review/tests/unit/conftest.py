"""Workers built with nameko's worker_factory on a real, migrated SQLite file,
real signed identities and the real unit of work; only the broker is absent."""

from __future__ import annotations

import json
from datetime import datetime

import pytest
from sqlalchemy import select

from itpm_common.clock import SHANGHAI, FixedClock
from itpm_common.events import CloudEvent, event_type
from itpm_common.identity import Identity
from itpm_common.testing import WorkerDeps, make_worker, migrated_sqlite, worker_deps
from review.migrate import MIGRATIONS
from review.models import infra
from review.service import ReviewService

NOW = datetime(2025, 3, 10, 9, 30, tzinfo=SHANGHAI)

USERS = {
    "UNIT": Identity("u-unit-a", "张三", "UNIT", "unit-a", "市民政局"),
    "UNIT_B": Identity("u-unit-b", "李四", "UNIT", "unit-b", "市交通运输局"),
    "ZWB": Identity("u-zwb-1", "王政务", "ZWB", "zwb", "市政务办"),
    "ZWB2": Identity("u-zwb-2", "赵政务", "ZWB", "zwb", "市政务办"),
    "WX": Identity("u-wx-1", "网信甲", "WX", "wx", "市委网信办"),
    "FG": Identity("u-fg-1", "发改甲", "FG", "fg", "市发改委"),
    "GX": Identity("u-gx-1", "工信甲", "GX", "gx", "市工信局"),
    "CZ": Identity("u-cz-1", "财政甲", "CZ", "cz", "市财政局"),
    "SJ": Identity("u-sj-1", "审计甲", "SJ", "sj", "市审计局"),
    "LG": Identity("u-lg-1", "领导小组成员", "LG", "lg", "市政务信息化领导小组"),
    "JL": Identity("u-jl-1", "监理甲", "JL", "jl-co", "某监理公司"),
}


@pytest.fixture
def db_url(tmp_path):
    return migrated_sqlite(tmp_path, "review", MIGRATIONS)


@pytest.fixture
def clock():
    return FixedClock(NOW)


@pytest.fixture
def provider(db_url, clock):
    deps = worker_deps(db_url, "review", infra, clock)
    yield deps
    deps.dispose()


@pytest.fixture
def other_instance(db_url, clock):
    """A second service instance on the same database, as another process
    would be: its own engine and no share in this process's SQLite lock."""
    deps = worker_deps(db_url, "review", infra, clock, lock=False)
    yield deps
    deps.dispose()


@pytest.fixture
def worker_on(token_pair):
    """``worker_on(provider, "WX")``: a worker whose caller is that user."""
    return lambda provider, who: make_worker(ReviewService, provider, token_pair, USERS[who] if who else None)


@pytest.fixture
def as_(worker_on, provider):
    """``as_("WX").record_opinion(...)``."""
    return lambda who=None: worker_on(provider, who)


def submitted_event(project_id: str = "p-1", unit: Identity = USERS["UNIT"], version_no: int = 1,
                    event_id: str | None = None, **data) -> CloudEvent:
    body = {"project_id": project_id, "name": "社会救助信息系统升级", "category": "BUILD",
            "plan_year": 2026, "unit_id": unit.unit_id, "unit_name": unit.unit_name,
            "state": "PLAN_APPLIED", "rank": 1, "version_no": version_no,
            "estimate_fen": 3_500_000_000, "classified": False, **data}
    extra = {"id": event_id} if event_id else {}
    return CloudEvent(type=event_type("planning", "PlanApplicationSubmitted"), source="/itpm/planning",
                      subject=project_id, data=body, unitid=unit.unit_id, article="第七条",
                      actorid=unit.user_id, actorrole=unit.role, **extra)


@pytest.fixture
def open_review(as_):
    def open_(project_id: str = "p-1", **kw) -> dict:
        as_().on_event(submitted_event(project_id, **kw))
        return as_("ZWB").get_review(project_id)

    return open_


def opinion(verdict: str = "AGREE", **overrides) -> dict:
    body = {"verdict": verdict, "necessity": "符合民政业务发展需要", "feasibility": "技术路线成熟",
            "security": "已按等保二级设计", "budget": "投资估算与建设内容匹配"}
    if verdict == "AGREE_WITH_CONDITIONS":
        body["conditions"] = "须复用市政务云资源"
    body.update(overrides)
    return body


def conclusion(outcome: str = "DRAFT", **overrides) -> dict:
    body = {"outcome": outcome, "consolidated_opinion": "经联审，同意列入年度建设计划草案",
            "criteria": {"policy_need": "MET", "intensive_sharing": "MET", "content_funding": "MET",
                         "security_solution": "MET"}}
    body.update(overrides)
    return body


class Db:
    """Reads the outbox and audit chain the way an inspector would."""

    def __init__(self, provider: WorkerDeps):
        self.engine = provider.engine

    def events(self, name: str | None = None) -> list[dict]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(infra.outbox.c.body).order_by(infra.outbox.c.seq)).scalars()
            out = [json.loads(b) for b in rows]
        if name:
            wanted = event_type("review", name)
            out = [e for e in out if e["type"] == wanted]
        return out

    def audit(self) -> list[dict]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(infra.audit_log).order_by(infra.audit_log.c.seq)).mappings()
            return [{**r, "details": json.loads(r["details"])} for r in rows]


@pytest.fixture
def db(provider):
    return Db(provider)


# Helpers as fixtures: with --import-mode=importlib a test cannot import conftest.
@pytest.fixture
def users():
    return USERS


@pytest.fixture
def submission():
    return submitted_event


@pytest.fixture
def opinion_payload():
    return opinion


@pytest.fixture
def conclusion_payload():
    return conclusion
