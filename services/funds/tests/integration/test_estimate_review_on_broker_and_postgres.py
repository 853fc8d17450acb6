"""财政's estimate review against the real broker and PostgreSQL: approval's PD
submission at 1,000,000.00 元 opens the request (R-10-3, TH-1), one at
999,999.99 元 does not, 财政 concludes over RPC and the relay publishes; two
officials concluding at once on PostgreSQL: one wins, one event (R-0-2)."""

from datetime import datetime

import pytest
from nameko.standalone.rpc import ClusterRpcProxy
from nameko.testing.services import worker_factory
from sqlalchemy import text

from funds import estimate
from funds.migrate import MIGRATIONS
from funds.models import infra
from funds.service import FundsService
from funds.settings import FundsSettings
from funds.topology import SUBSCRIBES
from itpm_common.clock import SHANGHAI, FixedClock
from itpm_common.db import make_engine
from itpm_common.errors import Refusal
from itpm_common.events import CloudEvent, event_type
from itpm_common.identity import Identity
from itpm_common.migrations import upgrade
from itpm_common.testing import make_worker, publish_events, wait_for, worker_deps
from itpm_common.uow import TransactionFactory

pytestmark = pytest.mark.integration

MILLION = 100_000_000  # 1,000,000.00 元


def pd_submitted(project_id: str, estimate_fen: int, version_no: int = 1) -> CloudEvent:
    half = estimate_fen // 2
    return CloudEvent(
        type=event_type("approval", "PreliminaryDesignSubmitted"), source="/itpm/approval", subject=project_id,
        data={"project_id": project_id, "unit_id": "police", "unit_name": "市公安局", "name": "应急指挥平台",
              "classified": False, "plan_year": 2027, "category": "BUILD",
              "submission_id": f"{project_id}-pd-{version_no}", "stage": "PD", "version_no": version_no,
              "digest": "cd" * 32, "track": "STANDARD", "origin": "PLAN", "total_investment_fen": estimate_fen,
              "estimate_fen": estimate_fen, "estimate_review_required": estimate_fen >= MILLION,
              "line_items": [{"code": "1", "name": "硬件购置", "amount_fen": half},
                             {"code": "2", "name": "软件开发", "amount_fen": estimate_fen - half}]},
        unitid="police", article="第十条", actorid="police", actorrole="UNIT")


@pytest.fixture
def funds(service_on_broker, pg_database_url):
    upgrade(MIGRATIONS, pg_database_url)
    return service_on_broker(FundsService, SUBSCRIBES, pg_database_url)


def test_submission_request_and_conclusion_over_the_broker(funds, amqp_vhost_uri, pg_database_url, token_for):
    engine = make_engine(pg_database_url)

    def published(name):
        with engine.connect() as db:
            return db.execute(text("SELECT count(*) FROM outbox WHERE type = :t AND published_at IS NOT NULL"),
                              {"t": event_type("funds", name)}).scalar()

    def inbox():
        with engine.connect() as db:
            # approval's submissions only: funds also reads its own facts back for its projection.
            return db.execute(text("SELECT count(*) FROM inbox WHERE type LIKE 'cn.gov.lyg.itpm.approval.%'")).scalar()

    at, below = pd_submitted("p-at", MILLION), pd_submitted("p-below", MILLION - 1)
    publish_events(amqp_vhost_uri, at, at, below)
    assert wait_for(lambda: published("EstimateReviewRequested") == 1 and inbox() == 2)

    with ClusterRpcProxy(funds, context_data={"identity": token_for("CZ")}) as rpc:
        [item] = rpc.funds.list_estimate_reviews({"awaiting_me": True})["items"]
        assert (item["project_id"], item["requested_fen"]) == ("p-at", MILLION)
        assert rpc.funds.get_estimate_review("p-below")["status"] == "NOT_REQUIRED"
        payload = {"submission_id": "p-at-pd-1", "reviewed_fen": MILLION - 1, "opinion": "核减1分",
                   "expected_version": item["version"]}
        out = rpc.funds.conclude_estimate_review("p-at", payload, idempotency_key="e-1")
        assert (out["status"], out["reviewed_fen"]) == ("REVIEWED", MILLION - 1)
        assert rpc.funds.conclude_estimate_review("p-at", payload, idempotency_key="e-1") == out
    assert wait_for(lambda: published("EstimateReviewed") == 1)

    with ClusterRpcProxy(funds, context_data={"identity": token_for("FG")}) as rpc:
        with pytest.raises(Refusal) as refused:
            rpc.funds.conclude_estimate_review("p-at", {"submission_id": "p-at-pd-1", "reviewed_fen": MILLION,
                                                        "opinion": "同意"})
        assert (refused.value.code, refused.value.rule, refused.value.article) == (
            "AUTH-FORBIDDEN", "R-4-1", "第四条")
    with engine.connect() as db:
        body = db.execute(text("SELECT body FROM outbox WHERE type = :t"),
                          {"t": event_type("funds", "EstimateReviewed")}).scalar()
        assert '"reviewed_fen": 99999999' in body and '"requested_fen": 100000000' in body
        assert db.execute(text("SELECT outcome FROM audit_log ORDER BY seq")).scalars().all() == \
            ["ACCEPTED", "ACCEPTED", "ACCEPTED", "REFUSED"]
    engine.dispose()


def test_two_cz_officials_concluding_at_once_on_postgresql(pg_database_url, token_pair, monkeypatch):
    upgrade(MIGRATIONS, pg_database_url)
    clock = FixedClock(datetime(2027, 3, 1, 9, 0, tzinfo=SHANGHAI))
    mine, theirs = (worker_deps(pg_database_url, "funds", infra, clock, lock=False) for _ in range(2))
    settings = FundsSettings()
    first = Identity("cz-1", "财政甲", "CZ", "cz", "市财政局")
    second = Identity("cz-2", "财政乙", "CZ", "cz", "市财政局")
    try:
        worker_factory(FundsService, tx=TransactionFactory(mine), settings=settings).on_event(
            pd_submitted("p-race", MILLION * 3))
        rival = make_worker(FundsService, theirs, token_pair, second, settings=settings)
        original = estimate.conclude

        def rival_concludes_meanwhile(*args, **kwargs):
            # The first official's transaction has read the request; the
            # second concludes and commits before the first one writes.
            monkeypatch.setattr(estimate, "conclude", original)
            rival.conclude_estimate_review("p-race", {"submission_id": "p-race-pd-1", "reviewed_fen": MILLION * 2,
                                                      "opinion": "核减至200万元"})
            return original(*args, **kwargs)

        monkeypatch.setattr(estimate, "conclude", rival_concludes_meanwhile)
        with pytest.raises(Refusal) as refused:
            make_worker(FundsService, mine, token_pair, first, settings=settings).conclude_estimate_review(
                "p-race", {"submission_id": "p-race-pd-1", "reviewed_fen": MILLION * 3, "opinion": "同意"})

        assert (refused.value.code, refused.value.rule) == ("STATE-INVALID", "R-0-2")
        with mine.engine.connect() as db:
            row = db.execute(text("SELECT status, reviewed_by, reviewed_fen FROM estimate_review_requests")).one()
            assert tuple(row) == ("REVIEWED", "cz-2", MILLION * 2)
            types = db.execute(text("SELECT type FROM outbox ORDER BY seq")).scalars().all()
            assert types == [event_type("funds", "EstimateReviewRequested"), event_type("funds", "EstimateReviewed")]
            assert db.execute(text("SELECT outcome, actor_id FROM audit_log ORDER BY seq")).all()[-1] == \
                ("REFUSED", "cz-1")
    finally:
        mine.dispose()
        theirs.dispose()
