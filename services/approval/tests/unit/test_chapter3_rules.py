"""The pure rules of Chapter 3 at their boundaries (stages.py, project_code.py, catalog_rules.py,
submission_rules.py, decision_rules.py)."""

import pytest

from approval import catalog_rules, decision_rules, project_code, stages, submission_rules

PATTERN = project_code.DEFAULT_PATTERN


# ---------------------------------------------------------------- TH-1, TH-2


@pytest.mark.parametrize("fen,required", [(99_999_999, False), (100_000_000, True), (100_000_001, True)])
def test_r_10_3_th1_estimate_review_from_1_000_000_00_inclusive(fen, required):
    assert stages.estimate_review_required(fen) is required


@pytest.mark.parametrize("fen,allowed", [(999_999_999, True), (1_000_000_000, True), (1_000_000_001, False)])
def test_r_10_7_th2_combined_up_to_10_000_000_00_inclusive(fen, allowed):
    assert stages.combined_allowed(fen) is allowed
    blocker = submission_rules.path3_blocker(fen)
    assert (blocker is None) is allowed
    if blocker:
        assert (blocker.code, blocker.rule, blocker.article) == ("E10-COMBINED-OVER-LIMIT", "R-10-7", "第十条")
        assert blocker.details["limit_fen"] == 1_000_000_000


# ---------------------------------------------------------------- R-10-4 order


def test_r_10_4_fsr_needs_an_approved_proposal_and_pd_an_approved_fsr():
    assert stages.next_submission_blocker("PROPOSAL_APPROVED", "STANDARD", None, "FSR") is None
    assert stages.next_submission_blocker("FSR_APPROVED", "STANDARD", None, "PD") is None
    assert stages.next_submission_blocker("PROPOSAL_APPROVED", "STANDARD", None, "PD").code == "E10-FSR-REQUIRED"
    r = stages.next_submission_blocker("PROPOSAL_SUBMITTED", "STANDARD", None, "FSR")
    assert r.code == "STATE-INVALID"


def test_t32_a_returned_stage_is_resubmitted_as_that_stage_only():
    assert stages.next_submission_blocker("RETURNED", "PATH1", "FSR", "FSR") is None
    assert stages.next_submission_blocker("RETURNED", "PATH1", "FSR", "PD").code == "STATE-INVALID"
    assert stages.reenters("RETURNED", None) and not stages.reenters("RETURNED", "FSR")


def test_decided_cases_take_no_submission():
    for state in ("APPROVED", "APPROVAL_REFUSED"):
        assert stages.next_submission_blocker(state, "STANDARD", None, "PD").code == "STATE-INVALID"


# ---------------------------------------------------------------- R-15-3


@pytest.mark.parametrize("code,ok", [
    ("2026-320700-65-01-000001", True),
    ("2026-320706-65-01-123456", True),
    ("2026-320600-65-01-000001", False),    # not 连云港 (3207xx)
    ("2026-320700-65-01-00001", False),     # 23 characters
    ("2026-320700-65-01-0000012", False),   # 25 characters
    ("2026/320700-65-01-000001", False),
])
def test_r_15_3_code_format(code, ok):
    assert (project_code.format_error(code, PATTERN) is None) is ok


# ---------------------------------------------------------------- catalog R-14-5..7, R-30-2


def entry(code="R-1", share="UNCONDITIONAL", scope="ALL_GOVERNMENT_DEPARTMENTS", open_kind="NOT_OPEN", **extra):
    return {"resource_code": code, "name": f"资源{code}", "share_type": share,
            "consumer_scope": {"kind": scope, "departments": []}, "open_scope": {"kind": open_kind},
            "data_items": [{"name": "身份证号"}], **extra}


def catalog(*entries, **extra):
    return {"entries": list(entries), "sharing_mechanism": "长效机制", "feedback_mechanism": "反馈机制", **extra}


def codes(refusals):
    return [r.code for r in refusals]


def test_r_14_5_share_type_conditions_and_basis():
    assert codes(catalog_rules.check_catalog(catalog(entry(share=None)))) == ["E14-SHARE-TYPE-MISSING"]
    assert codes(catalog_rules.check_catalog(catalog(entry(share="CONDITIONAL", scope="NAMED_DEPARTMENTS")))) == [
        "E14-SHARE-CONDITIONS-MISSING"]
    assert codes(catalog_rules.check_catalog(catalog(entry(share="NONE", scope="NAMED_DEPARTMENTS")))) == [
        "E14-NO-SHARE-BASIS-MISSING"]
    ok = catalog(entry(share="CONDITIONAL", conditions="经申请", scope="NAMED_DEPARTMENTS"),
                 entry("R-2", share="NONE", no_share_basis="保密法", scope="NAMED_DEPARTMENTS"))
    assert catalog_rules.check_catalog(ok) == []


def test_r_14_6_both_mechanisms():
    c = catalog(entry(), sharing_mechanism=" ", feedback_mechanism=None)
    assert codes(catalog_rules.check_catalog(c)) == ["E14-SHARING-MECHANISM-MISSING",
                                                     "E14-FEEDBACK-MECHANISM-MISSING"]


def test_r_14_7_no_narrowing_of_universal_entries_and_of_opening():
    assert codes(catalog_rules.check_catalog(catalog(entry(scope="NAMED_DEPARTMENTS")))) == ["E14-SHARING-NARROWED"]
    conditional = entry(share="CONDITIONAL", conditions="经申请", scope="NAMED_DEPARTMENTS")
    assert catalog_rules.check_catalog(catalog(conditional)) == []
    # 政务办 reclassified it as should-be-universally-shared.
    assert codes(catalog_rules.check_catalog(catalog(conditional), {"R-1"})) == ["E14-SHARING-NARROWED"]
    assert codes(catalog_rules.check_catalog(catalog(entry(open_kind="NAMED_ORGANISATIONS")))) == [
        "E14-OPENING-NARROWED"]
    assert catalog_rules.check_catalog(catalog(entry(open_kind="PUBLIC_WITH_CONDITIONS"))) == []


def test_a_30_non_sharing_is_declared_or_every_entry_none():
    none = entry(share="NONE", no_share_basis="法", scope="NAMED_DEPARTMENTS")
    assert catalog_rules.non_sharing(catalog(none, entry("R-2", share="NONE")))
    assert not catalog_rules.non_sharing(catalog(none, entry("R-2")))
    assert catalog_rules.non_sharing(catalog(entry()), declared_cannot_share=True)
    assert not catalog_rules.non_sharing(None)


# ---------------------------------------------------------------- stage content (§6.3)


def chapter(**over):
    return {"needs_analysis": "需求", "tasks_and_content": "任务", "protection_design": "设计",
            "investment_fen": 0, "crypto_content": "密码", "tiered_protection_summary": None, **over}


FLAGS = {"classified": False, "important_domain": False, "new_civil_works": False, "high_energy": False,
         "new_data_center": False, "cross_department": False}
INFRA = {k: {"status": "USED"} for k in submission_rules.INFRASTRUCTURE_ITEMS}


def fsr(**over):
    return {"sharing_chapter": {"content": "共享分析"}, "security_chapter": chapter(),
            "reliability_statement": {"products": [{"name": "服务器", "supplier": "某厂", "status": "国产"}]},
            "infrastructure": INFRA, "preapprovals": None, **over}


def test_complete_fsr_content_passes():
    assert submission_rules.content_blockers("FSR", fsr(), FLAGS) == []


def test_r_14_1_both_chapters():
    out = submission_rules.content_blockers("FSR", fsr(sharing_chapter=None, security_chapter=None), FLAGS)
    assert codes(out) == ["E14-SHARING-CHAPTER-MISSING", "E14-SECURITY-CHAPTER-MISSING"]


@pytest.mark.parametrize("part,zh", [("needs_analysis", "网络安全需求分析"), ("tasks_and_content", "建设任务及内容"),
                                     ("protection_design", "保障体系设计"), ("investment_fen", "投资概算")])
def test_r_14_2_each_of_the_four_parts(part, zh):
    [r] = submission_rules.content_blockers("PD", fsr(security_chapter=chapter(**{part: None})), FLAGS)
    assert (r.code, r.rule, r.details["part"]) == ("E14-SECURITY-PART-MISSING", "R-14-2", zh)


def test_r_14_2_a_zero_security_investment_is_a_number():
    assert submission_rules.content_blockers("PD", fsr(security_chapter=chapter(investment_fen=0)), FLAGS) == []


def test_r_18_1_crypto_content_and_r_18_4_tiered_protection_for_classified():
    assert codes(submission_rules.content_blockers("FSR", fsr(security_chapter=chapter(crypto_content="")), FLAGS)) \
        == ["E18-CRYPTO-CONTENT-MISSING"]
    classified = {**FLAGS, "classified": True}
    assert codes(submission_rules.content_blockers("PD", fsr(), classified)) == ["E18-TIERED-PROTECTION-MISSING"]
    ok = fsr(security_chapter=chapter(tiered_protection_summary="分保摘要"))
    assert submission_rules.content_blockers("PD", ok, classified) == []


def test_r_18_2_important_domain_needs_an_evaluated_crypto_plan():
    flags = {**FLAGS, "important_domain": True}
    assert codes(submission_rules.content_blockers("FSR", fsr(), flags)) == ["E18-CRYPTO-PLAN-MISSING"]
    doc = {"digest": "sha256:" + "0" * 64}
    failed = {"document": doc, "evaluation": {"evaluator": "专家组", "evaluated_on": "2026-01-05",
                                              "conclusion": "FAIL"}}
    assert codes(submission_rules.content_blockers("FSR", fsr(crypto_plan=failed), flags)) == [
        "E18-CRYPTO-PLAN-NOT-EVALUATED"]
    passed = {**failed, "evaluation": {**failed["evaluation"], "conclusion": "PASS_WITH_CHANGES"}}
    assert submission_rules.content_blockers("FSR", fsr(crypto_plan=passed), flags) == []
    # Not demanded of a PD (§6.3: FSR ✔, PD —).
    assert submission_rules.content_blockers("PD", fsr(), flags) == []


def test_r_19_1_reliability_statement():
    assert codes(submission_rules.content_blockers("PD", fsr(reliability_statement={"products": []}), FLAGS)) == [
        "E19-RELIABILITY-STATEMENT-MISSING"]


def test_r_19_energy_target_for_the_pd_of_a_new_data_centre():
    flags = {**FLAGS, "new_data_center": True}
    assert codes(submission_rules.content_blockers("PD", fsr(), flags)) == ["E19-ENERGY-EFFICIENCY-MISSING"]
    assert submission_rules.content_blockers("PD", fsr(energy_efficiency_target={"design_pue": "1.3"}), flags) == []
    assert submission_rules.content_blockers("FSR", fsr(), flags) == []


def test_r_20_1_infrastructure_declaration():
    partial = {**INFRA, "lyg_app": None}
    [r] = submission_rules.content_blockers("FSR", fsr(infrastructure=partial), FLAGS)
    assert (r.code, r.details["items"]) == ("E20-INFRASTRUCTURE-DECLARATION-MISSING", ["“我的连云港”APP"])
    unjustified = {**INFRA, "gov_cloud": {"status": "NOT_USED", "justification": ""}}
    assert codes(submission_rules.content_blockers("FSR", fsr(infrastructure=unjustified), FLAGS)) == [
        "E20-INFRASTRUCTURE-DECLARATION-MISSING"]
    assert submission_rules.content_blockers("PD", fsr(infrastructure=None), FLAGS) == []


def test_r_11_1_nothing_demanded_without_either_flag():
    assert submission_rules.preapproval_blocker({}, False, False) is None
    assert submission_rules.content_blockers("FSR", fsr(preapprovals=None), FLAGS) == []


@pytest.mark.parametrize("flag", ["new_civil_works", "high_energy"])
def test_r_11_2_either_flag_demands_all_four_items(flag):
    flags = {**FLAGS, flag: True}
    [r] = submission_rules.content_blockers("FSR", fsr(), flags)
    assert (r.code, r.rule, len(r.details["items"])) == ("E11-PREAPPROVALS-MISSING", "R-11-2", 4)
    given = {"energy_assessment": {"status": "OBTAINED", "reference": "连发改能评〔2026〕1号"},
             "site_selection": {"status": "NOT_APPLICABLE_BY_LAW", "legal_reason": "利用既有机房"},
             "land_pre_review": {"status": "NOT_APPLICABLE_BY_LAW", "legal_reason": "不新增用地"},
             "environmental_impact": {"status": "OBTAINED", "reference": None}}
    [r] = submission_rules.content_blockers("FSR", fsr(preapprovals=given), flags)
    assert r.details["items"] == ["环境影响评价"]


def test_r_13_1_and_r_13_2_cross_level():
    assert submission_rules.cross_level_blockers({"cross_level": None}) == []
    bare = {"cross_level": {"levels": ["PROVINCIAL"], "linkages": [], "linkage_none": False,
                            "municipal_portion_only": True, "other_level_parts": []}}
    assert codes(submission_rules.cross_level_blockers(bare)) == ["E13-LINKAGE-MISSING"]
    none = {"cross_level": {**bare["cross_level"], "linkage_none": True}}
    assert submission_rules.cross_level_blockers(none) == []
    uncited = {"cross_level": {**none["cross_level"],
                               "other_level_parts": [{"level": "PROVINCIAL", "approval_reference": None}]}}
    assert codes(submission_rules.cross_level_blockers(uncited)) == ["E13-NON-MUNICIPAL-PORTION"]


def test_estimate_line_items_must_add_up_exactly():
    est = {"estimate": {"total_fen": 100_000_000, "line_items": [{"amount_fen": 60_000_000},
                                                                   {"amount_fen": 39_999_999}]}}
    assert submission_rules.estimate_error("PD", est).code == "VALIDATION"
    est["estimate"]["line_items"][1]["amount_fen"] = 40_000_000
    assert submission_rules.estimate_error("PD", est) is None
    assert submission_rules.estimate_error("FSR", {}) is None


def test_r_10_5_path1_from_the_plan_or_with_evidence():
    assert submission_rules.path1_blocker(True, {}) is None
    assert submission_rules.path1_blocker(False, {}).code == "E10-PATH1-NOT-ELIGIBLE"
    ev = {"plan_listing_evidence": {"item": "省电子政务规划第3项", "document": {"digest": "x"}}}
    assert submission_rules.path1_blocker(False, ev) is None


def test_r_10_6_path2_basis_and_urgency():
    assert codes(submission_rules.path2_blockers({})) == ["E10-PATH2-BASIS-MISSING", "E10-PATH2-URGENCY-MISSING"]
    doc = {"urgent_basis": {"kind": "REQUIREMENT_DOCUMENT", "issuer": "省政府", "document": {"digest": "x"}},
           "urgency_statement": "汛期前必须上线"}
    assert submission_rules.path2_blockers(doc) == []
    reason = {"urgent_basis": {"kind": "NATIONAL_SECURITY", "reason": "关键信息基础设施"}, "urgency_statement": "急"}
    assert submission_rules.path2_blockers(reason) == []
    assert codes(submission_rules.path2_blockers({**doc, "urgent_basis": {"kind": "REQUIREMENT_DOCUMENT"}})) == [
        "E10-PATH2-BASIS-MISSING"]


def test_r_20_2_flags_collected_items_another_department_shares():
    content = {"data_items": [{"name": "身份证号", "source": "COLLECT"}, {"name": "车牌号", "source": "SHARING"}]}
    shareable = [{"item": "身份证号", "provider_unit_id": "police", "provider_project_id": "p-9", "resource_code": "R"},
                 {"item": "车牌号", "provider_unit_id": "police", "provider_project_id": "p-9", "resource_code": "S"}]
    assert submission_rules.duplicate_collection_flags(content, shareable) == shareable[:1]


# ---------------------------------------------------------------- FG's gates


def gate(stage="FSR", **over):
    base = dict(stage=stage, version_no=1, content={}, estimate_fen=None, flags=dict(FLAGS),
                technical=decision_rules.Review("PASS"), security_conclusion="PASS", catalog=catalog(entry()),
                catalog_version=1)
    base.update(over)
    return decision_rules.GateFacts(**base)


S = decision_rules.Settings()


def test_a_complete_fsr_has_no_blocker():
    assert decision_rules.case_blockers(gate(), S) == []


def test_r_10_2_missing_vs_stale_vs_failed_vs_conditions():
    assert codes(decision_rules.case_blockers(gate(technical=None), S)) == ["E10-TECH-REVIEW-MISSING"]
    assert codes(decision_rules.case_blockers(gate(technical=None, older_version_reviewed=True), S)) == [
        "E10-TECH-REVIEW-STALE"]
    assert codes(decision_rules.case_blockers(gate(technical=decision_rules.Review(None)), S)) == [
        "E10-TECH-REVIEW-MISSING"]
    assert codes(decision_rules.case_blockers(gate(technical=decision_rules.Review("FAIL")), S)) == [
        "E10-TECH-REVIEW-MISSING"]
    pending = decision_rules.Review("PASS_WITH_CONDITIONS", conditions="补充等保方案")
    [r] = decision_rules.case_blockers(gate(technical=pending), S)
    assert r.details["conditions_acknowledged"] is False
    acknowledged = decision_rules.Review("PASS_WITH_CONDITIONS", conditions="x", conditions_acknowledged=True)
    assert decision_rules.case_blockers(gate(technical=acknowledged), S) == []


def test_r_10_2_switches_for_proposal_and_pd():
    assert decision_rules.case_blockers(gate("PROPOSAL", technical=None, catalog=None), S) == []
    on = decision_rules.Settings(tech_review_required_for_proposal=True)
    assert codes(decision_rules.case_blockers(gate("PROPOSAL", technical=None), on)) == ["E10-TECH-REVIEW-MISSING"]
    off = decision_rules.Settings(tech_review_required_for_pd=False)
    assert decision_rules.case_blockers(gate("PD", technical=None, estimate_fen=1), off) == []
    assert codes(decision_rules.case_blockers(gate("PD", technical=None, estimate_fen=1), S)) == [
        "E10-TECH-REVIEW-MISSING"]


def test_cybersecurity_review_required_for_fsr_pd_and_packages():
    for stage in ("FSR", "PD", "URGENT_PACKAGE", "COMBINED_PACKAGE"):
        f = gate(stage, security_conclusion=None, estimate_fen=1, depth_confirmed=True)
        [r] = decision_rules.case_blockers(f, S)
        assert (r.code, r.rule, r.article) == ("E14-CYBERSECURITY-REVIEW-MISSING", "R-14-2", "第十四条")
    assert codes(decision_rules.case_blockers(gate(security_conclusion="FAIL"), S)) == [
        "E14-CYBERSECURITY-REVIEW-MISSING"]


@pytest.mark.parametrize("fen,demanded", [(99_999_999, False), (100_000_000, True), (100_000_001, True)])
def test_r_10_3_estimate_review_demanded_from_th1(fen, demanded):
    out = decision_rules.case_blockers(gate("PD", estimate_fen=fen), S)
    assert codes(out) == (["E10-ESTIMATE-REVIEW-REQUIRED"] if demanded else [])
    reviewed = decision_rules.case_blockers(gate("PD", estimate_fen=fen, estimate_status="REVIEWED"), S)
    assert reviewed == []


DECISION = {"sharing_chapter_opinion": "同意", "security_chapter_opinion": "同意",
            "sharing_status": {"completeness": "完整", "timeliness": "及时"}, "security_status": "符合",
            "evaluation_none_available": True}


@pytest.mark.parametrize("approved,ok", [(99_999_999, True), (100_000_000, True), (100_000_001, False)])
def test_r_10_3_approved_not_above_reviewed(approved, ok):
    f = gate("PD", estimate_fen=120_000_000, estimate_status="REVIEWED", reviewed_fen=100_000_000)
    out = decision_rules.decision_blockers(f, {**DECISION, "approved_estimate_fen": approved})
    assert codes(out) == ([] if ok else ["E10-APPROVED-EXCEEDS-REVIEWED"])


def test_r_14_3_r_14_8_r_34_3_what_the_decision_carries():
    f = gate("PD", estimate_fen=1)
    assert codes(decision_rules.decision_blockers(f, {})) == [
        "E14-APPROVAL-OPINION-MISSING", "E14-APPROVAL-OPINION-MISSING", "E14-BASIS-NOT-RECORDED",
        "E34-EVALUATION-NOT-REFERENCED"]
    assert decision_rules.decision_blockers(f, DECISION) == []
    assert decision_rules.decision_blockers(f, {**DECISION, "evaluation_none_available": False,
                                                "evaluation_refs": ["ev-1"]}) == []
    # FSR: the opinions, not the investment records.
    assert codes(decision_rules.decision_blockers(gate(), {"security_chapter_opinion": "同意"})) == [
        "E14-APPROVAL-OPINION-MISSING"]
    assert decision_rules.decision_blockers(gate("PROPOSAL"), {}) == []


def test_r_10_6_c_urgent_package_needs_depth_confirmation():
    f = gate("URGENT_PACKAGE", estimate_fen=1)
    assert codes(decision_rules.case_blockers(f, S)) == ["E10-PATH2-DEPTH-NOT-CONFIRMED"]
    f.depth_confirmed = True
    assert decision_rules.case_blockers(f, S) == []


def test_r_14_4_catalog_required_unless_exempt_and_pd_as_configured():
    assert codes(decision_rules.case_blockers(gate(catalog=None), S)) == ["E14-CATALOG-MISSING"]
    assert decision_rules.case_blockers(gate(catalog=None, catalog_exempt=True), S) == []
    assert codes(decision_rules.case_blockers(gate("PD", catalog=None, estimate_fen=1), S)) == ["E14-CATALOG-MISSING"]
    off = decision_rules.Settings(catalog_required_for_pd=False)
    assert decision_rules.case_blockers(gate("PD", catalog=None, estimate_fen=1), off) == []
    narrowed = gate(catalog=catalog(entry(share="CONDITIONAL", conditions="x", scope="NAMED_DEPARTMENTS")),
                    universal_entries=frozenset({"R-1"}))
    assert codes(decision_rules.case_blockers(narrowed, S)) == ["E14-SHARING-NARROWED"]


def test_r_30_2_non_sharing_needs_basis_and_the_leading_groups_approval():
    none = catalog(entry(share="NONE", no_share_basis="法", scope="NAMED_DEPARTMENTS"))
    assert codes(decision_rules.case_blockers(gate(catalog=none), S)) == ["E30-NON-SHARING-BASIS-MISSING"]
    declared = gate(content={"cannot_share": True, "cannot_share_basis": "保密法第X条"})
    assert codes(decision_rules.case_blockers(declared, S)) == ["E30-NON-SHARING-NOT-APPROVED"]
    declared.non_sharing_approved = True
    assert decision_rules.case_blockers(declared, S) == []


def test_r_11_3_a_flag_fg_set_later_applies_to_the_pending_fsr():
    f = gate(flags={**FLAGS, "high_energy": True})
    assert codes(decision_rules.case_blockers(f, S)) == ["E11-PREAPPROVALS-MISSING"]


def test_r_20_2_r_20_3_r_13_1_need_zwbs_acceptance():
    content = {"duplicate_collection_flags": [{"item": "身份证号"}], "similar_systems": [{"name": "旧系统"}],
               "cross_level": {"linkage_none": True, "linkages": []}}
    f = gate(content=content)
    assert codes(decision_rules.case_blockers(f, S)) == [
        "E20-DUPLICATE-COLLECTION", "E20-DUPLICATE-SYSTEM-UNJUSTIFIED", "E13-LINKAGE-MISSING"]
    f.technical = decision_rules.Review("PASS", accepted_duplicate_items=("身份证号",), similar_systems_accepted=True,
                                        linkage_none_confirmed=True)
    assert decision_rules.case_blockers(f, S) == []


def test_r_12_7_the_framework_answer_blocks():
    r = submission_rules.not_a_build_project("p", "OM")
    assert codes(decision_rules.case_blockers(gate(framework_blockers=[r]), S)) == [r.code]


def test_r_10_9_only_build_projects():
    assert submission_rules.not_a_build_project("p", "BUILD") is None
    r = submission_rules.not_a_build_project("p", "OM")
    assert (r.code, r.rule) == ("E10-NOT-A-BUILD-PROJECT", "R-10-9")
