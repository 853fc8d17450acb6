"""Closed-loop callers for the request/reply cases.

Each caller is its own process with its own connection: pika connections are
not thread-safe, nameko's standalone proxy is single-threaded, and one
process of eight threads would measure the GIL rather than the transport.
Callers are forked from a parent that has imported none of nameko, eventlet
or grpc, and each imports only its own client.

All callers share one schedule on the system-wide monotonic clock: warm-up
until ``t0 + warmup``, then ``repeats`` back-to-back windows of ``duration``
seconds. A call counts in the window in which it completes, so the callers
keep the server saturated across window boundaries.
"""

from __future__ import annotations

import contextlib
import json
import multiprocessing as mp
import time
import uuid
from array import array
from multiprocessing.connection import Connection, wait

from . import procs
from .payload import PAYLOAD, PAYLOAD_JSON
from .stats import summarise_windows

CALL_TIMEOUT_S = 10.0


class NamekoClient:
    def __init__(self, spec):
        from nameko.standalone.rpc import ClusterRpcProxy

        self._cm = ClusterRpcProxy({"AMQP_URI": spec["uri"], "serializer": "json"}, timeout=CALL_TIMEOUT_S)
        self._service = self._cm.start()[spec["service"]]
        self.cleanup_queues = [self._cm._reply_listener.queue.name]

    def call(self):
        return self._service.echo(PAYLOAD)

    def close(self):
        self._cm.stop()


class PikaClient:
    """Request/reply over direct reply-to: no reply queue, replies arrive on the channel."""

    def __init__(self, spec):
        import pika

        self._pika = pika
        self._conn = pika.BlockingConnection(pika.URLParameters(spec["uri"]))
        self._ch = self._conn.channel()
        self._queue = spec["queue"]
        self._reply: bytes | None = None
        self._corr = ""
        self._ch.basic_consume("amq.rabbitmq.reply-to", self._on_reply, auto_ack=True)
        self.cleanup_queues: list[str] = []

    def _on_reply(self, _ch, _method, props, body):
        if props.correlation_id == self._corr:
            self._reply = body

    def call(self):
        self._corr = uuid.uuid4().hex
        self._reply = None
        self._ch.basic_publish(
            "", self._queue, PAYLOAD_JSON.encode(),
            self._pika.BasicProperties(reply_to="amq.rabbitmq.reply-to", correlation_id=self._corr,
                                       content_type="application/json"))
        deadline = time.monotonic() + CALL_TIMEOUT_S
        while self._reply is None:
            if time.monotonic() > deadline:
                raise TimeoutError("pika echo reply timed out")
            self._conn.process_data_events(time_limit=1)
        return json.loads(self._reply)

    def close(self):
        with contextlib.suppress(Exception):
            self._conn.close()


class GrpcClient:
    def __init__(self, spec):
        import grpc

        from .grpc_echo import load_stubs

        pb2, pb2_grpc = load_stubs(spec["build_dir"])
        self._request_cls = pb2.EchoRequest
        self._channel = grpc.insecure_channel(spec["target"])
        grpc.channel_ready_future(self._channel).result(timeout=CALL_TIMEOUT_S)
        self._stub = pb2_grpc.EchoStub(self._channel)
        self.cleanup_queues: list[str] = []

    def call(self):
        reply = self._stub.Echo(self._request_cls(json=PAYLOAD_JSON), timeout=CALL_TIMEOUT_S)
        return json.loads(reply.json)

    def close(self):
        self._channel.close()


CLIENTS = {"nameko": NamekoClient, "pika": PikaClient, "grpc": GrpcClient}


def _caller_main(kind: str, spec: dict, conn: Connection) -> None:
    procs._die_with_parent()
    client = None
    try:
        client = CLIENTS[kind](spec)
        if client.call() != PAYLOAD:
            raise AssertionError(f"{kind} echo returned a different document")
        conn.send(("ready", client.cleanup_queues))
        t0, warmup, repeats, duration = conn.recv()
        while time.monotonic() < t0:
            time.sleep(0.001)
        start = t0 + warmup
        end = start + repeats * duration
        lat = [array("d") for _ in range(repeats)]
        call, now = client.call, time.monotonic
        while True:
            s = now()
            call()
            e = now()
            if e < start:
                continue
            if e >= end:
                break
            lat[int((e - start) // duration)].append(e - s)
        conn.send(("done", [a.tobytes() for a in lat]))
    except BaseException as exc:  # the parent reports it; a bare traceback here would be lost
        with contextlib.suppress(Exception):
            conn.send(("error", f"{type(exc).__name__}: {exc}"))
        raise SystemExit(1) from None
    finally:
        if client is not None:
            with contextlib.suppress(Exception):
                client.close()
        conn.close()


def _recv_all(conns: list[Connection], expect: str, timeout: float) -> list:
    out: dict[int, object] = {}
    deadline = time.monotonic() + timeout
    pending = list(conns)
    while pending:
        left = deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError(f"callers did not report {expect!r} within {timeout:.0f}s")
        for c in wait(pending, timeout=left):
            try:
                tag, value = c.recv()
            except EOFError:
                raise RuntimeError("a caller process died without reporting") from None
            if tag == "error":
                raise RuntimeError(f"caller failed: {value}")
            out[conns.index(c)] = value
            pending.remove(c)
    return [out[i] for i in range(len(conns))]


def run_callers(kind: str, spec: dict, callers: int, warmup: float, repeats: int, duration: float,
                cleanup_queues: list[str]) -> dict:
    """Run ``callers`` closed-loop callers; returns per-window rates and latency percentiles."""
    ctx = mp.get_context("fork")
    workers, conns = [], []
    try:
        for _ in range(callers):
            parent_end, child_end = ctx.Pipe()
            p = ctx.Process(target=_caller_main, args=(kind, spec, child_end), daemon=True)
            p.start()
            child_end.close()
            workers.append(p)
            conns.append(parent_end)
        for names in _recv_all(conns, "ready", timeout=60):
            cleanup_queues.extend(names)
        t0 = time.monotonic() + 0.2
        for c in conns:
            c.send((t0, warmup, repeats, duration))
        reports = _recv_all(conns, "done", timeout=warmup + repeats * duration + 60)
    finally:
        for p in workers:
            p.join(timeout=5)
            if p.is_alive():
                p.kill()
                p.join()
        for c in conns:
            c.close()
    windows: list[array] = [array("d") for _ in range(repeats)]
    for report in reports:
        for i, raw in enumerate(report):
            a = array("d")
            a.frombytes(raw)
            windows[i].extend(a)
    return summarise_windows(windows, duration)
