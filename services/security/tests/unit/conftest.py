"""Workers built with nameko's worker_factory on a real, migrated SQLite file,
real signed identities and the real unit of work; only the broker is absent."""

from __future__ import annotations

from datetime import datetime

import pytest

from itpm_common.clock import SHANGHAI
from itpm_common.events import CloudEvent, event_type
from itpm_common.identity import Identity
from itpm_common.testing import ROLE_USERS, Records, make_worker, sqlite_worker_fixtures
from security.migrate import MIGRATIONS
from security.models import infra
from security.service import SecurityService

NOW = datetime(2025, 9, 1, 10, 0, tzinfo=SHANGHAI)

USERS = {**ROLE_USERS,
         "WX2": Identity("u-wx-2", "网信乙", "WX", "wx", "市委网信办")}

EVENT_OF_STAGE = {"FSR": "FSRSubmitted", "PD": "PreliminaryDesignSubmitted",
                  "URGENT_PACKAGE": "UrgentPackageSubmitted", "COMBINED_PACKAGE": "CombinedPackageSubmitted"}


def chapter(**overrides) -> dict:
    body = {"needs_analysis": "系统承载社会救助对象个人信息，需满足等级保护第三级要求",
            "tasks_and_content": "建设边界防护、入侵检测、日志审计和数据备份",
            "protection_design": "按等保三级设计安全通信网络、安全区域边界和安全计算环境",
            "investment_fen": 45_000_000, "crypto_content": "采用商用密码实现身份鉴别和重要数据传输加密",
            "tiered_protection_summary": None}
    body.update(overrides)
    return body


def submitted(stage="FSR", project_id="p-1", version_no=1, submission_id=None, unit=USERS["UNIT"],
              classified=False, important_domain=False, security_chapter="default", **data) -> CloudEvent:
    """A submission as approval announces it (ch3 contract: approval emits)."""
    body = {"project_id": project_id, "unit_id": unit.unit_id, "unit_name": unit.unit_name,
            "name": "社会救助信息系统升级", "classified": classified, "plan_year": 2025, "category": "BUILD",
            "submission_id": submission_id or f"{project_id}-{stage}-v{version_no}", "stage": stage,
            "version_no": version_no, "digest": f"{version_no:064x}", "track": "STANDARD", "origin": "PLAN",
            "total_investment_fen": 800_000_000, "estimate_fen": None if stage == "FSR" else 800_000_000,
            "line_items": [], "catalog_version": 1, "estimate_review_required": stage != "FSR",
            "security_chapter": chapter() if security_chapter == "default" else security_chapter,
            "important_domain": important_domain, "new_civil_works": False, "high_energy": False,
            "cross_department": False, "cross_level": False, "duplicate_collection_flags": [],
            "similar_systems": [], "linkage_none": False, **data}
    return CloudEvent(type=event_type("approval", EVENT_OF_STAGE[stage]), source="/itpm/approval",
                      subject=project_id, data=body, unitid=unit.unit_id, article="第十条",
                      actorid=unit.user_id, actorrole=unit.role, time=NOW.isoformat())


def assessments(**ratings) -> dict:
    """Every part ADEQUATE unless named: ``assessments(crypto_content="INADEQUATE")``."""
    parts = ("needs_analysis", "tasks_and_content", "protection_design", "investment", "crypto_content")
    return {part: {"rating": ratings.get(part, "ADEQUATE"), "note": f"{part}：经审查" +
                   ("不充分" if ratings.get(part) == "INADEQUATE" else "内容完整")} for part in parts}


def review(submission_id="p-1-FSR-v1", conclusion="PASS", opinion="网络安全保障措施篇（章）内容完整，同意通过",
           important_domain=False, **overrides) -> dict:
    body = {"submission_id": submission_id, "conclusion": conclusion, "opinion": opinion,
            "assessments": assessments(), "important_domain": important_domain}
    body.update(overrides)
    return body


db_url, clock, provider, other_instance = sqlite_worker_fixtures("security", MIGRATIONS, infra, NOW)


@pytest.fixture
def as_(token_pair, provider):
    """``as_("WX").record_cybersecurity_review(...)``; ``as_()`` has no caller."""
    return lambda who=None: make_worker(SecurityService, provider, token_pair, USERS[who] if who else None)


@pytest.fixture
def db(provider):
    """The outbox and audit chain, read the way an inspector would."""
    return Records(provider.engine, infra, "security")


# Helpers as fixtures: with --import-mode=importlib a test cannot import conftest.
@pytest.fixture
def users():
    return USERS


@pytest.fixture
def ev():
    """``ev.submitted(...)``: a submission as approval announces it; ``ev.chapter(...)`` its security chapter."""
    class Events:
        pass
    out = Events()
    out.submitted, out.chapter = submitted, chapter
    return out


@pytest.fixture
def payload():
    """``payload.review(...)``, ``payload.assessments(...)``: 网信's input."""
    class Payloads:
        pass
    out = Payloads()
    out.review, out.assessments = review, assessments
    return out


@pytest.fixture
def migrations():
    return MIGRATIONS
