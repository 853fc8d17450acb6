"""funds' Art 10 estimate-review rules as pure functions, at and around TH-1
(R-10-3: "项目投资概算100万元及以上还应经市财政部门审核概算")."""

import pytest

from funds import estimate_rules as er
from funds.settings import ESTIMATE_REVIEW_THRESHOLD_FEN, _fixed_threshold
from itpm_common.money import yuan_to_fen


@pytest.mark.parametrize("yuan, required", [
    ("999,999.99", False),
    ("1,000,000.00", True),
    ("1,000,000.01", True),
])
def test_r_10_3_th_1_is_inclusive_at_one_million_yuan(yuan, required):
    assert er.review_required(yuan_to_fen(yuan)) is required


@pytest.mark.parametrize("fen, required", [(99_999_999, False), (100_000_000, True), (100_000_001, True)])
def test_r_10_3_th_1_in_fen(fen, required):
    assert er.review_required(fen, ESTIMATE_REVIEW_THRESHOLD_FEN) is required


def test_r_10_3_the_threshold_is_one_million_yuan_in_fen():
    assert ESTIMATE_REVIEW_THRESHOLD_FEN == yuan_to_fen("1,000,000.00") == 100_000_000


@pytest.mark.parametrize("amount", [1_000_000.0, 99_999_999.99, True, "100000000", None])
def test_r_10_3_only_integer_fen_is_compared(amount):
    with pytest.raises(TypeError):
        er.review_required(amount)


def test_r_10_3_the_basis_names_the_threshold_and_the_counting_rule():
    basis = er.threshold_basis(99_999_999)
    assert basis == {"estimate_fen": 99_999_999, "threshold_fen": 100_000_000, "threshold_yuan": "1,000,000.00",
                     "inclusive": "以上含本数（民法典第1259条）", "required": False}
    assert er.threshold_basis(100_000_000)["required"] is True


@pytest.mark.parametrize("value", [None, "", 100_000_000, "100000000", " 100000000 "])
def test_th_1_configuration_may_restate_the_fixed_threshold(value):
    assert _fixed_threshold(value) == 100_000_000


@pytest.mark.parametrize("value", [99_999_999, 100_000_001, "1000000", "100万", 0])
def test_th_1_configuration_may_not_move_the_threshold_fixed_by_article_10(value):
    with pytest.raises(ValueError):
        _fixed_threshold(value)


T0, T1 = "2025-06-02T10:00:00+08:00", "2025-06-02T11:00:00+08:00"


@pytest.mark.parametrize("new, old, expected", [(1, 2, False), (2, 2, False), (3, 2, True)])
def test_within_a_stage_the_version_number_decides(new, old, expected):
    # The time does not matter within a stage: an older version delivered late stays older.
    assert er.is_newer("PD", new, T1, "PD", old, T0) is expected


def test_across_stages_the_later_submission_decides():
    assert er.is_newer("PD", 1, T1, "COMBINED_PACKAGE", 3, T0) is True
    assert er.is_newer("PD", 1, T0, "COMBINED_PACKAGE", 1, T1) is False
    # Same instant (a fixed clock): the one that arrived later counts as newer.
    assert er.is_newer("PD", 1, T0, "URGENT_PACKAGE", 1, T0) is True
    # Times compare as instants, not as text.
    assert er.is_newer("PD", 1, "2025-06-02T03:00:00+00:00", "URGENT_PACKAGE", 1, "2025-06-02T10:30:00+08:00")


@pytest.mark.parametrize("role", ["UNIT", "ZWB", "FG", "WX", "GX", "SJ"])
def test_r_4_1_only_cz_reviews_estimates(role):
    refusal = er.forbidden_to_review(role)
    assert (refusal.code, refusal.rule, refusal.article) == ("AUTH-FORBIDDEN", "R-4-1", "第四条")
    assert refusal.details == {"role": role, "allowed_roles": ["CZ"], "articles": ["第四条", "第十条"]}
    assert "财政" in refusal.reason_zh


@pytest.mark.parametrize("status", ["REVIEWED", "SUPERSEDED", "NOT_REQUIRED"])
def test_r_10_3_only_an_open_request_is_concluded(status):
    refusal = er.not_open(status, "s-1", "s-2" if status == "SUPERSEDED" else None)
    assert (refusal.code, refusal.rule, refusal.article) == ("STATE-INVALID", "R-10-3", "第十条")
    assert refusal.details["current_state"] == status
    assert ("superseded_by" in refusal.details) is (status == "SUPERSEDED")


def test_r_0_2_a_stale_version_is_state_invalid():
    refusal = er.stale(1, 2, "OPEN")
    assert (refusal.code, refusal.rule) == ("STATE-INVALID", "R-0-2")
    assert (refusal.details["expected_version"], refusal.details["current_version"]) == (1, 2)
