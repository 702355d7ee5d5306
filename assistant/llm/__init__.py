"""The chat model factory (any OpenAI-compatible endpoint) and the offline composer."""

from __future__ import annotations
