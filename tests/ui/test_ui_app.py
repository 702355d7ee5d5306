"""The app is built by a function (nothing at import), offline, local, and `xxgk ui` starts it."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

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
    login = opts["auth"]
    assert login("clerk", "s3cret-pass") and not login("clerk", "wrong")
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


_WARM_UP = """
import sys
from assistant.config import load_settings
from assistant.service import build_assistant
from assistant.usecases.drafting import warm_up

stack = ("assistant.drafting.drafter", "langchain_openai")
assert not any(m in sys.modules for m in stack), "loaded before the warm-up"
warm_up(build_assistant(load_settings()))
missing = [m for m in stack if m not in sys.modules]
assert not missing, f"not loaded by the warm-up: {missing}"
"""


def test_warm_up_loads_the_drafting_stack(tmp_path: Path) -> None:
    # in a fresh interpreter: in this one, earlier tests have loaded the stack already, and a
    # warm-up that did nothing would pass
    import os
    import subprocess
    import sys

    env = {**os.environ, "XXGK_HOME": str(tmp_path), "XXGK_LLM_BASE_URL": "http://127.0.0.1:9/v1"}
    done = subprocess.run(
        [sys.executable, "-c", _WARM_UP], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-2000:]


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


def test_wrong_passwords_are_slowed_down() -> None:
    from ui.login import FREE_ATTEMPTS, Login

    now = [0.0]
    login = Login("clerk", "s3cret-pass", clock=lambda: now[0])
    tried = [login("clerk", f"guess{i}") for i in range(300)]  # 300 guesses at once
    assert not any(tried)
    assert login.failures == FREE_ATTEMPTS  # the rest were refused without being looked at
    assert not login("clerk", "s3cret-pass")  # not even the right one, until the wait is over
    now[0] += login.wait()
    assert login("clerk", "s3cret-pass") and login.failures == 0


def test_served_beyond_this_machine_only_with_a_login(
    assistant: Assistant, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("XXGK_UI__HOST", "0.0.0.0")
    with pytest.raises(ConfigError, match="--auth 用户名:密码") as refused:
        app_module.launch_options(load_settings(), assistant)
    assert "XXGK_AUTH" in refused.value.message
    monkeypatch.delenv("XXGK_UI__HOST")
    assert cli(["ui", "--host", "0.0.0.0"]) != 0  # refused before anything is served
    assert "没有设置登录" in capsys.readouterr().err
    monkeypatch.setenv("XXGK_AUTH", "clerk:s3cret-pass")
    settings = load_settings().model_copy(
        update={"ui": load_settings().ui.model_copy(update={"host": "0.0.0.0"})}
    )
    assert app_module.launch_options(settings, assistant)["server_name"] == "0.0.0.0"


def test_gradio_files_are_private_to_the_process(assistant: Assistant) -> None:
    import os
    import stat

    settings = assistant.settings
    killed = app_module.Path(settings.paths.home) / "ui-tmp" / "run-999999999-x"
    killed.mkdir(parents=True)  # left by a process that no longer runs
    path = app_module.private_temp_dir(settings)
    assert path.parent == (app_module.Path(settings.paths.home) / "ui-tmp")
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o700
    assert not killed.exists()


def test_an_endpoint_change_never_carries_the_office_key(
    assistant: Assistant, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pydantic import SecretStr

    office = assistant.settings.llm.model_copy(
        update={"base_url": "http://127.0.0.1:9/v1", "api_key": SecretStr("office-key")}
    )
    assistant.settings = assistant.settings.model_copy(update={"llm": office})
    moved = assistant.llm_settings(base_url="http://127.0.0.1:8/v1", model="m", api_key="")
    assert moved.api_key is None and moved.base_url == "http://127.0.0.1:8/v1"
    same = assistant.llm_settings(base_url="http://127.0.0.1:9/v1", model="m", api_key=" ")
    assert same.api_key.get_secret_value() == "office-key"
    typed = assistant.llm_settings(base_url="http://127.0.0.1:8/v1", model="m", api_key="mine")
    assert typed.api_key.get_secret_value() == "mine"
    # a session's settings leave the office's as they were
    assert assistant.settings.llm.base_url == "http://127.0.0.1:9/v1"
    assistant.configure_llm(base_url="http://127.0.0.1:8/v1", model="m", api_key=None)
    assert assistant.settings.llm.api_key is None


def test_text_is_shown_as_text_in_markdown() -> None:
    from ui.markup import md_text

    hostile = (
        '<img src="http://evil/x.png"> ![a](http://evil/md.png?leak=1) [b](javascript:x) **b**'
    )
    shown = md_text(hostile)
    assert "<img" not in shown and "&lt;img" in shown
    assert r"\!\[a\](http" in shown and r"\*\*b\*\*" in shown


def test_a_section_view_begun_before_a_draft_leaves_the_draft_s_message(
    assistant: Assistant, demo: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Picking a section and clicking 起草本节 at once: the section's view, slower than the draft,
    came back last and replaced what the draft said with the section's note."""
    import threading

    from ui.handlers import drafting as dh

    app = app_module.build_app(assistant)
    fns = {f.name: f.fn for f in app.fns.values() if f.fn is not None}
    pick, draft, finish = fns["pick_section"], fns["do_draft"], fns["finish"]
    entered, release = threading.Event(), threading.Event()
    real = dh.section_state

    def held(*args: object, **kwargs: object) -> object:
        if threading.current_thread().name == "picker":
            entered.set()
            release.wait(30)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(dh, "section_state", held)
    request = gr.Request(session_hash="clerk")
    picked: list[list[object]] = []
    picker = threading.Thread(
        target=lambda: picked.append(pick(demo, "other", request)), name="picker"
    )
    picker.start()
    assert entered.wait(30)
    offline = assistant.llm_settings(base_url="", model="", api_key="")  # the composer
    *_, outcome = list(draft(demo, "other", "", False, offline, "instruction", request))[-1]
    shown = finish(demo, "other", outcome, request)
    release.set()
    picker.join(30)
    assert isinstance(shown[7], str) and shown[7]  # what the draft did
    assert picked[0][-1] == gr.skip()  # the late view leaves it
    # a section picked after the draft shows that section's note, as ever
    later = pick(demo, "other", request)
    assert isinstance(later[-1], str) and "尚未采用" in later[-1]
    # another browser's draft does not silence this one's view
    assert pick(demo, "other", gr.Request(session_hash="other"))[-1] == later[-1]
