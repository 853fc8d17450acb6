"""The external feed through the real suite (rules.md §8.3): an AMQP subscriber, a webhook receiver on loopback
that fails its first deliveries, and a gRPC subscriber that disconnects in the middle and resumes from its last
position all see the same events, in the same order, nothing missing and nothing extra."""

import json
import subprocess
import sys
import threading
import time

import pika
import pytest

from gateway.feed.amqp import EXTERNAL_EXCHANGE
from gateway.feed.tail_amqp import follow
from gateway.feed.webhook_receiver import Receiver, make_server

from .suite import REPO, free_port
from .test_walking_skeleton import CRITERIA, OPINION, file_application, open_plan_review

pytestmark = pytest.mark.e2e

PLAN_TYPES = ["cn.gov.lyg.itpm.planning.annual_plan_approved.v1", "cn.gov.lyg.itpm.planning.annual_plan_amended.v1"]


class FailingFirst(Receiver):
    """A partner system that is down for its first ``failures`` requests."""

    def __init__(self, secrets, failures):
        super().__init__(secrets, out=open("/dev/null", "w"))  # noqa: SIM115 (closed with the process)
        self.failures, self.requests = failures, 0

    def accept(self, headers, body):
        self.requests += 1
        if self.requests <= self.failures:
            return 503, "down"
        return super().accept(headers, body)


def drafted(suite, client, name, rank):
    pid = file_application(client, name=name, rank=rank)["id"]
    open_plan_review(suite, pid)
    for bureau in ("wx", "fg", "gx", "cz"):
        assert suite.login(bureau).post(f"/api/projects/{pid}/review/opinions", json=OPINION).status_code == 201
    done = suite.login("zwb").post(f"/api/projects/{pid}/review/conclusion",
                                   json={"outcome": "DRAFT", "consolidated_opinion": "同意", "criteria": CRITERIA})
    assert done.status_code == 200, done.text
    client.wait_for(f"/api/projects/{pid}", lambda p: p["state"] == "PLAN_DRAFTED")
    return pid


def approve_plan(suite, number):
    zwb, lg = suite.login("zwb"), suite.login("lg")
    assert zwb.post("/api/annual-plans/2027/compile", json={}).status_code == 200
    assert zwb.post("/api/annual-plans/2027/submit", json={}).status_code == 200
    done = lg.post("/api/annual-plans/2027/approve", json={"document_number": number})
    assert done.status_code == 200, done.text


def grpc_tail(suite, state, limit):
    keys = suite.env["ITPM_DATA_DIR"] + "/feed-grpc"
    return subprocess.run(
        [sys.executable, "-m", "gateway.feed.grpc_tail", "--target", f"127.0.0.1:{suite.env['ITPM_FEED_GRPC_PORT']}",
         "--ca", f"{keys}/server.crt", "--token-file", f"{keys}/local.token", "--state", str(state),
         "--limit", str(limit), "--json"], cwd=REPO, capture_output=True, text=True, timeout=120)


def test_three_channels_see_the_same_events_in_the_same_order(suite, tmp_path):
    # Subscribers in place first: an AMQP queue, and a webhook receiver that is down at the start.
    conn = pika.BlockingConnection(pika.URLParameters(suite.env["AMQP_URI"]))
    ch = conn.channel()
    ch.exchange_declare(EXTERNAL_EXCHANGE, "topic", durable=True)
    ch.queue_declare("audit-system", durable=True)
    ch.queue_bind("audit-system", EXTERNAL_EXCHANGE, "#")
    conn.close()
    receiver = FailingFirst([], failures=3)
    port = free_port()
    server = make_server(receiver, "127.0.0.1", port)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    registered = suite.login("zwb").post("/api/webhooks/subscribers", json={
        "name": "市数据共享平台", "url": f"http://127.0.0.1:{port}/hook", "event_types": PLAN_TYPES})
    assert registered.status_code == 201, registered.text
    receiver.secrets = [registered.json()["secret"]]   # shown once, at registration

    police = suite.login("police")
    drafted(suite, police, "城市应急指挥平台", rank=11)
    approve_plan(suite, "连信息化领〔2027〕1号")

    # The gRPC subscriber reads the first event, then goes away.
    state = tmp_path / "grpc.position"
    first = grpc_tail(suite, state, limit=1)
    assert first.returncode == 0, first.stderr

    drafted(suite, police, "城市应急指挥平台（二期）", rank=12)
    approve_plan(suite, "连信息化领〔2027〕2号")

    # It comes back and resumes after its last position.
    second = grpc_tail(suite, state, limit=1)
    assert second.returncode == 0, second.stderr
    grpc_events = [json.loads(line) for line in (first.stdout + second.stdout).splitlines() if line.startswith("{")]

    amqp_events = follow(suite.env["AMQP_URI"], "audit-system", ["#"], limit=2, out=open("/dev/null", "w"))  # noqa: SIM115
    deadline = time.time() + 90
    while time.time() < deadline and len(receiver.events) < 2:
        time.sleep(0.5)
    server.shutdown()

    ids = [e["id"] for e in amqp_events]
    assert len(ids) == 2 and [e["type"] for e in amqp_events] == PLAN_TYPES
    assert [e["id"] for e in receiver.events] == ids, "webhook: the same events, once, in order"
    assert [e["id"] for e in grpc_events] == ids, "gRPC: the same events, once, in order"
    assert [e["feedposition"] for e in grpc_events] == [e["feedposition"] for e in amqp_events]
    assert receiver.requests > 2   # the first deliveries failed and were retried
