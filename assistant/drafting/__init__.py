"""Drafting: plan → retrieve → prompt → generate (a chat model or the offline composer) → guard."""

from __future__ import annotations
