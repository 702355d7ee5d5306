"""Money units (元/万元, and 亿元 in prose): the one tested conversion, with ROUND_HALF_UP."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

_FACTOR = {"元": Decimal(1), "万元": Decimal(10_000), "亿元": Decimal(100_000_000)}
MONEY_UNITS = ("元", "万元")  # the units a table's money cells are stated in


def is_money(unit: str) -> bool:
    """Whether `unit` is a money unit a text may state an amount in (元, 万元, 亿元)."""
    return unit in _FACTOR


def convert_money(
    amount: Decimal, from_unit: str, to_unit: str, *, places: int | None = 6
) -> Decimal:
    """Convert between money units; rounded half-up to `places` decimals (万元 needs 6 for
    0.01元), or exact when `places` is None (the guard compares a figure as written)."""
    if from_unit not in _FACTOR or to_unit not in _FACTOR:
        raise ValueError(f"unknown money unit: {from_unit!r} or {to_unit!r}")
    exact = amount * _FACTOR[from_unit] / _FACTOR[to_unit]
    if places is None:
        return exact
    value = exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    # 12.000000 reads better as 12; keep the significant decimals otherwise
    return value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()
