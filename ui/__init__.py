"""The Gradio app."""

from __future__ import annotations
