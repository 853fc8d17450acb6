"""A service killed with SIGKILL after committing a decision but before
publishing its event delivers the event after restart, exactly once."""

import importlib.util
import signal
import time

import pika
import pytest
from nameko.standalone.rpc import ClusterRpcProxy
from sqlalchemy import text

from itpm_common.db import make_engine
from itpm_common.events import EXCHANGE, CloudEvent
from itpm_common.migrations import upgrade

from ..processes import REPO, ServiceProcess

pytestmark = pytest.mark.integration

SAMPLE = REPO / "services/planning/tests/sample.py"


def load_sample():
    spec = importlib.util.spec_from_file_location("planning_sample", SAMPLE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.valid_application()


def drain(ch, queue):
    out = []
    while True:
        method, _props, body = ch.basic_get(queue, auto_ack=True)
        if method is None:
            return out
        out.append(CloudEvent.from_json(body))


def test_sigkill_after_commit_before_publish_loses_nothing_and_duplicates_nothing(
        tmp_path, amqp_vhost_uri, pg_database_url, identity_keys, token_for):
    upgrade(REPO / "services/planning/planning/migrations", pg_database_url)
    # The sample's plan year needs an open call (R-7-5); written as a fixture row so the only event is the one
    # under test.
    engine = make_engine(pg_database_url)
    with engine.begin() as db:
        db.execute(text("INSERT INTO plan_calls (plan_year, opens_on, closes_on, status, opened_by, opened_at, version)"
                        " VALUES (2027, '2020-01-01', '2099-12-31', 'OPEN', 'zwb', now(), 1)"))
    engine.dispose()
    conn = pika.BlockingConnection(pika.URLParameters(amqp_vhost_uri))
    ch = conn.channel()
    ch.exchange_declare(EXCHANGE, "topic", durable=True)
    ch.queue_declare("external-watch", durable=True)
    ch.queue_bind("external-watch", EXCHANGE, "#")

    env = {"AMQP_URI": amqp_vhost_uri, "DATABASE_URL": pg_database_url,
           "IDENTITY_PUBLIC_KEY_FILE": str(identity_keys[1])}
    # With the relay held back the process commits but cannot publish: the
    # exact window between the two in which a crash would lose the event
    # under nameko's own dispatch.
    held = ServiceProcess("planning", {**env, "OUTBOX_RELAY": "off"}, tmp_path).start()
    try:
        held.wait_healthy(amqp_vhost_uri)
        with ClusterRpcProxy({"AMQP_URI": amqp_vhost_uri}, timeout=10,
                             context_data={"identity": token_for("UNIT")}) as rpc:
            project = rpc.planning.submit_plan_application(load_sample(), idempotency_key="crash-1")
        time.sleep(0.5)
        assert drain(ch, "external-watch") == []
    finally:
        held.kill(signal.SIGKILL)

    engine = make_engine(pg_database_url)
    with engine.connect() as db:
        assert db.execute(text("SELECT count(*) FROM outbox WHERE published_at IS NULL")).scalar() == 1
        assert db.execute(text("SELECT state FROM projects WHERE id = :i"), {"i": project["id"]}).scalar() \
            == "PLAN_APPLIED"

    restarted = ServiceProcess("planning", env, tmp_path).start()
    try:
        restarted.wait_healthy(amqp_vhost_uri)
        deadline, got = time.time() + 15, []
        while time.time() < deadline and not got:
            got = drain(ch, "external-watch")
            time.sleep(0.1)
        time.sleep(1.0)
        got += drain(ch, "external-watch")
    finally:
        restarted.stop()
        conn.close()

    assert [(e.name, e.subject) for e in got] == [("PlanApplicationSubmitted", project["id"])]
    with engine.connect() as db:
        assert db.execute(text("SELECT count(*) FROM outbox WHERE published_at IS NULL")).scalar() == 0
    engine.dispose()
