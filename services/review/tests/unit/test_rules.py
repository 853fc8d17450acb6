"""The pure checks of the Art 8 plan review (R-8-1, R-6-5)."""

import pytest

from review import rules

FULL = {"verdict": "AGREE", "necessity": "需要", "feasibility": "可行", "security": "安全",
        "budget": "合理", "conditions": None}
ALL_MET = dict.fromkeys(rules.CRITERIA, "MET")
ALL_AGREE = dict.fromkeys(rules.BUREAUS, "AGREE")


def test_bureaus_are_the_four_of_article_8_in_order():
    assert rules.BUREAUS == ("WX", "FG", "GX", "CZ")
    assert [rules.BUREAU_NAMES[b] for b in rules.BUREAUS] == ["网信", "发改", "工信", "财政"]


@pytest.mark.parametrize("recorded, missing", [
    ([], ["WX", "FG", "GX", "CZ"]),
    (["CZ", "WX"], ["FG", "GX"]),
    (["GX", "FG", "CZ", "WX"], []),
    (["WX", "WX"], ["FG", "GX", "CZ"]),
])
def test_r_8_1_missing_bureaus_in_regulation_order(recorded, missing):
    assert rules.missing_bureaus(recorded) == missing


def test_r_8_1_complete_opinion_passes():
    assert rules.check_opinion(FULL) is None


@pytest.mark.parametrize("aspect, zh", list(rules.OPINION_ASPECTS.items()))
@pytest.mark.parametrize("empty", [None, "", "   \n"])
def test_r_8_1_opinion_missing_an_aspect_is_incomplete(aspect, zh, empty):
    refusal = rules.check_opinion({**FULL, aspect: empty})
    assert (refusal.code, refusal.rule, refusal.article) == ("E08-OPINION-INCOMPLETE", "R-8-1", "第八条")
    assert refusal.details["missing_aspects"] == [aspect]
    assert zh in refusal.reason_zh


def test_r_8_1_opinion_names_every_missing_aspect():
    refusal = rules.check_opinion({"verdict": "DISAGREE", "necessity": "不必要"})
    assert refusal.details["missing_aspects"] == ["feasibility", "security", "budget"]
    assert "可行性、安全性、项目预算合理性" in refusal.reason_zh


def test_r_8_1_conditional_agreement_needs_conditions():
    refusal = rules.check_opinion({**FULL, "verdict": "AGREE_WITH_CONDITIONS", "conditions": " "})
    assert refusal.code == "E08-OPINION-INCOMPLETE"
    assert refusal.details["missing_aspects"] == ["conditions"]
    assert "条件" in refusal.reason_zh
    assert rules.check_opinion({**FULL, "verdict": "AGREE_WITH_CONDITIONS", "conditions": "复用政务云"}) is None


def test_r_8_1_conclusion_needs_all_four_opinions():
    refusal = rules.check_opinions_complete(["WX", "FG"])
    assert (refusal.code, refusal.rule, refusal.article) == ("E08-OPINION-MISSING", "R-8-1", "第八条")
    assert refusal.details["missing_bureaus"] == ["GX", "CZ"]
    assert refusal.reason_zh == "尚缺工信、财政的论证意见，不能作出结论"
    assert rules.check_opinions_complete(rules.BUREAUS) is None


@pytest.mark.parametrize("criterion", list(rules.CRITERIA))
def test_r_6_5_each_criterion_not_met_refuses(criterion):
    refusal = rules.check_criteria({**ALL_MET, criterion: "NOT_MET"})
    assert (refusal.code, refusal.rule, refusal.article) == ("E06-CRITERION-NOT-MET", "R-6-5", "第六条")
    assert refusal.details["criteria"] == [criterion]
    assert rules.CRITERIA[criterion] in refusal.reason_zh


def test_r_6_5_unjudged_criterion_is_not_met():
    assert rules.criteria_not_met({"policy_need": "MET"}) == [
        "intensive_sharing", "content_funding", "security_solution"]
    assert rules.check_criteria(ALL_MET) is None


def test_r_8_1_disagreement_needs_resolution_note():
    verdicts = {**ALL_AGREE, "CZ": "DISAGREE", "WX": "DISAGREE"}
    for note in (None, "", "  "):
        refusal = rules.check_disagreement_resolved(verdicts, note)
        assert (refusal.code, refusal.rule, refusal.article) == (
            "E08-UNRESOLVED-DISAGREEMENT", "R-8-1", "第八条")
        assert refusal.details["disagreeing_bureaus"] == ["WX", "CZ"]
        assert "网信、财政" in refusal.reason_zh
    assert rules.check_disagreement_resolved(verdicts, "经协商，财政同意分期安排资金") is None


def test_r_8_1_conditions_are_not_a_disagreement():
    verdicts = {**ALL_AGREE, "FG": "AGREE_WITH_CONDITIONS"}
    assert rules.check_disagreement_resolved(verdicts, None) is None


def test_r_8_1_opinions_are_checked_before_r_6_5_criteria():
    refusal = rules.check_conclusion("DRAFT", {}, {"WX": "AGREE"}, None)
    assert refusal.code == "E08-OPINION-MISSING"


def test_r_6_5_criteria_are_checked_before_r_8_1_disagreement():
    verdicts = {**ALL_AGREE, "GX": "DISAGREE"}
    refusal = rules.check_conclusion("DRAFT", {**ALL_MET, "content_funding": "NOT_MET"}, verdicts, None)
    assert refusal.code == "E06-CRITERION-NOT-MET"
    assert rules.check_conclusion("DRAFT", ALL_MET, verdicts, None).code == "E08-UNRESOLVED-DISAGREEMENT"
    assert rules.check_conclusion("DRAFT", ALL_MET, verdicts, "已协商") is None


def test_r_6_5_and_r_8_1_do_not_bind_a_not_included_outcome():
    verdicts = {**ALL_AGREE, "GX": "DISAGREE"}
    criteria = dict.fromkeys(rules.CRITERIA, "NOT_MET")
    assert rules.check_conclusion("NOT_INCLUDED", criteria, verdicts, None) is None
    assert rules.check_conclusion("NOT_INCLUDED", criteria, {"GX": "DISAGREE"}, None).code == \
        "E08-OPINION-MISSING"
