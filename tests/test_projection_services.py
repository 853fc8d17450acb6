"""The project projection kept by approval, funds, acceptance and security
(rules.md §8.2, §7.2): one suite, run against each service's own worker,
database and migrations."""

import datetime as dt
import importlib
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from itpm_common.clock import SHANGHAI, FixedClock
from itpm_common.errors import Refusal
from itpm_common.events import CloudEvent, event_type
from itpm_common.identity import Identity
from itpm_common.outbox import OutboxRelay
from itpm_common.testing import make_worker, migrated_sqlite, worker_deps

SERVICES = {"approval": "ApprovalService", "funds": "FundsService", "acceptance": "AcceptanceService",
            "security": "SecurityService"}
NOW = dt.datetime(2024, 3, 1, 9, 0, tzinfo=SHANGHAI)

UNIT_A = Identity("ua-1", "张敏", "UNIT", "unit-a", "市教育局")
UNIT_B = Identity("ub-1", "王强", "UNIT", "unit-b", "市卫健委")
BUREAU = Identity("cz-1", "陈静", "CZ", "cz", "市财政局")
SUPERVISOR = Identity("jl-1", "赵工", "JL", "jl-co", "某监理公司")
PID = "p-0001"
SUBMITTED, OPENED, DRAFTED, NOT_INCLUDED = (
    event_type("planning", "PlanApplicationSubmitted"), event_type("review", "PlanReviewOpened"),
    event_type("planning", "PlanItemDrafted"), event_type("planning", "PlanItemNotIncluded"))


@pytest.fixture(params=sorted(SERVICES))
def service_name(request):
    return request.param


@pytest.fixture
def provider(tmp_path, service_name):
    package = importlib.import_module(service_name)
    models = importlib.import_module(f"{service_name}.models")
    url = migrated_sqlite(tmp_path, service_name, Path(package.__file__).parent / "migrations")
    deps = worker_deps(url, service_name, models.infra, FixedClock(NOW))
    yield deps
    deps.dispose()


@pytest.fixture
def service(provider, service_name, token_pair):
    """``service(identity)`` is a worker whose caller carries that identity's token."""
    cls = getattr(importlib.import_module(f"{service_name}.service"), SERVICES[service_name])
    return lambda identity=None: make_worker(cls, provider, token_pair, identity, relay=OutboxRelay())


def event(type_, hour, project_id=PID, unit_id="unit-a", **data):
    return CloudEvent(type=type_, source="/itpm/test", subject=project_id, data=data, unitid=unit_id,
                      time=f"2024-03-01T{hour:02d}:00:00+08:00")


def submitted(hour=9, project_id=PID, unit_id="unit-a", plan_year=2024):
    return event(SUBMITTED, hour, project_id, unit_id, name="智慧教育平台", category="BUILD",
                 plan_year=plan_year, state="PLAN_APPLIED")


def refusal_code(call, *args):
    with pytest.raises(Refusal) as err:
        call(*args)
    return err.value.code


@pytest.mark.parametrize("last, state", [(DRAFTED, "PLAN_DRAFTED"), (NOT_INCLUDED, "NOT_INCLUDED")])
def test_events_move_the_state_forward(service, provider, last, state):
    seen = []
    for ev in (submitted(9), event(OPENED, 10, review_id="r-1"), event(last, 11)):
        service().on_event(ev)
        seen.append(service(BUREAU).get_projection(PID)["state"])
    assert seen == ["PLAN_APPLIED", "PLAN_UNDER_REVIEW", state]
    row = service(BUREAU).get_projection(PID)
    assert row == {"project_id": PID, "unit_id": "unit-a", "name": "智慧教育平台", "category": "BUILD",
                   "plan_year": 2024, "classified": False, "state": state, "last_event_type": last,
                   "last_event_time": "2024-03-01T11:00:00+08:00",
                   "updated_at": provider.clock.now().isoformat()}


def test_redelivered_event_applies_once(service, provider):
    ev = submitted()
    first_seen = provider.clock.now().isoformat()
    service().on_event(ev)
    provider.clock.advance(timedelta(hours=1))
    service().on_event(ev)
    inbox = provider.tables.inbox
    with provider.Session() as s:
        count = s.scalar(select(func.count()).select_from(inbox).where(inbox.c.event_id == ev.id))
    assert count == 1
    assert service(BUREAU).get_projection(PID)["updated_at"] == first_seen


def test_older_event_arriving_late_does_not_overwrite_newer_state(service):
    for ev in (submitted(9), event(DRAFTED, 11), event(OPENED, 10)):
        service().on_event(ev)
    row = service(BUREAU).get_projection(PID)
    assert (row["state"], row["last_event_type"]) == ("PLAN_DRAFTED", DRAFTED)


def test_visibility_of_one_project(service):
    service().on_event(submitted())
    assert service(UNIT_A).get_projection(PID)["unit_id"] == "unit-a"
    assert service(BUREAU).get_projection(PID)["state"] == "PLAN_APPLIED"
    assert refusal_code(service(UNIT_B).get_projection, PID) == "NOT-FOUND"
    assert refusal_code(service(SUPERVISOR).get_projection, PID) == "NOT-FOUND"
    assert refusal_code(service(BUREAU).get_projection, "p-missing") == "NOT-FOUND"
    assert refusal_code(service().get_projection, PID) == "AUTH-TOKEN-INVALID"


def test_unit_without_unit_never_sees_projects_of_unknown_unit(service):
    service().on_event(submitted(unit_id=None))
    assert service(BUREAU).get_projection(PID)["unit_id"] == ""
    nobody = Identity("u-x", "", "UNIT", "", "")
    assert refusal_code(service(nobody).get_projection, PID) == "NOT-FOUND"
    assert service(nobody).list_projections()["total"] == 0


def test_listing_filters_pages_and_hides_other_units(service):
    service().on_event(submitted(9, "p-a1", "unit-a", 2024))
    service().on_event(submitted(9, "p-a2", "unit-a", 2025))
    service().on_event(submitted(9, "p-b1", "unit-b", 2024))
    service().on_event(event(OPENED, 10, "p-a1"))

    def ids(identity, filters=None):
        return sorted(r["project_id"] for r in service(identity).list_projections(filters)["items"])

    assert ids(UNIT_A) == ["p-a1", "p-a2"]
    assert ids(BUREAU) == ["p-a1", "p-a2", "p-b1"]
    assert ids(BUREAU, {"plan_year": 2024}) == ["p-a1", "p-b1"]
    assert ids(BUREAU, {"state": "PLAN_UNDER_REVIEW"}) == ["p-a1"]
    assert ids(UNIT_B, {"state": "PLAN_UNDER_REVIEW"}) == []
    assert ids(SUPERVISOR) == []
    pages = [service(BUREAU).list_projections({"page": n, "page_size": 2}) for n in (1, 2)]
    assert [p["total"] for p in pages] == [3, 3]
    assert sorted(r["project_id"] for p in pages for r in p["items"]) == ["p-a1", "p-a2", "p-b1"]
    assert refusal_code(service(BUREAU).list_projections, {"unit": "unit-b"}) == "VALIDATION"


def test_health_reports_database_ok(service, service_name):
    health = service().health()
    assert (health["service"], health["status"], health["database"]) == (service_name, "ok", "ok")
    assert health["outbox_pending"] == 0
