"""The feed's gRPC stream (docs/feed.md): a real server process (``python -m gateway.feed.grpc_server``, no
eventlet) over TLS with the generated certificate, read by the partner's command-line subscriber and by a probe
script, both in their own processes, against a SQLite feed log filled through the real redaction."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from gateway.feed import grpc_tls, log, projects
from itpm_common.db import make_engine
from itpm_common.events import CloudEvent, event_type

REPO = Path(__file__).resolve().parents[3]
PROBE = Path(__file__).with_name("grpc_probe.py")
ENV = {**os.environ, "PYTHONWARNINGS": "ignore", "PYTHONUNBUFFERED": "1"}


def project_event(name, subject, service="approval", unit="police", year=2027, **data):
    return CloudEvent(type=event_type(service, name), source=f"/itpm/{service}", subject=subject, unitid=unit,
                      article="第十条", actorid="fg-officer", actorrole="FG",
                      data={"project_id": subject, "name": f"项目{subject}", "unit_id": unit, "unit_name": "某单位",
                            "plan_year": year, "category": "BUILD", **data})


def plan_approved(year=2027):
    items = [{"project_id": "p-1", "unit_id": "police", "unit_name": "市公安局", "name": "智慧警务",
              "category": "BUILD", "section_rank": 1, "origin": "PLAN", "estimate_fen": 100, "classified": False},
             {"project_id": "p-9", "unit_id": "police", "unit_name": "市公安局", "name": "涉密系统",
              "category": "BUILD", "section_rank": 2, "origin": "PLAN", "estimate_fen": 200, "classified": True}]
    return CloudEvent(type=event_type("planning", "AnnualPlanApproved"), source="/itpm/planning",
                      subject=f"annual-plan:{year}", unitid=None, article="第八条", actorid="lg", actorrole="LG",
                      data={"plan_id": "x", "plan_year": year, "version_no": 1,
                            "document_number": "连信息化领〔2027〕1号", "items": items})


def history():
    return [plan_approved(),
            project_event("PreliminaryDesignApproved", "p-1", approved_estimate_fen=123_400, estimate_fen=999),
            project_event("PlanItemDrafted", "p-2", service="planning"),  # internal: never in the feed
            project_event("ConstructionStarted", "p-1", started_on="2027-03-01"),
            project_event("PreliminaryDesignApproved", "p-3", unit="edu", approved_estimate_fen=5_000),
            project_event("ProjectSuspended", "p-3", service="planning", unit="edu"),
            project_event("ConstructionStarted", "p-9", classified=True),  # classified: never in the feed
            project_event("ConstructionStarted", "p-3", unit="edu", started_on="2027-04-01")]


@pytest.fixture
def append(database):
    """``append(events)`` logs the events as the gateway does; returns the ids that entered the feed."""
    engine = make_engine(database)

    def do(events) -> list[str]:
        logged = []
        with Session(engine) as session:
            for event in events:
                if log.record(session, event, now=datetime(2027, 5, 1, 9, tzinfo=UTC)) is not None:
                    logged.append(event.id)
            session.commit()
        return logged

    yield do
    engine.dispose()


@pytest.fixture
def credentials(tmp_path):
    cert, key = grpc_tls.self_signed(tmp_path / "tls", ["localhost", "127.0.0.1"])
    tokens = tmp_path / "tokens.json"
    token = grpc_tls.add_token(tokens, "审计局")
    return {"cert": cert, "key": key, "tokens": tokens, "token": token}


def start_server(database, credentials, **extra):
    env = {**ENV, "DATABASE_URL": database, "FEED_GRPC_ADDRESS": "127.0.0.1:0",
           "FEED_GRPC_TLS_CERT_FILE": str(credentials["cert"]), "FEED_GRPC_TLS_KEY_FILE": str(credentials["key"]),
           "FEED_GRPC_TOKENS_FILE": str(credentials["tokens"]), "FEED_GRPC_POLL_SECONDS": "0.1", **extra}
    return subprocess.Popen([sys.executable, "-m", "gateway.feed.grpc_server"], cwd=REPO, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


@pytest.fixture
def server(database, credentials):
    proc = start_server(database, credentials)
    line = proc.stdout.readline()
    if not line.startswith("READY "):
        proc.kill()
        pytest.fail(f"the gRPC server did not start: {line}{proc.communicate(timeout=30)[1]}")
    yield f"127.0.0.1:{int(line.split()[1])}"
    proc.terminate()
    assert proc.wait(timeout=30) == 0


def tail(target, credentials, *args, token=None):
    return [sys.executable, "-m", "gateway.feed.grpc_tail", "--target", target, "--ca", str(credentials["cert"]),
            f"--token={token or credentials['token']}", "--json", *args]


def run_tail(target, credentials, *args, token=None):
    done = subprocess.run(tail(target, credentials, *args, token=token), cwd=REPO, env=ENV, capture_output=True,
                          text=True, timeout=120)
    return done, [json.loads(line) for line in done.stdout.splitlines()]


def test_a_subscriber_that_leaves_and_resumes_sees_every_event_once_in_order(server, credentials, append, tmp_path):
    state = tmp_path / "audit.position"
    logged = append(history())
    assert len(logged) == 6

    # Reads half the history, then goes away.
    done, first = run_tail(server, credentials, "--state", str(state), "--limit", "3")
    assert done.returncode == 0, done.stderr
    assert [e["feedposition"] for e in first] == [1, 2, 3]
    assert state.read_text().strip() == "3"

    # Comes back from its remembered position: the rest of the history, then events logged while it listens.
    resumed = subprocess.Popen(tail(server, credentials, "--state", str(state), "--limit", "7"), cwd=REPO, env=ENV,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    second = [json.loads(resumed.stdout.readline()) for _ in range(3)]
    assert [e["feedposition"] for e in second] == [4, 5, 6]
    logged += append([project_event("ConstructionCompleted", "p-1", service="acceptance"),
                      project_event("PlanItemDrafted", "p-4", service="planning"),
                      project_event("AcceptancePassed", "p-1", service="acceptance"),
                      project_event("ProjectResumed", "p-3", service="planning", unit="edu"),
                      project_event("OperationStarted", "p-1", service="acceptance", mode="NORMAL")])
    out, err = resumed.communicate(timeout=120)
    assert resumed.returncode == 0, err
    second += [json.loads(line) for line in out.splitlines()]
    assert state.read_text().strip() == "10"

    received = first + second
    assert [e["id"] for e in received] == logged
    assert [e["feedposition"] for e in received] == list(range(1, 11))
    # The same events, byte for byte, as one uninterrupted subscription from the start.
    done, whole = run_tail(server, credentials, "--from", "0", "--limit", "10")
    assert done.returncode == 0, done.stderr
    assert whole == received


def test_the_filter_narrows_by_type_unit_and_year(server, credentials, append):
    append(history())
    started = event_type("approval", "ConstructionStarted")
    done, got = run_tail(server, credentials, "--from", "0", "--limit", "2", "--type", started)
    assert [(e["type"], e["subject"]) for e in got] == [(started, "p-1"), (started, "p-3")]
    done, got = run_tail(server, credentials, "--from", "2", "--limit", "3", "--unit", "edu", "--year", "2027")
    assert [e["feedposition"] for e in got] == [4, 5, 6]
    assert all(e["unitid"] == "edu" for e in got)


def test_a_bad_token_is_refused(server, credentials, append):
    append(history())
    done, got = run_tail(server, credentials, "--from", "0", "--limit", "1", token="not-a-token")
    assert done.returncode == 1 and got == []
    assert "UNAUTHENTICATED" in done.stderr


def test_health_reflection_tokens_tls_and_project_summaries(server, credentials, append):
    append(history())
    done = subprocess.run([sys.executable, str(PROBE), server, str(credentials["cert"]), credentials["token"], "p-1"],
                          cwd=REPO, env=ENV, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    probe = json.loads(done.stdout)
    assert probe["health"] == {"(server)": "SERVING", "itpm.feed.v1.Feed": "SERVING"}
    assert {"itpm.feed.v1.Feed", "grpc.health.v1.Health"} <= set(probe["services"])
    assert any("ServerReflection" in s for s in probe["services"])
    assert probe["no_token"] == probe["bad_token"] == probe["bad_token_projects"] == "UNAUTHENTICATED"
    assert probe["good_token"] == "OK"
    assert probe["unknown_project"] == "NOT_FOUND"
    assert probe["plaintext_client"] == "UNAVAILABLE"  # the port speaks TLS only
    assert probe["project"] == {
        "project_id": "p-1", "name": "项目p-1", "unit_id": "police", "unit_name": "某单位", "plan_year": 2027,
        "category": "BUILD", "last_event_type": event_type("approval", "ConstructionStarted"),
        "last_event_time": probe["project"]["last_event_time"], "last_position": 3,
        "has_approved_estimate": True, "approved_estimate_fen": 123_400}
    # Only what the feed said: the internal p-2 and the classified p-9 are unknown to it.
    assert probe["listed"] == ["p-3", "p-1"]  # by year, unit, id


def test_health_check_command_for_containers(server, credentials):
    done = subprocess.run([sys.executable, "-m", "gateway.feed.grpc_tail", "--target", server, "--ca",
                           str(credentials["cert"]), "--check-health"], cwd=REPO, env=ENV, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0, done.stderr


def test_without_tls_the_server_refuses_to_start_unless_plaintext_is_allowed(database, credentials):
    proc = start_server(database, credentials, FEED_GRPC_TLS_CERT_FILE="", FEED_GRPC_TLS_KEY_FILE="")
    _, err = proc.communicate(timeout=60)
    assert proc.returncode != 0 and "TLS" in err
    proc = start_server(database, credentials, FEED_GRPC_TLS_CERT_FILE="", FEED_GRPC_TLS_KEY_FILE="",
                        FEED_GRPC_ALLOW_PLAINTEXT="on")
    try:
        assert proc.stdout.readline().startswith("READY ")
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_the_server_and_the_subscriber_never_import_eventlet():
    code = ("import sys, gateway.feed.grpc_server, gateway.feed.grpc_tail; "
            "assert 'eventlet' not in sys.modules and 'nameko' not in sys.modules, sorted(sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, env=ENV, capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0, done.stderr


def test_a_plan_gives_its_listed_projects_their_public_facts():
    summaries: dict = {}
    projects.fold(summaries, {"type": event_type("planning", "AnnualPlanApproved"), "time": "t1", "feedposition": 1,
                              "subject": "annual-plan:2027",
                              "data": {"plan_year": 2027, "items": [{"project_id": "p-1", "name": "智慧警务",
                                                                     "unit_id": "police", "category": "BUILD"}]}})
    projects.fold(summaries, {"type": event_type("approval", "ProjectApproved"), "time": "t2", "feedposition": 2,
                              "subject": "p-1", "data": {"project_id": "p-1", "approved_estimate_fen": 7}})
    p1 = summaries["p-1"]
    assert (p1.name, p1.unit_id, p1.plan_year, p1.approved_estimate_fen) == ("智慧警务", "police", 2027, 7)
    assert (p1.last_event_type, p1.last_position) == (event_type("approval", "ProjectApproved"), 2)
    assert set(summaries) == {"p-1"}
