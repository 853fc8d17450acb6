"""``python -m bench``: transports and outbox publishing, measured side by side in one run.

See docs/benchmarks.md for the method. Every case runs against the local
RabbitMQ on loopback; every server is a subprocess started and stopped
here; every broker object this run creates carries the run id and is
deleted at the end, also after a failure or Ctrl-C.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import platform
import secrets
import shutil
import signal
import statistics
import string
import sys
import tempfile
import time
import warnings
from importlib import metadata
from pathlib import Path

import pika

from itpm_common.vhosts import create_vhost, delete_vhost

from . import callers, procs
from .payload import PAYLOAD_BYTES
from .stats import summarise_runs, summarise_windows

DEFAULT_URI = "amqp://guest:guest@localhost:5672/"
RESULTS_DIR = Path(__file__).resolve().parent / "results"
RELAY_TARGET = 0.5

PROFILES = {
    # ~2.5 minutes on 2 cores. Publishing gets more, shorter rounds: a batched run takes
    # about a second, and single runs swing widely on a shared broker.
    "full": dict(warmup=1.0, repeats=3, duration=5.0, publish_repeats=5, events=6000, events_each=1000),
    # ~45 s: for checking that everything works, not for quoting.
    "quick": dict(warmup=0.3, repeats=3, duration=1.0, publish_repeats=3, events=2000, events_each=300),
}


def parse_args(argv):
    ap = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="short windows and counts (~45 s)")
    ap.add_argument("--warmup", type=float, help="seconds of warm-up before each request/reply case")
    ap.add_argument("--repeats", type=int, help="rounds of request/reply windows (medians are reported)")
    ap.add_argument("--duration", type=float, help="seconds per timed request/reply window")
    ap.add_argument("--publish-repeats", type=int, help="rounds of publishing runs")
    ap.add_argument("--events", type=int, help="events per timed publishing run (batched cases)")
    ap.add_argument("--events-each", type=int, help="events per timed run with a confirm per message")
    ap.add_argument("--callers", default="1,8", help="caller counts for request/reply (default 1,8)")
    ap.add_argument("--relay-batch", type=int, default=0,
                    help="OutboxRelay batch size (default 0: itpm_common.outbox.DEFAULT_BATCH)")
    ap.add_argument("--pika-batch", type=int, default=100, help="messages per confirm batch for raw pika")
    ap.add_argument("--only", default="nameko,pika,grpc,outbox",
                    help="comma-separated subset of: nameko, pika, grpc, outbox")
    ap.add_argument("--uri", default=os.environ.get("BENCH_AMQP_URI", DEFAULT_URI))
    ap.add_argument("--rabbit-api", default=os.environ.get("ITPM_RABBIT_API", "http://guest:guest@localhost:15672/api"),
                    help="management API used to make the run's own vhost")
    ap.add_argument("--shared-vhost", action="store_true",
                    help="run in --uri's vhost instead of a throw-away one (events would reach a running suite)")
    ap.add_argument("--out", type=Path, help="result file (default bench/results/<utc time>.json)")
    args = ap.parse_args(argv)
    for key, value in PROFILES["quick" if args.quick else "full"].items():
        if getattr(args, key) is None:
            setattr(args, key, value)
    args.callers = [int(c) for c in args.callers.split(",") if c]
    args.only = {c.strip() for c in args.only.split(",") if c.strip()}
    unknown = args.only - {"nameko", "pika", "grpc", "outbox"}
    if unknown:
        ap.error(f"unknown --only cases: {', '.join(sorted(unknown))}")
    return args


def log(msg: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


@contextlib.contextmanager
def broker_channel(uri: str):
    """A short-lived pika channel for set-up and clean-up (never held across a fork)."""
    conn = pika.BlockingConnection(pika.URLParameters(uri))
    try:
        yield conn.channel()
    finally:
        with contextlib.suppress(Exception):
            conn.close()


def consumers_on(uri: str, queue: str) -> int:
    try:
        with broker_channel(uri) as ch:
            return ch.queue_declare(queue, passive=True).method.consumer_count
    except pika.exceptions.ChannelClosedByBroker:  # not declared yet
        return 0


class Run:
    def __init__(self, args):
        self.args = args
        self.run_id = secrets.token_hex(4)
        # Lowercase letters only: the service name becomes part of an event type.
        self.letters = "".join(secrets.choice(string.ascii_lowercase) for _ in range(6))
        self.tmp = Path(tempfile.mkdtemp(prefix=f"itpm-bench-{self.run_id}-"))
        self.cleanup_queues: list[str] = []
        self.cases: dict[str, dict] = {}
        self.event_body_bytes = None

    # --- request/reply ---------------------------------------------------------------------------

    def _nameko_server(self, stack) -> tuple[procs.ServerProcess, dict]:
        service = f"bench_echo_{self.run_id}"
        config = self.tmp / "nameko-echo.yaml"
        config.write_text(
            f"AMQP_URI: '{self.args.uri}'\nmax_workers: 10\nserializer: json\n"
            "LOGGING:\n  version: 1\n  root: {level: WARNING}\n")
        rpc_queue = f"rpc-{service}"
        self.cleanup_queues.append(rpc_queue)
        server = stack.enter_context(procs.ServerProcess(
            "nameko echo", [sys.executable, "-m", "nameko", "run", "--config", str(config),
                            "bench.nameko_echo:EchoService"],
            env=procs.bench_env({"BENCH_ECHO_SERVICE": service})))
        server.start(ready_check=lambda: consumers_on(self.args.uri, rpc_queue) > 0)
        return server, {"uri": self.args.uri, "service": service}

    def _pika_server(self, stack) -> tuple[procs.ServerProcess, dict]:
        queue = f"bench.echo.{self.run_id}"
        self.cleanup_queues.append(queue)
        server = stack.enter_context(procs.ServerProcess(
            "pika echo", [sys.executable, "-m", "bench.pika_echo", self.args.uri, queue]))
        server.start()
        return server, {"uri": self.args.uri, "queue": queue}

    def _grpc_server(self, stack) -> tuple[procs.ServerProcess, dict]:
        from .grpc_echo import compile_proto

        build_dir = self.tmp / "grpc-build"
        compile_proto(build_dir)
        server = stack.enter_context(procs.ServerProcess(
            "grpc echo", [sys.executable, "-m", "bench.grpc_echo", str(build_dir)]))
        port = int(server.start())
        return server, {"target": f"127.0.0.1:{port}", "build_dir": str(build_dir)}

    def request_reply(self) -> None:
        a = self.args
        kinds = [k for k in ("nameko", "pika", "grpc") if k in a.only]
        if not kinds:
            return
        with contextlib.ExitStack() as stack:
            servers, specs = {}, {}
            for kind in kinds:
                log(f"starting the {kind} echo server")
                servers[kind], specs[kind] = getattr(self, f"_{kind}_server")(stack)
            pools = {}
            for kind in kinds:
                for n in a.callers:
                    pool = callers.CallerPool(kind, specs[kind], n)
                    stack.callback(pool.close)
                    pools[(kind, n)] = pool
            for pool in pools.values():
                pool.wait_ready()
                self.cleanup_queues.extend(pool.cleanup_queues)
            log(f"request/reply: {len(pools)} cases x {a.repeats} rounds, "
                f"each {a.warmup:g} s warm-up + {a.duration:g} s timed")
            windows = {key: [] for key in pools}
            order = list(pools)
            for r in range(a.repeats):
                for key in _rotated(order, r):
                    server_cpu = servers[key[0]].cpu_seconds()
                    w = pools[key].window(a.warmup, a.duration)
                    w["server_cpu"] = servers[key[0]].cpu_seconds() - server_cpu
                    windows[key].append(w)
                    log(f"  round {r + 1} {key[0]} x{key[1]}: {len(w['latencies']) / a.duration:,.0f}/s")
            for (kind, n), ws in windows.items():
                result = summarise_windows(ws, a.duration)
                result.update(kind=kind, callers=n, unit="calls/s")
                self.cases[f"{kind}_rpc_{n}"] = result

    # --- publishing ------------------------------------------------------------------------------

    def outbox(self) -> None:
        from itpm_common.events import EXCHANGE

        from .publish import event_type_for

        a = self.args
        if "outbox" not in a.only:
            return
        service = f"bench{self.letters}"
        queue = f"bench.outbox.{self.run_id}"
        self.cleanup_queues.append(queue)
        with broker_channel(a.uri) as ch:
            ch.exchange_declare(EXCHANGE, "topic", durable=True)
            ch.queue_declare(queue, durable=True)
            ch.queue_bind(queue, EXCHANGE, routing_key=event_type_for(service))
        plan = [
            # (result key, publish case, events per run, batch (0: relay default), eventlet-patched)
            ("pika_batch_confirms", "pika-batch", a.events, a.pika_batch, False),
            ("outbox_relay", "relay", a.events, a.relay_batch, True),
            ("confirming_publisher_alone", "publisher", a.events, a.relay_batch, True),
            ("pika_confirm_each", "pika-each", a.events_each, 1, False),
        ]
        with contextlib.ExitStack() as stack:
            workers = {}
            for key, case, n, batch, green in plan:
                argv = [sys.executable, "-m", "bench.publish", case, "--uri", a.uri, "--queue", queue,
                        "--service", service, "-n", str(n), "--warmup-n", str(min(n, 1000)),
                        "--batch", str(batch), "--workdir", str(self.tmp)]
                if green:
                    argv.append("--green")
                workers[key] = stack.enter_context(procs.ServerProcess(f"publish {case}", argv, interactive=True))
                workers[key].launch()
            meta = {}
            for key, worker in workers.items():
                meta[key] = json.loads(worker.start(ready_timeout=120))
                self.event_body_bytes = meta[key]["body_bytes"]
            # Warm-ups one after another: the workers share the queue whose depth each run checks.
            for worker in workers.values():
                worker.request("warmup", timeout=300)
            log(f"publishing: {len(workers)} cases x {a.publish_repeats} rounds "
                f"({a.events} events a run, {a.events_each} with a confirm per message)")
            runs = {key: [] for key in workers}
            order = list(workers)
            for r in range(a.publish_repeats):
                for key in _rotated(order, r):
                    run = json.loads(workers[key].request("run", timeout=600))
                    runs[key].append(run)
                    log(f"  round {r + 1} {key}: {run['n'] / run['seconds']:,.0f} msgs/s")
        for key, case, _, _, green in plan:
            result = summarise_runs(runs[key])
            result.update(case=case, batch=meta[key]["batch"], eventlet=green, unit="msgs/s",
                          verified="queue depth == n after every run")
            self.cases[key] = result

    # --- clean-up --------------------------------------------------------------------------------

    def cleanup(self) -> None:
        left = list(dict.fromkeys(self.cleanup_queues))
        # A broker that has just dropped every connection (an app restart on the shared
        # machine) is usually back within seconds.
        for attempt in range(5):
            try:
                with broker_channel(self.args.uri) as ch:
                    while left:
                        ch.queue_delete(left[0])
                        left.pop(0)
                break
            except Exception as exc:
                log(f"clean-up of queues: {exc!r}")
                if attempt < 4:
                    time.sleep(2)
        if left:
            log(f"queues left on the broker: {', '.join(left)}")
        shutil.rmtree(self.tmp, ignore_errors=True)


def ratios(cases: dict, caller_counts: list[int]) -> dict:
    out = {}

    def put(name, num, den, target=None):
        if num in cases and den in cases:
            # Paired by round: both rates were measured seconds apart, under the same load.
            per_round = [x / y for x, y in zip(cases[num]["rates"], cases[den]["rates"], strict=True)]
            value = statistics.median(per_round)
            out[name] = {"value": round(value, 3), "per_round": [round(v, 3) for v in per_round],
                         "ratio_of_medians": round(cases[num]["rate"] / cases[den]["rate"], 3),
                         "numerator": num, "denominator": den}
            if target is not None:
                out[name].update(target=target, met=value >= target)

    for n in caller_counts:
        put(f"nameko/pika rpc, {n} caller(s)", f"nameko_rpc_{n}", f"pika_rpc_{n}")
        put(f"nameko/grpc rpc, {n} caller(s)", f"nameko_rpc_{n}", f"grpc_rpc_{n}")
    put("outbox relay / pika batched confirms", "outbox_relay", "pika_batch_confirms", RELAY_TARGET)
    put("ConfirmingPublisher alone / pika batched confirms", "confirming_publisher_alone", "pika_batch_confirms")
    put("pika confirm per message / pika batched confirms", "pika_confirm_each", "pika_batch_confirms")
    return out


LABELS = {
    "nameko": "nameko RPC (ClusterRpcProxy)",
    "pika": "pika request/reply (direct reply-to)",
    "grpc": "grpcio unary",
    "pika_batch_confirms": "pika persistent, a confirm wait per {batch} (SelectConnection)",
    "outbox_relay": "OutboxRelay.flush, SQLite outbox, batch {batch}, eventlet",
    "confirming_publisher_alone": "ConfirmingPublisher alone, no DB, batch {batch}, eventlet",
    "pika_confirm_each": "pika persistent, a confirm wait per message (Blocking)",
}


def render(result: dict) -> str:
    rows = [("case", "callers", "rate (median)", "p50 ms", "p99 ms", "client CPU/op", "server CPU/op",
             "per round")]
    for key, c in result["cases"].items():
        if "callers" in c:
            label, callers_, p50, p99 = LABELS[c["kind"]], str(c["callers"]), f"{c['p50_ms']:.2f}", f"{c['p99_ms']:.2f}"
            server = f"{c['server_cpu_us']:,.0f} us"
        else:
            label, callers_, p50, p99, server = LABELS[key].format(batch=c["batch"]), "1", "", "", ""
        rows.append((label, callers_, f"{c['rate']:,.0f} {c['unit']}", p50, p99, f"{c['client_cpu_us']:,.0f} us",
                     server, ", ".join(f"{r:,.0f}" for r in c["rates"])))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip() for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    lines.append("")
    for name, r in result["ratios"].items():
        mark = ""
        if "target" in r:
            mark = f"   (target >= {r['target']}: {'met' if r['met'] else 'NOT met'})"
        lines.append(f"{name:<52} {r['value']:.2f}{mark}")
    return "\n".join(lines)


def machine_info(uri: str) -> dict:
    versions = {}
    for dist in ("nameko", "eventlet", "kombu", "amqp", "pika", "grpcio", "grpcio-tools", "protobuf", "SQLAlchemy"):
        with contextlib.suppress(metadata.PackageNotFoundError):
            versions[dist] = metadata.version(dist)
    rabbit = None
    with contextlib.suppress(Exception):
        conn = pika.BlockingConnection(pika.URLParameters(uri))
        props = conn._impl.server_properties
        rabbit = props.get("version", b"")
        rabbit = rabbit.decode() if isinstance(rabbit, bytes) else rabbit
        conn.close()
    return {"cpus": os.cpu_count(), "platform": platform.platform(), "python": platform.python_version(),
            "rabbitmq": rabbit, "load_average_at_start": os.getloadavg(), "versions": versions}


def _terminate(signum, _frame):
    # SIGTERM (or a closed terminal) takes the same clean-up path as Ctrl-C.
    raise KeyboardInterrupt(f"signal {signum}")


def _rotated(order: list, r: int) -> list:
    """Round r starts at a different case, so a load spike hits every case alike."""
    k = r % len(order)
    return order[k:] + order[:k]


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, _terminate)
    signal.signal(signal.SIGHUP, _terminate)
    # eventlet's deprecation notice, printed by every process that imports nameko
    # (the environment reaches exec'd children, the filter forked callers).
    os.environ.setdefault("PYTHONWARNINGS", "ignore::DeprecationWarning")
    warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")
    started = dt.datetime.now(dt.UTC)
    try:
        with broker_channel(args.uri):
            pass
    except pika.exceptions.AMQPError as exc:
        print(f"RabbitMQ is not reachable at {args.uri}: {exc!r}", file=sys.stderr)
        return 2
    vhost = None
    if not args.shared_vhost:
        # The relay publishes real itpm event types; in a shared vhost a running
        # suite's gateway would receive every one of them.
        vhost, args.uri = create_vhost("itpm_bench", args.uri, args.rabbit_api)
    try:
        return _measure(args, started)
    finally:
        if vhost:
            delete_vhost(vhost, args.rabbit_api)


def _measure(args, started) -> int:
    result = {"started_at": started.isoformat(timespec="seconds"), "machine": machine_info(args.uri),
              "settings": {k: (sorted(v) if isinstance(v, set) else str(v) if isinstance(v, Path) else v)
                           for k, v in vars(args).items()},
              "payload_bytes": PAYLOAD_BYTES}
    t0 = time.monotonic()
    run = Run(args)
    result["run_id"] = run.run_id
    try:
        run.request_reply()
        run.outbox()
    except KeyboardInterrupt:
        log("interrupted; cleaning up")
        return 130
    finally:
        run.cleanup()
    result["event_body_bytes"] = run.event_body_bytes
    result["wall_seconds"] = round(time.monotonic() - t0, 1)
    result["cases"] = run.cases
    result["ratios"] = ratios(run.cases, args.callers)
    out = args.out or RESULTS_DIR / f"{started.strftime('%Y%m%dT%H%M%SZ')}{'-quick' if args.quick else ''}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    print(render(result))
    print(f"\n{result['wall_seconds']:.0f} s; results in {out}")
    return 0
