"""The cybersecurity-review rules as pure functions (R-4-1, R-14-2 [I], R-18-1, R-18-2/A-43 [I])."""

import pytest

from security import rules


def _assessments(**ratings):
    return {part: {"rating": ratings.get(part, rules.ADEQUATE), "note": "说明"} for part in rules.PARTS}


def test_the_assessed_parts_are_the_four_of_r_14_2_and_the_crypto_content_of_r_18_1():
    assert {part: rule for part, (_, _, rule) in rules.PARTS.items()} == {
        "needs_analysis": "R-14-2", "tasks_and_content": "R-14-2", "protection_design": "R-14-2",
        "investment": "R-14-2", "crypto_content": "R-18-1"}


def test_r_14_2_a_pass_with_every_part_adequate_stands():
    assert rules.check_conclusion(rules.PASS, _assessments()) is None


@pytest.mark.parametrize("part", list(rules.PARTS))
def test_r_14_2_a_pass_with_one_inadequate_part_is_refused(part):
    refusal = rules.check_conclusion(rules.PASS, _assessments(**{part: rules.INADEQUATE}))
    assert (refusal.code, refusal.rule, refusal.article) == ("E14-SECURITY-PART-INADEQUATE", "R-14-2", "第十四条")
    assert refusal.details["inadequate_parts"] == [part]
    assert refusal.details["articles"] == [rules.PARTS[part][1]]
    assert rules.PARTS[part][0] in refusal.reason_zh


@pytest.mark.parametrize("conclusion", [rules.PASS_WITH_CONDITIONS, rules.FAIL])
def test_r_14_2_conditions_or_a_refusal_may_rest_on_inadequate_parts(conclusion):
    weak = _assessments(**{part: rules.INADEQUATE for part in rules.PARTS})
    assert rules.check_conclusion(conclusion, weak) is None


def test_r_14_2_every_inadequate_part_is_named_in_the_refusal():
    refusal = rules.check_conclusion(rules.PASS, _assessments(investment=rules.INADEQUATE,
                                                              crypto_content=rules.INADEQUATE))
    assert refusal.details["inadequate_parts"] == ["investment", "crypto_content"]
    assert refusal.details["articles"] == ["第十八条", "第十四条"]


@pytest.mark.parametrize("declared, judged, refused", [
    (False, False, False), (False, True, False), (True, True, False), (True, False, True)])
def test_r_18_2_a_43_wx_may_set_the_important_domain_but_not_clear_the_units_declaration(declared, judged,
                                                                                          refused):
    refusal = rules.check_important_domain(declared, judged)
    assert (refusal is not None) == refused
    if refused:
        assert (refusal.code, refusal.rule, refusal.article) == (
            "E18-IMPORTANT-DOMAIN-DECLARED", "R-18-2", "第十八条")


def test_r_4_1_the_refusal_for_another_role_cites_article_4():
    refusal = rules.forbidden_to_review("FG")
    assert (refusal.code, refusal.rule, refusal.article) == ("AUTH-FORBIDDEN", "R-4-1", "第四条")
    assert refusal.details == {"role": "FG", "allowed_roles": ["WX"]}


def test_a_later_version_supersedes_an_earlier_one_only():
    assert rules.supersedes(2, 1)
    assert not rules.supersedes(1, 1)
    assert not rules.supersedes(1, 2)


def test_the_submissions_reviewed_are_fsr_pd_and_both_packages_not_the_proposal():
    assert {rules.stage_of(n) for n in ("FSRSubmitted", "PreliminaryDesignSubmitted", "UrgentPackageSubmitted",
                                        "CombinedPackageSubmitted")} == set(rules.STAGES)
    assert rules.stage_of("ProposalSubmitted") is None
