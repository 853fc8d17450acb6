"""Closed-loop callers for the request/reply cases.

Each caller is its own process with its own connection: pika connections are
not thread-safe, nameko's standalone proxy is single-threaded, and one
process of eight threads would measure the GIL rather than the transport.
Callers are forked from a parent that has imported none of nameko, eventlet
or grpc, and each imports only its own client.

A pool of callers lives for the whole run and idles between windows, so the
benchmark can interleave cases (round 1 of every case, then round 2, ...):
on a shared machine a load spike then hits all cases of a round alike
instead of one case. For each window the callers share a schedule on the
system-wide monotonic clock: warm-up until ``t0 + warmup``, then one timed
window of ``duration`` seconds. A call counts if it completes inside the
window, so the callers keep the server saturated across its edges.
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
from .payload import PAYLOAD

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
            "", self._queue, json.dumps(PAYLOAD).encode(),
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
        reply = self._stub.Echo(self._request_cls(json=json.dumps(PAYLOAD)), timeout=CALL_TIMEOUT_S)
        return json.loads(reply.json)

    def close(self):
        self._channel.close()


# Every client encodes the document on each call and decodes the reply, as nameko's proxy does.
CLIENTS = {"nameko": NamekoClient, "pika": PikaClient, "grpc": GrpcClient}


def _window(call, t0: float, warmup: float, duration: float) -> tuple[array, int, float]:
    """Latencies of the calls completed in the window, the number of calls in the
    whole schedule (warm-up included) and this process's CPU seconds in the window."""
    now, cpu = time.monotonic, time.process_time
    while now() < t0:
        time.sleep(0.001)
    start = t0 + warmup
    end = start + duration
    lat = array("d")
    calls, cpu_start = 0, None
    while True:
        s = now()
        call()
        e = now()
        calls += 1
        if e >= end:
            return lat, calls, cpu() - (cpu_start if cpu_start is not None else cpu())
        if e >= start:
            if cpu_start is None:
                cpu_start = cpu()
            lat.append(e - s)


def _caller_main(kind: str, spec: dict, conn: Connection) -> None:
    procs._die_with_parent()
    client = None
    try:
        client = CLIENTS[kind](spec)
        if client.call() != PAYLOAD:
            raise AssertionError(f"{kind} echo returned a different document")
        conn.send(("ready", client.cleanup_queues))
        while True:
            command = conn.recv()
            if command[0] == "stop":
                break
            _, t0, warmup, duration = command
            lat, calls, cpu = _window(client.call, t0, warmup, duration)
            conn.send(("done", (lat.tobytes(), calls, cpu)))
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


class CallerPool:
    """``size`` caller processes of one kind, connected and idle until asked for a window."""

    def __init__(self, kind: str, spec: dict, size: int):
        self.kind, self.size = kind, size
        self.workers: list[mp.Process] = []
        self.conns: list[Connection] = []
        self.cleanup_queues: list[str] = []
        ctx = mp.get_context("fork")
        for _ in range(size):
            parent_end, child_end = ctx.Pipe()
            p = ctx.Process(target=_caller_main, args=(kind, spec, child_end), daemon=True)
            p.start()
            child_end.close()
            self.workers.append(p)
            self.conns.append(parent_end)

    def wait_ready(self, timeout: float = 120) -> None:
        for names in _recv_all(self.conns, "ready", timeout):
            self.cleanup_queues.extend(names)

    def window(self, warmup: float, duration: float) -> dict:
        """All callers warm up, then time one window. Returns every latency (s) in the
        window, all calls made (warm-up included) and the callers' CPU seconds in the window."""
        t0 = time.monotonic() + 0.1
        for c in self.conns:
            c.send(("window", t0, warmup, duration))
        out = {"latencies": array("d"), "calls": 0, "client_cpu": 0.0}
        for raw, calls, cpu in _recv_all(self.conns, "done", timeout=warmup + duration + 60):
            out["latencies"].frombytes(raw)
            out["calls"] += calls
            out["client_cpu"] += cpu
        return out

    def close(self) -> None:
        for c in self.conns:
            with contextlib.suppress(OSError):
                c.send(("stop",))
        for p in self.workers:
            p.join(timeout=5)
            if p.is_alive():
                p.kill()
                p.join()
        for c in self.conns:
            c.close()
