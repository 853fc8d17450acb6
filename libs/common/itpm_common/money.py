"""Money as integer fen (分), rules.md §0.4.

Every amount that takes part in a decision is an ``int`` of fen. Decimal and
string forms exist only at the edges (parsing input, rendering output);
floats are refused outright because a binary float cannot hold 0.01 exactly.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, localcontext

__all__ = [
    "FEN_PER_YUAN",
    "WAN",
    "AmountError",
    "fen_to_wan_str",
    "fen_to_yuan_str",
    "percent_display",
    "ratio_within",
    "yuan_to_fen",
]

FEN_PER_YUAN = 100
WAN = 1_000_000  # 1万元 = 10,000.00 元, in fen

# No real budget comes near 10^18 元; the bound keeps absurd input from
# turning into huge integers.
_MAX_YUAN_DIGITS = 18

# Either plain digits or digits grouped by thousands with commas; at most two
# decimals, because a third decimal is a sub-fen amount the system cannot hold.
_YUAN_RE = re.compile(
    r"(?P<sign>-?)(?P<int>\d+|\d{1,3}(?:,\d{3})+)(?:\.(?P<frac>\d+))?", re.ASCII
)


class AmountError(ValueError):
    """An amount given in 元 cannot be taken as an exact number of fen."""


def _require_int(name: str, value: object) -> int:
    # bool is an int subclass; True as an amount is always a caller bug.
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(
            f"{name} 必须是整数（分），实际为 {type(value).__name__}: {value!r}"
        )
    return value


def yuan_to_fen(value: str | int | Decimal, *, allow_negative: bool = False) -> int:
    """Parse an amount in 元 into integer fen.

    Accepts ``"1,000,000.00"``, ``"1000000"``, ``"0.01"``, an ``int`` of 元,
    or a ``Decimal`` whose value is a whole number of fen. Raises AmountError
    (a ValueError, message in Chinese) for floats, more than two decimals,
    negatives (unless ``allow_negative``) and anything unparseable.
    """
    if isinstance(value, bool):
        raise AmountError(f"金额格式无效：{value!r}")
    if isinstance(value, float):
        raise AmountError(f"金额不能使用浮点数，请以字符串或 Decimal 提供：{value!r}")

    if isinstance(value, int):
        if abs(value) >= 10**_MAX_YUAN_DIGITS:
            raise AmountError(f"金额超出范围：{value}")
        fen = value * FEN_PER_YUAN
    elif isinstance(value, Decimal):
        if not value.is_finite():
            raise AmountError(f"金额格式无效：{value!r}")
        if value and value.adjusted() >= _MAX_YUAN_DIGITS:
            raise AmountError(f"金额超出范围：{value}")
        # Integer arithmetic on the digits: Decimal multiplication would round
        # to the context precision and could hide a sub-fen remainder.
        sign, digits, exponent = value.as_tuple()
        coeff = int("".join(map(str, digits)) or "0")
        shift = exponent + 2
        if shift >= 0:
            fen = coeff * 10**shift
        else:
            fen, remainder = divmod(coeff, 10**-shift)
            if remainder:
                raise AmountError(f"金额最多保留两位小数（精确到分）：{value}")
        if sign:
            fen = -fen
    elif isinstance(value, str):
        text = value.strip()
        m = _YUAN_RE.fullmatch(text)
        if m is None:
            raise AmountError(f"金额格式无效：{value!r}")
        frac = m.group("frac")
        if frac is not None and len(frac) > 2:
            raise AmountError(f"金额最多保留两位小数（精确到分）：{value!r}")
        whole_digits = m.group("int").replace(",", "")
        if len(whole_digits.lstrip("0")) > _MAX_YUAN_DIGITS:
            raise AmountError(f"金额超出范围：{value!r}")
        whole = int(whole_digits)
        cents = int((frac or "").ljust(2, "0"))
        fen = whole * FEN_PER_YUAN + cents
        if m.group("sign"):
            fen = -fen
    else:
        raise AmountError(
            f"金额格式无效（不支持的类型 {type(value).__name__}）：{value!r}"
        )

    if fen < 0 and not allow_negative:
        raise AmountError(f"金额不能为负数：{value!r}")
    return fen


def fen_to_yuan_str(fen: int) -> str:
    """Render fen as 元 with thousands separators: 100000000 -> "1,000,000.00"."""
    _require_int("fen", fen)
    sign = "-" if fen < 0 else ""
    whole, cents = divmod(abs(fen), FEN_PER_YUAN)
    return f"{sign}{whole:,}.{cents:02d}"


def fen_to_wan_str(fen: int, places: int = 2) -> str:
    """Render fen as 万元 for display only: 100000000 -> "100.00万元".

    Rounds half-up to ``places`` decimals, so the result must never be fed
    back into a comparison.
    """
    _require_int("fen", fen)
    quantum = Decimal(1).scaleb(-places)
    with localcontext() as ctx:
        ctx.prec = max(28, len(str(abs(fen))) + places + 2)
        wan = (Decimal(fen) / WAN).quantize(quantum, rounding=ROUND_HALF_UP)
    return f"{wan:,.{places}f}万元"


def ratio_within(amount_fen: int, base_fen: int, percent: int) -> bool:
    """True iff amount <= percent% of base, i.e. ``100*amount <= percent*base``.

    Inclusive ("不超过", TH-3) and computed in exact integers, so an amount one
    fen above the limit is refused even when a rounded percentage would show
    the limit itself (A-41).
    """
    _require_int("amount_fen", amount_fen)
    _require_int("base_fen", base_fen)
    _require_int("percent", percent)
    return 100 * amount_fen <= percent * base_fen


def percent_display(amount: int, base: int, places: int = 2) -> Decimal:
    """amount/base as a percentage rounded half-up, for display only.

    Never decide anything with this value: 1,200,320.00 on 8,000,000.00
    displays as 15.00 yet exceeds 15% (use :func:`ratio_within`).
    """
    _require_int("amount", amount)
    _require_int("base", base)
    if base == 0:
        raise ValueError("基数为零，无法计算百分比")
    quantum = Decimal(1).scaleb(-places)
    with localcontext() as ctx:
        ctx.prec = max(28, len(str(abs(amount))) + len(str(abs(base))) + places + 4)
        return (Decimal(amount) * 100 / Decimal(base)).quantize(
            quantum, rounding=ROUND_HALF_UP
        )
