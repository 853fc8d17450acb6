"""The Art 12 framework on the real broker and PostgreSQL.

Over RPC: two participants confirm at once, the lead determines, the events
reach the broker. Then the races on PostgreSQL, from OS threads each with its
own connection pool: the first transaction holds the framework's row (or the
determination lock) until the rival is seen waiting for it in
pg_stat_activity, so the race is not left to timing.
"""

from datetime import datetime

import pytest
from nameko.standalone.rpc import ClusterRpcProxy
from sqlalchemy import text

from approval.entrypoints import frameworks
from approval.framework import Taxonomy
from approval.migrate import MIGRATIONS
from approval.models import infra, project_projection
from approval.service import ApprovalService
from approval.settings import ApprovalSettings
from approval.topology import SUBSCRIBES
from itpm_common.clock import SHANGHAI, FixedClock
from itpm_common.db import make_engine
from itpm_common.errors import Refusal
from itpm_common.events import event_type
from itpm_common.identity import Identity
from itpm_common.migrations import upgrade
from itpm_common.testing import Records, os_threading, race, wait_for

pytestmark = pytest.mark.integration

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=SHANGHAI)
LEAD = Identity("u-a", "张三", "UNIT", "unit-a", "市民政局")
B = Identity("u-b", "李四", "UNIT", "unit-b", "市交通运输局")
C = Identity("u-c", "王五", "UNIT", "unit-c", "市卫生健康委")
PROJECTS = {"p-lead": "unit-a", "p-b": "unit-b", "p-c": "unit-c"}


def section(unit, counterpart):
    return {"unit_id": unit, "business_flow": f"{unit} 的业务流",
            "data_flows": [{"counterpart_unit_id": counterpart, "direction": "OUT", "content": "推送数据"}],
            "interfaces": [{"name": f"{unit} 接口", "counterpart_unit_id": counterpart, "direction": "PROVIDES"}]}


PAYLOAD = {
    "title": "市域社会治理一体化平台", "overall_project_id": "p-lead",
    "goals": "建成跨部门协同的社会治理平台", "main_content": "统一数据共享交换与协同监管",
    "participants": [{"unit_id": "unit-b", "unit_name": "市交通运输局", "sub_project_id": "p-b"},
                     {"unit_id": "unit-c", "unit_name": "市卫生健康委", "sub_project_id": "p-c"}],
    "departments": [section("unit-a", "unit-b"), section("unit-b", "unit-a"), section("unit-c", "unit-a")],
    "data_catalog": [{"resource_code": "RA-001", "name": "救助对象信息", "provider_unit_id": "unit-a",
                      "data_items": ["姓名"]}],
    "allocation": [{"item_id": "i-1", "code": "SUPPORT.EXCHANGE", "name": "数据共享交换", "unit_id": "unit-a"},
                   {"item_id": "i-2", "code": "APP.REGULATION", "name": "交通监管执法", "unit_id": "unit-b"},
                   {"item_id": "i-3", "code": "DATA.THEME", "name": "健康专题库", "unit_id": "unit-c"}],
}


@pytest.fixture
def database(pg_database_url):
    upgrade(MIGRATIONS, pg_database_url)
    engine = make_engine(pg_database_url)
    with engine.begin() as conn:
        for pid, unit in PROJECTS.items():
            conn.execute(project_projection.insert().values(
                project_id=pid, unit_id=unit, name=f"项目{pid}", category="BUILD", plan_year=2026,
                classified=False, state="PLANNED", last_event_type="x", last_event_time=NOW.isoformat(),
                updated_at=NOW))
    yield pg_database_url, engine
    engine.dispose()


def count(engine, sql, **params):
    with engine.connect() as conn:
        return conn.execute(text(sql), params).scalar()


def test_two_participants_confirm_at_once_over_the_broker(database, service_on_broker, token_for):
    url, engine = database
    config = service_on_broker(ApprovalService, SUBSCRIBES, url)

    with ClusterRpcProxy(config, context_data={"identity": token_for(LEAD)}) as lead:
        fw = lead.approval.create_framework(PAYLOAD, idempotency_key="create-1")
    fid = fw["framework_id"]
    with ClusterRpcProxy(config, context_data={"identity": token_for(B)}) as rb, \
            ClusterRpcProxy(config, context_data={"identity": token_for(C)}) as rc:
        replies = [rb.approval.confirm_framework.call_async(fid, {"version_no": 1}),
                   rc.approval.confirm_framework.call_async(fid, {"version_no": 1})]
        assert sorted(len(r.result()["pending_unit_ids"]) for r in replies) == [0, 1]
    with ClusterRpcProxy(config, context_data={"identity": token_for(LEAD)}) as lead:
        assert lead.approval.determine_framework(fid, {"version_no": 1})["status"] == "DETERMINED"
        with pytest.raises(Refusal) as again:
            lead.approval.determine_framework(fid, {"version_no": 1})
        assert again.value.code == "STATE-INVALID"

    def published(name):
        return count(engine, "SELECT count(*) FROM outbox WHERE type = :t AND published_at IS NOT NULL",
                     t=event_type("approval", name))

    assert wait_for(lambda: (published("FrameworkDrafted"), published("FrameworkParticipantConfirmed"),
                             published("FrameworkDetermined")) == (1, 2, 1))
    assert count(engine, "SELECT count(*) FROM framework_confirmations WHERE version_no = 1") == 2


# ---------------------------------------------------------------- races from OS threads


def rival_waits_for_the_first(monkeypatch, engine):
    """The first locking read holds its lock until another backend waits on a lock; returns
    an Event set once the first holds it, for the rival to start."""
    holding = os_threading.Event()
    original = frameworks._load_visible
    first = os_threading.Lock()

    def load_and_hold(s, ident, framework_id, *, lock=False):
        result = original(s, ident, framework_id, lock=lock)
        if lock and first.acquire(blocking=False):
            holding.set()
            assert wait_for(lambda: count(engine, "SELECT count(*) FROM pg_stat_activity WHERE datname = "
                                                  "current_database() AND wait_event_type = 'Lock'") >= 1,
                            timeout=30)
        return result

    monkeypatch.setattr(frameworks, "_load_visible", load_and_hold)
    return holding


@pytest.fixture
def workers(database, independent_workers):
    url, _ = database
    return independent_workers(url, ApprovalService, "approval", infra, FixedClock(NOW), settings=ApprovalSettings(),
                               framework_taxonomy=Taxonomy.default())


def outbox(engine, name):
    return Records(engine, infra, "approval").events(name)


def test_two_participants_confirming_at_once_both_count(database, workers, monkeypatch):
    _, engine = database
    fid = workers(LEAD).create_framework(PAYLOAD)["framework_id"]
    holding = rival_waits_for_the_first(monkeypatch, engine)
    results = race(lambda: workers(B).confirm_framework(fid, {"version_no": 1}),
                   lambda: workers(C).confirm_framework(fid, {"version_no": 1}), after=holding)
    assert all(isinstance(r, dict) for r in results), results
    # The second saw the first's confirmation once the lock was released.
    assert results[1]["pending_unit_ids"] == []
    assert [e["data"]["pending_unit_ids"] for e in outbox(engine, "FrameworkParticipantConfirmed")] == \
        [["unit-c"], []]


def test_r_0_2_a_confirmation_racing_an_edit_is_refused_as_stale(database, workers, monkeypatch):
    _, engine = database
    fid = workers(LEAD).create_framework(PAYLOAD)["framework_id"]
    holding = rival_waits_for_the_first(monkeypatch, engine)
    results = race(lambda: workers(LEAD).edit_framework(fid, {**PAYLOAD, "goals": "修订", "version_no": 1}),
                   lambda: workers(B).confirm_framework(fid, {"version_no": 1}), after=holding)
    assert results[0]["version_no"] == 2
    assert isinstance(results[1], Refusal) and (results[1].code, results[1].rule) == ("STATE-INVALID", "R-0-2")
    assert outbox(engine, "FrameworkParticipantConfirmed") == []
    assert count(engine, "SELECT count(*) FROM framework_confirmations") == 0


def test_two_determinations_at_once_determine_it_once(database, workers, monkeypatch):
    _, engine = database
    fid = workers(LEAD).create_framework(PAYLOAD)["framework_id"]
    workers(B).confirm_framework(fid, {"version_no": 1})
    workers(C).confirm_framework(fid, {"version_no": 1})
    holding = rival_waits_for_the_first(monkeypatch, engine)
    results = race(lambda: workers(LEAD).determine_framework(fid, {"version_no": 1}, idempotency_key="d-1"),
                   lambda: workers(LEAD).determine_framework(fid, {"version_no": 1}, idempotency_key="d-2"),
                   after=holding)
    assert results[0]["status"] == "DETERMINED"
    assert isinstance(results[1], Refusal) and results[1].code == "STATE-INVALID"
    assert len(outbox(engine, "FrameworkDetermined")) == 1
