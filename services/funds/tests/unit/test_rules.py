"""funds' Art 9 rules as pure functions, at and around each boundary."""

import pytest

from funds import rules

TOTAL = 1_000_000_000


@pytest.mark.parametrize("amount, event, shortfall", [
    (TOTAL - 1, "FundingNotSecured", 1),
    (TOTAL, "FundingConfirmed", 0),
    (TOTAL + 1, "FundingConfirmed", 0),
])
def test_secured_covers_the_total_or_not(amount, event, shortfall):
    judgement = rules.judge("SECURED", amount, TOTAL, "ADHOC")
    assert (judgement.event, judgement.shortfall_fen) == (event, shortfall)


@pytest.mark.parametrize("result", ["PARTIAL", "NOT_SECURED"])
@pytest.mark.parametrize("path", ["ADHOC", "PLAN"])
def test_other_results_never_confirm_under_the_cover_rule(result, path):
    assert rules.judge(result, TOTAL, TOTAL, path).event == "FundingNotSecured"


def test_without_the_cover_rule_any_adhoc_result_confirms_but_plan_results_do_not():
    assert rules.judge("NOT_SECURED", 0, TOTAL, "ADHOC", must_cover_total=False) == rules.Judgement(
        "FundingConfirmed", TOTAL)
    assert rules.judge("NOT_SECURED", 0, TOTAL, "PLAN", must_cover_total=False).event == "FundingNotSecured"


@pytest.mark.parametrize("new_total, invalid", [(TOTAL - 1, False), (TOTAL, False), (TOTAL + 1, True)])
def test_any_increase_invalidates(new_total, invalid):
    assert rules.invalidated_by(TOTAL, new_total) is invalid


@pytest.mark.parametrize("result, amount, refused", [
    ("SECURED", 0, True), ("SECURED", 1, False), ("PARTIAL", 0, False), ("NOT_SECURED", 0, False)])
def test_secured_names_an_amount(result, amount, refused):
    refusal = rules.check_amount(result, amount)
    assert (refusal is not None) is refused
    if refusal:
        assert (refusal.code, refusal.rule, refusal.article) == ("VALIDATION", "R-9-2", "第九条")


def test_the_refusal_for_other_roles_cites_both_articles():
    refusal = rules.forbidden_to_confirm("FG")
    assert (refusal.code, refusal.rule, refusal.article) == ("AUTH-FORBIDDEN", "R-9-3", "第九条")
    assert refusal.details["articles"] == ["第九条", "第四条"]


@pytest.mark.parametrize("value, expected", [
    (None, True), ("", True), (True, True), (False, False), ("true", True), ("false", False), ("OFF", False)])
def test_switch_values(value, expected):
    assert rules.parse_switch(value) is expected


def test_an_unreadable_switch_stops_the_service():
    with pytest.raises(ValueError):
        rules.parse_switch("perhaps")
