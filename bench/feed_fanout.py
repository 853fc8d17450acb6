"""``python -m bench.feed_fanout``: the external feed's fan-out to webhook subscribers and gRPC streams.

N events (default 100,000) enter a throw-away gateway database through the real ``gateway.feed.log.record``
while W webhook subscribers (default 20, registered through ``webhooks.register``, each with its own receiver)
and S gRPC streams (default 20, each a process subscribing from position 0 to the real TLS server) take them.
Reported per channel: events/s and end-to-end lag (receive time − the time the event was logged) p50/p99,
against raw pika publishing of N messages of a feed body's size with batched confirms, measured in the same run
(before and after). ``--max-seconds`` bounds the fan-out; what was reached by then is what is reported.
See docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import secrets
import shutil
import statistics
import sys
import tempfile
import time
from array import array
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

from itpm_common.vhosts import create_vhost, delete_vhost

from . import procs
from .stats import percentile

RESULTS_DIR = Path(__file__).resolve().parent / "results"
MIGRATIONS = procs.REPO_ROOT / "gateway" / "gateway" / "migrations"


def log(msg: str) -> None:
    print(f"[feed-fanout {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def worker(name: str, *argv: str, env: dict | None = None) -> procs.ServerProcess:
    return procs.ServerProcess(name, [sys.executable, "-m", "bench.feed_workers", *argv],
                               env=procs.bench_env(env), interactive=True)


def send(proc: procs.ServerProcess, line: str) -> None:
    with contextlib.suppress(OSError):  # a stream that has finished has closed its end
        proc.proc.stdin.write(line + "\n")
        proc.proc.stdin.flush()


def result(proc: procs.ServerProcess, timeout: float) -> dict:
    return json.loads(proc.expect("RESULT", timeout))


def poll_result(proc: procs.ServerProcess, timeout: float) -> dict | None:
    """The process's RESULT if it comes within ``timeout``; None if not yet; a process that died raises."""
    try:
        return result(proc, timeout)
    except RuntimeError:
        if proc.proc.poll() is not None:
            raise
        return None


def lag_summary(lags: array) -> dict:
    ordered = sorted(lags)
    return {"p50_ms": round(percentile(ordered, 50) * 1000, 1), "p99_ms": round(percentile(ordered, 99) * 1000, 1),
            "max_ms": round(ordered[-1] * 1000, 1) if ordered else None}


def read_lags(path: Path) -> array:
    lags = array("d")
    with open(path, "rb") as f:
        lags.frombytes(f.read())
    return lags


def migrate(url: str) -> None:
    from itpm_common.migrations import upgrade

    upgrade(MIGRATIONS, url)


@contextlib.contextmanager
def postgres_database(admin_url: str, run_id: str):
    """A throw-away PostgreSQL database, dropped afterwards."""
    from sqlalchemy import create_engine, text

    name = f"itpm_bench_feed_{run_id}"
    admin_url = admin_url.replace("postgresql://", "postgresql+psycopg2://", 1)
    engine = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield admin_url.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        engine.dispose()


def pika_runs(baseline: procs.ServerProcess, n: int, label: str) -> dict:
    run = result_of(baseline, f"run {n}", timeout=900)
    log(f"pika baseline ({label}): {n / run['seconds']:,.0f} msgs/s")
    return run


def result_of(proc: procs.ServerProcess, command: str, timeout: float) -> dict:
    return json.loads(proc.request(command, timeout))


def fan_out(args, tmp: Path, database_url: str, baseline: procs.ServerProcess, stack) -> dict:
    from gateway.feed.grpc_tls import add_token, self_signed

    n, w, s = args.events, args.webhooks, args.streams
    migrate(database_url)
    cert, key = self_signed(tmp / "tls", ["127.0.0.1", "localhost"])
    tokens_file = tmp / "tokens.json"
    tokens = [add_token(tokens_file, f"bench-stream-{k:02d}") for k in range(s)]

    log("starting the gRPC server (TLS), the receivers and the webhook driver")
    server = stack.enter_context(procs.ServerProcess(
        "feed grpc server", [sys.executable, "-m", "gateway.feed.grpc_server"], env=procs.bench_env({
            "DATABASE_URL": database_url, "FEED_GRPC_ADDRESS": "127.0.0.1:0", "FEED_GRPC_TLS_CERT_FILE": str(cert),
            "FEED_GRPC_TLS_KEY_FILE": str(key), "FEED_GRPC_TOKENS_FILE": str(tokens_file),
            "FEED_GRPC_WORKERS": str(max(32, s + 4))})))
    server.launch()
    receivers = stack.enter_context(worker("receivers", "receivers", "--count", str(w)))
    receivers.launch()
    driver = stack.enter_context(worker("webhook driver", "webhooks", "--database-url", database_url))
    driver.launch()
    producer = stack.enter_context(worker("producer", "producer", "--database-url", database_url, "-n", str(n),
                                          "--record-batch", str(args.record_batch), "--rate", str(args.rate)))
    producer.launch()
    port = int(server.start(ready_timeout=120))
    ports = json.loads(receivers.start(ready_timeout=120))["ports"]
    driver_meta = json.loads(driver.start(ready_timeout=120))
    producer_meta = json.loads(producer.start(ready_timeout=120))
    if w:
        urls = [f"http://127.0.0.1:{p}/events" for p in ports]
        subscriber_secrets = result_of(driver, "register " + json.dumps(urls), timeout=120)["secrets"]
        result_of(receivers, "secrets " + json.dumps(subscriber_secrets), timeout=30)

    log(f"starting {s} gRPC subscriber processes")
    streams = []
    for k in range(s):
        streams.append(stack.enter_context(worker(
            f"stream {k}", "stream", "--target", f"127.0.0.1:{port}", "--ca", str(cert), "--token", tokens[k],
            "-n", str(n), "--lags", str(tmp / f"stream-{k}.lags"))))
        streams[-1].launch()
    for st in streams:
        st.start(ready_timeout=180)
    time.sleep(1.0)  # every stream has sent Subscribe and is polling the empty log

    log(f"fan-out: {n:,} events to {w} webhook subscribers and {s} gRPC streams"
        + (f", at most {args.max_seconds:g} s" if args.max_seconds else ""))
    started = time.time()
    deadline = started + args.max_seconds if args.max_seconds else float("inf")
    if w:
        send(driver, f"run {n * w} {deadline if args.max_seconds else 1e12}")
    send(producer, "run")
    produced = result(producer, timeout=args.max_seconds or 86400)
    log(f"producer: {n:,} events logged in {produced['seconds']:.1f} s ({n / produced['seconds']:,.0f}/s)")

    stream_results: list[dict | None] = [None] * s
    while any(r is None for r in stream_results) and time.time() < deadline:
        for k, st in enumerate(streams):
            if stream_results[k] is None:
                stream_results[k] = poll_result(st, 0.2)
    if any(r is None for r in stream_results):
        log("time is up for the gRPC streams")
        for k, st in enumerate(streams):
            if stream_results[k] is None:
                send(st, "stop")
                stream_results[k] = result(st, timeout=60)
    log("gRPC streams done: " + ", ".join(str(r["received"]) for r in stream_results))
    webhook = None
    if w:
        while (webhook := poll_result(driver, 10)) is None:
            got = sum(result_of(receivers, "stats", timeout=60)["received"])
            log(f"webhooks: {got:,} of {n * w:,} deliveries received")
        final = result_of(receivers, f"final {tmp / 'webhooks.lags'}", timeout=120)
    server_cpu = server.cpu_seconds()

    first_logged = produced["first_time"]
    out = {"producer": {**produced, "rate": n / produced["seconds"], "body_bytes": producer_meta["body_bytes"],
                        "record_batch": args.record_batch, "paced_rate": args.rate or None}}
    all_lags = array("d")
    per_stream = []
    for k, r in enumerate(stream_results):
        lags = read_lags(tmp / f"stream-{k}.lags")
        all_lags.extend(lags)
        span = (r["last_receive"] - first_logged) if r["received"] else float("nan")
        per_stream.append({**r, "rate": r["received"] / span if r["received"] else 0.0, **lag_summary(lags)})
    if s:
        received = sum(r["received"] for r in stream_results)
        span = max(r["last_receive"] for r in stream_results) - first_logged
        out["grpc"] = {
            "streams": s, "received": received, "expected": n * s,
            "complete_streams": sum(r["received"] == n for r in stream_results),
            "out_of_order": sum(r["out_of_order"] for r in stream_results),
            "aggregate_rate": received / span, "per_stream_rate_median": statistics.median(
                r["rate"] for r in per_stream), "per_stream_rate_min": min(r["rate"] for r in per_stream),
            "server_cpu_seconds": server_cpu, **lag_summary(all_lags), "per_stream": per_stream}
    if w:
        lags = read_lags(tmp / "webhooks.lags")
        received = sum(final["received"])
        span = final["last_receive"] - first_logged if received else float("nan")
        out["webhooks"] = {
            "subscribers": w, "received": received, "expected": n * w, "per_subscriber": final["received"],
            "complete_subscribers": sum(c == n for c in final["received"]), "duplicates": final["duplicates"],
            "refused": final["refused"], "rate": received / span if received else 0.0,
            "per_subscriber_rate_median": statistics.median(c / span for c in final["received"]) if received else 0,
            "driver": {**webhook, **driver_meta}, **lag_summary(lags)}
    out["wall_seconds"] = time.time() - started
    return out


def table(result: dict) -> str:
    base = result["pika_baseline"]["rate"]
    rows = [("| channel | what | done | rate | × pika | lag p50 | lag p99 |"),
            "|---|---|---|---|---|---|---|",
            f"| raw pika, confirm wait per {result['pika_baseline']['batch']} | {result['pika_baseline']['n']:,} "
            f"msgs of {result['pika_baseline']['body_bytes']} B | all | {base:,.0f} msgs/s | 1.00 | | |"]
    p = result["producer"]
    rows.append(f"| log.record (producer) | {p['n']:,} events, {p['record_batch']} per transaction | all | "
                f"{p['rate']:,.0f} events/s | {p['rate'] / base:.2f} | | |")
    g = result.get("grpc")
    if g:
        rows.append(f"| gRPC, {g['streams']} streams (aggregate) | events received | {g['received']:,} of "
                    f"{g['expected']:,} | {g['aggregate_rate']:,.0f} events/s | {g['aggregate_rate'] / base:.2f} | "
                    f"{g['p50_ms']:,.0f} ms | {g['p99_ms']:,.0f} ms |")
        rows.append(f"| gRPC, one stream (median) | | {g['complete_streams']} of {g['streams']} complete | "
                    f"{g['per_stream_rate_median']:,.0f} events/s | {g['per_stream_rate_median'] / base:.2f} | | |")
    h = result.get("webhooks")
    if h:
        rows.append(f"| webhooks, {h['subscribers']} subscribers (aggregate) | deliveries received | "
                    f"{h['received']:,} of {h['expected']:,} | {h['rate']:,.0f} deliveries/s | {h['rate'] / base:.2f} "
                    f"| {h['p50_ms']:,.0f} ms | {h['p99_ms']:,.0f} ms |")
        rows.append(f"| webhooks, one subscriber (median) | | {h['complete_subscribers']} of {h['subscribers']} "
                    f"complete | {h['per_subscriber_rate_median']:,.1f} events/s | "
                    f"{h['per_subscriber_rate_median'] / base:.3f} | | |")
    return "\n".join(rows)


def versions() -> dict:
    out = {"python": platform.python_version()}
    for package in ("grpcio", "pika", "SQLAlchemy", "requests", "eventlet"):
        with contextlib.suppress(metadata.PackageNotFoundError):
            out[package] = metadata.version(package)
    return out


def run(args) -> dict:
    run_id = secrets.token_hex(4)
    tmp = Path(tempfile.mkdtemp(prefix=f"itpm-bench-feed-{run_id}-"))
    vhost, uri = create_vhost("itpm_bench_feed")
    load_before = os.getloadavg()
    try:
        with contextlib.ExitStack() as stack:
            baseline = stack.enter_context(worker("pika baseline", "pika", "--uri", uri, "--queue",
                                                  f"bench.feedfanout.{run_id}", "--batch", str(args.pika_batch)))
            meta = json.loads(baseline.start(ready_timeout=120))
            result_of(baseline, f"run {min(args.events, 1000)}", timeout=300)  # warm-up
            pika = [pika_runs(baseline, args.events, "before")]
            if args.postgres:
                database_url = stack.enter_context(postgres_database(args.postgres, run_id))
            else:
                database_url = f"sqlite:///{tmp / 'gateway.sqlite3'}"
            with contextlib.ExitStack() as fan_stack:
                fan = fan_out(args, tmp, database_url, baseline, fan_stack)
            pika.append(pika_runs(baseline, args.events, "after"))
    finally:
        delete_vhost(vhost)
        shutil.rmtree(tmp, ignore_errors=True)
    rates = [r["n"] / r["seconds"] for r in pika]
    out = {
        "run_at": datetime.now(UTC).isoformat(), "machine": {"cpus": os.cpu_count(), "load_before": load_before,
                                                              "load_after": os.getloadavg(), **versions()},
        "settings": {"events": args.events, "webhooks": args.webhooks, "streams": args.streams,
                     "max_seconds": args.max_seconds, "record_batch": args.record_batch, "rate": args.rate,
                     "database": "postgresql" if args.postgres else "sqlite", "grpc_poll_seconds": 0.5,
                     "webhook_tick_sleep": "none while there is work (the gateway's timer sleeps 1 s)"},
        "pika_baseline": {"n": args.events, "rate": statistics.mean(rates), "rates": [round(r) for r in rates],
                          "body_bytes": meta["body_bytes"], "batch": meta["batch"],
                          "cpu_us_per_msg": statistics.mean(r["cpu_seconds"] / r["n"] * 1e6 for r in pika)},
        **fan,
    }
    base = out["pika_baseline"]["rate"]
    out["ratios_to_pika"] = {"producer": out["producer"]["rate"] / base}
    if "grpc" in out:
        out["ratios_to_pika"].update(grpc_aggregate=out["grpc"]["aggregate_rate"] / base,
                                     grpc_per_stream=out["grpc"]["per_stream_rate_median"] / base)
    if "webhooks" in out:
        out["ratios_to_pika"].update(webhooks_aggregate=out["webhooks"]["rate"] / base,
                                     webhooks_per_subscriber=out["webhooks"]["per_subscriber_rate_median"] / base)
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.feed_fanout", description=__doc__.split("\n")[0])
    ap.add_argument("--events", type=int, default=100_000)
    ap.add_argument("--webhooks", type=int, default=20, help="webhook subscribers, each with its own receiver port")
    ap.add_argument("--streams", type=int, default=20, help="gRPC subscriber processes")
    ap.add_argument("--max-seconds", type=float, default=600.0,
                    help="bound on the fan-out once the first event is logged (0: none); what was reached is reported")
    ap.add_argument("--record-batch", type=int, default=50, help="events per log.record transaction")
    ap.add_argument("--rate", type=float, default=0.0, help="pace the producer at this many events/s (0: flat out)")
    ap.add_argument("--pika-batch", type=int, default=100, help="messages per confirm wait for the baseline")
    ap.add_argument("--postgres", metavar="ADMIN_URL", nargs="?", const="postgresql://postgres@127.0.0.1:5432/postgres",
                    help="a throw-away PostgreSQL database instead of a SQLite file")
    ap.add_argument("--quick", action="store_true", help="2,000 events, 5 webhook subscribers, 5 streams")
    ap.add_argument("--out", type=Path, default=None)
    args = ap.parse_args(argv)
    if args.quick:
        args.events, args.webhooks, args.streams = 2000, 5, 5
    result = run(args)
    print(table(result))
    suffix = "-quick" if args.quick else ""
    out = args.out or RESULTS_DIR / f"feed-fanout-{datetime.now(UTC):%Y%m%dT%H%M%SZ}{suffix}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, ensure_ascii=False, indent=2))
    log(f"result: {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
