"""Money in integer fen: rules.md §0.4 and the money thresholds TH-1..TH-4 of §0.7."""

from decimal import Decimal

import pytest

from itpm_common.money import (
    FEN_PER_YUAN,
    WAN,
    AmountError,
    fen_to_wan_str,
    fen_to_yuan_str,
    percent_display,
    ratio_within,
    yuan_to_fen,
)

# Thresholds expressed the way §10 states them, so these tests also pin the
# unit conversion the services will rely on.
ESTIMATE_REVIEW_THRESHOLD_FEN = 100 * WAN  # TH-1, 100万元
COMBINED_APPROVAL_MAX_FEN = 1000 * WAN  # TH-2, 1000万元
ADJUSTMENT_MAX_PERCENT = 15  # TH-3


# ---------------------------------------------------------------- constants


def test_constants_match_section_0_4():
    assert FEN_PER_YUAN == 100
    assert WAN == 1_000_000
    assert yuan_to_fen("10,000.00") == WAN
    assert ESTIMATE_REVIEW_THRESHOLD_FEN == 100_000_000
    assert COMBINED_APPROVAL_MAX_FEN == 1_000_000_000


# ---------------------------------------------------------------- parsing


@pytest.mark.parametrize(
    ("text", "fen"),
    [
        ("1,000,000.00", 100_000_000),
        ("1000000", 100_000_000),
        ("1000000.00", 100_000_000),
        ("0.01", 1),
        ("0.1", 10),
        ("0", 0),
        ("12.3", 1230),
        ("999,999.99", 99_999_999),
        ("  8,000,000.00 ", 800_000_000),
        ("1,234", 123_400),
    ],
)
def test_yuan_to_fen_accepts_strings(text, fen):
    assert yuan_to_fen(text) == fen


def test_yuan_to_fen_decimal_is_exact_beyond_context_precision():
    # 28 significant digits would round the last fen away under the default context.
    assert yuan_to_fen(Decimal("99999999999999999.99")) == 9_999_999_999_999_999_999
    with pytest.raises(ValueError, match="两位小数"):
        yuan_to_fen(Decimal("1234567890123456.7890000000001"))
    assert yuan_to_fen(Decimal("1E+2")) == 10_000
    assert yuan_to_fen(Decimal("-0.00")) == 0


@pytest.mark.parametrize(
    "value", ["1" + "0" * 18, 10**18, Decimal("1E+18"), "9" * 5000]
)
def test_yuan_to_fen_refuses_absurd_magnitudes(value):
    with pytest.raises(AmountError, match="范围"):
        yuan_to_fen(value)


def test_yuan_to_fen_accepts_int_and_decimal():
    assert yuan_to_fen(1_000_000) == 100_000_000
    assert yuan_to_fen(0) == 0
    assert yuan_to_fen(Decimal("1000000.00")) == 100_000_000
    assert yuan_to_fen(Decimal("0.01")) == 1
    # Trailing zeros carry no value; the amount is still a whole number of fen.
    assert yuan_to_fen(Decimal("1.500")) == 150


@pytest.mark.parametrize("value", [0.01, 1.0, 1_000_000.0, float("nan")])
def test_yuan_to_fen_refuses_floats(value):
    with pytest.raises(ValueError, match="浮点数"):
        yuan_to_fen(value)


@pytest.mark.parametrize(
    "value", ["0.001", "1,000,000.005", "1.999", Decimal("0.001"), Decimal("1.005")]
)
def test_yuan_to_fen_refuses_more_than_two_decimals(value):
    with pytest.raises(ValueError, match="两位小数"):
        yuan_to_fen(value)


@pytest.mark.parametrize("value", ["-0.01", "-1,000.00", -1, Decimal(-5)])
def test_yuan_to_fen_refuses_negatives_by_default(value):
    with pytest.raises(ValueError, match="负数"):
        yuan_to_fen(value)


def test_yuan_to_fen_negative_allowed_when_asked():
    assert yuan_to_fen("-0.01", allow_negative=True) == -1
    assert yuan_to_fen("-1,000,000.00", allow_negative=True) == -100_000_000
    assert yuan_to_fen(-3, allow_negative=True) == -300
    assert yuan_to_fen(Decimal("-2.50"), allow_negative=True) == -250


@pytest.mark.parametrize(
    "value",
    [
        "",
        "abc",
        "1,00,000",
        "1,0000",
        ",100",
        "100,",
        "1.",
        ".5",
        "+5",
        "1e3",
        "¥100",
        "100元",
        "1 000",
        "--1",
        "１００",  # full-width digits
        "1.2.3",
        "NaN",
        Decimal("NaN"),
        Decimal("Infinity"),
        None,
        True,
        [1],
    ],
)
def test_yuan_to_fen_refuses_garbage(value):
    with pytest.raises(AmountError, match="金额"):
        yuan_to_fen(value)


# ---------------------------------------------------------------- display


@pytest.mark.parametrize(
    ("fen", "text"),
    [
        (100_000_000, "1,000,000.00"),
        (1, "0.01"),
        (0, "0.00"),
        (99_999_999, "999,999.99"),
        (120_032_000, "1,200,320.00"),
        (-100_000_001, "-1,000,000.01"),
    ],
)
def test_fen_to_yuan_str(fen, text):
    assert fen_to_yuan_str(fen) == text
    assert yuan_to_fen(text, allow_negative=True) == fen


@pytest.mark.parametrize(
    ("fen", "text"),
    [
        (100 * WAN, "100.00万元"),
        (WAN, "1.00万元"),
        (1000 * WAN, "1,000.00万元"),
        (12_345_678, "12.35万元"),  # 123,456.78 元, half-up for display
        (1, "0.00万元"),
    ],
)
def test_fen_to_wan_str(fen, text):
    assert fen_to_wan_str(fen) == text


@pytest.mark.parametrize("func", [fen_to_yuan_str, fen_to_wan_str])
@pytest.mark.parametrize("value", [1.0, "100", Decimal(1), True])
def test_display_refuses_non_int_fen(func, value):
    with pytest.raises(TypeError):
        func(value)


# ---------------------------------------------------------------- TH-1: 概算 ≥ 100万 needs 财政 review


@pytest.mark.parametrize(
    ("amount", "required"),
    [
        ("999,999.99", False),
        ("1,000,000.00", True),
        ("1,000,000.01", True),
    ],
)
def test_TH1_estimate_review_required_at_100wan_inclusive(amount, required):
    assert (yuan_to_fen(amount) >= ESTIMATE_REVIEW_THRESHOLD_FEN) is required


# ---------------------------------------------------------------- TH-2: 1000万元以下 is ≤


@pytest.mark.parametrize(
    ("amount", "allowed"),
    [
        ("9,999,999.99", True),
        ("10,000,000.00", True),  # 以下 includes the number
        ("10,000,000.01", False),
    ],
)
def test_TH2_combined_approval_at_1000wan_inclusive(amount, allowed):
    fen = yuan_to_fen(amount)
    assert (fen <= COMBINED_APPROVAL_MAX_FEN) is allowed
    # The same comparison expressed as a 100% ratio must agree.
    assert ratio_within(fen, COMBINED_APPROVAL_MAX_FEN, 100) is allowed


# ---------------------------------------------------------------- TH-3: 不超过15%, exact


def test_TH3_15_004_percent_is_refused_although_display_shows_15_00():
    adjustment = yuan_to_fen("1,200,320.00")
    estimate = yuan_to_fen("8,000,000.00")
    assert percent_display(adjustment, estimate) == Decimal("15.00")
    assert ratio_within(adjustment, estimate, ADJUSTMENT_MAX_PERCENT) is False


def test_TH3_exactly_15_percent_is_allowed():
    assert ratio_within(
        yuan_to_fen("1,200,000.00"), yuan_to_fen("8,000,000.00"), ADJUSTMENT_MAX_PERCENT
    )


def test_TH3_14_99_percent_is_allowed():
    adjustment = yuan_to_fen("1,199,200.00")
    estimate = yuan_to_fen("8,000,000.00")
    assert percent_display(adjustment, estimate) == Decimal("14.99")
    assert ratio_within(adjustment, estimate, ADJUSTMENT_MAX_PERCENT)


def test_TH3_15_01_percent_is_refused():
    adjustment = yuan_to_fen("1,200,800.00")
    estimate = yuan_to_fen("8,000,000.00")
    assert percent_display(adjustment, estimate) == Decimal("15.01")
    assert not ratio_within(adjustment, estimate, ADJUSTMENT_MAX_PERCENT)


def test_TH3_one_fen_over_15_percent_is_refused():
    estimate = yuan_to_fen("8,000,000.00")
    limit = 15 * estimate // 100
    assert ratio_within(limit, estimate, 15)
    assert not ratio_within(limit + 1, estimate, 15)  # 15.000000125%


def test_TH3_limit_not_a_whole_fen_rounds_against_the_unit():
    # 15% of 0.01 元 is 0.0015 元: no positive adjustment fits, zero does.
    assert ratio_within(0, 1, 15)
    assert not ratio_within(1, 1, 15)
    # 15% of 333.33 元 is 49.9995 元: 49.99 fits, 50.00 does not.
    assert ratio_within(yuan_to_fen("49.99"), yuan_to_fen("333.33"), 15)
    assert not ratio_within(yuan_to_fen("50.00"), yuan_to_fen("333.33"), 15)


def test_TH3_ratio_within_refuses_non_integers():
    with pytest.raises(TypeError):
        ratio_within(1.0, 100, 15)
    with pytest.raises(TypeError):
        ratio_within(1, 100, 15.0)
    with pytest.raises(TypeError):
        ratio_within(1, Decimal(100), 15)


# ---------------------------------------------------------------- TH-4: 未超出概算 is R ≤ P


@pytest.mark.parametrize(
    ("revised", "allowed"),
    [
        ("7,999,999.99", True),
        ("8,000,000.00", True),
        ("8,000,000.01", False),
    ],
)
def test_TH4_revised_total_not_above_approved_estimate(revised, allowed):
    approved = yuan_to_fen("8,000,000.00")
    assert ratio_within(yuan_to_fen(revised), approved, 100) is allowed


# ---------------------------------------------------------------- percent_display


def test_percent_display_rounds_half_up_and_honours_places():
    assert percent_display(1, 8, places=1) == Decimal("12.5")
    assert percent_display(1, 8, places=0) == Decimal(13)
    assert percent_display(1, 3) == Decimal("33.33")
    assert percent_display(2, 3) == Decimal("66.67")
    assert percent_display(120_032_000, 800_000_000, places=3) == Decimal("15.004")


def test_percent_display_zero_base_refused():
    with pytest.raises(ValueError):
        percent_display(1, 0)
