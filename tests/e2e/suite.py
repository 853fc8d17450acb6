"""The whole suite started by the README's run command, for end-to-end tests."""

from __future__ import annotations

import os
import socket
import subprocess
import time
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import requests

from itpm_common.clock import SHANGHAI

REPO = Path(__file__).resolve().parents[2]
PASSWORD = "Demo@2026"

PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
       b"trailer<</Root 1 0 R>>\n%%EOF\n")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Suite:
    base_url: str
    env: dict

    def run_script(self, *args: str, timeout: float = 300) -> subprocess.CompletedProcess:
        return subprocess.run([str(REPO / "scripts/run.sh"), *args], env=self.env, cwd=REPO,
                              capture_output=True, text=True, timeout=timeout)

    def open_call(self, plan_year: int, days_before: int = 1, days_after: int = 30) -> dict:
        """政务办 opens the call of a plan year around today (R-7-5): every application needs one."""
        today = datetime.now(SHANGHAI).date()
        resp = self.login("zwb").post("/api/plan-calls", json={
            "plan_year": plan_year, "opens_on": (today - timedelta(days=days_before)).isoformat(),
            "closes_on": (today + timedelta(days=days_after)).isoformat()})
        assert resp.status_code == 201, resp.text
        return resp.json()

    def login(self, username: str) -> Client:
        resp = requests.post(f"{self.base_url}/api/auth/login",
                             json={"username": username, "password": PASSWORD}, timeout=10)
        resp.raise_for_status()
        return Client(self.base_url, resp.json()["token"], resp.json()["user"])


class Client:
    def __init__(self, base_url: str, token: str, user: dict):
        self.base_url, self.user = base_url, user
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Bearer {token}"

    def get(self, path: str, **kw) -> requests.Response:
        return self.session.get(self.base_url + path, timeout=15, **kw)

    def post(self, path: str, json=None, key: str | None = None, **kw) -> requests.Response:
        headers = {"Idempotency-Key": key or uuid.uuid4().hex, **kw.pop("headers", {})}
        return self.session.post(self.base_url + path, json=json, headers=headers, timeout=15, **kw)

    def upload(self, filename: str, data: bytes = PDF) -> dict:
        resp = self.session.post(self.base_url + "/api/documents",
                                 files={"file": (filename, data, "application/pdf")}, timeout=15)
        assert resp.status_code == 201, resp.text
        return resp.json()

    def wait_for(self, path: str, predicate, timeout: float = 30.0) -> dict:
        deadline, last = time.time() + timeout, None
        while time.time() < deadline:
            resp = self.get(path)
            last = resp
            if resp.status_code == 200 and predicate(resp.json()):
                return resp.json()
            time.sleep(0.2)
        raise AssertionError(f"{path} never satisfied the condition; last: {last.status_code} {last.text[:500]}")


def start_suite(data_dir: Path, amqp_uri: str) -> Suite:
    port = free_port()
    env = {**os.environ, "ITPM_DATA_DIR": str(data_dir), "ITPM_GATEWAY_PORT": str(port),
           "ITPM_FEED_GRPC_PORT": str(free_port()), "WEBHOOK_BACKOFF_BASE_SECONDS": "1",
           "AMQP_URI": amqp_uri, "ITPM_SEED_DEMO": "0", "EVENT_RETRY_DELAYS_MS": "200,500,1000"}
    suite = Suite(f"http://127.0.0.1:{port}", env)
    result = suite.run_script("--detach")
    if result.returncode != 0:
        raise RuntimeError(f"run.sh --detach failed:\n{result.stdout[-4000:]}\n{result.stderr[-4000:]}")
    return suite
