"""The external feed's webhook channel (rules.md §8.3): 政务办 alone registers subscribers; deliveries are signed,
filtered, retried with back-off, parked and re-sent, in feed order per project. Every receiver here is a real HTTP
server on loopback."""

from __future__ import annotations

import hashlib
import hmac
import io
import json
import threading
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests
from sqlalchemy import select

from gateway.feed import log, signing, webhook_receiver, webhooks
from gateway.feed.webhooks import DeliveryConfig
from gateway.models import WebhookDelivery, WebhookSubscriber, infra
from itpm_common.events import CloudEvent, event_type

STARTED = event_type("approval", "ConstructionStarted")
APPROVED = event_type("approval", "ProjectApproved")
PLAN = event_type("planning", "AnnualPlanApproved")
# round_seconds=None: a round waits for every turn, so each call reports all it did.
FAST = DeliveryConfig(backoff_base_seconds=1, backoff_cap_seconds=8, max_attempts=3, timeout_seconds=2, batch=20,
                      round_seconds=None)


def project_event(name, subject="p-1", unit="police", year=2027, service="approval"):
    return CloudEvent(type=event_type(service, name), source=f"/itpm/{service}", subject=subject, unitid=unit,
                      article="第十条", actorid="fg", actorrole="FG",
                      data={"project_id": subject, "name": "项目", "unit_id": unit, "unit_name": "单位",
                            "plan_year": year, "category": "BUILD"})


def plan_event(year=2027):
    return CloudEvent(type=PLAN, source="/itpm/planning", subject=f"annual-plan:{year}", unitid=None,
                      article="第八条", actorid="lg", actorrole="LG",
                      data={"plan_id": "x", "plan_year": year, "version_no": 1, "document_number": "d", "items": []})


# ------------------------------------------------------------------ a receiver on loopback


class LoopbackReceiver:
    """A partner's endpoint: records every request and answers what ``answers`` says (then 200)."""

    def __init__(self):
        self.requests: list[dict] = []
        self.answers: list[int] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.requests.append({"headers": dict(self.headers), "body": body,
                                          "event": json.loads(body)})
                status = receiver.answers.pop(0) if receiver.answers else 200
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()

    @property
    def positions(self) -> list[int]:
        return [r["event"]["feedposition"] for r in self.requests]


@pytest.fixture
def receiver():
    r = LoopbackReceiver()
    yield r
    r.close()


@pytest.fixture
def tx(tx_provider, worker_ctx):
    return tx_provider.get_dependency(worker_ctx)


@pytest.fixture
def zwb(login_as):
    return login_as("zwb")


def record(tx, *events):
    with tx.write() as session:
        return [log.record(session, e, datetime.now(UTC)) for e in events]


def register(client, headers, url, key="reg-1", **body):
    body = {"name": "省投资项目在线审批监管平台", "url": url, "event_types": [STARTED, APPROVED, PLAN], **body}
    response = client.post("/api/webhooks/subscribers", json=body, headers={**headers, "Idempotency-Key": key})
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def deliveries(tx, status=None):
    with tx.read() as session:
        stmt = select(WebhookDelivery).order_by(WebhookDelivery.position)
        if status:
            stmt = stmt.where(WebhookDelivery.status == status)
        rows = list(session.scalars(stmt))
        session.expunge_all()   # read() rolls back, which would expire them
        return rows


def audit_rows(tx, action):
    with tx.read() as session:
        return session.execute(select(infra.audit_log).where(infra.audit_log.c.action == action)).all()


# ------------------------------------------------------------------ signing


def test_the_signature_is_hmac_sha256_of_timestamp_dot_body():
    body = b'{"id":"e-1"}'
    expected = hmac.new(b"whsec_s", b"1700000000." + body, hashlib.sha256).hexdigest()
    assert signing.signature("whsec_s", 1700000000, body) == f"sha256={expected}"


@pytest.mark.parametrize(("age", "accepted"), [(0, True), (299, True), (300, True), (301, False), (-301, False)])
def test_verification_accepts_a_fresh_signature_only_within_the_window(age, accepted):
    body = b'{"id":"e-1"}'
    header = signing.signature("whsec_s", 1700000000, body)
    problem = signing.verify(["whsec_s"], "1700000000", header, body, now=1700000000 + age, tolerance_seconds=300)
    assert (problem is None) is accepted


def test_verification_refuses_a_changed_body_a_wrong_secret_and_a_missing_header():
    body = b'{"id":"e-1"}'
    header = signing.signature("whsec_s", 1700000000, body)
    assert signing.verify(["whsec_s"], "1700000000", header, b'{"id":"e-2"}', 1700000000) is not None
    assert signing.verify(["whsec_other"], "1700000000", header, body, 1700000000) is not None
    assert signing.verify(["whsec_s"], "1700000001", header, body, 1700000000) is not None   # timestamp is signed
    assert signing.verify(["whsec_s"], None, header, body, 1700000000) is not None
    # Either of two signatures (a rotation's grace period) verifies.
    both = signing.signature_header(["whsec_new", "whsec_s"], 1700000000, body)
    assert signing.verify(["whsec_s"], "1700000000", both, body, 1700000000) is None
    assert signing.verify(["whsec_new"], "1700000000", both, body, 1700000000) is None


def test_back_off_doubles_from_the_base_up_to_the_cap():
    config = DeliveryConfig(backoff_base_seconds=2, backoff_cap_seconds=600)
    waits = [webhooks.backoff(n, config).total_seconds() for n in range(1, 12)]
    assert waits == [2, 4, 8, 16, 32, 64, 128, 256, 512, 600, 600]


# ------------------------------------------------------------------ registration (政务办 only)


@pytest.mark.parametrize("username", ["police", "fg", "lg"])
def test_only_zwb_registers_a_subscriber(client, login_as, tx, username, receiver):
    response = client.post("/api/webhooks/subscribers", json={"name": "x", "url": receiver.url,
                                                                 "event_types": [STARTED]},
                           headers={**login_as(username), "Idempotency-Key": "k"})
    assert response.status_code == 403
    body = response.get_json()
    assert body["code"] == "AUTH-FORBIDDEN" and body["article"] == "rules.md §7.1"
    assert body["details"]["allowed_roles"] == ["ZWB"]
    assert [r.outcome for r in audit_rows(tx, "register_webhook_subscriber")] == ["REFUSED"]
    with tx.read() as session:
        assert session.scalar(select(WebhookSubscriber.id)) is None
    for path in ("/api/webhooks/subscribers", "/api/webhooks/deliveries"):
        assert client.get(path, headers=login_as(username)).status_code == 403


def test_registration_shows_the_secret_once_and_is_idempotent(client, zwb, tx, receiver):
    created = register(client, zwb, receiver.url, unit_ids=["police"], plan_years=[2027])
    assert created["secret"].startswith("whsec_") and created["active"] is True
    again = register(client, zwb, receiver.url, unit_ids=["police"], plan_years=[2027])
    assert again["id"] == created["id"]
    listed = client.get("/api/webhooks/subscribers", headers=zwb).get_json()["items"]
    assert [s["id"] for s in listed] == [created["id"]] and "secret" not in listed[0]
    audited = audit_rows(tx, "register_webhook_subscriber")
    assert [r.outcome for r in audited] == ["ACCEPTED"]
    assert created["secret"] not in json.dumps([r.details for r in audited], default=str)


@pytest.mark.parametrize(("change", "field"), [
    ({"url": "ftp://partner.example/hook"}, "url"),
    ({"url": "https:///nohost"}, "url"),
    ({"event_types": ["cn.gov.lyg.itpm.funds.funding_confirmed.v1"]}, "event_types"),   # internal type
    ({"event_types": [event_type("approval", "PreliminaryDesignApproved")]}, "event_types"),  # not its outgoing name
    ({"event_types": []}, "event_types"),
    ({"plan_years": ["2027"]}, "plan_years"),
    ({"secret": "mine"}, "secret"),                                                      # the server makes it
])
def test_registration_refuses_a_bad_subscriber(client, zwb, change, field):
    body = {"name": "x", "url": "https://partner.example/hook", "event_types": [STARTED], **change}
    response = client.post("/api/webhooks/subscribers", json=body, headers={**zwb, "Idempotency-Key": "k"})
    assert response.status_code == 400
    assert field in response.get_json()["details"]["fields"]


def test_a_command_without_an_idempotency_key_is_refused(client, zwb, receiver):
    response = client.post("/api/webhooks/subscribers", json={"name": "x", "url": receiver.url,
                                                               "event_types": [STARTED]}, headers=zwb)
    assert response.status_code == 400 and "Idempotency-Key" in response.get_json()["details"]["fields"]


# ------------------------------------------------------------------ delivery


def test_a_delivery_is_signed_and_carries_the_feed_headers(client, zwb, tx, receiver):
    sub = register(client, zwb, receiver.url)
    [position] = record(tx, project_event("ConstructionStarted"))
    assert webhooks.deliver(tx, FAST) == {"delivered": 1, "failed": 0}
    [req] = receiver.requests
    headers, body = req["headers"], req["body"]
    assert headers[signing.POSITION_HEADER] == str(position) == str(req["event"]["feedposition"])
    assert headers[signing.EVENT_ID_HEADER] == req["event"]["id"]
    assert signing.verify([sub["secret"]], headers[signing.TIMESTAMP_HEADER], headers[signing.SIGNATURE_HEADER],
                          body, float(headers[signing.TIMESTAMP_HEADER])) is None
    with tx.read() as session:
        from gateway.models import FeedEntry
        assert body == session.get(FeedEntry, position).body.encode()     # the log's copy, byte for byte
    assert webhooks.deliver(tx, FAST) == {"delivered": 0, "failed": 0}   # delivered once


def test_a_subscriber_starts_at_the_end_of_the_log_unless_told_otherwise(client, zwb, tx, receiver):
    record(tx, project_event("ConstructionStarted", subject="p-old"))
    register(client, zwb, receiver.url, key="from-now")
    register(client, zwb, receiver.url, key="from-start", start_after_position=0)
    webhooks.deliver(tx, FAST)
    assert [r["event"]["subject"] for r in receiver.requests] == ["p-old"]   # only the second subscriber's
    too_far = client.post("/api/webhooks/subscribers", headers={**zwb, "Idempotency-Key": "far"}, json={
        "name": "x", "url": receiver.url, "event_types": [STARTED], "start_after_position": 2})
    assert too_far.status_code == 409


def test_filters_select_by_type_unit_and_plan_year(client, zwb, tx, receiver):
    register(client, zwb, receiver.url, event_types=[STARTED, PLAN], unit_ids=["police"], plan_years=[2027])
    record(tx,
           project_event("ConstructionStarted", subject="p-1"),                       # passes
           project_event("PreliminaryDesignApproved", subject="p-2"),                 # type not allowed
           project_event("ConstructionStarted", subject="p-3", unit="edu"),           # other unit
           project_event("ConstructionStarted", subject="p-4", year=2028),            # other year
           plan_event(2027),                                                           # no unit: out of a unit filter
           project_event("ConstructionStarted", subject="p-5"))                       # passes
    webhooks.deliver(tx, FAST)
    assert [r["event"]["subject"] for r in receiver.requests] == ["p-1", "p-5"]


def test_failures_back_off_then_park_holding_that_project_only(client, zwb, tx, receiver):
    register(client, zwb, receiver.url)
    first, _second = record(tx, project_event("ConstructionStarted", subject="p-1"),
                            project_event("PreliminaryDesignApproved", subject="p-1"))
    t0 = datetime.now(UTC)
    receiver.answers = [500, 503, 502]
    assert webhooks.deliver(tx, FAST, now=t0) == {"delivered": 0, "failed": 1}
    pending = deliveries(tx, "PENDING")
    assert [(d.position, d.attempts, d.last_status) for d in pending][0] == (first, 1, 500)
    # Not due before the back-off: 1 s after the first failure, then 2 s after the second.
    assert webhooks.deliver(tx, FAST, now=t0 + timedelta(seconds=0.9)) == {"delivered": 0, "failed": 0}
    assert webhooks.deliver(tx, FAST, now=t0 + timedelta(seconds=1)) == {"delivered": 0, "failed": 1}
    assert webhooks.deliver(tx, FAST, now=t0 + timedelta(seconds=2.9)) == {"delivered": 0, "failed": 0}
    assert webhooks.deliver(tx, FAST, now=t0 + timedelta(seconds=3)) == {"delivered": 0, "failed": 1}
    [parked] = deliveries(tx, "PARKED")
    assert (parked.position, parked.attempts, parked.last_status) == (first, FAST.max_attempts, 502)
    # Parked: never retried on its own, and the project's later event is held behind it.
    assert webhooks.deliver(tx, FAST, now=t0 + timedelta(hours=1)) == {"delivered": 0, "failed": 0}
    assert receiver.positions == [first, first, first]


def test_a_parked_delivery_holds_its_project_while_others_go_on_and_resending_restores_order(
        client, zwb, tx, receiver):
    register(client, zwb, receiver.url)
    one = DeliveryConfig(backoff_base_seconds=1, backoff_cap_seconds=1, max_attempts=1, timeout_seconds=2,
                         round_seconds=None)
    p1_a, p2_a, p1_b, p2_b = record(tx, project_event("ConstructionStarted", subject="p-1"),
                                    project_event("ConstructionStarted", subject="p-2"),
                                    project_event("PreliminaryDesignApproved", subject="p-1"),
                                    project_event("PreliminaryDesignApproved", subject="p-2"))
    t0 = datetime.now(UTC)
    receiver.answers = [500]
    webhooks.deliver(tx, one, now=t0)                       # p-1's first parks at once (max_attempts = 1)
    webhooks.deliver(tx, one, now=t0 + timedelta(seconds=1))
    assert receiver.positions == [p1_a, p2_a, p2_b]         # p-2 went on; p-1's second is held

    listed = client.get("/api/webhooks/deliveries", headers=zwb).get_json()["items"]
    assert [(d["feed_position"], d["status"], d["subject"]) for d in listed] == [(p1_a, "PARKED", "p-1")]
    resent = client.post(f"/api/webhooks/deliveries/{listed[0]['id']}/resend",
                         headers={**zwb, "Idempotency-Key": "resend-1"})
    assert resent.status_code == 200 and resent.get_json()["status"] == "PENDING"
    again = client.post(f"/api/webhooks/deliveries/{listed[0]['id']}/resend",
                        headers={**zwb, "Idempotency-Key": "resend-2"})
    assert again.status_code == 409 and again.get_json()["code"] == "STATE-INVALID"   # no longer parked
    assert [r.outcome for r in audit_rows(tx, "resend_webhook_delivery")] == ["ACCEPTED", "REFUSED"]

    webhooks.deliver(tx, one, now=t0 + timedelta(seconds=60))
    assert receiver.positions == [p1_a, p2_a, p2_b, p1_a, p1_b]   # p-1 in its order once re-sent
    assert {d.status for d in deliveries(tx)} == {"DELIVERED"}
    assert client.get("/api/webhooks/deliveries", headers=zwb).get_json()["items"] == []


def test_resending_refuses_an_unknown_delivery_and_a_non_zwb(client, zwb, login_as):
    assert client.post("/api/webhooks/deliveries/999/resend",
                       headers={**zwb, "Idempotency-Key": "r"}).status_code == 404
    response = client.post("/api/webhooks/deliveries/999/resend",
                           headers={**login_as("police"), "Idempotency-Key": "r"})
    assert response.status_code == 403 and response.get_json()["code"] == "AUTH-FORBIDDEN"


def test_a_rotated_secret_signs_alongside_the_old_one_for_the_grace_period(client, zwb, tx, receiver):
    old = register(client, zwb, receiver.url)
    rotated = client.post(f"/api/webhooks/subscribers/{old['id']}/rotate-secret",
                          headers={**zwb, "Idempotency-Key": "rot-1"})
    assert rotated.status_code == 200
    new = rotated.get_json()
    assert new["secret"] != old["secret"] and new["previous_secret_valid_until"]
    assert [r.outcome for r in audit_rows(tx, "rotate_webhook_secret")] == ["ACCEPTED"]
    record(tx, project_event("ConstructionStarted", subject="p-1"), project_event("ConstructionStarted",
                                                                                   subject="p-2"))
    until = datetime.fromisoformat(new["previous_secret_valid_until"])
    one = DeliveryConfig(batch=1, round_seconds=None)
    webhooks.deliver(tx, one, now=until - timedelta(seconds=1))
    webhooks.deliver(tx, one, now=until)

    def verifies(secret, request):
        h = request["headers"]
        return signing.verify([secret], h[signing.TIMESTAMP_HEADER], h[signing.SIGNATURE_HEADER], request["body"],
                              float(h[signing.TIMESTAMP_HEADER])) is None

    within, after = receiver.requests
    assert verifies(old["secret"], within) and verifies(new["secret"], within)
    assert not verifies(old["secret"], after) and verifies(new["secret"], after)


def test_a_deactivated_subscriber_receives_nothing_more(client, zwb, tx, receiver, login_as):
    sub = register(client, zwb, receiver.url)
    assert client.post(f"/api/webhooks/subscribers/{sub['id']}/deactivate",
                       headers={**login_as("police"), "Idempotency-Key": "d"}).status_code == 403
    response = client.post(f"/api/webhooks/subscribers/{sub['id']}/deactivate",
                           headers={**zwb, "Idempotency-Key": "d"})
    assert response.status_code == 200 and response.get_json()["active"] is False
    record(tx, project_event("ConstructionStarted"))
    assert webhooks.deliver(tx, FAST) == {"delivered": 0, "failed": 0}
    assert receiver.requests == []
    assert client.post(f"/api/webhooks/subscribers/{sub['id']}/rotate-secret",
                       headers={**zwb, "Idempotency-Key": "r"}).status_code == 409


def test_a_receiver_that_does_not_answer_costs_one_timeout_and_the_others_still_get_theirs(client, zwb, tx,
                                                                                          receiver):
    # A listening socket that never accepts: the attempt times out.
    import socket
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(0)
    try:
        register(client, zwb, f"http://127.0.0.1:{silent.getsockname()[1]}/", key="silent")
        register(client, zwb, receiver.url, key="good")
        record(tx, *[project_event("ConstructionStarted", subject=f"p-{i}") for i in range(3)])
        config = DeliveryConfig(timeout_seconds=0.2, max_attempts=5, batch=20, round_seconds=None)
        assert webhooks.deliver(tx, config) == {"delivered": 3, "failed": 1}
        assert len(receiver.requests) == 3
        failed = [d for d in deliveries(tx, "PENDING") if d.attempts]
        assert len(failed) == 1 and failed[0].last_status is None and failed[0].last_error
    finally:
        silent.close()


# ------------------------------------------------------------------ the partner's receiver command


def test_the_receiver_command_verifies_and_prints_each_event_once(client, zwb, tx):
    out = io.StringIO()
    placeholder = webhook_receiver.Receiver([], out=out)
    server = webhook_receiver.make_server(placeholder, "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/"
        sub = register(client, zwb, url)
        placeholder.secrets = [sub["secret"]]
        first, second = project_event("ConstructionStarted", subject="p-1"), project_event(
            "ConstructionStarted", subject="p-2")
        record(tx, first, second)
        assert webhooks.deliver(tx, FAST) == {"delivered": 2, "failed": 0}
        lines = out.getvalue().splitlines()
        assert [line.split("\t")[0] for line in lines] == ["1", "2"]
        assert [line.split("\t")[3] for line in lines] == ["p-1", "p-2"]

        # A forged request is refused; a replayed one (same event) is acknowledged but not printed again.
        body = json.dumps({"id": first.id, "feedposition": 1}).encode()
        ts = str(int(datetime.now(UTC).timestamp()))
        forged = requests.post(url, data=body, timeout=5, headers={
            signing.TIMESTAMP_HEADER: ts, signing.SIGNATURE_HEADER: signing.signature("whsec_guess", int(ts), body)})
        assert forged.status_code == 401
        stale_ts = int(ts) - 3600
        stale = requests.post(url, data=body, timeout=5, headers={
            signing.TIMESTAMP_HEADER: str(stale_ts),
            signing.SIGNATURE_HEADER: signing.signature(sub["secret"], stale_ts, body)})
        assert stale.status_code == 401
        replay = requests.post(url, data=body, timeout=5, headers={
            signing.TIMESTAMP_HEADER: ts, signing.SIGNATURE_HEADER: signing.signature(sub["secret"], int(ts), body)})
        assert replay.status_code == 200
        assert len(out.getvalue().splitlines()) == 2
    finally:
        server.shutdown()
        server.server_close()
