"""funds against the real broker and PostgreSQL: a submission published by
planning opens the request, 财政 confirms over RPC, the relay publishes; two
officials recording at once on PostgreSQL: one wins, one is refused (R-0-2)."""

from datetime import datetime

import pytest
from nameko.standalone.rpc import ClusterRpcProxy
from nameko.testing.services import worker_factory
from sqlalchemy import text

from funds import funding
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

TOTAL = 1_200_000_000


def adhoc(project_id: str, version_no: int = 1, total: int = TOTAL) -> CloudEvent:
    return CloudEvent(
        type=event_type("planning", "AdHocApplicationSubmitted"), source="/itpm/planning", subject=project_id,
        data={"project_id": project_id, "name": "应急指挥平台", "category": "BUILD", "plan_year": 2027,
              "unit_id": "police", "unit_name": "市公安局", "version_no": version_no, "estimate_fen": total,
              "origin": "ADHOC", "adhoc_reason": "SUPERIOR_REQUIREMENT", "superior_funding_fen": 0,
              "classified": False},
        unitid="police", article="第九条", actorid="police", actorrole="UNIT")


@pytest.fixture
def funds(service_on_broker, pg_database_url):
    upgrade(MIGRATIONS, pg_database_url)
    return service_on_broker(FundsService, SUBSCRIBES, pg_database_url)


def test_submission_request_confirmation_and_invalidation_over_the_broker(funds, amqp_vhost_uri,
                                                                          pg_database_url, token_for):
    engine = make_engine(pg_database_url)

    def published(name):
        with engine.connect() as db:
            return db.execute(text("SELECT count(*) FROM outbox WHERE type = :t AND published_at IS NOT NULL"),
                              {"t": event_type("funds", name)}).scalar()

    ev = adhoc("p-adhoc")
    publish_events(amqp_vhost_uri, ev, ev)
    assert wait_for(lambda: published("FundingConfirmationRequested") == 1)

    with ClusterRpcProxy(funds, context_data={"identity": token_for("CZ")}) as rpc:
        assert rpc.funds.get_funding("p-adhoc")["status"] == "AWAITING"
        out = rpc.funds.record_funding_confirmation(
            "p-adhoc", {"result": "SECURED", "confirmed_amount_fen": TOTAL, "note": "已安排"}, idempotency_key="c-1")
        assert out["status"] == "CONFIRMED"
        again = rpc.funds.record_funding_confirmation(
            "p-adhoc", {"result": "SECURED", "confirmed_amount_fen": TOTAL, "note": "已安排"}, idempotency_key="c-1")
        assert again == out
    assert wait_for(lambda: published("FundingConfirmed") == 1)

    publish_events(amqp_vhost_uri, adhoc("p-adhoc", version_no=2, total=TOTAL + 1))
    assert wait_for(lambda: published("FundingConfirmationInvalidated") == 1)
    assert wait_for(lambda: published("FundingConfirmationRequested") == 2)
    with ClusterRpcProxy(funds, context_data={"identity": token_for("UNIT")}) as rpc:
        with pytest.raises(Refusal) as refused:
            rpc.funds.record_funding_confirmation(
                "p-adhoc", {"result": "SECURED", "confirmed_amount_fen": TOTAL + 1, "note": "x"})
        assert (refused.value.code, refused.value.rule) == ("AUTH-FORBIDDEN", "R-9-3")
        assert rpc.funds.get_funding("p-adhoc")["status"] == "AWAITING"
    with engine.connect() as db:
        assert db.execute(text("SELECT outcome FROM audit_log ORDER BY seq")).scalars().all() == \
            ["ACCEPTED", "ACCEPTED", "ACCEPTED", "ACCEPTED", "REFUSED"]
    engine.dispose()


def test_two_cz_officials_recording_at_once_on_postgresql(pg_database_url, token_pair, monkeypatch):
    upgrade(MIGRATIONS, pg_database_url)
    clock = FixedClock(datetime(2027, 3, 1, 9, 0, tzinfo=SHANGHAI))
    mine, theirs = (worker_deps(pg_database_url, "funds", infra, clock, lock=False) for _ in range(2))
    settings = FundsSettings()
    first = Identity("cz-1", "财政甲", "CZ", "cz", "市财政局")
    second = Identity("cz-2", "财政乙", "CZ", "cz", "市财政局")
    try:
        worker_factory(FundsService, tx=TransactionFactory(mine), settings=settings).on_event(adhoc("p-race"))
        rival = make_worker(FundsService, theirs, token_pair, second, settings=settings)
        original = funding.record_confirmation

        def rival_records_meanwhile(*args, **kwargs):
            # The first official's transaction has read the request; the
            # second records and commits before the first one writes.
            monkeypatch.setattr(funding, "record_confirmation", original)
            rival.record_funding_confirmation("p-race", {"result": "PARTIAL", "confirmed_amount_fen": TOTAL // 2,
                                                         "note": "部分落实"})
            return original(*args, **kwargs)

        monkeypatch.setattr(funding, "record_confirmation", rival_records_meanwhile)
        with pytest.raises(Refusal) as refused:
            make_worker(FundsService, mine, token_pair, first, settings=settings).record_funding_confirmation(
                "p-race", {"result": "SECURED", "confirmed_amount_fen": TOTAL, "note": "已落实"})

        assert (refused.value.code, refused.value.rule) == ("STATE-INVALID", "R-0-2")
        with mine.engine.connect() as db:
            assert db.execute(text("SELECT recorded_by FROM funding_confirmations")).scalars().all() == ["cz-2"]
            assert db.execute(text("SELECT status FROM funding_requests")).scalar() == "NOT_SECURED"
            types = db.execute(text("SELECT type FROM outbox ORDER BY seq")).scalars().all()
            assert types == [event_type("funds", "FundingConfirmationRequested"),
                             event_type("funds", "FundingNotSecured")]
            assert db.execute(text("SELECT outcome, actor_id FROM audit_log ORDER BY seq")).all()[-1] == \
                ("REFUSED", "cz-1")
    finally:
        mine.dispose()
        theirs.dispose()
