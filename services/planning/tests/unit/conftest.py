"""PlanningService workers built with nameko's worker_factory on a real, migrated
SQLite file, the real unit of work, a fixed clock and real signed identities;
only the broker is absent."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

import planning
from itpm_common.clock import SHANGHAI
from itpm_common.events import CloudEvent, event_type
from itpm_common.identity import Identity
from itpm_common.testing import DEMO_IDENTITIES, Records, WorkerDeps, make_worker, sqlite_worker_fixtures
from planning.models import infra
from planning.schemas import PlanApplicationSchema
from planning.service import PlanningService

MIGRATIONS = Path(planning.__file__).parent / "migrations"
NOW = datetime(2026, 9, 15, 10, 0, tzinfo=SHANGHAI)

# The demo identities plus the two roles they lack: the secrecy administration
# (reads classified metadata only) and a supervision company (reads no projects here).
USERS = {
    **DEMO_IDENTITIES,
    "BM": Identity("bm", "吴保密", "BM", "bm", "市国家保密局"),
    "JL": Identity("jl", "郑监理", "JL", "jl-co", "某工程监理公司"),
}


db_url, clock, provider, other_instance = sqlite_worker_fixtures("planning", MIGRATIONS, infra, NOW)


# The calls of the plan years the sample applications are for; NOW falls inside them.
CALL_WINDOW = {"opens_on": date(2026, 9, 1), "closes_on": date(2026, 9, 30)}


@pytest.fixture(autouse=True)
def call_2027(provider):
    """Applications need an open call (R-7-5); tests of the call itself use other years. Inserted as a
    fixture's row, not through the command, so the tests' event and audit counts see only their own."""
    from planning.models import PlanCall

    with provider.engine.begin() as conn:
        for year in (2027, 2028):
            conn.execute(PlanCall.__table__.insert().values(
                plan_year=year, status="OPEN", notice=None, opened_by="zwb", opened_at=NOW, version=1,
                **CALL_WINDOW))
    return CALL_WINDOW


@pytest.fixture
def as_(provider, token_pair):
    """``as_("UNIT").submit_plan_application(...)``; ``as_()`` has no token at all."""
    return lambda who=None: make_worker(PlanningService, provider, token_pair, USERS[who] if who else None)


@pytest.fixture
def users():
    return USERS


@pytest.fixture
def loaded(application):
    """``loaded(**changes)``: a valid application after schema processing, as the rules see it."""
    return lambda **changes: PlanApplicationSchema().load(application(**changes))


def review_event(name: str, project_id: str, event_id: str | None = None, **data) -> CloudEvent:
    """An event as review emits it, caused by a 政务办 user."""
    zwb = USERS["ZWB"]
    body = {"review_id": "r-1", "project_id": project_id, **data}
    extra = {"id": event_id} if event_id else {}
    return CloudEvent(type=event_type("review", name), source="/itpm/review", subject=project_id,
                      data=body, unitid="police", article="第八条", actorid=zwb.user_id,
                      actorrole=zwb.role, **extra)


@pytest.fixture
def review_event_of():
    """``review_event_of("PlanReviewOpinionRecorded", project_id, **data)``."""
    return review_event


@pytest.fixture
def opened():
    return lambda project_id, **kw: review_event("PlanReviewOpened", project_id, **kw)


@pytest.fixture
def concluded():
    def make(project_id, outcome="DRAFT", event_id=None):
        return review_event("PlanReviewConcluded", project_id, event_id=event_id, outcome=outcome,
                            consolidated_opinion="经联审，同意列入年度建设计划草案")

    return make


class Db(Records):
    """Reads the tables the way an inspector would, outside the service."""

    def __init__(self, provider: WorkerDeps):
        super().__init__(provider.engine, infra, "planning")

    def inbox(self) -> list[dict]:
        with self.engine.connect() as conn:
            return [dict(r) for r in conn.execute(select(infra.inbox)).mappings()]

    def count(self, table: str) -> int:
        with self.engine.connect() as conn:
            return conn.exec_driver_sql(f"SELECT count(*) FROM {table}").scalar()


@pytest.fixture
def db(provider):
    return Db(provider)
