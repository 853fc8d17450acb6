"""网信 records its cybersecurity review of one submission through worker_factory
with the real unit of work (第四条（二） R-4-1, 第十四条 R-14-2 [I], 第十八条
R-18-1/R-18-2 A-43 [I], R-0-1, R-0-2)."""

import pytest

from itpm_common.errors import Refusal

FSR1 = "p-1-FSR-v1"


def refused(call, *args, **kwargs) -> Refusal:
    with pytest.raises(Refusal) as info:
        call(*args, **kwargs)
    return info.value


@pytest.fixture
def opened(as_, ev):
    as_().on_event(ev.submitted("FSR"))


def _no_recording(as_, db):
    """A refusal changes nothing and emits nothing (rules.md §0.3)."""
    assert db.events() == []
    assert as_("WX").get_cybersecurity_review("p-1", FSR1)["status"] == "PENDING"


# ----------------------------------------------------------------- what is recorded


def test_wx_records_a_pass_and_security_announces_it(as_, db, opened, payload):
    out = as_("WX").record_cybersecurity_review("p-1", payload.review())

    assert (out["status"], out["conclusion"], out["important_domain"]) == ("RECORDED", "PASS", False)
    assert out["opinion"] == "网络安全保障措施篇（章）内容完整，同意通过"
    assert out["assessments"]["crypto_content"] == {"rating": "ADEQUATE", "note": "crypto_content：经审查内容完整"}
    assert (out["recorded_by"], out["recorded_by_name"], out["recorded_at"]) == (
        "u-wx-1", "网信甲", "2025-09-01T10:00:00+08:00")
    [event] = db.events("CybersecurityReviewRecorded")
    assert event["data"] == {
        "project_id": "p-1", "unit_id": "unit-a", "unit_name": "市民政局", "name": "社会救助信息系统升级",
        "classified": False, "plan_year": 2025, "category": "BUILD", "submission_id": FSR1, "stage": "FSR",
        "version_no": 1, "digest": f"{1:064x}", "conclusion": "PASS",
        "opinion": "网络安全保障措施篇（章）内容完整，同意通过", "important_domain": False}
    assert (event["subject"], event["article"], event["unitid"], event["visibility"]) == (
        "p-1", "第十四条", "unit-a", "internal")
    assert (event["actorid"], event["actorrole"]) == ("u-wx-1", "WX")
    entry = db.audit()[-1]
    assert (entry["action"], entry["outcome"], entry["rule"], entry["article"]) == (
        "record_cybersecurity_review", "ACCEPTED", "R-14-2", "第十四条")
    assert entry["details"]["inadequate_parts"] == []
    assert as_("WX").list_cybersecurity_reviews()["total"] == 0
    assert [r["conclusion"] for r in as_("WX").list_cybersecurity_reviews({"status": "RECORDED"})["items"]] == \
        ["PASS"]


@pytest.mark.parametrize("conclusion, opinion", [
    ("PASS_WITH_CONDITIONS", "同意通过，条件：初步设计阶段补充密码应用方案专家评估意见"),
    ("FAIL", "不予通过，理由：保障体系设计未覆盖数据安全，密码应用内容缺失")])
def test_r_14_2_conditions_or_refusal_on_inadequate_parts(as_, db, opened, payload, conclusion, opinion):
    body = payload.review(conclusion=conclusion, opinion=opinion,
                          assessments=payload.assessments(protection_design="INADEQUATE",
                                                          crypto_content="INADEQUATE"))
    out = as_("WX").record_cybersecurity_review("p-1", body)
    assert (out["conclusion"], out["opinion"]) == (conclusion, opinion)
    assert db.events("CybersecurityReviewRecorded")[0]["data"]["conclusion"] == conclusion
    assert db.audit()[-1]["details"]["inadequate_parts"] == ["protection_design", "crypto_content"]


@pytest.mark.parametrize("stage", ["PD", "URGENT_PACKAGE", "COMBINED_PACKAGE"])
def test_pd_and_packages_are_reviewed_the_same_way(as_, ev, db, payload, stage):
    as_().on_event(ev.submitted(stage, version_no=2))
    as_("WX").record_cybersecurity_review("p-1", payload.review(f"p-1-{stage}-v2"))
    [event] = db.events("CybersecurityReviewRecorded")
    assert (event["data"]["stage"], event["data"]["version_no"]) == (stage, 2)


def test_r_18_2_a_43_wx_may_judge_the_system_to_be_in_an_important_domain(as_, db, opened, payload):
    out = as_("WX").record_cybersecurity_review("p-1", payload.review(important_domain=True))
    assert (out["declared_important_domain"], out["important_domain"]) == (False, True)
    assert db.events("CybersecurityReviewRecorded")[0]["data"]["important_domain"] is True


def test_r_18_2_a_43_wx_confirms_the_units_declaration(as_, ev, db, payload):
    as_().on_event(ev.submitted("FSR", important_domain=True))
    as_("WX").record_cybersecurity_review("p-1", payload.review(important_domain=True))
    assert db.events("CybersecurityReviewRecorded")[0]["data"]["important_domain"] is True


# ----------------------------------------------------------------- refusals by rule


@pytest.mark.parametrize("part", ["needs_analysis", "tasks_and_content", "protection_design", "investment",
                                  "crypto_content"])
def test_r_14_2_a_pass_with_an_inadequate_part_is_refused(as_, db, opened, payload, part):
    body = payload.review(assessments=payload.assessments(**{part: "INADEQUATE"}))
    refusal = refused(as_("WX").record_cybersecurity_review, "p-1", body)
    assert (refusal.code, refusal.rule, refusal.article) == ("E14-SECURITY-PART-INADEQUATE", "R-14-2", "第十四条")
    assert refusal.details["inadequate_parts"] == [part]
    _no_recording(as_, db)
    entry = db.audit()[-1]
    assert (entry["outcome"], entry["code"], entry["project_id"]) == (
        "REFUSED", "E14-SECURITY-PART-INADEQUATE", "p-1")


def test_r_18_2_a_43_wx_does_not_clear_the_units_declaration(as_, ev, db, payload):
    as_().on_event(ev.submitted("FSR", important_domain=True))
    refusal = refused(as_("WX").record_cybersecurity_review, "p-1", payload.review(important_domain=False))
    assert (refusal.code, refusal.rule, refusal.article) == ("E18-IMPORTANT-DOMAIN-DECLARED", "R-18-2", "第十八条")
    _no_recording(as_, db)


@pytest.mark.parametrize("who", ["UNIT", "ZWB", "FG", "GX", "CZ", "SJ"])
def test_r_4_1_only_wx_records_the_cybersecurity_review(as_, db, opened, payload, who):
    refusal = refused(as_(who).record_cybersecurity_review, "p-1", payload.review())
    assert (refusal.code, refusal.rule, refusal.article) == ("AUTH-FORBIDDEN", "R-4-1", "第四条")
    assert refusal.details["allowed_roles"] == ["WX"]
    _no_recording(as_, db)
    assert db.audit()[-1]["outcome"] == "REFUSED"


def test_r_4_1_bm_may_see_a_classified_project_but_not_review_it(as_, ev, db, payload):
    as_().on_event(ev.submitted("FSR", classified=True))
    refusal = refused(as_("BM").record_cybersecurity_review, "p-1", payload.review())
    assert (refusal.code, refusal.rule) == ("AUTH-FORBIDDEN", "R-4-1")
    assert db.events() == []


@pytest.mark.parametrize("who", ["UNIT_B", "LG", "JL", "BM"])
def test_who_may_not_see_the_project_learns_nothing_about_it(as_, db, opened, payload, who):
    refusal = refused(as_(who).record_cybersecurity_review, "p-1", payload.review())
    assert refusal.code == "NOT-FOUND"
    assert refused(as_(who).record_cybersecurity_review, "p-404", payload.review()).payload == \
        {**refusal.payload, "details": {"id": "p-404"}}
    _no_recording(as_, db)


def test_audit_may_not_see_a_classified_project(as_, ev, payload):
    as_().on_event(ev.submitted("FSR", classified=True))
    assert refused(as_("SJ").record_cybersecurity_review, "p-1", payload.review()).code == "NOT-FOUND"


def test_a_submission_of_another_project_is_not_found(as_, ev, db, opened, payload):
    as_().on_event(ev.submitted("FSR", project_id="p-2"))
    refusal = refused(as_("WX").record_cybersecurity_review, "p-1", payload.review("p-2-FSR-v1"))
    assert (refusal.code, refusal.details) == ("NOT-FOUND", {"id": "p-2-FSR-v1"})
    assert refused(as_("WX").record_cybersecurity_review, "p-1", payload.review("nope")).code == "NOT-FOUND"
    assert db.events() == []


def test_recording_on_a_superseded_submission_is_state_invalid(as_, ev, db, opened, payload):
    as_().on_event(ev.submitted("FSR", version_no=2))
    refusal = refused(as_("WX").record_cybersecurity_review, "p-1", payload.review(FSR1))
    assert (refusal.code, refusal.rule, refusal.article) == ("STATE-INVALID", "R-14-2", "第十四条")
    assert refusal.details["current_state"] == "SUPERSEDED"
    assert refusal.details["superseded_by"] == "p-1-FSR-v2"
    assert db.events() == []


def test_recording_twice_is_state_invalid_and_emits_one_event(as_, db, opened, payload):
    as_("WX").record_cybersecurity_review("p-1", payload.review())
    refusal = refused(as_("WX2").record_cybersecurity_review, "p-1",
                      payload.review(conclusion="FAIL", opinion="不予通过，理由：密码应用内容不足"))
    assert (refusal.code, refusal.details["current_state"], refusal.details["conclusion"]) == (
        "STATE-INVALID", "RECORDED", "PASS")
    assert len(db.events("CybersecurityReviewRecorded")) == 1
    assert as_("WX").get_cybersecurity_review("p-1")["conclusion"] == "PASS"


def test_r_0_2_a_decision_on_a_stale_version_is_refused(as_, db, opened, payload):
    current = as_("WX").get_cybersecurity_review("p-1")["version"]
    refusal = refused(as_("WX").record_cybersecurity_review, "p-1", payload.review(expected_version=current + 1))
    assert (refusal.code, refusal.rule) == ("STATE-INVALID", "R-0-2")
    assert refusal.details["current_version"] == current
    assert db.events() == []
    out = as_("WX").record_cybersecurity_review("p-1", payload.review(expected_version=current))
    assert out["version"] == current + 1


def test_r_0_1_the_same_key_replays_the_answer_and_emits_nothing_more(as_, db, opened, payload):
    first = as_("WX").record_cybersecurity_review("p-1", payload.review(), idempotency_key="k-1")
    again = as_("WX").record_cybersecurity_review("p-1", payload.review(), idempotency_key="k-1")
    assert again == first
    assert len(db.events("CybersecurityReviewRecorded")) == 1
    other = refused(as_("WX").record_cybersecurity_review, "p-1",
                    payload.review(opinion="另一意见"), idempotency_key="k-1")
    assert (other.code, other.rule) == ("IDEMPOTENCY-CONFLICT", "R-0-1")


# ----------------------------------------------------------------- validation


@pytest.mark.parametrize("conclusion, message", [
    ("PASS", "审查意见不能为空"), ("PASS_WITH_CONDITIONS", "有条件通过时须在意见中写明条件"),
    ("FAIL", "不通过时须在意见中写明理由")])
def test_the_opinion_is_required_and_states_the_conditions_or_reasons(as_, db, opened, payload, conclusion,
                                                                      message):
    refusal = refused(as_("WX").record_cybersecurity_review, "p-1", payload.review(conclusion=conclusion,
                                                                                   opinion="  \n "))
    assert (refusal.code, refusal.details["fields"]) == ("VALIDATION", {"opinion": [message]})
    _no_recording(as_, db)


def _without(body: dict, *path):
    *parents, last = path
    target = body
    for key in parents:
        target = target[key]
    del target[last]
    return body


@pytest.mark.parametrize("path", [("submission_id",), ("conclusion",), ("opinion",), ("important_domain",),
                                  ("assessments",), ("assessments", "investment"),
                                  ("assessments", "crypto_content"), ("assessments", "needs_analysis", "note"),
                                  ("assessments", "tasks_and_content", "rating")])
def test_every_field_and_every_part_assessment_is_required(as_, db, opened, payload, path):
    refusal = refused(as_("WX").record_cybersecurity_review, "p-1", _without(payload.review(), *path))
    assert refusal.code == "VALIDATION"
    _no_recording(as_, db)


@pytest.mark.parametrize("change", [
    {"conclusion": "APPROVED"}, {"important_domain": None}, {"expected_version": "1"}, {"extra": 1},
    {"assessments": {"needs_analysis": {"rating": "GOOD", "note": "x"}}},
    {"assessments": {"needs_analysis": {"rating": "ADEQUATE", "note": "  "}}},
    {"assessments": {"tiered_protection_summary": {"rating": "ADEQUATE", "note": "x"}}}])
def test_malformed_input_is_a_validation_refusal(as_, db, opened, payload, change):
    body = payload.review()
    for key, value in change.items():
        if key == "assessments":
            body["assessments"].update(value)
        else:
            body[key] = value
    refusal = refused(as_("WX").record_cybersecurity_review, "p-1", body)
    assert refusal.code == "VALIDATION"
    _no_recording(as_, db)


def test_a_payload_that_is_no_object_is_refused(as_, opened):
    assert refused(as_("WX").record_cybersecurity_review, "p-1", ["x"]).code == "VALIDATION"
