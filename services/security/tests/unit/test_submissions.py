"""Submissions announced by approval open 网信's pending cybersecurity reviews
(R-14-1, R-14-2): one per submission, a newer version of the same stage
supersedes the older pending one, redelivery changes nothing, and a classified
project keeps only what the event carries (R-0-3, R-18-5)."""

import dataclasses

import pytest
from sqlalchemy import inspect, text

from itpm_common.errors import Refusal
from itpm_common.events import event_type


def refused(call, *args, **kwargs) -> Refusal:
    with pytest.raises(Refusal) as info:
        call(*args, **kwargs)
    return info.value


def pending(as_, **filters):
    return as_("WX").list_cybersecurity_reviews(filters)


@pytest.mark.parametrize("stage", ["FSR", "PD", "URGENT_PACKAGE", "COMBINED_PACKAGE"])
def test_each_submission_with_a_security_chapter_opens_a_pending_review(as_, ev, db, stage):
    as_().on_event(ev.submitted(stage))

    got = as_("WX").get_cybersecurity_review("p-1")
    assert (got["submission_id"], got["stage"], got["version_no"], got["status"]) == (
        f"p-1-{stage}-v1", stage, 1, "PENDING")
    assert got["digest"] == f"{1:064x}"
    assert got["security_chapter"] == ev.chapter()
    assert (got["conclusion"], got["opinion"], got["assessments"]) == (None, None, None)
    assert (got["unit_id"], got["unit_name"], got["name"], got["plan_year"]) == (
        "unit-a", "市民政局", "社会救助信息系统升级", 2025)
    assert got["received_at"] == "2025-09-01T10:00:00+08:00"
    assert [r["submission_id"] for r in pending(as_)["items"]] == [f"p-1-{stage}-v1"]
    # Opening a review is security's bookkeeping, not a fact for others.
    assert db.events() == []
    [entry] = db.audit()
    assert (entry["action"], entry["actor_id"], entry["rule"], entry["article"]) == (
        "open_cybersecurity_review", "system", "R-14-2", "第十四条")
    assert entry["details"]["submitted_by"] == "u-unit-a"


def test_the_proposal_has_no_security_chapter_to_review(as_, ev):
    proposal = dataclasses.replace(ev.submitted("FSR", security_chapter=None),
                                   type=event_type("approval", "ProposalSubmitted"))
    as_().on_event(proposal)
    assert pending(as_)["total"] == 0
    # The projection still learns the project.
    assert as_("WX").get_projection("p-1")["unit_id"] == "unit-a"


def test_a_newer_version_of_the_same_stage_supersedes_the_older_pending_one(as_, ev, db):
    as_().on_event(ev.submitted("FSR", version_no=1))
    as_().on_event(ev.submitted("FSR", version_no=2))

    assert [r["submission_id"] for r in pending(as_)["items"]] == ["p-1-FSR-v2"]
    old = as_("WX").get_cybersecurity_review("p-1", "p-1-FSR-v1")
    assert (old["status"], old["superseded_by"]) == ("SUPERSEDED", "p-1-FSR-v2")
    latest = as_("WX").get_cybersecurity_review("p-1")
    assert (latest["submission_id"], latest["status"]) == ("p-1-FSR-v2", "PENDING")
    assert [h["submission_id"] for h in latest["history"]] == ["p-1-FSR-v2", "p-1-FSR-v1"]
    actions = [(e["action"], e["details"].get("submission_id")) for e in db.audit()]
    assert actions == [("open_cybersecurity_review", "p-1-FSR-v1"), ("supersede_cybersecurity_review", "p-1-FSR-v1"),
                       ("open_cybersecurity_review", "p-1-FSR-v2")]


def test_a_recorded_review_stays_recorded_when_a_newer_version_arrives(as_, ev, payload):
    as_().on_event(ev.submitted("FSR", version_no=1))
    as_("WX").record_cybersecurity_review("p-1", payload.review("p-1-FSR-v1", conclusion="FAIL",
                                                                opinion="需求分析不足，不予通过"))
    as_().on_event(ev.submitted("FSR", version_no=2))

    old = as_("WX").get_cybersecurity_review("p-1", "p-1-FSR-v1")
    assert (old["status"], old["conclusion"], old["superseded_by"]) == ("RECORDED", "FAIL", "p-1-FSR-v2")
    assert [r["submission_id"] for r in pending(as_)["items"]] == ["p-1-FSR-v2"]


def test_another_stage_does_not_supersede(as_, ev):
    as_().on_event(ev.submitted("FSR", version_no=3))
    as_().on_event(ev.submitted("PD", version_no=1))
    assert sorted(r["submission_id"] for r in pending(as_)["items"]) == ["p-1-FSR-v3", "p-1-PD-v1"]


def test_another_projects_versions_do_not_supersede(as_, ev):
    as_().on_event(ev.submitted("FSR", project_id="p-1", version_no=1))
    as_().on_event(ev.submitted("FSR", project_id="p-2", version_no=2))
    assert sorted(r["submission_id"] for r in pending(as_)["items"]) == ["p-1-FSR-v1", "p-2-FSR-v2"]


def test_an_older_version_arriving_late_is_superseded_on_arrival(as_, ev):
    as_().on_event(ev.submitted("FSR", version_no=2))
    as_().on_event(ev.submitted("FSR", version_no=1))

    assert [r["submission_id"] for r in pending(as_)["items"]] == ["p-1-FSR-v2"]
    late = as_("WX").get_cybersecurity_review("p-1", "p-1-FSR-v1")
    assert (late["status"], late["superseded_by"]) == ("SUPERSEDED", "p-1-FSR-v2")
    # The latest arrival is not the latest version: the project's review is the newest seen first.
    assert as_("WX").get_cybersecurity_review("p-1")["submission_id"] == "p-1-FSR-v1"


def test_the_same_event_delivered_twice_opens_one_review(as_, ev, db):
    event = ev.submitted("PD")
    as_().on_event(event)
    as_().on_event(event)
    assert pending(as_)["total"] == 1
    assert [e["action"] for e in db.audit()] == ["open_cybersecurity_review"]


def test_the_same_submission_announced_again_under_another_event_id_changes_nothing(as_, ev, db):
    as_().on_event(ev.submitted("PD"))
    as_().on_event(ev.submitted("PD", security_chapter=ev.chapter(needs_analysis="另一份文本")))
    assert pending(as_)["total"] == 1
    assert as_("WX").get_cybersecurity_review("p-1")["security_chapter"]["needs_analysis"] == \
        ev.chapter()["needs_analysis"]
    assert [e["action"] for e in db.audit()] == ["open_cybersecurity_review"]


def test_the_units_important_domain_declaration_is_kept(as_, ev):
    as_().on_event(ev.submitted("FSR", important_domain=True))
    got = as_("WX").get_cybersecurity_review("p-1")
    assert (got["declared_important_domain"], got["important_domain"]) == (True, None)


def test_a_submission_without_a_chapter_still_reaches_wx_with_the_parts_empty(as_, ev, db):
    # approval refuses such a submission (R-14-1); should one arrive, 网信 sees the gap.
    as_().on_event(ev.submitted("FSR", security_chapter=None))
    got = as_("WX").get_cybersecurity_review("p-1")
    assert got["status"] == "PENDING"
    assert set(got["security_chapter"].values()) == {None}
    assert db.audit()[0]["details"]["chapter_received"] is False


def test_r_0_3_a_classified_project_keeps_only_the_chapter_and_facts_the_event_carries(as_, ev, provider):
    summary = "分级保护方案（非密摘要）：按机密级要求建设"
    as_().on_event(ev.submitted("FSR", classified=True,
                                security_chapter=ev.chapter(tiered_protection_summary=summary),
                                line_items=[{"code": "1", "name": "机房", "amount_fen": 1}],
                                similar_systems=[{"name": "x", "owner": "y", "reason_not_reused": "z"}]))
    got = as_("WX").get_cybersecurity_review("p-1")
    assert got["classified"] is True
    assert got["security_chapter"]["tiered_protection_summary"] == summary
    # Nothing beyond the chapter and the facts is written anywhere.
    columns = {c["name"] for c in inspect(provider.engine).get_columns("cybersecurity_reviews")}
    assert not {"line_items", "similar_systems", "content", "duplicate_collection_flags"} & columns
    with provider.engine.connect() as conn:
        stored = " ".join(str(v) for v in conn.execute(text("SELECT * FROM cybersecurity_reviews")).one())
    assert "机房" not in stored and "reason_not_reused" not in stored


def test_a_project_that_turns_classified_hides_its_earlier_reviews_from_audit(as_, ev):
    as_().on_event(ev.submitted("FSR", version_no=1))
    assert as_("SJ").get_cybersecurity_review("p-1")["submission_id"] == "p-1-FSR-v1"
    as_().on_event(ev.submitted("PD", version_no=1, classified=True))

    assert refused(as_("SJ").get_cybersecurity_review, "p-1", "p-1-FSR-v1").code == "NOT-FOUND"
    assert as_("SJ").list_cybersecurity_reviews({"status": "ALL"})["total"] == 0
    assert as_("BM").list_cybersecurity_reviews({"status": "ALL"})["total"] == 2
