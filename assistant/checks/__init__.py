"""The rules of SPEC c: findings as data."""

from __future__ import annotations
