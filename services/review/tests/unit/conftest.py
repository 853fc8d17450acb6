"""Workers built with nameko's worker_factory on a real, migrated SQLite file,
real signed identities and the real unit of work; only the broker is absent."""

from __future__ import annotations

from datetime import datetime

import pytest

from itpm_common.clock import SHANGHAI
from itpm_common.events import CloudEvent, event_type
from itpm_common.identity import Identity
from itpm_common.testing import ROLE_USERS, Records, make_worker, sqlite_worker_fixtures
from review.migrate import MIGRATIONS
from review.models import infra
from review.service import ReviewService
from review.settings import ReviewSettings

NOW = datetime(2025, 3, 10, 9, 30, tzinfo=SHANGHAI)

USERS = {**ROLE_USERS,
         "ZWB2": Identity("u-zwb-2", "赵政务", "ZWB", "zwb", "市政务办")}


db_url, clock, provider, other_instance = sqlite_worker_fixtures("review", MIGRATIONS, infra, NOW)



@pytest.fixture
def settings():
    """The §10 defaults; a test parametrizes ``settings`` to try another."""
    return ReviewSettings()


@pytest.fixture
def worker_on(token_pair, settings):
    """``worker_on(provider, "WX")``: a worker whose caller is that user."""
    return lambda provider, who: make_worker(ReviewService, provider, token_pair, USERS[who] if who else None,
                                             settings=settings)


@pytest.fixture
def as_(worker_on, provider):
    """``as_("WX").record_opinion(...)``."""
    return lambda who=None: worker_on(provider, who)


def _facts(project_id: str, unit: Identity) -> dict:
    return {"project_id": project_id, "name": "社会救助信息系统升级", "category": "BUILD", "plan_year": 2026,
            "unit_id": unit.unit_id, "unit_name": unit.unit_name, "classified": False}


def planning_event(name: str, project_id: str, data: dict, unit: Identity = USERS["UNIT"],
                   event_id: str | None = None, article: str = "第七条", time: str | None = None) -> CloudEvent:
    extra = {"id": event_id} if event_id else {}
    if time:
        extra["time"] = time
    return CloudEvent(type=event_type("planning", name), source="/itpm/planning", subject=project_id,
                      data=data, unitid=unit.unit_id, article=article, actorid=unit.user_id,
                      actorrole=unit.role, **extra)


def submitted_event(project_id: str = "p-1", unit: Identity = USERS["UNIT"], version_no: int = 1,
                    event_id: str | None = None, **data) -> CloudEvent:
    body = {**_facts(project_id, unit), "state": "PLAN_APPLIED", "rank": 1, "version_no": version_no,
            "estimate_fen": 3_500_000_000, "origin": "PLAN", "superior_funding_fen": 0, **data}
    return planning_event("PlanApplicationSubmitted", project_id, body, unit, event_id)


def withdrawn_event(project_id: str = "p-1", version_no: int = 1, unit: Identity = USERS["UNIT"]) -> CloudEvent:
    body = {**_facts(project_id, unit), "version_no": version_no}
    return planning_event("PlanApplicationWithdrawn", project_id, body, unit)


def adhoc_event(project_id: str = "a-1", estimate_fen: int = 800_000_000, version_no: int = 1,
                unit: Identity = USERS["UNIT"], **data) -> CloudEvent:
    body = {**_facts(project_id, unit), "name": "应急指挥调度系统", "plan_year": 2025, "version_no": version_no,
            "estimate_fen": estimate_fen, "origin": "ADHOC", "adhoc_reason": "WORK_NEED",
            "superior_funding_fen": 0, **data}
    return planning_event("AdHocApplicationSubmitted", project_id, body, unit, article="第九条")


def special_report_event(project_id: str = "a-1", unit: Identity = USERS["UNIT"], **data) -> CloudEvent:
    body = {**_facts(project_id, unit), "reference": "连政办专报〔2025〕3号", "reported_on": "2025-03-01", **data}
    return CloudEvent(type=event_type("planning", "SpecialReportRecorded"), source="/itpm/planning",
                      subject=project_id, data=body, unitid=unit.unit_id, article="第九条",
                      actorid=USERS["ZWB"].user_id, actorrole="ZWB")


def funding_event(name: str = "FundingConfirmed", project_id: str = "a-1", total_fen: int = 800_000_000,
                  amount_fen: int | None = None, result: str = "SECURED", unit: Identity = USERS["UNIT"],
                  time: str | None = None, **data) -> CloudEvent:
    """funds' FundingConfirmed / FundingNotSecured / FundingConfirmationInvalidated."""
    amount = total_fen if amount_fen is None else amount_fen
    if name == "FundingConfirmationInvalidated":
        body = {**_facts(project_id, unit), "path": "ADHOC", "previous_total_fen": total_fen,
                "new_total_fen": data.pop("new_total_fen", total_fen + 1), "confirmation_id": "c-1", **data}
    else:
        body = {**_facts(project_id, unit), "confirmation_id": "c-1", "path": "ADHOC", "result": result,
                "confirmed_amount_fen": amount, "total_investment_fen": total_fen, "note": "资金已纳入预算",
                **data}
        if name == "FundingNotSecured":
            body.setdefault("shortfall_fen", max(0, total_fen - amount))
    extra = {"time": time} if time else {}
    return CloudEvent(type=event_type("funds", name), source="/itpm/funds", subject=project_id, data=body,
                      unitid=unit.unit_id, article="第九条", actorid=USERS["CZ"].user_id, actorrole="CZ",
                      **extra)


@pytest.fixture
def open_review(as_):
    """The department submits, 政务办 opens the plan review (T03)."""
    def open_(project_id: str = "p-1", **kw) -> dict:
        as_().on_event(submitted_event(project_id, **kw))
        return as_("ZWB").open_plan_review(project_id)

    return open_


@pytest.fixture
def open_joint(as_):
    """An ad-hoc application, 财政's confirmation, 政务办 opens the joint review (T10–T12)."""
    def open_(project_id: str = "a-1", estimate_fen: int = 800_000_000, **kw) -> dict:
        as_().on_event(adhoc_event(project_id, estimate_fen, **kw))
        as_().on_event(funding_event(project_id=project_id, total_fen=estimate_fen))
        return as_("ZWB").open_joint_review(project_id)

    return open_


def opinion(verdict: str = "AGREE", **overrides) -> dict:
    body = {"verdict": verdict, "necessity": "符合民政业务发展需要", "feasibility": "技术路线成熟",
            "security": "已按等保二级设计", "budget": "投资估算与建设内容匹配"}
    if verdict == "AGREE_WITH_CONDITIONS":
        body["conditions"] = "须复用市政务云资源"
    body.update(overrides)
    return body


def conclusion(outcome: str = "DRAFT", **overrides) -> dict:
    body = {"outcome": outcome, "consolidated_opinion": "经联审，同意列入年度建设计划草案",
            "criteria": {"policy_need": "MET", "intensive_sharing": "MET", "content_funding": "MET",
                         "security_solution": "MET"}}
    body.update(overrides)
    return body


@pytest.fixture
def db(provider):
    """The outbox and audit chain, read the way an inspector would."""
    return Records(provider.engine, infra, "review")


# Helpers as fixtures: with --import-mode=importlib a test cannot import conftest.
@pytest.fixture
def users():
    return USERS


@pytest.fixture
def submission():
    return submitted_event


@pytest.fixture
def withdrawal():
    return withdrawn_event


@pytest.fixture
def adhoc():
    return adhoc_event


@pytest.fixture
def funding():
    return funding_event


@pytest.fixture
def special_report():
    return special_report_event


@pytest.fixture
def opinion_payload():
    return opinion


@pytest.fixture
def conclusion_payload():
    return conclusion
