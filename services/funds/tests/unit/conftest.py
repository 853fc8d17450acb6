"""Workers built with nameko's worker_factory on a real, migrated SQLite file,
real signed identities and the real unit of work; only the broker is absent."""

from __future__ import annotations

from datetime import datetime

import pytest

from funds.migrate import MIGRATIONS
from funds.models import infra
from funds.service import FundsService
from funds.settings import FundsSettings
from itpm_common.clock import SHANGHAI
from itpm_common.events import CloudEvent, event_type
from itpm_common.identity import Identity
from itpm_common.testing import ROLE_USERS, Records, make_worker, sqlite_worker_fixtures

NOW = datetime(2025, 6, 2, 10, 0, tzinfo=SHANGHAI)
TOTAL = 800_000_000  # 800万元

USERS = {**ROLE_USERS,
         "CZ2": Identity("u-cz-2", "财政乙", "CZ", "cz", "市财政局")}


db_url, clock, provider, other_instance = sqlite_worker_fixtures("funds", MIGRATIONS, infra, NOW)


@pytest.fixture
def must_cover_total():
    """ADHOC_FUNDING_MUST_COVER_TOTAL (rules.md §10); tests override it."""
    return True


@pytest.fixture
def worker_on(token_pair, must_cover_total):
    """``worker_on(provider, "CZ")``: a worker whose caller is that user."""
    settings = FundsSettings(adhoc_funding_must_cover_total=must_cover_total)
    return lambda provider, who: make_worker(FundsService, provider, token_pair, USERS[who] if who else None,
                                             settings=settings)


@pytest.fixture
def as_(worker_on, provider):
    """``as_("CZ").record_funding_confirmation(...)``; ``as_()`` has no caller."""
    return lambda who=None: worker_on(provider, who)


def _submitted(name: str, project_id: str, version_no: int, total: int, unit: Identity, **data) -> CloudEvent:
    body = {"project_id": project_id, "name": "社会救助信息系统升级", "category": "BUILD", "plan_year": 2025,
            "unit_id": unit.unit_id, "unit_name": unit.unit_name, "version_no": version_no,
            "estimate_fen": total, "superior_funding_fen": 0, "classified": False, **data}
    return CloudEvent(type=event_type("planning", name), source="/itpm/planning", subject=project_id, data=body,
                      unitid=unit.unit_id, article="第九条", actorid=unit.user_id, actorrole=unit.role,
                      time=NOW.isoformat())


def adhoc(project_id="p-1", version_no=1, total=TOTAL, unit=USERS["UNIT"], **data) -> CloudEvent:
    data.setdefault("origin", "ADHOC")
    data.setdefault("adhoc_reason", "WORK_NEED" if data["origin"] == "ADHOC" else None)
    return _submitted("AdHocApplicationSubmitted", project_id, version_no, total, unit, **data)


def plan(project_id="p-9", version_no=1, total=TOTAL, unit=USERS["UNIT"], origin="SUPERIOR_FUNDED",
         **data) -> CloudEvent:
    data.setdefault("rank", 1)
    data.setdefault("superior_funding_fen", 300_000_000 if origin == "SUPERIOR_FUNDED" else 0)
    return _submitted("PlanApplicationSubmitted", project_id, version_no, total, unit, origin=origin, **data)


ESTIMATE_EVENTS = {"PD": "PreliminaryDesignSubmitted", "URGENT_PACKAGE": "UrgentPackageSubmitted",
                   "COMBINED_PACKAGE": "CombinedPackageSubmitted"}
TRACKS = {"PD": "STANDARD", "URGENT_PACKAGE": "URGENT", "COMBINED_PACKAGE": "COMBINED"}


def line_items(estimate_fen: int) -> list[dict]:
    """A 概算's lines adding up exactly to it."""
    hardware = estimate_fen // 2
    return [{"code": "1", "name": "硬件购置", "amount_fen": hardware},
            {"code": "2", "name": "软件开发", "amount_fen": estimate_fen - hardware}]


def estimate(project_id="p-20", version_no=1, estimate_fen=100_000_000, stage="PD", unit=USERS["UNIT"],
             submission_id=None, at=NOW, **data) -> CloudEvent:
    """A submission carrying a 概算 as approval publishes it (contract: Chapter 3)."""
    body = {"project_id": project_id, "unit_id": unit.unit_id, "unit_name": unit.unit_name,
            "name": "智慧民政综合平台", "classified": False, "plan_year": 2025, "category": "BUILD",
            "submission_id": submission_id or f"{project_id}-{stage}-v{version_no}", "stage": stage,
            "version_no": version_no, "digest": "ab" * 32, "track": TRACKS[stage], "origin": "PLAN",
            "total_investment_fen": estimate_fen, "estimate_fen": estimate_fen,
            "line_items": line_items(estimate_fen), "catalog_version": 1,
            "estimate_review_required": estimate_fen >= 100_000_000, **data}
    return CloudEvent(type=event_type("approval", ESTIMATE_EVENTS[stage]), source="/itpm/approval",
                      subject=project_id, data=body, unitid=unit.unit_id, article="第十条",
                      actorid=unit.user_id, actorrole=unit.role, time=at.isoformat())


def confirmation(result="SECURED", amount=TOTAL, **overrides) -> dict:
    body = {"result": result, "confirmed_amount_fen": amount, "note": "已列入2025年市级财政预算安排"}
    body.update(overrides)
    return body


@pytest.fixture
def db(provider):
    """The outbox and audit chain, read the way an inspector would."""
    return Records(provider.engine, infra, "funds")


# Helpers as fixtures: with --import-mode=importlib a test cannot import conftest.
@pytest.fixture
def users():
    return USERS


@pytest.fixture
def ev():
    """``ev.adhoc(...)``, ``ev.plan(...)``: submissions as planning publishes them;
    ``ev.estimate(...)``: a PD or package as approval publishes it."""
    class Events:
        pass
    out = Events()
    out.adhoc, out.plan, out.estimate, out.line_items = adhoc, plan, estimate, line_items
    return out


@pytest.fixture
def confirm_payload():
    return confirmation

