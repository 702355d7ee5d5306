"""placeholder"""

from __future__ import annotations

import gradio as gr

from ui.pages.common import Page


def build(page: Page) -> dict:
    gr.Markdown("（建设中）")
    return {}
