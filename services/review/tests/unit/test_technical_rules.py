"""The technical review's pure rules: judgements only where the submitted
version raised the question (A-11, A-12, R-20-2, R-20-3, R-13-1), and which
earlier conclusion a new version may take over (A-09, R-10-2)."""

import pytest

from review.technical.rules import check_carry_over, flagged_items, judgement_problems

FLAGS = [{"item": "身份证号", "resource_code": "RK-001"}, {"item": "身份证号", "resource_code": "RK-009"},
         {"item": "婚姻状况", "resource_code": "HY-002"}]
RAISED = {"catalog_version": 2, "duplicate_collection_flags": FLAGS,
          "similar_systems": [{"name": "低保系统"}], "linkage_none": True}
SILENT = {"catalog_version": None, "duplicate_collection_flags": [], "similar_systems": [], "linkage_none": False}


def test_flagged_items_are_listed_once_in_order():
    assert flagged_items(FLAGS) == ["身份证号", "婚姻状况"]
    assert flagged_items([{"item": " "}, {}]) == []


def test_no_judgement_is_no_problem_whatever_the_submission():
    nothing = {"catalog_exemption": False, "accepted_duplicate_items": [], "similar_systems_accepted": False,
               "universal_entries": [], "linkage_none_confirmed": False}
    assert judgement_problems(nothing, RAISED) == {}
    assert judgement_problems(nothing, SILENT) == {}


def test_every_judgement_fits_a_submission_that_raised_it():
    judgements = {"catalog_exemption": False, "accepted_duplicate_items": [{"item": "婚姻状况", "note": "n"}],
                  "similar_systems_accepted": True, "universal_entries": ["E-1", "E-2"],
                  "linkage_none_confirmed": True}
    assert judgement_problems(judgements, RAISED) == {}


def test_every_judgement_is_nonsense_on_a_submission_that_did_not_raise_it():
    judgements = {"accepted_duplicate_items": [{"item": "婚姻状况", "note": "n"}], "similar_systems_accepted": True,
                  "universal_entries": ["E-1"], "linkage_none_confirmed": True}
    assert set(judgement_problems(judgements, SILENT)) == {"accepted_duplicate_items", "similar_systems_accepted",
                                                           "universal_entries", "linkage_none_confirmed"}


@pytest.mark.parametrize("catalog_version, problem", [(None, False), (1, True)])
def test_a_11_the_exemption_is_for_a_version_without_a_catalog(catalog_version, problem):
    problems = judgement_problems({"catalog_exemption": True}, {**SILENT, "catalog_version": catalog_version})
    assert ("catalog_exemption" in problems) is problem


def test_a_12_reclassified_entries_need_a_catalog_and_come_once_each():
    assert "universal_entries" in judgement_problems({"universal_entries": ["E-1"]}, SILENT)
    assert "universal_entries" in judgement_problems({"universal_entries": ["E-1", "E-1"]}, RAISED)
    assert judgement_problems({"universal_entries": ["E-1"]}, RAISED) == {}


def test_r_20_2_accepted_items_are_a_subset_of_the_flagged_ones():
    def accepted(*items):
        return {"accepted_duplicate_items": [{"item": i, "note": "n"} for i in items]}

    assert judgement_problems(accepted("身份证号", "婚姻状况"), RAISED) == {}
    assert "手机号" in judgement_problems(accepted("身份证号", "手机号"), RAISED)["accepted_duplicate_items"][0]
    assert "accepted_duplicate_items" in judgement_problems(accepted("身份证号", "身份证号"), RAISED)


def test_carry_over_needs_an_earlier_conclusion():
    refusal = check_carry_over(None, "FSR", 2)
    assert (refusal.code, refusal.rule, refusal.article) == ("STATE-INVALID", "R-10-2", "第十条")


@pytest.mark.parametrize("outcome, allowed", [("PASS", True), ("PASS_WITH_CONDITIONS", True), ("FAIL", False)])
def test_carry_over_takes_only_a_passing_conclusion(outcome, allowed):
    refusal = check_carry_over({"review_id": "r-1", "version_no": 1, "outcome": outcome}, "FSR", 2)
    assert (refusal is None) is allowed
    if not allowed:
        assert (refusal.rule, refusal.details["from_review_id"]) == ("R-10-2", "r-1")
