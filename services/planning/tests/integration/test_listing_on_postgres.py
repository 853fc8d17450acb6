"""The list's filters, search, sorting and the dashboard figures on PostgreSQL (LIKE escapes, grouping)."""

from datetime import datetime
from pathlib import Path

import pytest

from itpm_common.clock import SHANGHAI, FixedClock
from itpm_common.migrations import upgrade
from itpm_common.testing import make_worker, worker_deps
from planning.models import infra
from planning.service import PlanningService

pytestmark = pytest.mark.integration

MIGRATIONS = Path(__file__).resolve().parents[2] / "planning" / "migrations"


@pytest.fixture
def as_(pg_database_url, token_pair):
    upgrade(MIGRATIONS, pg_database_url)
    deps = worker_deps(pg_database_url, "planning", infra, FixedClock(datetime(2026, 9, 15, 10, 0, tzinfo=SHANGHAI)))
    from itpm_common.testing import DEMO_IDENTITIES

    yield lambda who: make_worker(PlanningService, deps, token_pair, DEMO_IDENTITIES[who])
    deps.dispose()


def test_filters_sorting_and_figures_on_postgres(as_, application):
    as_("ZWB").open_call({"plan_year": 2027, "opens_on": "2026-09-01", "closes_on": "2026-09-30"})
    unit = as_("UNIT")
    small = unit.submit_plan_application(application(name="警务_视频%平台", estimate_fen=1_000, rank=1,
                                                     funding_sources=[{"type": "MUNICIPAL", "amount_fen": 1_000}]))
    big = unit.submit_plan_application(application(name="智慧警务大数据平台", rank=2))
    zwb = as_("ZWB")

    assert [p["id"] for p in zwb.list_projects({"q": "_视频%"})["items"]] == [small["id"]]
    assert zwb.list_projects({"q": "%"})["total"] == 1
    assert [p["id"] for p in zwb.list_projects({"sort": "estimate_fen", "order": "asc"})["items"]] == [
        small["id"], big["id"]]
    assert zwb.list_projects({"estimate_min_fen": 1_001})["total"] == 1
    assert zwb.list_projects({"hold": "SUSPENDED"})["total"] == 0

    figures = zwb.dashboard_figures({"plan_year": 2027})
    assert figures["total"] == {"count": 2, "estimate_fen": 100_001_000}
    assert figures["by_state"] == [{"state": "PLAN_APPLIED", "count": 2, "estimate_fen": 100_001_000}]
    assert [s["count"] for s in figures["funnel"]][:2] == [2, 0]
    assert figures["by_unit"][0]["unit_name"] == "市公安局"
