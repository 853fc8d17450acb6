"""Event publishing cases, each a worker process of its own.

``python -m bench.publish <case> --uri ... --queue ... --service ... -n N``
connects, prints ``READY {json}`` and then answers each line on stdin:
``warmup`` publishes ``--warmup-n`` untimed events, ``run`` one timed run of
N, each answered by ``RESULT {"n": N, "seconds": s}``; end of input closes
it. Workers stay up between runs so the benchmark can interleave the cases
round by round; they may start together, but only one publishes at a time
(they share the queue whose depth each run checks).

Every case publishes the same CloudEvent bodies (built as ``Tx.emit``
builds them) to the same exchange (``itpm.events``) with the same routing
key, persistent, with the same message properties, into one durable queue
bound for this run; every run ends by checking that the queue holds exactly
N messages, then purges it.

Cases:
  relay        itpm_common's OutboxRelay.flush over a SQLite outbox filled by
               Tx.emit, publishing through its ConfirmingPublisher (py-amqp),
               until every row is marked published.
  publisher    ConfirmingPublisher.publish_batch alone on the same messages,
               no database: separates the AMQP client's cost from SQLite's.
  pika-batch   pika SelectConnection, confirm mode, batches of B: publish B,
               wait until all B are confirmed, publish the next B.
  pika-each    pika BlockingConnection in confirm mode: basic_publish returns
               when the broker confirmed that one message.

``--green`` monkey-patches the process with eventlet first, which is how
``nameko run`` hosts the relay in a service. ``--declare`` makes the worker
declare, bind and finally delete its queue itself, for use on its own, e.g.
to profile the relay:

    printf 'warmup\nrun\nrun\n' | .venv/bin/python -m bench.publish relay --green --declare \
        --uri amqp://guest:guest@localhost:5672/ --queue bench.profile --service benchprofile \
        -n 10000 --profile /tmp/relay.prof
"""

from __future__ import annotations

import sys

if __name__ == "__main__" and "--green" in sys.argv:
    import eventlet

    eventlet.monkey_patch()

import argparse  # noqa: E402 - eventlet must patch before anything imports socket or threading
import contextlib  # noqa: E402
import json  # noqa: E402
import shutil  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402
from types import SimpleNamespace  # noqa: E402

import kombu  # noqa: E402

from .payload import PAYLOAD  # noqa: E402

EVENT_NAME = "BenchPayloadRecorded"
FILL_CHUNK = 1000


def event_type_for(service: str) -> str:
    from itpm_common.events import event_type

    return event_type(service, EVENT_NAME)


class Admin:
    """Queue checks on a connection of their own (py-amqp works patched or not)."""

    def __init__(self, uri: str, queue: str):
        self._conn = kombu.Connection(uri)
        self._conn.connect()
        self._ch = self._conn.connection.channel()
        self.queue = queue

    def declare(self, routing_key: str) -> None:
        from itpm_common.events import EXCHANGE

        self._ch.exchange_declare(EXCHANGE, "topic", durable=True, auto_delete=False)
        self._ch.queue_declare(self.queue, durable=True, auto_delete=False)
        self._ch.queue_bind(self.queue, EXCHANGE, routing_key)

    def delete(self) -> None:
        self._ch.queue_delete(self.queue)

    def depth(self) -> int:
        _, count, _ = self._ch.queue_declare(self.queue, passive=True)
        return count

    def purge(self) -> None:
        self._ch.queue_purge(self.queue)

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self._conn.release()


def build_messages(service: str, n: int) -> list[tuple[str, str, str]]:
    """(event_id, routing_key, body) exactly as Tx.emit would write them to the outbox."""
    from itpm_common.clock import SystemClock
    from itpm_common.events import CloudEvent
    from itpm_common.uow import SYSTEM_ACTOR

    clock, out = SystemClock(), []
    for i in range(n):
        ev = CloudEvent(type=event_type_for(service), source=f"/itpm/{service}", subject=f"P-{i:06d}",
                        data=PAYLOAD, time=clock.now().isoformat(), actorid=SYSTEM_ACTOR.user_id,
                        actorrole=SYSTEM_ACTOR.role, visibility="internal")
        out.append((ev.id, ev.type, ev.to_json()))
    return out


# --- the relay over a real outbox ------------------------------------------------------------

class OutboxFixture:
    """A fresh SQLite outbox (the services' engine settings) filled through Tx.emit."""

    def __init__(self, path: Path, service: str):
        from sqlalchemy import MetaData
        from sqlalchemy.orm import sessionmaker

        from itpm_common.clock import SystemClock
        from itpm_common.db import GreenLock, make_engine
        from itpm_common.tables import add_infrastructure_tables
        from itpm_common.uow import TransactionFactory

        self.engine = make_engine(f"sqlite:///{path}")
        metadata = MetaData()
        tables = add_infrastructure_tables(metadata)
        metadata.create_all(self.engine)
        # The attributes TransactionFactory reads from its Transactions provider.
        provider = SimpleNamespace(Session=sessionmaker(self.engine, expire_on_commit=False),
                                   lock=GreenLock(True), clock=SystemClock(), tables=tables,
                                   service_name=service)
        self.tx = TransactionFactory(provider)

    def fill(self, n: int) -> None:
        from itpm_common.uow import SYSTEM_ACTOR

        done = 0
        while done < n:
            with self.tx.command(SYSTEM_ACTOR, "bench_fill") as tx:
                for i in range(done, min(n, done + FILL_CHUNK)):
                    tx.emit(EVENT_NAME, f"P-{i:06d}", PAYLOAD)
            done = min(n, done + FILL_CHUNK)

    def close(self) -> None:
        self.engine.dispose()


class Timer:
    """Times (and optionally profiles) only the part of a run that is measured."""

    def __init__(self, profiler=None):
        self.profiler, self.seconds, self.cpu_seconds = profiler, 0.0, 0.0
        self._start = self._cpu = 0.0

    def start(self):
        if self.profiler:
            self.profiler.enable()
        self._start, self._cpu = time.perf_counter(), time.process_time()

    def stop(self):
        self.seconds = time.perf_counter() - self._start
        self.cpu_seconds = time.process_time() - self._cpu
        if self.profiler:
            self.profiler.disable()

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop()


def make_relay(uri: str, batch: int):
    from itpm_common.outbox import ConfirmingPublisher, OutboxRelay

    # The dependency provider without a container: what setup() would set.
    relay = OutboxRelay()
    relay.enabled, relay.batch_size = True, batch
    relay.publisher = ConfirmingPublisher(uri)
    return relay


def relay_runner(args):
    relay = make_relay(args.uri, args.batch)
    workdir = Path(tempfile.mkdtemp(prefix="itpm-bench-outbox-", dir=args.workdir))
    counter = iter(range(1_000_000))

    def run(n: int, timer: Timer) -> None:
        fixture = OutboxFixture(workdir / f"outbox-{next(counter)}.sqlite3", args.service)
        try:
            fixture.fill(n)
            with timer:
                published = relay.flush(fixture.tx)
            left = relay.pending(fixture.tx)
            if published != n or left != 0:
                raise AssertionError(f"relay published {published} of {n}, {left} still pending")
        finally:
            fixture.close()
            for f in workdir.iterdir():
                f.unlink()

    def close():
        relay.publisher.close()
        shutil.rmtree(workdir, ignore_errors=True)

    return run, close


def publisher_runner(args):
    from itpm_common.outbox import ConfirmingPublisher

    publisher = ConfirmingPublisher(args.uri)

    def run(n: int, timer: Timer) -> None:
        messages = build_messages(args.service, n)
        with timer:
            for i in range(0, n, args.batch):
                publisher.publish_batch(messages[i:i + args.batch])

    return run, publisher.close


# --- raw pika baselines ----------------------------------------------------------------------

def _pika_properties(pika, event_id: str):
    from itpm_common.events import CONTENT_TYPE

    return pika.BasicProperties(content_type=CONTENT_TYPE, content_encoding="utf-8",
                                delivery_mode=pika.DeliveryMode.Persistent, message_id=event_id)


class SelectBatchPublisher:
    """Batched confirms with pika's asynchronous adapter.

    BlockingConnection waits for each confirm inside basic_publish, so it
    cannot batch; SelectConnection is pika's documented way to publish in
    confirm mode and receive the acks as callbacks. The clock starts when
    the channel is in confirm mode (connection set-up is not timed).
    """

    def __init__(self, uri: str, batch: int):
        import pika

        self.pika, self.params, self.batch = pika, pika.URLParameters(uri), batch

    def run(self, messages: list[tuple[str, str, str]], timer: Timer) -> None:
        pika = self.pika
        from itpm_common.events import EXCHANGE

        state = SimpleNamespace(i=0, outstanding=set(), next_tag=1, done=False, error=None, ch=None)
        props = [(rk, body.encode(), _pika_properties(pika, eid)) for eid, rk, body in messages]

        def publish_next():
            chunk = props[state.i:state.i + self.batch]
            state.i += len(chunk)
            for rk, body, p in chunk:
                state.ch.basic_publish(EXCHANGE, rk, body, p)
                state.outstanding.add(state.next_tag)
                state.next_tag += 1

        def on_confirm(frame):
            method = frame.method
            if isinstance(method, pika.spec.Basic.Nack):
                state.error = "broker nacked a message"
                conn.close()
                return
            if method.multiple:
                state.outstanding = {t for t in state.outstanding if t > method.delivery_tag}
            else:
                state.outstanding.discard(method.delivery_tag)
            if state.outstanding:
                return
            if state.i < len(props):
                publish_next()
            else:
                timer.stop()
                state.done = True
                conn.close()

        def on_confirm_mode(_frame):
            timer.start()
            publish_next()

        def on_channel(ch):
            state.ch = ch
            ch.confirm_delivery(ack_nack_callback=on_confirm, callback=on_confirm_mode)

        def on_open_error(_conn, exc):
            state.error = f"connection failed: {exc}"
            conn.ioloop.stop()

        def on_closed(_conn, _reason):
            conn.ioloop.stop()

        conn = pika.SelectConnection(self.params, on_open_callback=lambda c: c.channel(on_open_callback=on_channel),
                                     on_open_error_callback=on_open_error, on_close_callback=on_closed)
        conn.ioloop.start()
        if state.error or not state.done:
            raise RuntimeError(state.error or "pika publishing stopped early")


def pika_batch_runner(args):
    publisher = SelectBatchPublisher(args.uri, args.batch)

    def run(n: int, timer: Timer) -> None:
        publisher.run(build_messages(args.service, n), timer)

    return run, lambda: None


def pika_each_runner(args):
    import pika

    from itpm_common.events import EXCHANGE

    conn = pika.BlockingConnection(pika.URLParameters(args.uri))
    ch = conn.channel()
    ch.confirm_delivery()

    def run(n: int, timer: Timer) -> None:
        messages = [(rk, body.encode(), _pika_properties(pika, eid))
                    for eid, rk, body in build_messages(args.service, n)]
        with timer:
            for rk, body, props in messages:
                ch.basic_publish(EXCHANGE, rk, body, props)  # returns after this message's confirm

    def close():
        with contextlib.suppress(Exception):
            conn.close()

    return run, close


RUNNERS = {
    "relay": relay_runner,
    "publisher": publisher_runner,
    "pika-batch": pika_batch_runner,
    "pika-each": pika_each_runner,
}


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(prog="python -m bench.publish")
    ap.add_argument("case", choices=sorted(RUNNERS))
    ap.add_argument("--uri", required=True)
    ap.add_argument("--queue", required=True)
    ap.add_argument("--service", required=True, help="lowercase letters; names the event type")
    ap.add_argument("-n", type=int, required=True, help="events per timed run")
    ap.add_argument("--warmup-n", type=int, default=1000)
    ap.add_argument("--batch", type=int, default=0, help="0: the relay's DEFAULT_BATCH")
    ap.add_argument("--workdir", type=Path, help="where the relay's SQLite files go (default: a temp dir)")
    ap.add_argument("--green", action="store_true")
    ap.add_argument("--declare", action="store_true", help="declare, bind and finally delete the queue")
    ap.add_argument("--profile", metavar="FILE", help="write cProfile stats of the timed runs")
    args = ap.parse_args(argv)
    if args.batch <= 0:
        from itpm_common.outbox import DEFAULT_BATCH

        args.batch = DEFAULT_BATCH

    profiler = None
    if args.profile:
        import cProfile

        profiler = cProfile.Profile()
    admin = Admin(args.uri, args.queue)
    if args.declare:
        admin.declare(event_type_for(args.service))
    run, close = RUNNERS[args.case](args)
    try:
        body_bytes = len(build_messages(args.service, 1)[0][2].encode())
        print("READY " + json.dumps({"body_bytes": body_bytes, "batch": args.batch}), flush=True)
        for line in sys.stdin:
            command = line.strip()
            if command not in ("warmup", "run"):
                continue
            n = args.warmup_n if command == "warmup" else args.n
            timer = Timer(profiler if command == "run" else None)
            admin.purge()
            run(n, timer)
            depth = admin.depth()
            if depth != n:
                raise AssertionError(f"queue holds {depth} messages after publishing {n}")
            admin.purge()
            print("RESULT " + json.dumps({"n": n, "seconds": timer.seconds, "cpu_seconds": timer.cpu_seconds}),
                  flush=True)
    finally:
        close()
        if args.declare:
            admin.delete()
        admin.close()
        if profiler:
            profiler.dump_stats(args.profile)


if __name__ == "__main__":
    main()
