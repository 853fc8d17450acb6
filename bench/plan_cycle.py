"""``python -m bench.plan_cycle``: one plan year's applications through the real suite and the gateway.

N department users (default 50) submit M applications (default 1,000) concurrently through
``POST /api/plan-applications``; then 政务办 opens every review, 网信/发改/工信/财政 each give their opinion and
政务办 concludes, all through the gateway, until planning shows every item in the draft plan. Reported:
submissions/s with p50/p99 latency, the review phase's requests/s with p50/p99, and the end-to-end time per
application; each against the bare nameko RPC round trip (an echo service on the same broker) measured in
the same run, because the machine is shared and only ratios compare across runs.

The suite runs from ``scripts/run.sh --detach`` with SQLite (the README's run command) in a throw-away data
folder and broker vhost; nothing is left behind.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from pathlib import Path

import requests

from itpm_common.clock import SHANGHAI
from itpm_common.vhosts import create_vhost, delete_vhost

from . import procs
from .payload import PAYLOAD
from .stats import percentile

REPO = procs.REPO_ROOT
PASSWORD = "Demo@2026"
PDF = b"%PDF-1.4\n% bench\n%%EOF\n"
OPINION = {"verdict": "AGREE", "necessity": "必要", "feasibility": "可行", "security": "可控", "budget": "合理"}
CRITERIA = {"policy_need": "MET", "intensive_sharing": "MET", "content_funding": "MET", "security_solution": "MET"}
BUREAUS = ("wx", "fg", "gx", "cz")


def log(msg: str) -> None:
    print(f"[plan-cycle] {msg}", file=sys.stderr, flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Gateway:
    def __init__(self, base: str):
        self.base = base

    def session(self, username: str) -> requests.Session:
        resp = requests.post(f"{self.base}/api/auth/login", json={"username": username, "password": PASSWORD},
                             timeout=30)
        resp.raise_for_status()
        s = requests.Session()
        s.headers["Authorization"] = f"Bearer {resp.json()['token']}"
        return s


def timed(session: requests.Session, method: str, url: str, key: str, body: dict, expect: int) -> float:
    started = time.perf_counter()
    resp = session.request(method, url, json=body, headers={"Idempotency-Key": key}, timeout=120)
    elapsed = time.perf_counter() - started
    if resp.status_code != expect:
        raise RuntimeError(f"{url}: {resp.status_code} {resp.text[:300]}")
    return elapsed


def summary(latencies: list[float], wall: float) -> dict:
    ordered = sorted(latencies)
    return {"requests": len(ordered), "seconds": round(wall, 2), "per_second": round(len(ordered) / wall, 1),
            "p50_ms": round(percentile(ordered, 50) * 1000, 1), "p99_ms": round(percentile(ordered, 99) * 1000, 1)}


def add_units(data_dir: Path, count: int) -> list[str]:
    """The benchmark's departments, written into the gateway's user table as the seed writes the demo users."""
    from sqlalchemy.orm import Session

    from gateway.auth import hash_password
    from gateway.models import User
    from itpm_common.db import make_engine

    engine = make_engine(f"sqlite:///{data_dir}/gateway.sqlite3")
    names, now, password_hash = [], datetime.now(SHANGHAI), hash_password(PASSWORD)
    with Session(engine) as session:
        for i in range(count):
            username = f"bench-unit-{i:02d}"
            session.add(User(username=username, name=f"测试处长{i:02d}", role="UNIT", unit_id=username,
                             unit_name=f"测试局{i:02d}", password_hash=password_hash, active=True,
                             created_at=now, updated_at=now))
            names.append(username)
        session.commit()
    engine.dispose()
    return names


def echo_baseline(uri: str, tmp: Path, seconds: float) -> dict:
    """Bare nameko RPC round trips, one caller, on the same broker and payload size."""
    from nameko.standalone.rpc import ClusterRpcProxy

    service = f"bench_echo_{os.getpid()}"
    config = tmp / "echo.yaml"
    config.write_text(f"AMQP_URI: '{uri}'\nmax_workers: 10\nserializer: json\n"
                      "LOGGING:\n  version: 1\n  root: {level: WARNING}\n")
    server = procs.ServerProcess("nameko echo", [sys.executable, "-m", "nameko", "run", "--config", str(config),
                                                 "bench.nameko_echo:EchoService"],
                                 env=procs.bench_env({"BENCH_ECHO_SERVICE": service}))
    with server:
        server.start(ready_timeout=60, ready_check=lambda: _has_consumer(uri, f"rpc-{service}"))
        latencies = []
        with ClusterRpcProxy({"AMQP_URI": uri, "serializer": "json"}, timeout=10) as rpc:
            echo = getattr(rpc, service)
            for _ in range(50):
                echo.echo(PAYLOAD)
            deadline = time.perf_counter() + seconds
            while time.perf_counter() < deadline:
                started = time.perf_counter()
                echo.echo(PAYLOAD)
                latencies.append(time.perf_counter() - started)
    return summary(latencies, seconds)


def _has_consumer(uri: str, queue: str) -> bool:
    import pika

    try:
        conn = pika.BlockingConnection(pika.URLParameters(uri))
        try:
            return conn.channel().queue_declare(queue, passive=True).method.consumer_count > 0
        finally:
            conn.close()
    except Exception:
        return False


def _sample():
    spec = importlib.util.spec_from_file_location("planning_sample", REPO / "services/planning/tests/sample.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_SAMPLE = _sample()


def application(i: int, plan_year: int, docs: dict) -> dict:
    """A complete application, the one the planning tests use (rules.md §6.1)."""
    return _SAMPLE.valid_application(name=f"测试项目{i:04d}", plan_year=plan_year, rank=i + 1, documents=docs)


def run(args) -> dict:
    tmp = Path(tempfile.mkdtemp(prefix="itpm-plan-cycle-"))
    vhost, uri = create_vhost("itpm_bench_cycle")
    port = free_port()
    env = {**os.environ, "ITPM_DATA_DIR": str(tmp / "data"), "ITPM_GATEWAY_PORT": str(port), "AMQP_URI": uri,
           "ITPM_SEED_DEMO": "0"}
    script = str(REPO / "scripts/run.sh")
    try:
        log("starting the suite (scripts/run.sh --detach)")
        subprocess.run([script, "--detach"], env=env, cwd=REPO, check=True, capture_output=True, timeout=600)
        baseline = echo_baseline(uri, tmp, args.echo_seconds)
        log(f"nameko echo p50 {baseline['p50_ms']} ms")
        gw = Gateway(f"http://127.0.0.1:{port}")
        units = add_units(tmp / "data", args.users)
        plan_year = datetime.now(SHANGHAI).year + 1
        today = datetime.now(SHANGHAI).date()
        zwb = gw.session("zwb")
        timed(zwb, "POST", f"{gw.base}/api/plan-calls", "call",
              {"plan_year": plan_year, "opens_on": (today - timedelta(days=1)).isoformat(),
               "closes_on": (today + timedelta(days=30)).isoformat()}, 201)
        sessions = {u: gw.session(u) for u in units}
        docs = {}
        for u, s in sessions.items():
            refs = []
            for name in ("申报书.pdf", "项目方案.pdf"):
                resp = s.post(f"{gw.base}/api/documents", files={"file": (name, PDF + u.encode(), "application/pdf")},
                              timeout=60)
                resp.raise_for_status()
                refs.append(resp.json())
            docs[u] = {"application_form": refs[0], "project_plan": refs[1]}

        per_user = args.applications // len(units)
        ids, lock = [], threading.Lock()

        def submit_all(u: str) -> list[float]:
            out = []
            for i in range(per_user):
                started = time.perf_counter()
                resp = sessions[u].post(f"{gw.base}/api/plan-applications", json=application(i, plan_year, docs[u]),
                                        headers={"Idempotency-Key": f"{u}-{i}"}, timeout=120)
                out.append(time.perf_counter() - started)
                if resp.status_code != 201:
                    raise RuntimeError(f"submit: {resp.status_code} {resp.text[:300]}")
                with lock:
                    ids.append(resp.json()["id"])
            return out

        log(f"{len(units)} users submit {per_user * len(units)} applications")
        started = time.perf_counter()
        with ThreadPoolExecutor(len(units)) as pool:
            submit_latencies = [x for chunk in pool.map(submit_all, units) for x in chunk]
        submit_wall = time.perf_counter() - started

        log("joint review: open, four opinions, conclusion for every application")
        officials = {b: gw.session(b) for b in BUREAUS}
        review_latencies: list[float] = []
        started = time.perf_counter()

        def review(pid: str) -> list[float]:
            t = [timed(zwb, "POST", f"{gw.base}/api/projects/{pid}/review/open", f"open-{pid}", {}, 201)]
            t += [timed(officials[b], "POST", f"{gw.base}/api/projects/{pid}/review/opinions", f"{b}-{pid}",
                        OPINION, 201) for b in BUREAUS]
            t.append(timed(zwb, "POST", f"{gw.base}/api/projects/{pid}/review/conclusion", f"end-{pid}",
                           {"outcome": "DRAFT", "consolidated_opinion": "同意列入", "criteria": CRITERIA}, 200))
            return t

        with ThreadPoolExecutor(len(units)) as pool:
            for chunk in pool.map(review, ids):
                review_latencies += chunk
        deadline = time.time() + 600
        while time.time() < deadline:
            listed = zwb.get(f"{gw.base}/api/projects", params={"plan_year": plan_year, "state": "PLAN_DRAFTED",
                                                                "page_size": 1}, timeout=60).json()["total"]
            if listed == len(ids):
                break
            time.sleep(0.5)
        review_wall = time.perf_counter() - started
        result = {
            "run_at": datetime.now(SHANGHAI).isoformat(), "users": len(units), "applications": len(ids),
            "baseline_nameko_echo": baseline, "submit": summary(submit_latencies, submit_wall),
            "review_requests": summary(review_latencies, review_wall),
            "drafted": listed,
        }
        result["ratios"] = {
            "submit_p50_over_echo_p50": round(result["submit"]["p50_ms"] / baseline["p50_ms"], 1),
            "submit_p99_over_echo_p50": round(result["submit"]["p99_ms"] / baseline["p50_ms"], 1),
            "review_p50_over_echo_p50": round(result["review_requests"]["p50_ms"] / baseline["p50_ms"], 1),
            "submit_rate_over_echo_rate": round(result["submit"]["per_second"] / baseline["per_second"], 3),
        }
        return result
    finally:
        subprocess.run([script, "stop"], env=env, cwd=REPO, capture_output=True, timeout=300)
        delete_vhost(vhost)
        shutil.rmtree(tmp, ignore_errors=True)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.plan_cycle", description=__doc__.split("\n")[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--applications", type=int, default=1000)
    parser.add_argument("--echo-seconds", type=float, default=5.0)
    parser.add_argument("--quick", action="store_true", help="10 users, 100 applications: checks that it works")
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args(argv)
    if args.quick:
        args.users, args.applications, args.echo_seconds = 10, 100, 2.0
    result = run(args)
    text = json.dumps(result, ensure_ascii=False, indent=2)
    print(text)
    out = args.out or REPO / "bench/results" / f"plan-cycle-{datetime.now(SHANGHAI):%Y%m%dT%H%M%S}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
