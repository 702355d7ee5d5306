"""The app is built by a function (nothing at import), offline, local, and `xxgk ui` starts it."""

from __future__ import annotations

import importlib
import sys

import gradio as gr
import pytest

from assistant.cli import cli
from assistant.config import load_settings
from assistant.errors import ConfigError
from assistant.service import Assistant
from ui import app as app_module


def test_importing_the_app_builds_and_launches_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delitem(sys.modules, "ui.app")  # restored afterwards: later tests patch it
    module = importlib.import_module("ui.app")
    assert not [v for v in vars(module).values() if isinstance(v, gr.Blocks)]


def test_build_app_has_the_five_pages(assistant: Assistant, demo: dict[str, int]) -> None:
    app = app_module.build_app(assistant, open_report=demo["id"])
    assert isinstance(app, gr.Blocks)
    assert app.analytics_enabled is False
    tabs = [b.label for b in app.blocks.values() if isinstance(b, gr.Tab)]
    assert tabs == ["单位与年度", "数据填报", "起草与修改", "审核对比", "导出"]
    grids = [b for b in app.blocks.values() if isinstance(b, gr.Dataframe) and b.interactive]
    assert len(grids) >= 7  # 二 (four blocks), 三, 四, 六's fees, and the 2019 format's


def test_launch_options_are_local_and_offline(assistant: Assistant) -> None:
    opts = app_module.launch_options(assistant.settings, assistant)
    assert opts["server_name"] == "127.0.0.1"
    assert opts["share"] is False and opts["max_file_size"] == "20mb"
    assert opts["footer_links"] == [] and "auth" not in opts
    # the theme names system fonts only: nothing is fetched from a font CDN
    theme = opts["theme"]
    assert all(
        f.stylesheet()["url"] is None
        for f in [*theme._font, *theme._font_mono]
        if not isinstance(f, str)
    )
    assert str(opts["allowed_paths"][0]).endswith("exports")


def test_auth_comes_from_the_settings(
    assistant: Assistant, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XXGK_AUTH", "clerk:s3cret-pass")
    opts = app_module.launch_options(load_settings(), assistant)
    assert opts["auth"] == ("clerk", "s3cret-pass")
    monkeypatch.setenv("XXGK_AUTH", "nopassword")
    with pytest.raises(ConfigError, match="用户名:密码"):
        app_module.launch_options(load_settings(), assistant)


def test_cli_flags_override_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    seen = {}

    def fake_serve(settings: object, *, demo: bool = False) -> None:
        seen["settings"], seen["demo"] = settings, demo

    monkeypatch.setattr(app_module, "serve", fake_serve)
    assert cli(["ui", "--port", "7999", "--demo", "--auth", "a:b"]) == 0
    settings = seen["settings"]
    assert settings.ui.port == 7999 and settings.ui.host == "127.0.0.1"
    assert settings.ui.auth.get_secret_value() == "a:b" and seen["demo"] is True


def test_warm_up_loads_the_drafting_stack(assistant: Assistant) -> None:
    from ui.app import _warm_up

    _warm_up(assistant)  # runs in a thread in the app, where an exception would go unseen
    import sys

    assert "assistant.drafting.drafter" in sys.modules


def test_every_redraw_shows_a_page_with_no_report_open(assistant: Assistant) -> None:
    """A page may redraw before the report is open (a tab's redraw racing the first load): each
    redraw of the open report's state alone gives values its components accept."""
    import asyncio

    app = app_module.build_app(assistant)
    state = next(b for b in app.blocks.values() if isinstance(b, gr.State))
    redraws = [
        f
        for f in app.fns.values()
        if f.fn is not None and f.inputs == [state] and f.outputs and f.name != "<lambda>"
    ]
    assert {"show_profile", "refresh_picker", "refresh"} <= {f.name for f in redraws}
    for f in redraws:
        asyncio.run(app.postprocess_data(f, f.fn(None), None))


def test_every_handler_can_be_given_what_it_asks_for(assistant: Assistant) -> None:
    """Gradio fills a `gr.Request` parameter by position: one after `*values` (keyword-only)
    is never filled, and the handler fails on every call (单位信息 never saved)."""
    import inspect

    app = app_module.build_app(assistant)
    handlers = [f for f in app.fns.values() if f.fn is not None]
    assert len(handlers) > 40
    for f in handlers:
        params = inspect.signature(f.fn).parameters.values()
        stuck = [p.name for p in params if p.kind is p.KEYWORD_ONLY and p.default is p.empty]
        assert not stuck, f"{f.name} cannot be called by gradio: {stuck}"


def test_a_mistake_is_a_message_and_leaves_every_output_as_it_was(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Not gr.Error: that paints every output of the event with a red badge until a reload."""
    from assistant.errors import InputError
    from ui.pages import common

    told: list[str] = []
    monkeypatch.setattr(common.gr, "Warning", lambda message, **_: told.append(message))

    def refuse(*_: object) -> None:
        raise InputError("放行必须写明理由。请用 xxgk report list 查看。")

    assert common.shown(refuse, 3)() == tuple(gr.skip() for _ in range(3))
    assert common.shown(refuse, 1)() == gr.skip()
    assert list(common.shown_stream(lambda: (yield refuse()), 2)()) == [(gr.skip(), gr.skip())]
    assert told[0] == "放行必须写明理由。请在“单位与年度”页的列表中选择。"
