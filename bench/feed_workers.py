"""The processes of ``bench.feed_fanout``, one role each: ``python -m bench.feed_workers ROLE …``.

  producer   writes N external events into the gateway's feed log through ``gateway.feed.log.record``, each
             stamped (its CloudEvent ``time``) when it is recorded; ``run`` on stdin starts it.
  webhooks   the gateway's webhook timer without its one-second sleep: ``webhooks.deliver`` rounds (each
             subscriber's turn enqueues first; turns run concurrently in green threads) in a loop, eventlet-patched
             as in ``nameko run``, with the default ``DeliveryConfig``; ``register`` adds subscribers through
             ``webhooks.register`` as 政务办, ``run`` delivers until every delivery is done or the deadline.
  receivers  one ``gateway.feed.webhook_receiver`` server (HTTP/1.1, kept alive) per subscriber on its own port,
             each checking signatures and timestamps as the partner's receiver does; lags (receive time − the
             event's ``time``) go to a file.
  stream     one gRPC subscriber: TLS, a token, ``Subscribe`` from position 0 until it has N events or ``stop``
             arrives on stdin; checks the positions arrive gap-free and in order; lags go to a file.
  pika       the baseline: raw pika publishing of N messages as large as a feed body, a confirm wait per batch
             (``bench.publish.SelectBatchPublisher``); the queue must hold N afterwards.

Every role prints ``READY …`` once it can start and ``RESULT {json}`` for each piece of work.
"""

from __future__ import annotations

import sys

if __name__ == "__main__" and len(sys.argv) > 1 and sys.argv[1] == "webhooks":
    import eventlet

    eventlet.monkey_patch()

import argparse  # noqa: E402 - eventlet must patch before anything imports socket or threading
import json  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
from array import array  # noqa: E402
from datetime import datetime  # noqa: E402
from pathlib import Path  # noqa: E402

PROJECTS = 1000
UNITS = 20
LIFECYCLE = (("approval", "ConstructionStarted", "started_on"), ("acceptance", "AcceptancePassed", "passed_on"))


def emit(kind: str, payload: dict) -> None:
    print(f"{kind} {json.dumps(payload)}", flush=True)


def commands():
    """The lines the benchmark sends on stdin; end of input ends the process."""
    for line in sys.stdin:
        line = line.strip()
        if line:
            verb, _, rest = line.partition(" ")
            yield verb, rest


def log_time(iso: str) -> float:
    return datetime.fromisoformat(iso).timestamp()


# ------------------------------------------------------------------ the gateway's transactions, outside nameko


class _Container:
    """What ``Transactions`` reads from its nameko container (it keeps a weak reference)."""

    def __init__(self, database_url: str):
        self.config = {"DATABASE_URL": database_url}
        self.service_name = "gateway"
        self.shared_extensions = {}


def transactions(database_url: str):
    """(the gateway's own Transactions provider, set up; a TransactionFactory as ``self.tx`` in a worker)."""
    from gateway.models import infra
    from itpm_common.uow import Transactions

    container = _Container(database_url)
    provider = Transactions(infra).bind(container, "tx")
    provider.setup()
    provider._keep = container  # the provider only holds it weakly
    return provider, provider.get_dependency(None)


def feed_event(i: int):
    """The i-th event: projects advance one lifecycle step at a time, interleaved as the suite publishes them."""
    from itpm_common.events import CloudEvent, event_type

    project, step = i % PROJECTS, (i // PROJECTS) % len(LIFECYCLE)
    service, name, date_field = LIFECYCLE[step]
    unit = f"unit-{project % UNITS:02d}"
    pid = f"P-2027-{project:05d}"
    return CloudEvent(type=event_type(service, name), source=f"/itpm/{service}", subject=pid, unitid=unit,
                      article="第十九条" if step == 0 else "第二十五条", actorid="bench", actorrole="ZWB",
                      data={"project_id": pid, "name": f"测试信息化项目{project:05d}", "unit_id": unit,
                            "unit_name": f"测试局{project % UNITS:02d}", "plan_year": 2027, "category": "NEW",
                            "origin": "ANNUAL", date_field: "2027-03-01", "budget_fen": 123456789})


def sample_body() -> str:
    """A feed log body exactly as ``log.record`` writes it (the baseline publishes bodies this large)."""
    from gateway.feed import redaction

    copy = redaction.external_copy(feed_event(0))
    copy["feedposition"] = 100000
    return json.dumps(copy, ensure_ascii=False, sort_keys=True)


# ------------------------------------------------------------------ producer


def producer(args) -> None:
    from datetime import UTC

    from gateway.feed import log

    provider, tx = transactions(args.database_url)
    emit("READY", {"body_bytes": len(sample_body().encode())})
    for verb, _ in commands():
        if verb != "run":
            continue
        started, cpu = time.time(), time.process_time()
        first = last = None
        pause = 1.0 / args.rate if args.rate else 0.0
        done = 0
        while done < args.n:
            chunk = min(args.record_batch, args.n - done)
            with tx.write() as session:
                for i in range(done, done + chunk):
                    event = feed_event(i)  # its time is now: the moment it is logged
                    if log.record(session, event, datetime.now(UTC)) is None:
                        raise AssertionError(f"event {i} did not enter the feed")
                    first = first or event.time
                    last = event.time
            done += chunk
            if pause:
                time.sleep(max(0.0, started + done * pause - time.time()))
        emit("RESULT", {"n": done, "seconds": time.time() - started, "cpu_seconds": time.process_time() - cpu,
                        "started": started, "first_time": log_time(first), "last_time": log_time(last)})
    provider.stop()


# ------------------------------------------------------------------ webhook driver


def webhook_driver(args) -> None:
    from gateway.auth import CurrentUser
    from gateway.feed import webhooks

    provider, tx = transactions(args.database_url)
    config = webhooks.DeliveryConfig()
    zwb = CurrentUser(username="zwb", name="政务办", role="ZWB", unit_id="zwb", unit_name="市政务服务管理办公室")
    emit("READY", {"batch": config.batch, "enqueue_batch": webhooks.ENQUEUE_BATCH,
                   "concurrency": config.concurrency, "round_seconds": config.round_seconds})
    for verb, rest in commands():
        if verb == "register":
            secrets = []
            for k, url in enumerate(json.loads(rest)):
                created = webhooks.register(tx, zwb, {"name": f"测试订阅方{k:02d}", "url": url,
                                                      "event_types": webhooks.EXTERNAL_TYPES,
                                                      "start_after_position": 0}, key=f"bench-webhook-{k}")
                secrets.append(created["secret"])
            emit("RESULT", {"secrets": secrets})
        elif verb == "run":
            target, deadline = (float(x) for x in rest.split())
            started, cpu = time.time(), time.process_time()
            delivered = failed = ticks = idle = 0
            while delivered < target and time.time() < deadline:
                counts = webhooks.deliver(tx, config)
                ticks += 1
                delivered += counts["delivered"]
                failed += counts["failed"]
                if not counts["delivered"] and not counts["failed"]:
                    idle += 1
                    time.sleep(0.02)  # nothing due yet: the producer has not written it
            emit("RESULT", {"delivered": delivered, "failed": failed, "ticks": ticks, "idle_ticks": idle,
                            "seconds": time.time() - started, "cpu_seconds": time.process_time() - cpu})
    provider.stop()


# ------------------------------------------------------------------ webhook receivers


class LagReceiver:
    """The partner's checks (``webhook_receiver.Receiver``: signature, timestamp window, dedupe on the id), keeping
    only each event's lag instead of the event, so 2,000,000 deliveries fit in memory."""

    def __init__(self):
        self.secrets: list[str] = []
        self.lags = array("d")
        self.seen: set[str] = set()
        self.duplicates = self.refused = 0
        self.last_receive = 0.0
        self.lock = threading.Lock()

    def accept(self, headers, body: bytes) -> tuple[int, str]:
        from gateway.feed import signing

        now = time.time()
        problem = signing.verify(self.secrets, headers.get(signing.TIMESTAMP_HEADER),
                                 headers.get(signing.SIGNATURE_HEADER), body, now)
        if problem is not None:
            with self.lock:
                self.refused += 1
            return 401, problem
        event = json.loads(body)
        lag = now - log_time(event["time"])
        with self.lock:
            if event["id"] in self.seen:
                self.duplicates += 1
                return 200, "duplicate"
            self.seen.add(event["id"])
            self.lags.append(lag)
            self.last_receive = now
        return 200, "ok"


def receivers(args) -> None:
    from gateway.feed import webhook_receiver

    receivers_, servers = [], []
    for _ in range(args.count):
        receiver = LagReceiver()
        server = webhook_receiver.make_server(receiver, "127.0.0.1", 0)
        server.RequestHandlerClass.log_message = lambda *a: None  # one line per request would cost more than it
        threading.Thread(target=server.serve_forever, daemon=True).start()
        receivers_.append(receiver)
        servers.append(server)
    emit("READY", {"ports": [s.server_address[1] for s in servers]})
    for verb, rest in commands():
        if verb == "secrets":
            for receiver, secret in zip(receivers_, json.loads(rest), strict=True):
                receiver.secrets = [secret]
            emit("RESULT", {})
        elif verb == "stats":
            emit("RESULT", {"received": [len(r.lags) for r in receivers_]})
        elif verb == "final":
            lags = array("d")
            for r in receivers_:
                with r.lock:
                    lags.extend(r.lags)
            with open(rest, "wb") as f:
                lags.tofile(f)
            emit("RESULT", {"received": [len(r.lags) for r in receivers_],
                            "duplicates": sum(r.duplicates for r in receivers_),
                            "refused": sum(r.refused for r in receivers_),
                            "last_receive": max(r.last_receive for r in receivers_)})
    for server in servers:
        server.shutdown()


# ------------------------------------------------------------------ gRPC subscriber


def stream(args) -> None:
    import grpc

    from gateway.feed import grpc_build, grpc_tail

    pb2, pb2_grpc = grpc_build.load()
    chan = grpc_tail.channel(args.target, Path(args.ca), plaintext=False)
    grpc.channel_ready_future(chan).result(timeout=60)
    stub = pb2_grpc.FeedStub(chan)
    emit("READY", {})
    lags, position, out_of_order = array("d"), 0, 0
    first_receive = last_receive = 0.0
    cpu = time.process_time()
    call = stub.Subscribe(pb2.SubscribeRequest(from_position=0), metadata=(("authorization", f"Bearer {args.token}"),))
    stopped = threading.Event()

    def stop_on_request():
        # "stop" from the benchmark (its time is up) or the benchmark gone: end the subscription there.
        for verb, _ in commands():
            if verb == "stop":
                break
        stopped.set()
        call.cancel()

    threading.Thread(target=stop_on_request, daemon=True).start()
    ended = "complete"
    try:
        for event in call:
            now = time.time()
            lags.append(now - log_time(event.time))
            if event.position != position + 1:
                out_of_order += 1
            position = event.position
            first_receive = first_receive or now
            last_receive = now
            if len(lags) >= args.n:
                call.cancel()
                break
    except grpc.RpcError as error:
        if not (stopped.is_set() and error.code() == grpc.StatusCode.CANCELLED):
            raise
        ended = "stopped"
    with open(args.lags, "wb") as f:
        lags.tofile(f)
    emit("RESULT", {"received": len(lags), "last_position": position, "out_of_order": out_of_order,
                    "first_receive": first_receive, "last_receive": last_receive, "ended": ended,
                    "cpu_seconds": time.process_time() - cpu})
    chan.close()


# ------------------------------------------------------------------ raw pika baseline


def pika_baseline(args) -> None:
    from itpm_common.events import EXCHANGE

    from .publish import Admin, SelectBatchPublisher, Timer

    routing_key = "bench.feedfanout.baseline"
    admin = Admin(args.uri, args.queue)
    admin._ch.exchange_declare(EXCHANGE, "topic", durable=True, auto_delete=False)
    admin.declare(routing_key)
    publisher = SelectBatchPublisher(args.uri, args.batch)
    body = sample_body()
    emit("READY", {"body_bytes": len(body.encode()), "batch": args.batch})
    try:
        for verb, rest in commands():
            if verb != "run":
                continue
            n = int(rest)
            messages = [(f"bench-{i}", routing_key, body) for i in range(n)]
            timer = Timer()
            admin.purge()
            publisher.run(messages, timer)
            depth = admin.depth()
            if depth != n:
                raise AssertionError(f"queue holds {depth} messages after publishing {n}")
            admin.purge()
            emit("RESULT", {"n": n, "seconds": timer.seconds, "cpu_seconds": timer.cpu_seconds})
    finally:
        admin.delete()
        admin.close()


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(prog="python -m bench.feed_workers")
    roles = ap.add_subparsers(dest="role", required=True)
    p = roles.add_parser("producer")
    p.add_argument("--database-url", required=True)
    p.add_argument("-n", type=int, required=True)
    p.add_argument("--record-batch", type=int, default=50, help="events per transaction")
    p.add_argument("--rate", type=float, default=0.0, help="events/s; 0: as fast as the database allows")
    p.set_defaults(run=producer)
    p = roles.add_parser("webhooks")
    p.add_argument("--database-url", required=True)
    p.set_defaults(run=webhook_driver)
    p = roles.add_parser("receivers")
    p.add_argument("--count", type=int, required=True)
    p.set_defaults(run=receivers)
    p = roles.add_parser("stream")
    p.add_argument("--target", required=True)
    p.add_argument("--ca", required=True)
    p.add_argument("--token", required=True)
    p.add_argument("-n", type=int, required=True)
    p.add_argument("--lags", required=True, help="file for the lags (float64 seconds)")
    p.set_defaults(run=stream)
    p = roles.add_parser("pika")
    p.add_argument("--uri", required=True)
    p.add_argument("--queue", required=True)
    p.add_argument("--batch", type=int, default=100)
    p.set_defaults(run=pika_baseline)
    args = ap.parse_args(argv)
    args.run(args)


if __name__ == "__main__":
    main()
