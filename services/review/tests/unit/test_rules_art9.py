"""The pure checks of the Art 9 joint review and the funding gates
(R-9-2, R-9-4, R-9-5, R-9-7, R-9-8), at, below and above every boundary."""

import pytest

from review import rules
from review.settings import BEFORE_APPROVAL_ENTRY, BEFORE_REVIEW_CONCLUSION, ReviewSettings

TOTAL = 800_000_000
ALL_AGREE = dict.fromkeys(rules.BUREAUS, "AGREE")
THRESHOLD = 1_000_000_000


def confirmation(result="SECURED", amount=TOTAL, confirmed_for=TOTAL, status="CONFIRMED"):
    return {"status": status, "result": result, "confirmed_amount_fen": amount,
            "total_investment_fen": confirmed_for}


def test_r_9_2_no_confirmation_is_not_confirmed():
    refusal = rules.check_funding(None, TOTAL, True)
    assert (refusal.code, refusal.rule, refusal.article) == ("E09-FUNDING-NOT-CONFIRMED", "R-9-2", "第九条")
    assert refusal.details == {"total_investment_fen": TOTAL}
    assert "财政部门" in refusal.reason_zh


@pytest.mark.parametrize("amount, shortfall", [(TOTAL - 1, 1), (0, TOTAL)])
def test_r_9_2_secured_but_short_of_the_total_names_the_shortfall(amount, shortfall):
    refusal = rules.check_funding(confirmation(amount=amount, status="NOT_SECURED"), TOTAL, True)
    assert (refusal.code, refusal.rule) == ("E09-FUNDING-NOT-SECURED", "R-9-2")
    assert refusal.details == {"result": "SECURED", "confirmed_amount_fen": amount, "total_investment_fen": TOTAL,
                               "shortfall_fen": shortfall}


@pytest.mark.parametrize("amount", [TOTAL, TOTAL + 1])
def test_r_9_2_secured_at_or_above_the_total_passes(amount):
    assert rules.check_funding(confirmation(amount=amount), TOTAL, True) is None


@pytest.mark.parametrize("result", ["PARTIAL", "NOT_SECURED"])
def test_r_9_2_partial_or_not_secured_is_refused_even_when_the_amount_covers(result):
    refusal = rules.check_funding(confirmation(result=result, status="NOT_SECURED"), TOTAL, True)
    assert refusal.code == "E09-FUNDING-NOT-SECURED" and refusal.details["result"] == result


@pytest.mark.parametrize("result, amount", [("PARTIAL", TOTAL // 2), ("NOT_SECURED", 0), ("SECURED", TOTAL - 1)])
def test_r_9_2_with_the_switch_off_any_recorded_confirmation_passes(result, amount):
    assert rules.check_funding(confirmation(result=result, amount=amount, status="NOT_SECURED"), TOTAL,
                               False) is None
    # but there must be one
    assert rules.check_funding(None, TOTAL, False).code == "E09-FUNDING-NOT-CONFIRMED"


@pytest.mark.parametrize("must_cover", [True, False])
def test_r_9_7_a_confirmation_for_a_smaller_total_no_longer_counts(must_cover):
    earlier = confirmation(amount=TOTAL * 2, confirmed_for=TOTAL - 1)
    refusal = rules.check_funding(earlier, TOTAL, must_cover)
    assert refusal.code == "E09-FUNDING-NOT-CONFIRMED"
    assert refusal.details == {"invalidated": True, "confirmed_for_total_fen": TOTAL - 1,
                               "total_investment_fen": TOTAL}
    # the same total, or a lower one, keeps it
    assert rules.check_funding(confirmation(confirmed_for=TOTAL), TOTAL, must_cover) is None
    assert rules.check_funding(confirmation(confirmed_for=TOTAL + 1), TOTAL, must_cover) is None


@pytest.mark.parametrize("must_cover", [True, False])
def test_r_9_7_an_invalidated_confirmation_does_not_count(must_cover):
    refusal = rules.check_funding(confirmation(status="INVALIDATED"), TOTAL, must_cover)
    assert refusal.code == "E09-FUNDING-NOT-CONFIRMED" and refusal.details["invalidated"] is True


def test_r_9_8_cites_its_own_rule():
    refusal = rules.check_funding(None, TOTAL, True, rule="R-9-8", before_zh="列入年度建设计划草案")
    assert (refusal.code, refusal.rule, refusal.article) == ("E09-FUNDING-NOT-CONFIRMED", "R-9-8", "第九条")
    assert refusal.reason_zh.endswith("列入年度建设计划草案")


@pytest.mark.parametrize("total, required", [(THRESHOLD - 1, False), (THRESHOLD, False), (THRESHOLD + 1, True)])
def test_r_9_5_large_means_greater_than_the_threshold(total, required):
    assert rules.special_report_required(total, THRESHOLD) is required
    refusal = rules.check_special_report(total, THRESHOLD, True, report_on_file=False)
    assert (refusal is not None) is required
    if refusal:
        assert (refusal.code, refusal.rule, refusal.article) == ("E09-SPECIAL-REPORT-MISSING", "R-9-5", "第九条")
        assert refusal.details == {"total_investment_fen": total, "threshold_fen": THRESHOLD}


def test_r_9_5_a_report_on_file_or_the_gate_elsewhere_passes():
    assert rules.check_special_report(THRESHOLD + 1, THRESHOLD, True, report_on_file=True) is None
    assert rules.check_special_report(THRESHOLD + 1, THRESHOLD, False, report_on_file=False) is None


def test_r_9_4_joint_conclusion_needs_all_four_opinions_whatever_the_outcome():
    for outcome in rules.JOINT_OUTCOMES:
        refusal = rules.check_joint_conclusion(outcome, {"WX": "AGREE", "CZ": "AGREE"}, None)
        assert (refusal.code, refusal.rule, refusal.article) == ("E08-OPINION-MISSING", "R-9-4", "第九条")
        assert refusal.details["missing_bureaus"] == ["FG", "GX"]


def test_r_9_4_pass_over_a_disagreement_needs_the_resolution_note():
    verdicts = {**ALL_AGREE, "FG": "DISAGREE"}
    refusal = rules.check_joint_conclusion("PASS", verdicts, "  ")
    assert (refusal.code, refusal.rule, refusal.article) == ("E08-UNRESOLVED-DISAGREEMENT", "R-9-4", "第九条")
    assert "通过联审" in refusal.reason_zh
    assert rules.check_joint_conclusion("PASS", verdicts, "经协商，发改同意") is None
    assert rules.check_joint_conclusion("FAIL", verdicts, None) is None


def test_r_9_5_pass_is_held_by_the_special_report_gate_fail_is_not():
    gate = rules.check_special_report(THRESHOLD + 1, THRESHOLD, True, report_on_file=False)
    assert rules.check_joint_conclusion("PASS", ALL_AGREE, None, gate).code == "E09-SPECIAL-REPORT-MISSING"
    assert rules.check_joint_conclusion("FAIL", ALL_AGREE, None, gate) is None


def test_r_9_8_draft_is_held_by_the_funding_gate_not_included_is_not():
    gate = rules.check_funding(None, TOTAL, True, rule="R-9-8")
    criteria = dict.fromkeys(rules.CRITERIA, "MET")
    assert rules.check_conclusion("DRAFT", criteria, ALL_AGREE, None, gate).rule == "R-9-8"
    assert rules.check_conclusion("NOT_INCLUDED", criteria, ALL_AGREE, None, gate) is None


# ------------------------------------------------------------ settings (§10)


def test_settings_defaults_are_those_of_section_10():
    s = ReviewSettings.from_config({})
    assert s == ReviewSettings(1_000_000_000, BEFORE_REVIEW_CONCLUSION, True)


def test_settings_read_as_nameko_substitutes_them():
    s = ReviewSettings.from_config({"LARGE_INVESTMENT_THRESHOLD_FEN": "2000000000",
                                    "SPECIAL_REPORT_GATE": "before_approval_entry",
                                    "ADHOC_FUNDING_MUST_COVER_TOTAL": False})
    assert s == ReviewSettings(2_000_000_000, BEFORE_APPROVAL_ENTRY, False)
    assert ReviewSettings.from_config({"LARGE_INVESTMENT_THRESHOLD_FEN": 5,
                                       "ADHOC_FUNDING_MUST_COVER_TOTAL": "false"}).adhoc_funding_must_cover_total \
        is False


@pytest.mark.parametrize("config", [{"SPECIAL_REPORT_GATE": "AFTER_LUNCH"},
                                    {"ADHOC_FUNDING_MUST_COVER_TOTAL": "maybe"},
                                    {"LARGE_INVESTMENT_THRESHOLD_FEN": "-1"},
                                    {"LARGE_INVESTMENT_THRESHOLD_FEN": True}])
def test_a_bad_setting_stops_the_service(config):
    with pytest.raises(ValueError):
        ReviewSettings.from_config(config)
