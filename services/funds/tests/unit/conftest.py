"""Workers built with nameko's worker_factory on a real, migrated SQLite file,
real signed identities and the real unit of work; only the broker is absent."""

from __future__ import annotations

import json
from datetime import datetime

import pytest
from sqlalchemy import select

from funds.migrate import MIGRATIONS
from funds.models import infra
from funds.service import FundsService
from funds.settings import FundsSettings
from itpm_common.clock import SHANGHAI, FixedClock
from itpm_common.events import CloudEvent, event_type
from itpm_common.identity import Identity
from itpm_common.testing import WorkerDeps, make_worker, migrated_sqlite, worker_deps

NOW = datetime(2025, 6, 2, 10, 0, tzinfo=SHANGHAI)
TOTAL = 800_000_000  # 800万元

USERS = {
    "UNIT": Identity("u-unit-a", "张三", "UNIT", "unit-a", "市民政局"),
    "UNIT_B": Identity("u-unit-b", "李四", "UNIT", "unit-b", "市交通运输局"),
    "ZWB": Identity("u-zwb-1", "王政务", "ZWB", "zwb", "市政务办"),
    "FG": Identity("u-fg-1", "发改甲", "FG", "fg", "市发改委"),
    "WX": Identity("u-wx-1", "网信甲", "WX", "wx", "市委网信办"),
    "CZ": Identity("u-cz-1", "财政甲", "CZ", "cz", "市财政局"),
    "CZ2": Identity("u-cz-2", "财政乙", "CZ", "cz", "市财政局"),
    "SJ": Identity("u-sj-1", "审计甲", "SJ", "sj", "市审计局"),
    "BM": Identity("u-bm-1", "保密甲", "BM", "bm", "市国家保密局"),
    "LG": Identity("u-lg-1", "领导小组成员", "LG", "lg", "市政务信息化领导小组"),
    "JL": Identity("u-jl-1", "监理甲", "JL", "jl-co", "某监理公司"),
}


@pytest.fixture
def db_url(tmp_path):
    return migrated_sqlite(tmp_path, "funds", MIGRATIONS)


@pytest.fixture
def clock():
    return FixedClock(NOW)


@pytest.fixture
def provider(db_url, clock):
    deps = worker_deps(db_url, "funds", infra, clock)
    yield deps
    deps.dispose()


@pytest.fixture
def must_cover_total():
    """ADHOC_FUNDING_MUST_COVER_TOTAL (rules.md §10); tests override it."""
    return True


@pytest.fixture
def worker_on(token_pair, must_cover_total):
    """``worker_on(provider, "CZ")``: a worker whose caller is that user."""
    settings = FundsSettings(adhoc_funding_must_cover_total=must_cover_total)
    return lambda provider, who: make_worker(FundsService, provider, token_pair, USERS[who] if who else None,
                                             settings=settings)


@pytest.fixture
def as_(worker_on, provider):
    """``as_("CZ").record_funding_confirmation(...)``; ``as_()`` has no caller."""
    return lambda who=None: worker_on(provider, who)


def _submitted(name: str, project_id: str, version_no: int, total: int, unit: Identity, **data) -> CloudEvent:
    body = {"project_id": project_id, "name": "社会救助信息系统升级", "category": "BUILD", "plan_year": 2025,
            "unit_id": unit.unit_id, "unit_name": unit.unit_name, "version_no": version_no,
            "estimate_fen": total, "superior_funding_fen": 0, "classified": False, **data}
    return CloudEvent(type=event_type("planning", name), source="/itpm/planning", subject=project_id, data=body,
                      unitid=unit.unit_id, article="第九条", actorid=unit.user_id, actorrole=unit.role,
                      time=NOW.isoformat())


def adhoc(project_id="p-1", version_no=1, total=TOTAL, unit=USERS["UNIT"], **data) -> CloudEvent:
    data.setdefault("origin", "ADHOC")
    data.setdefault("adhoc_reason", "WORK_NEED" if data["origin"] == "ADHOC" else None)
    return _submitted("AdHocApplicationSubmitted", project_id, version_no, total, unit, **data)


def plan(project_id="p-9", version_no=1, total=TOTAL, unit=USERS["UNIT"], origin="SUPERIOR_FUNDED",
         **data) -> CloudEvent:
    data.setdefault("rank", 1)
    data.setdefault("superior_funding_fen", 300_000_000 if origin == "SUPERIOR_FUNDED" else 0)
    return _submitted("PlanApplicationSubmitted", project_id, version_no, total, unit, origin=origin, **data)


ESTIMATE_EVENTS = {"PD": "PreliminaryDesignSubmitted", "URGENT_PACKAGE": "UrgentPackageSubmitted",
                   "COMBINED_PACKAGE": "CombinedPackageSubmitted"}
TRACKS = {"PD": "STANDARD", "URGENT_PACKAGE": "URGENT", "COMBINED_PACKAGE": "COMBINED"}


def line_items(estimate_fen: int) -> list[dict]:
    """A 概算's lines adding up exactly to it."""
    hardware = estimate_fen // 2
    return [{"code": "1", "name": "硬件购置", "amount_fen": hardware},
            {"code": "2", "name": "软件开发", "amount_fen": estimate_fen - hardware}]


def estimate(project_id="p-20", version_no=1, estimate_fen=100_000_000, stage="PD", unit=USERS["UNIT"],
             submission_id=None, at=NOW, **data) -> CloudEvent:
    """A submission carrying a 概算 as approval publishes it (contract: Chapter 3)."""
    body = {"project_id": project_id, "unit_id": unit.unit_id, "unit_name": unit.unit_name,
            "name": "智慧民政综合平台", "classified": False, "plan_year": 2025, "category": "BUILD",
            "submission_id": submission_id or f"{project_id}-{stage}-v{version_no}", "stage": stage,
            "version_no": version_no, "digest": "ab" * 32, "track": TRACKS[stage], "origin": "PLAN",
            "total_investment_fen": estimate_fen, "estimate_fen": estimate_fen,
            "line_items": line_items(estimate_fen), "catalog_version": 1,
            "estimate_review_required": estimate_fen >= 100_000_000, **data}
    return CloudEvent(type=event_type("approval", ESTIMATE_EVENTS[stage]), source="/itpm/approval",
                      subject=project_id, data=body, unitid=unit.unit_id, article="第十条",
                      actorid=unit.user_id, actorrole=unit.role, time=at.isoformat())


def confirmation(result="SECURED", amount=TOTAL, **overrides) -> dict:
    body = {"result": result, "confirmed_amount_fen": amount, "note": "已列入2025年市级财政预算安排"}
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
            wanted = event_type("funds", name)
            out = [e for e in out if e["type"] == wanted]
        return out

    def names(self) -> list[str]:
        return [e["type"].split(".")[-2] for e in self.events()]

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
def ev():
    """``ev.adhoc(...)``, ``ev.plan(...)``: submissions as planning publishes them;
    ``ev.estimate(...)``: a PD or package as approval publishes it."""
    class Events:
        pass
    out = Events()
    out.adhoc, out.plan, out.estimate, out.line_items = adhoc, plan, estimate, line_items
    return out


@pytest.fixture
def confirm_payload():
    return confirmation


@pytest.fixture
def other_instance(db_url, clock):
    """A second service instance on the same database, as another process
    would be: its own engine and no share in this process's SQLite lock."""
    deps = worker_deps(db_url, "funds", infra, clock, lock=False)
    yield deps
    deps.dispose()
