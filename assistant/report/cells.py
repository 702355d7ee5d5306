"""A table cell exactly as the source said it: number, 0, blank, "/", "—" or unreadable text."""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation
from typing import Literal

from pydantic import BaseModel, ConfigDict

from assistant.report.units import MONEY_UNITS, convert_money

CellKind = Literal["number", "blank", "dash", "slash", "text"]
Number = int | Decimal

_DASHES = {"-", "—", "——", "–", "－", "―", "─", "--", "---"}
_SLASHES = {"/", "／", "\\", "、"}
_NUM_RE = re.compile(r"^([+\-]?)(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?(元|万元|件|条|个|项)?$")


class Cell(BaseModel):
    """One data cell. `value` is set only when `kind == "number"`; `raw` keeps the source text."""

    model_config = ConfigDict(frozen=True)

    value: int | Decimal | None = None
    raw: str = ""
    kind: CellKind = "number"
    source: str | None = None  # provenance: "录入", "表三!C5", "上年结转", "html" …

    @classmethod
    def of(cls, value: Number, *, source: str | None = None) -> Cell:
        return cls(value=value, raw=str(value), kind="number", source=source)

    @property
    def is_number(self) -> bool:
        return self.kind == "number" and self.value is not None

    def display(self) -> str:
        """What a table shows: the number, or the source's own mark for a missing one."""
        if self.is_number:
            return format_number(self.value)  # type: ignore[arg-type]
        return {"blank": "", "dash": "—", "slash": "/"}.get(self.kind, self.raw)


def format_number(value: Number) -> str:
    if isinstance(value, Decimal):
        text = format(value, "f")
        return text.rstrip("0").rstrip(".") if "." in text else text
    return str(value)


def display_width(text: str) -> int:
    """Columns `text` takes in a monospace font: Wide and Fullwidth characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def normalize_text(raw: str) -> str:
    """NFKC, then strip every kind of space (NBSP, ideographic) and line break."""
    text = unicodedata.normalize("NFKC", raw)
    return re.sub(r"\s+", "", text)


def parse_cell(
    raw: str | int | float | Decimal | None, *, unit: str | None = None, source: str | None = None
) -> Cell:
    """Read a cell leniently: keep what it says; judging the value is the checks' job.

    A money cell written with its own unit ("73802895.90元" in a 万元 column) is converted to the
    column's unit; `raw` keeps the original.
    """
    if raw is None:
        return Cell(kind="blank", raw="", source=source)
    if isinstance(raw, bool):
        return Cell(kind="text", raw=str(raw), source=source)
    if isinstance(raw, int):
        return Cell(value=raw, raw=str(raw), kind="number", source=source)
    if isinstance(raw, float):
        raw = Decimal(repr(raw))
    if isinstance(raw, Decimal):
        value: Number = int(raw) if raw == raw.to_integral_value() else raw
        return Cell(value=value, raw=format_number(raw), kind="number", source=source)
    original = str(raw)
    text = normalize_text(original)
    if text == "":
        return Cell(kind="blank", raw=original, source=source)
    if text in _DASHES:
        return Cell(kind="dash", raw=original, source=source)
    if text in _SLASHES:
        return Cell(kind="slash", raw=original, source=source)
    m = _NUM_RE.match(text)
    if not m:
        return Cell(kind="text", raw=original, source=source)
    sign, digits, frac, suffix = m.groups()
    digits = digits.replace(",", "")
    if frac is not None:
        try:
            number: Number = Decimal(f"{sign}{digits}.{frac}")
        except InvalidOperation:
            return Cell(kind="text", raw=original, source=source)
    else:
        number = int(f"{sign}{digits}")
    if suffix in MONEY_UNITS and unit in MONEY_UNITS and suffix != unit:
        number = convert_money(Decimal(number), suffix, unit)
        if number == number.to_integral_value():
            number = int(number)
    return Cell(value=number, raw=original, kind="number", source=source)
