"""The plan-application rules (rules.md Art 6, 7, 20, 31 and §6.1) as pure functions.

Each case removes one item from a complete application (§6: "the conformance
cases remove one item at a time") and expects exactly that item's violation,
so a check that fires too often fails as surely as one that never fires. The
rules see the application after schema processing, defaults filled in.
"""

import pytest

from itpm_common.errors import Refusal
from planning import rules
from planning.schemas import PlanApplicationSchema

ASPECTS = [("necessity", "必要性"), ("feasibility", "可行性"), ("completeness", "完整性"),
           ("conformity", "规范性")]


@pytest.fixture
def without(application):
    """``without("need", "rank")``: the valid application with those keys left out, loaded."""

    def make(*keys, **changes):
        raw = application(**changes)
        for key in keys:
            del raw[key]
        return PlanApplicationSchema().load(raw)

    return make


def only_violation(app) -> rules.Violation:
    found = rules.check_plan_application(app)
    assert len(found) == 1, [v.code for v in found]
    return found[0]


def assert_only(app, code, rule, article, item):
    v = only_violation(app)
    assert (v.code, v.rule, v.article, v.item) == (code, rule, article, item)
    assert v.reason_zh
    return v


def test_a_complete_application_passes_every_article(loaded):
    app = loaded()
    assert rules.check_plan_application(app) == []
    assert rules.build_kind_required(app) == {}


# ------------------------------------------------------------ Article 6


@pytest.mark.parametrize("change", [{"policy_basis": []}, None], ids=["empty", "absent"])
def test_r_6_1_policy_basis_missing(without, change):
    app = without(**change) if change else without("policy_basis")
    assert_only(app, "E06-POLICY-BASIS-MISSING", "R-6-1", "第六条", "policy_basis")


@pytest.mark.parametrize("blank", [None, "", "  \n "], ids=["absent", "empty", "whitespace"])
def test_r_6_1_need_missing(without, blank):
    app = without("need") if blank is None else without(need=blank)
    assert_only(app, "E06-NEED-MISSING", "R-6-1", "第六条", "need")


@pytest.mark.parametrize("blank", [None, " "], ids=["absent", "whitespace"])
def test_r_6_1_objectives_missing(without, blank):
    app = without("objectives") if blank is None else without(objectives=blank)
    assert_only(app, "E06-OBJECTIVES-MISSING", "R-6-1", "第六条", "objectives")


@pytest.mark.parametrize("blank", [None, "\t"], ids=["absent", "whitespace"])
def test_r_6_2_intensive_sharing_missing(without, blank):
    app = without("intensive_sharing") if blank is None else without(intensive_sharing=blank)
    assert_only(app, "E06-INTENSIVE-SHARING-MISSING", "R-6-2", "第六条", "intensive_sharing")


@pytest.mark.parametrize("empty", [None, []], ids=["absent", "empty"])
def test_r_6_2_standards_missing(without, empty):
    app = without("standards") if empty is None else without(standards=empty)
    assert_only(app, "E06-STANDARDS-MISSING", "R-6-2", "第六条", "standards")


@pytest.mark.parametrize("blank", [None, "  "], ids=["absent", "whitespace"])
def test_r_6_3_content_missing(without, blank):
    app = without("content") if blank is None else without(content=blank)
    assert_only(app, "E06-CONTENT-MISSING", "R-6-3", "第六条", "content")


@pytest.mark.parametrize("change", [None, {"estimate_fen": 0}], ids=["absent", "zero"])
def test_r_6_3_estimate_missing(without, change):
    # The funding sources still add up to 100万元; with no estimate there is
    # nothing to compare them with, so no mismatch is reported on top.
    app = without(**change) if change else without("estimate_fen")
    assert_only(app, "E06-ESTIMATE-MISSING", "R-6-3", "第六条", "estimate_fen")


@pytest.mark.parametrize("empty", [None, []], ids=["absent", "empty"])
def test_r_6_3_funding_source_missing(without, empty):
    app = without("funding_sources") if empty is None else without(funding_sources=empty)
    assert_only(app, "E06-FUNDING-SOURCE-MISSING", "R-6-3", "第六条", "funding_sources")


@pytest.mark.parametrize("off_by", [-1, 1], ids=["one-fen-short", "one-fen-over"])
def test_r_6_3_funding_sources_must_sum_exactly_to_the_estimate(loaded, off_by):
    sources = [{"type": "MUNICIPAL", "amount_fen": 60_000_000},
               {"type": "SUPERIOR", "amount_fen": 40_000_000 + off_by}]
    v = assert_only(loaded(funding_sources=sources), "E06-FUNDING-SOURCE-MISMATCH", "R-6-3", "第六条",
                    "funding_sources")
    assert f"{100_000_000 + off_by} 分" in v.reason_zh and "100000000 分" in v.reason_zh


def test_r_6_3_funding_sources_summing_exactly_pass(loaded):
    sources = [{"type": "MUNICIPAL", "amount_fen": 60_000_000},
               {"type": "SUPERIOR", "amount_fen": 39_999_999},
               {"type": "OTHER", "amount_fen": 1}]
    assert rules.check_plan_application(loaded(funding_sources=sources)) == []


@pytest.mark.parametrize("blank", [None, " "], ids=["absent", "whitespace"])
def test_r_6_4_security_solution_missing(without, blank):
    app = without("security_solution") if blank is None else without(security_solution=blank)
    assert_only(app, "E06-SECURITY-SOLUTION-MISSING", "R-6-4", "第六条", "security_solution")


# ------------------------------------------------------------ Article 7


@pytest.mark.parametrize(("aspect", "zh"), ASPECTS, ids=[a for a, _ in ASPECTS])
def test_r_7_1_each_missing_aspect_is_named_in_chinese(loaded, application, aspect, zh):
    review = {**application()["internal_review"], aspect: False}
    v = assert_only(loaded(internal_review=review), "E07-INTERNAL-REVIEW-MISSING", "R-7-1", "第七条",
                    "internal_review")
    assert zh in v.reason_zh
    assert [other for _, other in ASPECTS if other in v.reason_zh] == [zh]


def test_r_7_1_an_aspect_left_out_counts_as_not_reviewed(loaded, application):
    review = application()["internal_review"]
    del review["completeness"]
    v = only_violation(loaded(internal_review=review))
    assert v.code == "E07-INTERNAL-REVIEW-MISSING" and "完整性" in v.reason_zh


@pytest.mark.parametrize("signer", [None, "", "   "], ids=["absent", "empty", "whitespace"])
def test_r_7_1_missing_signer(loaded, application, signer):
    review = application()["internal_review"]
    if signer is None:
        del review["signed_by"]
    else:
        review["signed_by"] = signer
    v = assert_only(loaded(internal_review=review), "E07-INTERNAL-REVIEW-MISSING", "R-7-1", "第七条",
                    "internal_review")
    assert "签署人" in v.reason_zh
    assert not any(zh in v.reason_zh for _, zh in ASPECTS)


def test_r_7_1_no_internal_review_names_all_four_aspects(without):
    v = assert_only(without("internal_review"), "E07-INTERNAL-REVIEW-MISSING", "R-7-1", "第七条",
                    "internal_review")
    assert all(zh in v.reason_zh for _, zh in ASPECTS)


def test_r_7_1_missing_signer_is_named_alongside_missing_aspects(loaded, application):
    # The module gathers violations "so a department sees every missing item
    # at once"; an unsigned attestation that also lacks an aspect must say both.
    review = {**application()["internal_review"], "feasibility": False, "signed_by": None}
    v = only_violation(loaded(internal_review=review))
    assert "可行性" in v.reason_zh
    assert "签署人" in v.reason_zh


def test_r_7_2_category_missing(without):
    assert_only(without("category"), "E07-CATEGORY-MISSING", "R-7-2", "第七条", "category")


@pytest.mark.parametrize("change", [None, {"rank": 0}], ids=["absent", "zero"])
def test_r_7_3_rank_missing(without, change):
    app = without(**change) if change else without("rank")
    assert_only(app, "E07-RANK-MISSING", "R-7-3", "第七条", "rank")


def test_r_7_4_application_form_missing(loaded, application):
    docs = application()["documents"]
    del docs["application_form"]
    assert_only(loaded(documents=docs), "E07-APPLICATION-FORM-MISSING", "R-7-4", "第七条",
                "documents.application_form")


def test_r_7_4_project_plan_missing(loaded, application):
    docs = application()["documents"]
    del docs["project_plan"]
    assert_only(loaded(documents=docs), "E07-PROJECT-PLAN-MISSING", "R-7-4", "第七条", "documents.project_plan")


def test_r_7_4_no_documents_names_both(without):
    assert [v.code for v in rules.check_plan_application(without("documents"))] == [
        "E07-APPLICATION-FORM-MISSING", "E07-PROJECT-PLAN-MISSING"]


# ------------------------------------------------------ Articles 20 and 31


def test_r_20_1_infrastructure_declaration_missing(without):
    assert_only(without("infrastructure"), "E20-INFRASTRUCTURE-DECLARATION-MISSING", "R-20-1", "第二十条",
                "infrastructure")


@pytest.mark.parametrize("blank", [None, " "], ids=["absent", "whitespace"])
def test_r_31_3_truthfulness_declaration_missing(without, blank):
    app = without("truthfulness_declared_by") if blank is None else without(truthfulness_declared_by=blank)
    v = only_violation(app)
    assert (v.code, v.article, v.item) == ("E31-TRUTHFULNESS-DECLARATION-MISSING", "第三十一条",
                                           "truthfulness_declared_by")


def test_r_31_3_truthfulness_refusal_cites_its_own_rule(without):
    # rules.md: R-31-3 is the truthfulness declaration; R-31-1 is information requests.
    assert only_violation(without("truthfulness_declared_by")).rule == "R-31-3"


# ---------------------------------------------------------- the refusal


def test_refusal_for_names_every_violation_and_leads_with_the_first(without):
    violations = rules.check_plan_application(without("need", "rank", "truthfulness_declared_by"))
    assert [v.code for v in violations] == ["E06-NEED-MISSING", "E07-RANK-MISSING",
                                            "E31-TRUTHFULNESS-DECLARATION-MISSING"]

    refusal = rules.refusal_for(violations)

    assert isinstance(refusal, Refusal)
    assert (refusal.code, refusal.rule, refusal.article) == ("E06-NEED-MISSING", "R-6-1", "第六条")
    assert refusal.http_status == 422
    assert refusal.details["violations"] == [v.as_dict() for v in violations]
    assert [d["item"] for d in refusal.details["violations"]] == ["need", "rank", "truthfulness_declared_by"]
    assert refusal.reason_zh.startswith(violations[0].reason_zh) and "另有 2 项" in refusal.reason_zh


def test_refusal_for_a_single_violation_gives_its_reason_unchanged(without):
    [violation] = rules.check_plan_application(without("content"))
    refusal = rules.refusal_for([violation])
    assert refusal.reason_zh == violation.reason_zh
    assert refusal.details == {"violations": [violation.as_dict()]}


# ------------------------------------------------------------ R-7-3 ranks


def test_r_7_3_rank_duplicate_within_the_category():
    # a set whose iteration order is not sorted, so the listing's order is the rule's doing
    refusal = rules.rank_duplicate(2, "BUILD", {2, 9, 17})
    assert (refusal.code, refusal.rule, refusal.article) == ("E07-RANK-DUPLICATE", "R-7-3", "第七条")
    assert refusal.details == {"rank": 2, "category": "BUILD", "taken": [2, 9, 17]}
    assert "建设类" in refusal.reason_zh and "排序 2" in refusal.reason_zh


def test_r_7_3_rank_duplicate_names_the_om_category():
    assert "运维类" in rules.rank_duplicate(1, "OM", {1}).reason_zh


@pytest.mark.parametrize("taken", [set(), {2, 3}], ids=["none-taken", "others-taken"])
def test_r_7_3_a_free_rank_is_accepted(taken):
    assert rules.rank_duplicate(1, "BUILD", taken) is None


# ------------------------------------------------- §6.1 items 3 and 4 (formats)


def test_build_without_build_kind_is_a_field_error(without):
    app = without("build_kind")
    assert rules.build_kind_required(app) == {"build_kind": ["建设类项目须注明新建、改建或扩建"]}
    # a format, not an article: the article checks have nothing to say
    assert rules.check_plan_application(app) == []


@pytest.mark.parametrize("kind", ["UPGRADE", "EXPAND"])
def test_upgrade_or_expand_needs_an_existing_system(loaded, kind):
    app = loaded(build_kind=kind, system={"new_system_name": "警务大数据平台"})
    assert rules.build_kind_required(app) == {"system": ["改建、扩建及运维类项目须引用已有系统编号"]}


@pytest.mark.parametrize("kind", ["UPGRADE", "EXPAND"])
def test_upgrade_or_expand_with_an_existing_system_passes(loaded, kind):
    assert rules.build_kind_required(loaded(build_kind=kind, system={"existing_system_id": "SYS-0042"})) == {}


def test_no_system_reference_at_all(loaded):
    assert rules.build_kind_required(loaded(system={})) == {"system": ["须引用已有系统编号或声明新建系统名称"]}


def test_upgrade_with_no_system_reference_gets_both_messages(loaded):
    errors = rules.build_kind_required(loaded(build_kind="UPGRADE", system={}))
    assert errors == {"system": ["须引用已有系统编号或声明新建系统名称", "改建、扩建及运维类项目须引用已有系统编号"]}


def test_om_needs_no_build_kind(loaded):
    assert rules.build_kind_required(loaded(category="OM", build_kind=None,
                                            system={"existing_system_id": "SYS-0042"})) == {}


def test_om_must_reference_an_existing_system(loaded):
    # §6.1 item 4: "an existing system ID (UPGRADE, EXPAND, OM) or a new-system
    # declaration" — O&M is for a system that exists, so a new-system name alone will not do.
    errors = rules.build_kind_required(loaded(category="OM", build_kind=None,
                                              system={"new_system_name": "警务大数据平台"}))
    assert "system" in errors
