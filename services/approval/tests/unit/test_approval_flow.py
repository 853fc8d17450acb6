"""Chapter 3 through nameko worker_factory workers on the real unit of work (SQLite): the project code,
the catalog, the entries and stages, FG's decisions, the facts other services announce, the reads."""

import importlib.util
from pathlib import Path

import pytest

from approval.cross_department import FrameworkGate
from approval.migrate import MIGRATIONS
from approval.models import infra
from approval.service import ApprovalService
from approval.settings import ApprovalSettings
from itpm_common.errors import Refusal
from itpm_common.identity import Identity
from itpm_common.testing import Records, make_worker, sqlite_worker_fixtures

_spec = importlib.util.spec_from_file_location("approval_chapter3", Path(__file__).parents[1] / "chapter3.py")
c3 = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(c3)
DECISION, NOW, DOC, fact = c3.DECISION, c3.NOW, c3.DOC, c3.fact
catalog, copied, cybersecurity, estimate_requested, estimate_reviewed = (
    c3.catalog, c3.copied, c3.cybersecurity, c3.estimate_requested, c3.estimate_reviewed)
fsr, package, pd, planned, proposal, technical = c3.fsr, c3.package, c3.pd, c3.planned, c3.proposal, c3.technical

USERS = {
    "UNIT": Identity("u-a", "张三", "UNIT", "unit-a", "市民政局"),
    "UNIT_B": Identity("u-b", "李四", "UNIT", "unit-b", "市交通运输局"),
    "FG": Identity("u-fg", "发改甲", "FG", "fg", "市发改委"),
    "FG2": Identity("u-fg2", "发改乙", "FG", "fg", "市发改委"),
    "ZWB": Identity("u-zwb", "王政务", "ZWB", "zwb", "市政务办"),
    "CZ": Identity("u-cz", "财政甲", "CZ", "cz", "市财政局"),
    "SJ": Identity("u-sj", "审计甲", "SJ", "sj", "市审计局"),
}
CODE = "2026-320700-65-01-000123"


db_url, clock, provider, other_instance = sqlite_worker_fixtures("approval", MIGRATIONS, infra, NOW)


@pytest.fixture
def settings():
    return {}


@pytest.fixture
def as_(provider, token_pair, settings):
    return lambda who=None: make_worker(ApprovalService, provider, token_pair, USERS[who] if who else None,
                                        settings=ApprovalSettings(**settings), framework=FrameworkGate())


def refused(call, *args, **kwargs) -> Refusal:
    with pytest.raises(Refusal) as info:
        call(*args, **kwargs)
    return info.value


def events(provider, name=None):
    return Records(provider.engine, infra, "approval").events(name)


@pytest.fixture
def project(as_):
    """p-1: a planned BUILD project of unit-a, listed in the plan copied to 发改, with its project code."""
    as_().on_event(planned("p-1"))
    as_().on_event(copied("p-1"))
    as_("UNIT").record_project_code("p-1", {"code": CODE})
    return "p-1"


def pass_reviews(as_, project_id, sub, security=True):
    as_().on_event(technical(project_id, sub))
    if security:
        as_().on_event(cybersecurity(project_id, sub))


def approve_fsr(as_, project_id, **fsr_over):
    as_("UNIT").submit_catalog(project_id, catalog())
    sub = as_("UNIT").submit_stage(project_id, "FSR", fsr(**fsr_over))
    pass_reviews(as_, project_id, sub)
    return as_("FG").approve(project_id, sub["submission_id"], DECISION)


# ---------------------------------------------------------------- Art 15


def test_r_15_1_entry_needs_the_project_code(as_):
    as_().on_event(planned("p-1"))
    as_().on_event(copied("p-1"))
    r = refused(as_("UNIT").submit_stage, "p-1", "FSR", fsr())
    assert (r.code, r.rule, r.article) == ("E15-PROJECT-CODE-MISSING", "R-15-1", "第十五条")


def test_r_15_2_a_code_belongs_to_one_project(as_, project, provider):
    as_().on_event(planned("p-2"))
    r = refused(as_("UNIT").record_project_code, "p-2", {"code": CODE})
    assert (r.code, r.rule) == ("E15-PROJECT-CODE-IN-USE", "R-15-2")
    [ev] = events(provider, "ProjectCodeRecorded")
    assert ev["data"]["code"] == CODE and ev["data"]["name"] == "项目p-1"


def test_r_15_3_format_is_validation(as_):
    as_().on_event(planned("p-1"))
    assert refused(as_("UNIT").record_project_code, "p-1", {"code": "2026-320700-65-01-12345"}).code == "VALIDATION"


def test_the_local_platform_issues_codes_in_sequence(as_):
    as_().on_event(planned("p-1"))
    as_().on_event(planned("p-2"))
    assert as_("UNIT").request_project_code("p-1")["code"] == "2026-320700-65-01-000001"
    assert as_("UNIT").request_project_code("p-2")["code"] == "2026-320700-65-01-000002"
    assert as_("FG").get_project_code("p-2")["platform"] == "LOCAL"


def test_only_the_own_unit_records_a_code(as_):
    as_().on_event(planned("p-1"))
    assert refused(as_("UNIT_B").record_project_code, "p-1", {"code": CODE}).code == "NOT-FOUND"
    assert refused(as_("FG").record_project_code, "p-1", {"code": CODE}).code == "AUTH-FORBIDDEN"


# ---------------------------------------------------------------- catalog


def test_catalog_versions_and_r_14_7_refusal(as_, project, provider):
    assert as_("UNIT").submit_catalog(project, catalog())["version_no"] == 1
    assert as_("UNIT").submit_catalog(project, catalog())["version_no"] == 2
    narrowed = catalog()
    narrowed["entries"][0]["consumer_scope"] = {"kind": "NAMED_DEPARTMENTS", "departments": ["市公安局"]}
    assert refused(as_("UNIT").submit_catalog, project, narrowed).code == "E14-SHARING-NARROWED"
    assert Records(provider.engine, infra, "approval").names()[-2:] == [
        "resource_catalog_submitted", "resource_catalog_versioned"]
    assert as_("FG").get_catalog(project, 1)["version_no"] == 1


# ---------------------------------------------------------------- entries


def test_r_10_9_an_om_project_does_not_enter(as_):
    as_().on_event(planned("p-om", category="OM"))
    as_("UNIT").record_project_code("p-om", {"code": CODE})
    r = refused(as_("UNIT").submit_stage, "p-om", "PROPOSAL", proposal())
    assert r.code == "E10-NOT-A-BUILD-PROJECT"


def test_r_8_6_not_listed_does_not_enter(as_):
    as_().on_event(planned("p-1"))
    as_("UNIT").record_project_code("p-1", {"code": CODE})
    assert refused(as_("UNIT").submit_stage, "p-1", "PROPOSAL", proposal()).code == "E08-NOT-IN-APPROVED-PLAN"


def test_pd_first_is_refused_under_r_10_4(as_, project):
    assert refused(as_("UNIT").submit_stage, project, "PD", pd()).code == "E10-FSR-REQUIRED"


def test_t20_proposal_then_t22_fsr_then_order(as_, project, provider):
    sub = as_("UNIT").submit_stage(project, "PROPOSAL", proposal())
    assert (sub["stage_state"], sub["track"]) == ("PROPOSAL_SUBMITTED", "STANDARD")
    assert refused(as_("UNIT").submit_stage, project, "FSR", fsr()).code == "STATE-INVALID"
    # TECH_REVIEW_REQUIRED_FOR_PROPOSAL is off by default: no review demanded.
    assert as_("FG").get_approval_path(project)["blockers"] == []
    out = as_("FG").approve(project, sub["submission_id"], {})
    assert out["stage_state"] == "PROPOSAL_APPROVED" and out["doc_no"] == "连发改审批〔2026〕1号"
    assert refused(as_("UNIT").submit_stage, project, "PD", pd()).code == "E10-FSR-REQUIRED"
    assert as_("UNIT").submit_stage(project, "FSR", fsr())["stage_state"] == "FSR_SUBMITTED"
    [ev] = events(provider, "ProposalSubmitted")
    assert ev["data"]["track"] == "STANDARD" and ev["data"]["origin"] == "PLAN" and ev["data"]["name"] == "项目p-1"


@pytest.mark.parametrize("settings", [{"tech_review_required_for_proposal": True}])
def test_r_10_2_proposal_review_when_switched_on(as_, project, settings):
    sub = as_("UNIT").submit_stage(project, "PROPOSAL", proposal())
    assert refused(as_("FG").approve, project, sub["submission_id"], {}).code == "E10-TECH-REVIEW-MISSING"


@pytest.mark.parametrize("total,ok", [(999_999_999, True), (1_000_000_000, True), (1_000_000_001, False)])
def test_r_10_7_combined_package_at_th2(as_, project, total, ok):
    call = as_("UNIT").submit_stage
    if ok:
        assert call(project, "COMBINED_PACKAGE", package("COMBINED_PACKAGE", total))["track"] == "COMBINED"
    else:
        assert refused(call, project, "COMBINED_PACKAGE", package("COMBINED_PACKAGE", total)).code == \
            "E10-COMBINED-OVER-LIMIT"


def test_r_10_6_urgent_package_basis_and_urgency(as_, project):
    bare = package("URGENT_PACKAGE", urgent_basis=None, urgency_statement=None)
    r = refused(as_("UNIT").submit_stage, project, "URGENT_PACKAGE", bare)
    assert r.code == "E10-PATH2-BASIS-MISSING" and len(r.details["violations"]) == 2


def test_r_10_5_path1_for_an_adhoc_project_needs_evidence(as_):
    as_().on_event(planned("p-1"))
    as_().on_event(fact("review", "JointReviewConcluded", "p-1",
                                                {"name": "项目p-1", "outcome": "PASS"}))
    as_("UNIT").record_project_code("p-1", {"code": CODE})
    assert refused(as_("UNIT").submit_stage, "p-1", "FSR", fsr()).code == "E10-PATH1-NOT-ELIGIBLE"
    evidence = {"plan_level": "PROVINCIAL", "plan_name": "江苏省数字政府规划", "item": "第3项", "document": None}
    assert refused(as_("UNIT").submit_stage, "p-1", "FSR", fsr(plan_listing_evidence=evidence)).code == \
        "E10-PATH1-NOT-ELIGIBLE"
    evidence["document"] = DOC
    out = as_("UNIT").submit_stage("p-1", "FSR", fsr(plan_listing_evidence=evidence))
    assert out["track"] == "PATH1"


def test_stage_content_checks_at_submission(as_, project):
    r = refused(as_("UNIT").submit_stage, project, "FSR", fsr(security_chapter=None, reliability_statement=None))
    assert [v["code"] for v in r.details["violations"]] == ["E14-SECURITY-CHAPTER-MISSING",
                                                             "E19-RELIABILITY-STATEMENT-MISSING"]
    r = refused(as_("UNIT").submit_stage, project, "FSR", fsr(new_civil_works=True))
    assert (r.code, r.rule) == ("E11-PREAPPROVALS-MISSING", "R-11-2")


def test_r_11_1_no_preapprovals_demanded_without_flags(as_, project):
    assert as_("UNIT").submit_stage(project, "FSR", fsr(preapprovals=None))["status"] == "SUBMITTED"


def test_line_items_must_sum_to_the_estimate(as_, project):
    bad = package("COMBINED_PACKAGE")
    bad["estimate"]["line_items"][0]["amount_fen"] += 1
    assert refused(as_("UNIT").submit_stage, project, "COMBINED_PACKAGE", bad).code == "VALIDATION"


def test_r_20_2_duplicate_collection_is_flagged_against_other_units_catalogs(as_, project, provider):
    as_().on_event(planned("p-b", unit_id="unit-b"))
    as_("UNIT_B").submit_catalog("p-b", catalog())
    items = [{"name": "身份证号", "source": "COLLECT"}]
    as_("UNIT").submit_catalog(project, catalog())
    out = as_("UNIT").submit_stage(project, "FSR", fsr(data_items=items))
    assert out["duplicate_collection_flags"] == [{"item": "身份证号", "provider_unit_id": "unit-b",
                                                  "provider_project_id": "p-b", "resource_code": "R-001"}]
    [ev] = events(provider, "DuplicateCollectionFlagged")
    assert ev["data"]["flags"] == out["duplicate_collection_flags"]
    as_().on_event(technical(project, out))
    as_().on_event(cybersecurity(project, out))
    r = refused(as_("FG").approve, project, out["submission_id"], DECISION)
    assert (r.code, r.details["items"]) == ("E20-DUPLICATE-COLLECTION", ["身份证号"])


# ---------------------------------------------------------------- FG's approval


def test_r_10_8_only_fg_decides(as_, project):
    sub = as_("UNIT").submit_stage(project, "FSR", fsr())
    for who in ("UNIT", "ZWB", "CZ"):
        r = refused(as_(who).approve, project, sub["submission_id"], DECISION)
        assert r.code in ("AUTH-FORBIDDEN",)


def test_r_10_2_stale_after_resubmission_then_carried_over(as_, project):
    as_("UNIT").submit_catalog(project, catalog())
    v1 = as_("UNIT").submit_stage(project, "FSR", fsr())
    pass_reviews(as_, project, v1)
    as_("FG").return_submission(project, v1["submission_id"], {"reason": "补充安全可靠说明"})
    v2 = as_("UNIT").submit_stage(project, "FSR", fsr(notes="修改版"))
    assert v2["version_no"] == 2
    as_().on_event(cybersecurity(project, v2))
    r = refused(as_("FG").approve, project, v2["submission_id"], DECISION)
    assert (r.code, r.rule) == ("E10-TECH-REVIEW-STALE", "R-10-2")
    # A conclusion bound to the old version's digest does not count for the new one.
    wrong = technical(project, {**v2, "digest": v1["digest"]})
    as_().on_event(wrong)
    assert refused(as_("FG").approve, project, v2["submission_id"], DECISION).code == "E10-TECH-REVIEW-STALE"
    as_().on_event(technical(project, v2, carried_over_from="tr-old"))
    assert as_("FG").approve(project, v2["submission_id"], DECISION)["stage_state"] == "FSR_APPROVED"


def test_r_10_2_conditions_must_be_acknowledged(as_, project):
    as_("UNIT").submit_catalog(project, catalog())
    sub = as_("UNIT").submit_stage(project, "FSR", fsr())
    as_().on_event(technical(project, sub, outcome="PASS_WITH_CONDITIONS", conditions="补充密评方案"))
    as_().on_event(cybersecurity(project, sub))
    r = refused(as_("FG").approve, project, sub["submission_id"], DECISION)
    assert r.details["conditions_acknowledged"] is False
    assert refused(as_("UNIT_B").acknowledge_conditions, project, sub["submission_id"]).code == "NOT-FOUND"
    as_("UNIT").acknowledge_conditions(project, sub["submission_id"])
    assert as_("FG").approve(project, sub["submission_id"], DECISION)["stage_state"] == "FSR_APPROVED"


def test_cybersecurity_review_missing_blocks_fsr(as_, project):
    as_("UNIT").submit_catalog(project, catalog())
    sub = as_("UNIT").submit_stage(project, "FSR", fsr())
    as_().on_event(technical(project, sub))
    r = refused(as_("FG").approve, project, sub["submission_id"], DECISION)
    assert (r.code, r.rule, r.article) == ("E14-CYBERSECURITY-REVIEW-MISSING", "R-14-2", "第十四条")


def test_r_14_4_catalog_missing_unless_exempt(as_, project):
    sub = as_("UNIT").submit_stage(project, "FSR", fsr())
    pass_reviews(as_, project, sub)
    assert refused(as_("FG").approve, project, sub["submission_id"], DECISION).code == "E14-CATALOG-MISSING"
    as_().on_event(technical(project, sub, catalog_exemption=True))
    assert as_("FG").approve(project, sub["submission_id"], DECISION)["stage_state"] == "FSR_APPROVED"


def test_r_14_3_opinions_on_both_chapters(as_, project):
    as_("UNIT").submit_catalog(project, catalog())
    sub = as_("UNIT").submit_stage(project, "FSR", fsr())
    pass_reviews(as_, project, sub)
    r = refused(as_("FG").approve, project, sub["submission_id"], {**DECISION, "security_chapter_opinion": ""})
    assert (r.code, r.rule) == ("E14-APPROVAL-OPINION-MISSING", "R-14-3")


def test_r_30_2_non_sharing_needs_the_leading_groups_exception(as_, project):
    as_("UNIT").submit_catalog(project, catalog(cannot_share=True, cannot_share_basis="保密法第二十八条"))
    sub = as_("UNIT").submit_stage(project, "FSR", fsr())
    pass_reviews(as_, project, sub)
    assert refused(as_("FG").approve, project, sub["submission_id"], DECISION).code == "E30-NON-SHARING-NOT-APPROVED"
    as_().on_event(fact("planning", "NonSharingExceptionApproved", project,
                                                {"exception_id": "ex-1", "basis": "保密法"}))
    assert as_("FG").approve(project, sub["submission_id"], DECISION)["stage_state"] == "FSR_APPROVED"


def test_r_11_3_fg_sets_a_flag_and_the_pending_fsr_needs_the_four_items(as_, project, provider):
    as_("UNIT").submit_catalog(project, catalog())
    sub = as_("UNIT").submit_stage(project, "FSR", fsr())
    pass_reviews(as_, project, sub)
    assert refused(as_("UNIT").set_art11_flags, project, {"high_energy": True, "reason": "x"}).code == \
        "AUTH-FORBIDDEN"
    as_("FG").set_art11_flags(project, {"high_energy": True, "reason": "机房改造能耗较高"})
    assert refused(as_("FG").approve, project, sub["submission_id"], DECISION).code == "E11-PREAPPROVALS-MISSING"
    assert events(provider, "Art11FlagsChanged")[0]["data"]["high_energy"] is True


def test_r_18_2_wx_judges_important_domain_after_submission(as_, project):
    as_("UNIT").submit_catalog(project, catalog())
    sub = as_("UNIT").submit_stage(project, "FSR", fsr())
    as_().on_event(technical(project, sub))
    as_().on_event(cybersecurity(project, sub, important_domain=True))
    assert refused(as_("FG").approve, project, sub["submission_id"], DECISION).code == "E18-CRYPTO-PLAN-MISSING"


@pytest.mark.parametrize("estimate_fen,review", [(99_999_999, False), (100_000_000, True), (100_000_001, True)])
def test_r_10_3_pd_estimate_review_at_th1(as_, project, provider, estimate_fen, review):
    approve_fsr(as_, project)
    sub = as_("UNIT").submit_stage(project, "PD", pd(estimate_fen))
    assert sub["estimate_review_required"] is review
    pass_reviews(as_, project, sub)
    if not review:
        out = as_("FG").approve(project, sub["submission_id"], DECISION)
        assert out["record"]["approved_estimate_fen"] == estimate_fen and out["record"]["estimate_review"] is None
        return
    r = refused(as_("FG").approve, project, sub["submission_id"], DECISION)
    assert (r.code, r.details["threshold_fen"]) == ("E10-ESTIMATE-REVIEW-REQUIRED", 100_000_000)
    as_().on_event(estimate_requested(project, sub))
    assert as_("FG").get_approval(project)["stage_state"] == "ESTIMATE_UNDER_REVIEW"
    as_().on_event(estimate_reviewed(project, sub, estimate_fen - 1))
    assert as_("FG").get_approval(project)["stage_state"] == "PD_SUBMITTED"
    r = refused(as_("FG").approve, project, sub["submission_id"], DECISION)
    assert r.code == "E10-APPROVED-EXCEEDS-REVIEWED"
    items = [{"code": "01", "name": "软件开发", "amount_fen": estimate_fen - 1}]
    out = as_("FG").approve(project, sub["submission_id"], {**DECISION, "approved_estimate_fen": estimate_fen - 1,
                                                           "line_items": items})
    assert out["stage_state"] == "APPROVED" and out["record"]["line_items"] == items
    [ev] = events(provider, "PreliminaryDesignApproved")
    assert ev["data"]["approved_estimate_fen"] == estimate_fen - 1 and ev["visibility"] == "external"


def test_the_approval_document_and_its_digest(as_, project):
    first = approve_fsr(as_, project)
    sub = as_("UNIT").submit_stage(project, "PD", pd())
    pass_reviews(as_, project, sub)
    out = as_("FG").approve(project, sub["submission_id"], DECISION)
    assert (first["doc_no"], out["doc_no"]) == ("连发改审批〔2026〕1号", "连发改审批〔2026〕2号")
    record = as_("UNIT").get_decision(out["decision_id"])
    assert record["digest"] == out["digest"] and record["record"]["project_code"] == CODE
    assert record["record"]["sharing_chapter_opinion"] == DECISION["sharing_chapter_opinion"]
    assert record["record"]["technical_review"]["outcome"] == "PASS"
    assert as_().verify_decision(out["doc_no"], out["digest"])["valid"] is True
    assert as_().verify_decision(out["doc_no"], "0" * 64)["valid"] is False
    assert refused(as_("UNIT_B").get_decision, out["decision_id"]).code == "NOT-FOUND"
    case = as_("FG").get_approval(project)
    assert case["approved_estimate_fen"] == 80_000_000 and case["approval_doc_no"] == out["doc_no"]


def test_r_10_6_c_urgent_needs_depth_and_estimate(as_, project):
    as_("UNIT").submit_catalog(project, catalog())
    sub = as_("UNIT").submit_stage(project, "URGENT_PACKAGE", package("URGENT_PACKAGE"))
    pass_reviews(as_, project, sub)
    assert refused(as_("FG").approve, project, sub["submission_id"], DECISION).code == \
        "E10-PATH2-DEPTH-NOT-CONFIRMED"
    as_("FG").confirm_depth(project, sub["submission_id"], {"note": "前期工作深度达到要求"})
    assert as_("FG").approve(project, sub["submission_id"], DECISION)["stage_state"] == "APPROVED"


def test_combined_package_returned_as_separate_stages_reenters_on_the_standard_path(as_, project, provider):
    sub = as_("UNIT").submit_stage(project, "COMBINED_PACKAGE", package("COMBINED_PACKAGE"))
    r = refused(as_("FG").return_submission, project, sub["submission_id"], {"reason": ""})
    assert r.code == "VALIDATION"
    as_("FG").return_submission(project, sub["submission_id"], {"reason": "内容复杂，请分阶段报批",
                                                               "return_code": "SEPARATE_STAGES_REQUIRED"})
    [ev] = events(provider, "ApprovalReturned")
    assert ev["data"]["return_code"] == "SEPARATE_STAGES_REQUIRED"
    r = refused(as_("UNIT").submit_stage, project, "COMBINED_PACKAGE", package("COMBINED_PACKAGE"))
    assert (r.code, r.rule) == ("STATE-INVALID", "R-10-7")
    tracks = as_("UNIT").get_approval_path(project)["tracks"]
    assert tracks["COMBINED"]["refusal"]["rule"] == "R-10-7" and tracks["STANDARD"]["open"] is True
    assert as_("UNIT").submit_stage(project, "PROPOSAL", proposal())["track"] == "STANDARD"


def test_t33_refusal_is_terminal(as_, project, provider):
    sub = as_("UNIT").submit_stage(project, "PROPOSAL", proposal())
    as_("FG").refuse(project, sub["submission_id"], {"reason": "不符合规划"})
    assert as_("UNIT").get_approval(project)["stage_state"] == "APPROVAL_REFUSED"
    assert refused(as_("UNIT").submit_stage, project, "PROPOSAL", proposal()).code == "STATE-INVALID"
    assert len(events(provider, "ApprovalRefused")) == 1


def test_a_50_government_request_makes_the_case_wait(as_, project):
    as_("UNIT").submit_catalog(project, catalog())
    sub = as_("UNIT").submit_stage(project, "FSR", fsr())
    pass_reviews(as_, project, sub)
    r = refused(as_("FG").record_government_request, project, sub["submission_id"], {"subject": "请示"})
    assert r.code == "E14-APPROVAL-OPINION-MISSING"
    req = as_("FG").record_government_request(project, sub["submission_id"], {
        "subject": "关于某项目的请示", "sharing_chapter_opinion": "同意", "security_chapter_opinion": "同意"})
    assert req["doc_no"] == "连发改审批请〔2026〕1号"
    assert as_("FG").get_approval(project)["stage_state"] == "FSR_SUBMITTED"
    assert refused(as_("FG").approve, project, sub["submission_id"], DECISION).code == "STATE-INVALID"
    out = as_("FG").approve(project, sub["submission_id"], {
        **DECISION, "government_decision": {"reference": "市政府常务会议纪要〔2026〕5号", "decided_on": "2026-03-01"}})
    assert out["stage_state"] == "FSR_APPROVED"


def test_r_0_2_a_decision_on_an_old_version_is_refused(as_, project):
    sub = as_("UNIT").submit_stage(project, "PROPOSAL", proposal())
    version = as_("FG").get_approval(project)["version"]
    as_("FG2").approve(project, sub["submission_id"], {"expected_version": version})
    r = refused(as_("FG").approve, project, sub["submission_id"], {"expected_version": version})
    assert r.code == "STATE-INVALID"


def test_idempotent_submission(as_, project, provider):
    a = as_("UNIT").submit_stage(project, "PROPOSAL", proposal(), idempotency_key="k-1")
    b = as_("UNIT").submit_stage(project, "PROPOSAL", proposal(), idempotency_key="k-1")
    assert a == b and len(events(provider, "ProposalSubmitted")) == 1


def test_redelivered_and_older_facts(as_, project):
    as_("UNIT").submit_catalog(project, catalog())
    sub = as_("UNIT").submit_stage(project, "FSR", fsr())
    late = technical(project, sub, outcome="FAIL")
    newer = technical(project, sub)
    newer = type(newer)(**{**newer.__dict__, "time": "2026-03-02T11:00:00+08:00"}) \
        if hasattr(newer, "__dict__") else newer
    as_().on_event(newer)
    as_().on_event(late)      # older: ignored
    as_().on_event(newer)     # redelivered: ignored
    [review] = as_("FG").get_approval(project)["technical_reviews"]
    assert review["outcome"] == "PASS"


# ---------------------------------------------------------------- reads


def test_path_before_entry_shows_the_tracks(as_, project):
    path = as_("UNIT").get_approval_path(project)
    assert path["stage_state"] is None
    assert {t: v["open"] for t, v in path["tracks"].items()} == {
        "STANDARD": True, "PATH1": True, "URGENT": True, "COMBINED": True}


def test_path_without_a_code_shows_each_track_closed_with_the_refusal(as_):
    as_().on_event(planned("p-1"))
    as_().on_event(copied("p-1"))
    path = as_("FG").get_approval_path("p-1")
    assert all(v["refusal"]["code"] == "E15-PROJECT-CODE-MISSING" for v in path["tracks"].values())


def test_path_lists_the_same_blockers_the_command_uses(as_, project):
    sub = as_("UNIT").submit_stage(project, "FSR", fsr())
    path = as_("UNIT").get_approval_path(project)
    assert [b["code"] for b in path["blockers"]] == [
        "E10-TECH-REVIEW-MISSING", "E14-CYBERSECURITY-REVIEW-MISSING", "E14-CATALOG-MISSING"]
    r = refused(as_("FG").approve, project, sub["submission_id"], DECISION)
    assert [v["code"] for v in r.details["violations"]] == [b["code"] for b in path["blockers"]]


def test_visibility_and_work_lists(as_, project):
    sub = as_("UNIT").submit_stage(project, "PROPOSAL", proposal())
    assert refused(as_("UNIT_B").get_approval, project).code == "NOT-FOUND"
    assert refused(as_("UNIT_B").get_submission, project, sub["submission_id"]).code == "NOT-FOUND"
    assert as_("SJ").get_submission(project, sub["submission_id"])["content"]["total_investment_fen"] == 80_000_000
    assert as_("FG").list_approvals({"awaiting_me": True})["total"] == 1
    assert as_("UNIT").list_approvals({"awaiting_me": True})["total"] == 0
    assert as_("UNIT_B").list_approvals({})["total"] == 0
    assert as_("FG").list_approvals({"stage_state": "PROPOSAL_SUBMITTED"})["total"] == 1


def test_the_projection_follows_approval_events(as_, project):
    sub = as_("UNIT").submit_stage(project, "PROPOSAL", proposal())
    as_().on_event(fact("approval", "ProposalSubmitted", project, {"submission_id": sub["submission_id"]}))
    assert as_("FG").get_projection(project)["state"] == "PROPOSAL_SUBMITTED"
