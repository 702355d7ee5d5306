"""保存为本单位设置 holds after a restart: saved by a signed-in user in one `xxgk ui` process,
seen by a new browser in the next process on the same workspace, and used for its drafts (the
office's endpoint, with the office's key, over `.env`'s); a browser that is not signed in
cannot save; the key never reaches a page. Real processes, real Chromium, two scripted
OpenAI-compatible servers on 127.0.0.1."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from assistant.config import load_settings
from assistant.report import zero_report
from assistant.store import Workspace
from tests.support.openai_stub import OpenAIStub, Reply

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"]
OFFICE_KEY = "sk-office-typed-4821"
ENV_KEY = "sk-env-7730"
LOGIN = ("clerk", "s3cret-pass")
DRAFT = "一是政策解读形式较为单一。二是答复文书有待规范。"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class App:
    """One `xxgk ui` process on the test's workspace, until `stop`."""

    def __init__(self, log: Path, *, auth: bool, env: dict[str, str]) -> None:
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        args = [sys.executable, "-m", "assistant", "ui", "--port", str(self.port)]
        if auth:
            args += ["--auth", ":".join(LOGIN)]
        self.log = log
        with log.open("w", encoding="utf-8") as out:
            self.proc = subprocess.Popen(args, env=env, stdout=out, stderr=subprocess.STDOUT)
        self._wait_until_served()

    def _wait_until_served(self) -> None:
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                pytest.fail(f"xxgk ui stopped: {self.log.read_text(encoding='utf-8')}")
            try:
                with urllib.request.urlopen(f"{self.url}/config", timeout=5):
                    return
            except urllib.error.HTTPError:
                return  # 401: served, behind the login
            except OSError:
                time.sleep(0.5)
        pytest.fail(f"xxgk ui did not start in 180 s: {self.log.read_text(encoding='utf-8')}")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)  # as Ctrl+C
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(30)


@pytest.fixture
def stubs() -> Iterator[tuple[OpenAIStub, OpenAIStub]]:
    """The endpoint `.env` names, and the one the office saves."""
    env_stub = OpenAIStub(model="env-model", default=Reply.text(DRAFT)).start()
    office_stub = OpenAIStub(model="office-model", default=Reply.text(DRAFT)).start()
    try:
        yield env_stub, office_stub
    finally:
        env_stub.stop()
        office_stub.stop()


def _box(page: Any, elem_id: str) -> Any:
    return page.locator(f"#{elem_id} textarea, #{elem_id} input").first


def _drafting_page(browser: Any, url: str, *, login: bool) -> Any:
    """A new browser session (its own cookies) on 起草与修改, 大模型设置 open."""
    context = browser.new_context(locale="zh-CN", viewport={"width": 1400, "height": 1000})
    if login:
        form = {"username": LOGIN[0], "password": LOGIN[1]}
        assert context.request.post(f"{url}/login", form=form).ok
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.goto(url)
    page.get_by_role("tab", name="起草与修改").click()
    page.locator("button.label-wrap", has_text="大模型设置").first.click()
    page.locator("#llm-office").wait_for(state="visible")
    return page


def test_office_settings_hold_across_a_restart(
    stubs: tuple[OpenAIStub, OpenAIStub], tmp_path: Path
) -> None:
    from playwright.sync_api import expect, sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is not installed: run scripts/system-deps")
    env_stub, office_stub = stubs
    env = dict(os.environ)  # the test's own: an empty XXGK_HOME in tmp_path
    env.update(
        XXGK_LLM__BASE_URL=env_stub.base_url,
        XXGK_LLM__MODEL="env-model",
        XXGK_LLM__API_KEY=ENV_KEY,
        XXGK_EMBEDDING__MODEL="hashing",  # no embedding model to load for the index
        GRADIO_ANALYTICS_ENABLED="False",
    )
    with Workspace.open(load_settings()) as ws:
        rid = ws.create_report(zero_report(2025, "某县统计局"), author="setup").id

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        first = App(tmp_path / "first.log", auth=True, env=env)
        try:
            page = _drafting_page(browser, first.url, login=True)
            expect(page.locator("#engine")).to_contain_text("env-model")
            _box(page, "llm-base-url").fill(office_stub.base_url)
            _box(page, "llm-model").fill("office-model")
            _box(page, "llm-key").fill(OFFICE_KEY)
            page.locator("#llm-office").click()
            expect(page.locator("#llm-msg")).to_contain_text("已保存为本单位设置")
            # what was saved is what was typed (the address and the model)
            expect(page.locator("#engine")).to_contain_text("office-model")
            expect(page.locator("#engine")).to_contain_text(office_stub.base_url)
            expect(_box(page, "llm-key")).to_have_value("")
        finally:
            first.stop()

        second = App(tmp_path / "second.log", auth=False, env=env)
        try:
            page = _drafting_page(browser, second.url, login=False)
            engine = page.locator("#engine")
            expect(engine).to_contain_text("office-model")
            expect(engine).to_contain_text(office_stub.base_url)
            expect(engine).to_contain_text("已设置密钥")
            expect(_box(page, "llm-base-url")).to_have_value(office_stub.base_url)
            expect(_box(page, "llm-model")).to_have_value("office-model")
            key_box = _box(page, "llm-key")
            expect(key_box).to_have_value("")
            assert "已设置" in (key_box.get_attribute("placeholder") or "")
            page.locator("#draft-btn").click()
            expect(page.locator("#action-msg")).to_contain_text("office-model", timeout=120_000)
            # not signed in: refused, and nothing saved
            _box(page, "llm-base-url").fill(env_stub.base_url)
            page.locator("#llm-office").click()
            expect(page.locator(".toast-body").first).to_contain_text("只有登录的用户")
            shown = page.content()
        finally:
            second.stop()
        browser.close()

    sent = [r for r in office_stub.requests if r.path.endswith("/chat/completions")]
    assert sent, "the draft did not go to the office's endpoint"
    assert {r.headers.get("authorization") for r in sent} == {f"Bearer {OFFICE_KEY}"}
    assert not env_stub.requests, "a request went to the endpoint .env names"
    assert OFFICE_KEY not in shown and ENV_KEY not in shown
    with Workspace.open(load_settings()) as ws:
        saved = ws.office_settings()
        assert saved["llm.base_url"] == office_stub.base_url  # the refused save changed nothing
        assert saved["llm.api_key"]["key"] == OFFICE_KEY
        assert ws.drafts(rid, "problems")[-1].model == "office-model"
