"""A broker restart in the middle of the skeleton loses nothing: durable
queues, persistent messages and the outbox carry every event across it."""

import subprocess
import time

import pytest
import requests

from .test_walking_skeleton import CRITERIA, OPINION, file_application, open_plan_review

pytestmark = pytest.mark.e2e


def restart_broker():
    subprocess.run(["rabbitmqctl", "stop_app"], check=True, capture_output=True, timeout=120)
    subprocess.run(["rabbitmqctl", "start_app"], check=True, capture_output=True, timeout=120)
    for _ in range(60):
        if subprocess.run(["rabbitmqctl", "await_startup"], capture_output=True, timeout=60).returncode == 0:
            return
        time.sleep(1)
    raise RuntimeError("broker did not come back")


def until_ok(fn, timeout=60.0):
    """Services reconnect on their own; calls may fail while they do."""
    deadline, last = time.time() + timeout, None
    while time.time() < deadline:
        try:
            resp = fn()
            if resp.status_code < 500:
                return resp
            last = resp.text
        except requests.RequestException as exc:
            last = exc
        time.sleep(0.5)
    raise AssertionError(f"no answer after the broker restart: {last}")


def test_broker_restart_mid_review_loses_no_event(suite):
    police = suite.login("police")
    project = file_application(police, name="警务指挥调度系统", rank=7)
    pid = project["id"]
    open_plan_review(suite, pid)
    police.wait_for(f"/api/projects/{pid}/review", lambda r: r["status"] == "OPEN")
    wx = suite.login("wx")
    assert wx.post(f"/api/projects/{pid}/review/opinions", json=OPINION).status_code == 201

    restart_broker()

    for bureau in ("fg", "gx", "cz"):
        official = suite.login(bureau)
        resp = until_ok(lambda o=official, b=bureau: o.post(f"/api/projects/{pid}/review/opinions", json=OPINION,
                                                  key=f"restart-{b}"))
        assert resp.status_code == 201, resp.text
    zwb = suite.login("zwb")
    done = until_ok(lambda: zwb.post(f"/api/projects/{pid}/review/conclusion", key="restart-conclude",
                                     json={"outcome": "DRAFT", "consolidated_opinion": "同意", "criteria": CRITERIA}))
    assert done.status_code == 200, done.text

    police.wait_for(f"/api/projects/{pid}", lambda p: p["state"] == "PLAN_DRAFTED", timeout=60)
    timeline = police.wait_for(f"/api/projects/{pid}/timeline",
                               lambda t: any(e["name"] == "PlanItemDrafted" for e in t["items"]),
                               timeout=60)["items"]
    names = [e["name"] for e in timeline]
    assert names.count("PlanReviewOpinionRecorded") == 4
    assert len(names) == len({e["event_id"] for e in timeline}), "no event twice"
    for expected in ("PlanApplicationSubmitted", "PlanReviewOpened", "PlanReviewConcluded", "PlanItemDrafted"):
        assert names.count(expected) == 1, expected
