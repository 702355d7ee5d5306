"""Text for spreadsheet cells that a spreadsheet program will never run as a formula."""

from __future__ import annotations

from typing import Any

# Excel, WPS and LibreOffice start a formula at any of these (a tab or CR before one too)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_text(value: Any) -> Any:
    """A CSV field as text: a string that a spreadsheet would read as a formula gets a leading
    apostrophe (OWASP's advice; Excel and LibreOffice hide it). Numbers stay numbers, and a
    string that is just a number (-3, +2) is left alone: it cannot run anything."""
    if not isinstance(value, str) or not value.startswith(_FORMULA_START):
        return value
    try:
        float(value)
        return value
    except ValueError:
        return "'" + value


def is_formula_text(value: Any) -> bool:
    """A string openpyxl would store as a formula (`<f>`) if set as a cell value."""
    return isinstance(value, str) and value.startswith("=") and len(value) > 1
