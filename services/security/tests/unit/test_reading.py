"""Who reads the cybersecurity reviews (rules.md §7.2): a department its own, the
bureaus every project, 审计 the non-classified ones, the secrecy administration
the metadata of classified ones; anyone else nothing (NOT-FOUND, never 403)."""

import pytest

from itpm_common.errors import Refusal


def refused(call, *args, **kwargs) -> Refusal:
    with pytest.raises(Refusal) as info:
        call(*args, **kwargs)
    return info.value


@pytest.fixture
def two_units(as_, ev, users):
    as_().on_event(ev.submitted("FSR", project_id="p-a", unit=users["UNIT"]))
    as_().on_event(ev.submitted("FSR", project_id="p-b", unit=users["UNIT_B"]))
    as_().on_event(ev.submitted("PD", project_id="p-s", unit=users["UNIT"], classified=True,
                                security_chapter=ev.chapter(tiered_protection_summary="分级保护方案非密摘要")))


def listed(as_, who, **filters):
    return sorted(r["project_id"] for r in as_(who).list_cybersecurity_reviews(filters)["items"])


@pytest.mark.parametrize("who, sees", [
    ("UNIT", ["p-a", "p-s"]), ("UNIT_B", ["p-b"]), ("WX", ["p-a", "p-b", "p-s"]), ("ZWB", ["p-a", "p-b", "p-s"]),
    ("FG", ["p-a", "p-b", "p-s"]), ("CZ", ["p-a", "p-b", "p-s"]), ("GX", ["p-a", "p-b", "p-s"]),
    ("SJ", ["p-a", "p-b"]), ("BM", ["p-s"]), ("LG", []), ("JL", [])])
def test_each_role_lists_and_reads_what_7_2_lets_it(as_, two_units, who, sees):
    assert listed(as_, who) == sees
    for project_id in ("p-a", "p-b", "p-s"):
        if project_id in sees:
            assert as_(who).get_cybersecurity_review(project_id)["project_id"] == project_id
        else:
            refusal = refused(as_(who).get_cybersecurity_review, project_id)
            assert refusal.code == "NOT-FOUND"
            assert refusal.payload == refused(as_(who).get_cybersecurity_review, "p-none").payload | \
                {"details": {"id": project_id}}


def test_the_secrecy_administration_reads_only_the_metadata_of_a_classified_project(as_, two_units, payload):
    as_("WX").record_cybersecurity_review("p-s", payload.review("p-s-PD-v1"))
    got = as_("BM").get_cybersecurity_review("p-s")
    assert got["metadata_only"] is True
    assert (got["stage"], got["version_no"], got["status"], got["conclusion"]) == ("PD", 1, "RECORDED", "PASS")
    assert not {"security_chapter", "opinion", "assessments", "recorded_by", "recorded_by_name"} & set(got)
    full = as_("WX").get_cybersecurity_review("p-s")
    assert full["metadata_only"] is False
    assert full["security_chapter"]["tiered_protection_summary"] == "分级保护方案非密摘要"


def test_the_unit_reads_its_own_review_in_full(as_, two_units, payload):
    as_("WX").record_cybersecurity_review("p-a", payload.review("p-a-FSR-v1", conclusion="PASS_WITH_CONDITIONS",
                                                                opinion="有条件通过：补充密码应用方案评估"))
    got = as_("UNIT").get_cybersecurity_review("p-a", "p-a-FSR-v1")
    assert (got["conclusion"], got["opinion"]) == ("PASS_WITH_CONDITIONS", "有条件通过：补充密码应用方案评估")
    assert set(got["assessments"]) == {"needs_analysis", "tasks_and_content", "protection_design", "investment",
                                       "crypto_content"}


def test_a_submission_of_another_project_is_not_found(as_, two_units):
    assert refused(as_("WX").get_cybersecurity_review, "p-a", "p-b-FSR-v1").code == "NOT-FOUND"
    assert refused(as_("WX").get_cybersecurity_review, "p-a", "nope").code == "NOT-FOUND"


def test_the_work_list_filters(as_, ev, two_units, payload):
    as_().on_event(ev.submitted("FSR", project_id="p-a", version_no=2))
    as_("WX").record_cybersecurity_review("p-b", payload.review("p-b-FSR-v1"))

    assert listed(as_, "WX") == ["p-a", "p-s"]
    assert listed(as_, "WX", stage="PD") == ["p-s"]
    assert listed(as_, "WX", status="RECORDED") == ["p-b"]
    assert listed(as_, "WX", status="SUPERSEDED") == ["p-a"]
    assert listed(as_, "WX", status="ALL") == ["p-a", "p-a", "p-b", "p-s"]
    assert listed(as_, "WX", status="ALL", project_id="p-a") == ["p-a", "p-a"]
    assert listed(as_, "WX", plan_year=2026) == []
    page = as_("WX").list_cybersecurity_reviews({"status": "ALL", "page": 2, "page_size": 3})
    assert (page["total"], len(page["items"]), page["page"]) == (4, 1, 2)
    assert refused(as_("WX").list_cybersecurity_reviews, {"status": "DONE"}).code == "VALIDATION"
    assert refused(as_("WX").list_cybersecurity_reviews, {"stage": "PROPOSAL"}).code == "VALIDATION"
