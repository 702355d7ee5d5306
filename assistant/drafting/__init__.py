"""Drafting: fact ledger, prompts, generation, the number guard, revision."""

from __future__ import annotations
