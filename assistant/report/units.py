"""Money units (元/万元): the one tested conversion, with ROUND_HALF_UP at 0.01."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

_FACTOR = {"元": Decimal(1), "万元": Decimal(10000)}
MONEY_UNITS = tuple(_FACTOR)


def convert_money(amount: Decimal, from_unit: str, to_unit: str, *, places: int = 6) -> Decimal:
    """Convert between 元 and 万元; rounded half-up to `places` decimals (万元 needs 6 for 0.01元)."""
    if from_unit not in _FACTOR or to_unit not in _FACTOR:
        raise ValueError(f"unknown money unit: {from_unit!r} or {to_unit!r}")
    value = (amount * _FACTOR[from_unit] / _FACTOR[to_unit]).quantize(
        Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP
    )
    # 12.000000 reads better as 12; keep the significant decimals otherwise
    return value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()


def round_money(amount: Decimal, places: int = 2) -> Decimal:
    return amount.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
