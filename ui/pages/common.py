"""What every page of the app shares: the open report's state, error display, the author's name."""

from __future__ import annotations

import functools
import html
import logging
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import gradio as gr

from assistant.errors import AssistantError
from assistant.service import Assistant
from ui.handlers.knowledge import IndexBuild

log = logging.getLogger(__name__)

LOCAL_USER = "本机用户"


def author_of(request: gr.Request | None) -> str:
    """Who is typing: the signed-in user behind --auth, else the local user."""
    name = getattr(request, "username", None) if request is not None else None
    return str(name) if name else LOCAL_USER


def _nothing(n_outputs: int) -> Any:
    """What a handler that stopped returns: every output left as it was."""
    if n_outputs == 0:
        return None
    if n_outputs == 1:
        return gr.skip()
    return tuple(gr.skip() for _ in range(n_outputs))


# What a message written for the command line tells a person to type, said for the page.
_CLI_WORDS = (
    (
        re.compile(
            r"请?(?:撤销这些改动，或)?用 ?xxgk template --xlsx[^，。；]*?(?:重新)?生成模板后"
        ),
        "请在“数据填报”页点“下载 Excel 填报模板”，下载后",
    ),
    (
        re.compile(r"请去掉 --format，或用 xxgk template 生成对应年度的模板。"),
        "请下载本年度的模板填写。",
    ),
    (re.compile(r"请对照 xxgk template --yaml 生成的样例检查。"), "请检查文件的格式。"),
    (re.compile(r"可运行 xxgk template --yaml \S+ 生成样例。"), ""),
    (re.compile(r"可运行 ?xxgk kb build --rebuild。"), "可点“建立/更新资料库索引”重建。"),
    (re.compile(r"可用 ?xxgk kb list 查看全部编号。"), ""),
    (
        re.compile(r"请先用 ?xxgk report new 创建，或用 ?xxgk report list 查看已有报告。"),
        "请在“单位与年度”页新建或选择报告。",
    ),
    (re.compile(r"请用 ?xxgk report list 查看。"), "请在“单位与年度”页的列表中选择。"),
)


def for_the_page(message: str) -> str:
    """A service's message worded for the app: no command to type, one paragraph."""
    for pattern, words in _CLI_WORDS:
        message = pattern.sub(words, message)
    return message


def tell(message: str) -> None:
    """A user's mistake or a refused action, said in a pop-up headed “无法完成”. Not `gr.Error`:
    an error marks every output of the event with a red badge and blanks it until a reload."""
    # a pop-up's message is HTML: what it quotes (a file name, a model's reply) is text
    gr.Warning(html.escape(for_the_page(message)), duration=None, title="无法完成")


def shown(fn: Callable[..., Any], n_outputs: int) -> Callable[..., Any]:
    """Run a handler; a user's mistake or a failed service becomes a Chinese message in the page,
    never a traceback, and the `n_outputs` outputs keep what they showed."""

    @functools.wraps(fn)
    def run(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except AssistantError as exc:
            log.info("shown to the user: %s", exc.message)
            tell(exc.message)
            return _nothing(n_outputs)

    return run


def shown_stream(fn: Callable[..., Iterator[Any]], n_outputs: int) -> Callable[..., Iterator[Any]]:
    """`shown` for generator handlers (streamed replies)."""

    @functools.wraps(fn)
    def run(*args: Any, **kwargs: Any) -> Iterator[Any]:
        try:
            yield from fn(*args, **kwargs)
        except AssistantError as exc:
            log.info("shown to the user: %s", exc.message)
            tell(exc.message)
            yield _nothing(n_outputs)

    return run


def listen(
    trigger: Callable[..., Any],
    fn: Callable[..., Any],
    inputs: list[Any] | None,
    outputs: list[Any],
    **options: Any,
) -> Any:
    """`trigger(fn, inputs, outputs)` with `fn` run through `shown`: the one way handlers are
    wired, so that every one says a mistake as a message."""
    return trigger(shown(fn, len(outputs)), inputs, outputs, **options)


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
    index: IndexBuild
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
                tab.select(shown(r.fn, len(r.outputs)), r.inputs, r.outputs, **self.quiet)
                if event is None
                else event.then(shown(r.fn, len(r.outputs)), r.inputs, r.outputs, **self.quiet)
            )

    def finish(self) -> None:
        for event in self._changing:
            for r in self.refreshes:
                event = event.then(shown(r.fn, len(r.outputs)), r.inputs, r.outputs, **self.quiet)
        self._changing.clear()

    @property
    def quiet(self) -> dict[str, Any]:
        """Event options for a redraw from the workspace: no spinners, and progress tracked on
        the state alone. The page re-reads every component an event ever showed progress on
        (the tables with all their cells) at each step of every later event, each streamed
        piece of a draft included; redraws that registered all their outputs made those steps
        slow."""
        return {"show_progress": "hidden", "show_progress_on": [self.state]}
