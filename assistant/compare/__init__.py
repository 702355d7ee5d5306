"""This year against earlier years: numbers, wording, problems carried over."""

from __future__ import annotations
