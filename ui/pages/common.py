"""What every page of the app shares: the open report's state, error display, the author's name."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import gradio as gr

from assistant.errors import AssistantError
from assistant.service import Assistant

log = logging.getLogger(__name__)

LOCAL_USER = "本机用户"


def author_of(request: gr.Request | None) -> str:
    """Who is typing: the signed-in user behind --auth, else the local user."""
    name = getattr(request, "username", None) if request is not None else None
    return str(name) if name else LOCAL_USER


def shown(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Run a handler; a user's mistake or a failed service becomes a Chinese message in the page
    (gr.Error), never a traceback."""

    @functools.wraps(fn)
    def run(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except AssistantError as exc:
            log.info("shown to the user: %s", exc.message)
            raise gr.Error(
                exc.message, duration=None, title="无法完成", print_exception=False
            ) from exc

    return run


def shown_stream(fn: Callable[..., Iterator[Any]]) -> Callable[..., Iterator[Any]]:
    """`shown` for generator handlers (streamed replies)."""

    @functools.wraps(fn)
    def run(*args: Any, **kwargs: Any) -> Iterator[Any]:
        try:
            yield from fn(*args, **kwargs)
        except AssistantError as exc:
            log.info("shown to the user: %s", exc.message)
            raise gr.Error(
                exc.message, duration=None, title="无法完成", print_exception=False
            ) from exc

    return run


@dataclass
class Refresh:
    """A page's way to redraw itself after another report is opened."""

    fn: Callable[..., Any]
    inputs: list[Any]
    outputs: list[Any]


@dataclass
class Page:
    """Shared by the page builders: the assistant, the open report's state, the banner."""

    assistant: Assistant
    state: gr.State
    banner: gr.Markdown
    refreshes: list[Refresh] = field(default_factory=list)
    _changing: list[Any] = field(default_factory=list)

    def on_open(self, fn: Callable[..., Any], inputs: list[Any], outputs: list[Any]) -> None:
        self.refreshes.append(Refresh(fn, inputs, outputs))

    def chain(self, event: Any) -> None:
        """After `event` opened or changed the report, every page redraws (wired by `finish`,
        once every page has said how it redraws)."""
        self._changing.append(event)

    def on_select(self, tab: Any, refreshes: list[Refresh]) -> None:
        event = None
        for r in refreshes:
            event = (
                tab.select(shown(r.fn), r.inputs, r.outputs, **self.quiet)
                if event is None
                else event.then(shown(r.fn), r.inputs, r.outputs, **self.quiet)
            )

    def finish(self) -> None:
        for event in self._changing:
            for r in self.refreshes:
                event = event.then(shown(r.fn), r.inputs, r.outputs, **self.quiet)
        self._changing.clear()

    @property
    def quiet(self) -> dict[str, Any]:
        """Event options for a redraw from the workspace: no spinners, and progress tracked on
        the state alone. The page re-reads every component an event ever showed progress on
        (the tables with all their cells) at each step of every later event, each streamed
        piece of a draft included; redraws that registered all their outputs made those steps
        slow."""
        return {"show_progress": "hidden", "show_progress_on": [self.state]}
