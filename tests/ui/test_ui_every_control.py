"""Every control of every tab, driven in Chromium on the demo and on an empty workspace, with the
mistakes a clerk makes; the clerk's story from an empty workspace; two browsers on one report.

The controls are enumerated from the built `gr.Blocks` (every component an event listens to,
every input a person can change, every button and file box): a control added without a driver
here fails `test_every_control_was_driven`. Each step fails on an exception in the server's
log, a red error badge or an error pop-up, an English word outside data, or a request to
anything but this machine."""

from __future__ import annotations

import logging
import re
import shutil
import socket
import traceback
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import gradio as gr
import pytest

from assistant.config import load_settings
from assistant.llm.embeddings import HashingEmbedder
from assistant.service import Assistant, build_assistant
from tests.support.openai_stub import OpenAIStub, Reply
from ui.app import build_app, launch_options
from ui.demo import DEMO_AGENCY, demo_dir, seed_demo
from ui.handlers import workspace as ws

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.filterwarnings("ignore::pandas.errors.Pandas4Warning"),
]

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"]
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}
SHOTS = Path(__file__).resolve().parents[1] / "artifacts" / "ui" / "story"  # → docs/screenshots
OFFICE_KEY = "sk-office-secret"
# a model's reply that tries to make the browser fetch something
HOSTILE_REPLY = (
    "一是政策解读形式较为单一。![图](http://evil.invalid/md.png?leak=1)"
    '<img src="http://evil.invalid/i.png">二是答复文书有待规范。'
)
NOTE_MARKUP = '<img src="http://evil.invalid/n.png">'
# English a Chinese page may show: names of formats and products
ALLOWED_WORDS = {
    "Excel",
    "Word",
    "HTML",
    "Markdown",
    "JSON",
    "PDF",
    "OpenAI",
    "vLLM",
    "Xinference",
    "Ollama",
    "DeepSeek",
    "GLM",
    "SVG",
    "WPS",
    *("KB", "MB", "GB"),  # file sizes, as the file boxes show them
    # file types, as the upload boxes name them
    *("txt", "html", "htm", "docx", "pdf", "xlsx", "yaml", "yml", "json", "md"),
}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def controls(app: gr.Blocks) -> dict[str, str]:
    """elem_id → component type of every control a person can use in the app."""
    found: dict[int, gr.components.Component] = {}
    for fn in app.fns.values():
        for block_id, _event in fn.targets:
            block = app.blocks.get(block_id)
            if isinstance(block, gr.Tab) or (
                isinstance(block, gr.components.Component)
                and not isinstance(block, gr.State | gr.BrowserState | gr.Timer)
            ):
                found[block_id] = block  # type: ignore[assignment]
        for block in fn.inputs:
            if isinstance(block, gr.State | gr.BrowserState | gr.Timer):
                continue
            if block.interactive is False or block.visible is not True:
                continue
            found[block._id] = block
    for block in app.blocks.values():
        if isinstance(block, gr.Button | gr.DownloadButton | gr.File):
            found[block._id] = block  # type: ignore[assignment]
    unnamed = [
        getattr(b, "label", None) or type(b).__name__ for b in found.values() if not b.elem_id
    ]
    assert not unnamed, f"controls without elem_id (a driver cannot name them): {unnamed}"
    return {str(b.elem_id): type(b).__name__ for b in found.values()}


@dataclass
class Server:
    name: str
    url: str
    assistant: Assistant
    stub: OpenAIStub
    app: gr.Blocks
    requests: list[str] = field(default_factory=list)
    driven: set[str] = field(default_factory=set)

    def foreign(self) -> list[str]:
        return [
            u
            for u in self.requests
            if urlparse(u).scheme not in ("data", "blob", "about", "file")
            and urlparse(u).hostname not in LOCAL_HOSTS
        ]


@dataclass
class World:
    demo: Server
    empty: Server
    other_stub: OpenAIStub
    server_errors: list[str]
    browser: Any
    files: Path


class _Errors(logging.Handler):
    def __init__(self, sink: list[str]) -> None:
        super().__init__(logging.ERROR)
        self.sink = sink

    def emit(self, record: logging.LogRecord) -> None:
        self.sink.append(self.format(record))


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed (scripts/system-deps installs it)")
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=30_000)  # a loaded 2-core machine is slow, not wrong
    root = tmp_path_factory.mktemp("every-control")
    errors: list[str] = []
    handler = _Errors(errors)
    logging.getLogger().addHandler(handler)
    stub = OpenAIStub(model="stub-model", default=Reply.text(HOSTILE_REPLY, chunk_chars=8))
    stub.start()
    other = OpenAIStub(model="other-model", default=Reply.text("一是另一个模型写的草稿。"))
    other.start()
    servers: list[Server] = []
    with pytest.MonkeyPatch.context() as mp, sync_playwright() as pw:
        # an exception gradio prints (a handler that crashed) is a failure of the step
        mp.setattr(traceback, "print_exc", lambda *a, **k: errors.append(traceback.format_exc()))
        # gradio reads its upload folder from the environment at each upload: one for both apps
        mp.setenv("GRADIO_TEMP_DIR", str(root / "ui-tmp"))
        for name in ("demo", "empty"):
            mp.setenv("XXGK_HOME", str(root / name))
            mp.setenv("XXGK_LLM__BASE_URL", stub.base_url)
            mp.setenv("XXGK_LLM__MODEL", "stub-model")
            mp.setenv("XXGK_LLM__API_KEY", OFFICE_KEY)
            settings = load_settings()
            # the index is built with the hashing embedder: no model is loaded in the tests
            assistant = build_assistant(settings, embedder=HashingEmbedder())
            first = seed_demo(assistant) if name == "demo" else None
            app = build_app(assistant, open_report=first)
            app.queue()
            opts = launch_options(settings, assistant) | {"server_port": _free_port()}
            _, url, _ = app.launch(prevent_thread_lock=True, quiet=True, **opts)
            servers.append(Server(name, url.rstrip("/"), assistant, stub, app))
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield World(servers[0], servers[1], other, errors, browser, root)
        finally:
            browser.close()
            for s in servers:
                s.app.close()
            stub.stop()
            other.stop()
            logging.getLogger().removeHandler(handler)


# ---- what every step is checked for --------------------------------------------------------

_DATA = [
    re.compile(r"https?://\S+"),
    re.compile(r"\S+\.(xlsx|docx|html|htm|pdf|txt|yaml|yml|json|md)\b"),
    re.compile(r"\b[A-Z][A-Z0-9]*(_[A-Z0-9]+)+\b"),  # environment variables
    re.compile(r"\b[A-Z]{1,4}\d*-\d+[a-z]?\b"),  # rule ids: T3-01, FMT-04, PUB-01
    re.compile(r"\b[0-9a-f]{16}\b"),  # fingerprints
    re.compile(r"--[a-z][a-z-]*"),
]


def english_words(text: str, data: tuple[str, ...] = ()) -> list[str]:
    for d in data:
        text = text.replace(d, " ")
    for pattern in _DATA:
        text = pattern.sub(" ", text)
    return sorted({w for w in re.findall(r"[A-Za-z]{2,}", text) if w not in ALLOWED_WORDS})


class Browser:
    """One page of one server, with the checks every step ends with."""

    def __init__(self, world: World, server: Server, *, locale: str = "zh-CN") -> None:
        self.world, self.server = world, server
        self.context = world.browser.new_context(
            locale=locale, viewport={"width": 1440, "height": 1000}, accept_downloads=True
        )
        self.page = self.context.new_page()
        self.page.on("request", lambda r: server.requests.append(r.url))
        self.page.on("websocket", lambda w: server.requests.append(w.url))
        self.page.set_default_timeout(20_000)
        # data: what people, files and models wrote, shown as they wrote it
        self.data: tuple[str, ...] = (
            "stub-model",
            "other-model",
            NOTE_MARKUP,
            '<img src="http://evil.invalid/i.png">',
            "![图](http://evil.invalid/md.png?leak=1)",
        )

    def open(self) -> Browser:
        from playwright.sync_api import expect

        self.page.goto(self.server.url)
        expect(self.page.locator("#banner")).to_be_visible()
        self.page.wait_for_timeout(800)
        return self

    def drive(self, *ids: str) -> None:
        self.server.driven.update(ids)

    def tab(self, tab_id: str, label: str) -> None:
        self.page.get_by_role("tab", name=label).click()
        self.drive(f"tab-{tab_id}")
        self.settle()

    def settle(self, ms: int = 400) -> None:
        self.page.wait_for_timeout(ms)
        self.page.wait_for_function(
            "() => !document.querySelector('.wrap.pending, .wrap.generating')", timeout=30_000
        )

    def told(self, text: str) -> None:
        """A Chinese pop-up says `text`; then it is closed."""
        from playwright.sync_api import expect

        toast = self.page.locator(".toast-body").filter(has_text=text).first
        try:
            expect(toast).to_be_visible()
        except AssertionError as exc:
            raise AssertionError(f"{exc}\nserver log: {self.world.server_errors}") from None
        expect(toast.locator(".toast-title")).not_to_have_text(re.compile("Warning|Error"))
        self.close_toasts()

    def close_toasts(self) -> None:
        """Close the pop-ups of this step (the same message may come twice: a box's blur and
        the click that caused it both save)."""
        for _ in range(3):
            self.settle(300)
            shown = [
                c for c in self.page.locator("[data-testid=toast-close]").all() if c.is_visible()
            ]
            for close in shown:
                close.click()

    def check(self, where: str) -> None:
        """Nothing went wrong in this step."""
        self.settle()
        page = self.page
        assert not self.world.server_errors, f"{where}: server log: {self.world.server_errors}"
        badges = page.locator("span.error:visible, .toast-body.error:visible").all_inner_texts()
        assert not badges, f"{where}: error badge or pop-up: {badges}"
        # a pop-up the step expected was read and closed (`told`): any other is a failure
        popups = page.locator(".toast-body:visible").all_inner_texts()
        assert not popups, f"{where}: unexpected pop-up: {popups}"
        text = page.evaluate(
            "() => document.body.innerText + ' ' + [...document.querySelectorAll("
            "'input[placeholder]:not([type=hidden]), textarea[placeholder]')]"
            ".filter(e => e.offsetParent).map(e => e.placeholder).join(' ')"
        )
        words = english_words(text, self.data)
        assert not words, f"{where}: English in the page: {words}"
        assert page.evaluate("document.documentElement.lang") == "zh-CN", where
        assert self.server.foreign() == [], f"{where}: requests off this machine"

    # -- controls --------------------------------------------------------------------------

    def fill(self, elem_id: str, text: str, *, leave: bool = True) -> None:
        box = self.page.locator(f"#{elem_id} textarea, #{elem_id} input").first
        box.fill(text)
        if leave:
            box.press("Tab")
        self.drive(elem_id)

    def choose(self, elem_id: str, option: str) -> None:
        """A dropdown's option, picked as a person does."""
        self.page.locator(f"#{elem_id} input").first.click()
        self.page.locator("[role=option]", has_text=option).first.click()
        self.drive(elem_id)

    def radio(self, elem_id: str, option: str) -> None:
        self.page.locator(f"#{elem_id} label", has_text=option).first.click()
        self.drive(elem_id)

    def click(self, elem_id: str) -> None:
        self.page.locator(f"#{elem_id}").first.click()
        self.drive(elem_id)

    def upload(self, elem_id: str, path: Path) -> None:
        self.page.locator(f"#{elem_id} input[type=file]").set_input_files(str(path))
        self.drive(elem_id)

    def clear_upload(self, elem_id: str) -> None:
        button = self.page.locator(
            f"#{elem_id} button[aria-label*='清除'], #{elem_id} button[aria-label*='Clear']"
        )
        if button.count():
            button.first.click()

    def cell(self, grid: str, row: int, col: int, value: str) -> None:
        cell = self.page.locator(f"#{grid} [data-testid=cell-{row}-{col}]")
        cell.scroll_into_view_if_needed()
        cell.dblclick()
        self.page.keyboard.press("Control+A")
        self.page.keyboard.type(value)
        self.page.keyboard.press("Enter")
        self.drive(grid)

    def shows(self, grid: str, row: int, col: int) -> str:
        """The text a grid cell shows now."""
        return self.page.locator(f"#{grid} [data-testid=cell-{row}-{col}]").inner_text().strip()

    def pick_row(self, elem_id: str, text: str) -> None:
        self.page.locator(f"#{elem_id} [role=gridcell]", has_text=text).first.click()
        self.drive(elem_id)

    def accordion(self, label: str, inside: str) -> None:
        """Open the accordion `label` (once), so that the control `inside` can be used."""
        if not self.page.locator(f"#{inside}").is_visible():
            self.page.locator("button.label-wrap", has_text=label).first.click()
            self.page.locator(f"#{inside}").wait_for(state="visible")

    def run(self, elem_id: str, section: str = "problems", *, enter: bool = False) -> int:
        """Start a draft (a button, or Enter in the request box) and wait until its version is
        stored and shown; returns the version's number."""
        from playwright.sync_api import expect

        store, rid = self.server.assistant.store, self.state_id()
        number = len(store.drafts(rid, section)) + 1
        if enter:
            self.page.locator(f"#{elem_id} textarea").press("Shift+Enter")  # lines > 1
            self.drive(elem_id)
        else:
            self.click(elem_id)
        try:
            expect(self.page.locator("#action-msg")).to_contain_text(f"第{number}版")
        except AssertionError as exc:
            self.page.screenshot(path="/tmp/i15x/fail.png", full_page=True)
            toasts = self.page.locator(".toast-body").all_inner_texts()
            chat = self.page.locator("#chat").inner_text()[-300:]
            raise AssertionError(f"{exc}\npop-ups: {toasts}\nchat: {chat}") from None
        self.settle()
        return number

    def state_id(self) -> int:
        """The id of the report this page has open (from the picker's label)."""
        label = self.page.locator("#report-picker input").first.input_value()
        agency, _, rest = label.partition(" · ")
        stored = self.server.assistant.store.find_report(agency, int(rest[:4]))
        return int(stored.id)

    def shot(self, name: str) -> None:
        SHOTS.mkdir(parents=True, exist_ok=True)
        self.page.evaluate("window.scrollTo(0, 0)")
        self.page.screenshot(path=str(SHOTS / name), full_page=True)


def _files(world: World) -> dict[str, Path]:
    folder = world.files / "uploads"
    folder.mkdir(exist_ok=True)
    bad = folder / "病毒.exe"
    bad.write_bytes(b"MZ\x00\x00")
    notes = folder / "随手记.txt"
    notes.write_text("这不是 Excel 文件", encoding="utf-8")
    prior = folder / "上年报告-2024.yaml"
    shutil.copy(demo_dir(world.demo.assistant) / "wendeng-gxj-2024.yaml", prior)
    return {"bad": bad, "txt": notes, "prior": prior}


# ---- the tabs, control by control ------------------------------------------------------------


def drive_profile(b: Browser, files: dict[str, Path], *, reopen: str | None) -> None:
    from playwright.sync_api import expect

    page = b.page
    b.tab("profile", "单位与年度")
    b.check("单位与年度")
    # new report without a name: a message, nothing blanked
    b.fill("new-agency", "", leave=False)
    b.click("new-report")
    b.told("请填写机关全称")
    b.check("新建报告（未填名称）")
    if reopen is not None:  # the demo: open the other year, then come back
        b.choose("report-picker", "2024年度")
        b.click("open-report")
        expect(page.locator("#banner")).to_contain_text("2024年度报告")
        b.choose("report-picker", reopen)
        b.click("open-report")
        expect(page.locator("#banner")).to_contain_text(reopen.split(" · ")[1][:4])
    b.check("打开报告")
    b.choose("profile-kind", "部门")
    expect(page.locator("#profile-msg")).to_contain_text("已保存")
    b.choose("profile-level", "县级")
    for field_id, value in (
        ("profile-address", "文登区昆山路1号"),
        ("profile-postcode", "264400"),
        ("profile-phone", "0631-8451234"),
        ("profile-website", "http://www.wendeng.gov.cn"),
        ("profile-parent", "文登区人民政府办公室"),
        ("profile-title", "政府信息公开工作年度报告"),
        ("profile-index_no", "11371003MB1234567X/2026-00001"),
        ("profile-url", "http://www.wendeng.gov.cn/nb.html"),
    ):
        b.fill(field_id, value)
        b.settle(200)
    b.fill("profile-date", "一月底")
    b.told("发布日期")
    b.fill("profile-date", "2026年1月20日")
    expect(page.locator("#profile-msg")).to_contain_text("已保存")
    b.check("单位信息")
    # 导入上年报告: no file, a file of the wrong type, then last year's report
    b.click("prior-import")
    b.told("请先选择要上传的文件")
    b.upload("prior-upload", files["bad"])
    b.settle()
    b.click("prior-import")
    b.told("类型无法读取")
    b.clear_upload("prior-upload")
    b.upload("prior-upload", files["prior"])
    b.settle()
    b.click("prior-import")
    expect(page.locator("#prior-msg")).to_contain_text("已导入 2024 年度报告")
    b.check("导入上年报告")


def drive_tables(b: Browser, files: dict[str, Path], grids: list[str]) -> None:
    from playwright.sync_api import expect

    page = b.page
    b.tab("tables", "数据填报")
    b.check("数据填报")
    with page.expect_download() as got:
        b.click("excel-template")
    template = b.world.files / f"{b.server.name}-template.xlsx"
    got.value.save_as(template)
    b.upload("excel-upload", files["txt"])
    b.told("类型无法读取")
    b.settle()
    b.clear_upload("excel-upload")
    b.upload("excel-upload", template)
    expect(page.locator("#excel-msg")).not_to_be_empty()
    b.check("上传 Excel")
    for grid in grids:  # each grid: a number typed, then the figure put back
        cell = page.locator(f"#{grid} [data-testid=cell-0-1]")
        before = cell.inner_text().strip()
        b.cell(grid, 0, 1, "7")
        b.settle(200)
        b.cell(grid, 0, 1, before or "0")
        b.settle(200)
    b.check("表格逐格填写")
    rows = page.locator("#findings [role=gridcell]")
    if rows.count():
        rows.first.click()
        expect(page.locator("#finding-where")).to_contain_text("涉及")
    b.drive("findings")
    b.click("note-btn")
    b.told("备注是空的")
    b.choose("note-section", "五、存在的主要问题及改进情况")
    b.fill("note-text", f"全年培训2次{NOTE_MARKUP}", leave=False)
    b.click("note-btn")  # the blur that comes with the click saves it too: kept once
    expect(page.locator("#notes")).to_contain_text(NOTE_MARKUP)
    notes = b.server.assistant.store.notes(b.state_id(), "problems")
    assert [n.text for n in notes].count(f"全年培训2次{NOTE_MARKUP}") == 1
    b.check("备注")


def drive_drafting(b: Browser, *, before_report: bool = False) -> None:
    from playwright.sync_api import expect

    page = b.page
    b.tab("drafting", "起草与修改")
    b.check("起草与修改")
    b.radio("section-pick", "五、存在的主要问题及改进情况")
    b.drive("retrieve")  # on by default; the index is not built in this test
    expect(page.locator("#retrieve input")).to_be_checked()
    b.run("draft-btn")
    expect(page.locator("#action-msg")).to_contain_text("资料库索引尚未建立")
    expect(page.locator("#chat")).to_contain_text("![图](http://evil.invalid/md.png?leak=1)")
    b.check("起草本节")
    b.fill("instruction", "第二点写得更具体", leave=False)
    b.run("revise-btn")
    b.fill("instruction", "加上培训2次", leave=False)
    b.run("instruction", enter=True)
    b.click("accept-btn")
    expect(page.locator("#action-msg")).to_contain_text("已采用第")
    b.click("reject-btn")
    b.told("没有待采用的新版本")
    b.server.stub.push(Reply.text("一是另一种写法，不采用。"))  # differs from the accepted text
    b.run("draft-btn")
    b.click("reject-btn")
    expect(page.locator("#action-msg")).to_contain_text("已不采用第")
    b.check("采用与不采用")
    b.accordion("手工修改正文", "editor")
    b.fill("editor", "一是政策解读形式较为单一。二是答复文书有待规范。", leave=False)
    b.click("save-edit")  # the blur fires with the click: one version, no conflict
    b.check("手工修改")
    b.accordion("版本历史", "restore-btn")
    b.click("restore-btn")
    b.told("请在版本历史中选择")
    b.choose("version-pick", "第1版")
    expect(page.locator("#version-diff")).not_to_be_empty()
    b.click("restore-btn")
    b.check("恢复版本")
    # 大模型设置: this browser only, and the office's key never goes to another address
    b.accordion("大模型设置", "llm-apply")
    b.fill("llm-base-url", b.world.other_stub.base_url, leave=False)
    b.fill("llm-model", "other-model", leave=False)
    b.fill("llm-key", "", leave=False)
    b.click("llm-apply")
    expect(page.locator("#engine")).to_contain_text("本浏览器的设置")
    expect(page.locator("#engine")).to_contain_text(b.world.other_stub.base_url)
    b.run("draft-btn")
    expect(page.locator("#action-msg")).to_contain_text("other-model")
    assert b.world.other_stub.requests, [r.path for r in b.server.stub.requests[-2:]]
    sent = b.world.other_stub.requests[-1].headers.get("authorization", "")
    assert OFFICE_KEY not in sent
    b.click("llm-office")
    b.told("只有登录的用户")
    b.fill("llm-base-url", b.server.stub.base_url, leave=False)
    b.fill("llm-model", "stub-model", leave=False)
    b.click("llm-apply")
    expect(page.locator("#engine")).to_contain_text("stub-model")
    b.click("index-btn")
    expect(page.locator("#index-msg")).to_contain_text("资料库")
    b.check("大模型设置与资料库")


def drive_review(b: Browser) -> None:
    from playwright.sync_api import expect

    page = b.page
    b.tab("review", "审核对比")
    b.check("审核对比")
    page.locator("#changed-only input").click()
    b.drive("changed-only")
    b.settle()
    page.locator("#changed-only input").click()
    b.click("decide-btn")
    b.told("请先在列表中点选")
    b.pick_row("review-findings", "待处理")
    b.radio("decision", "忽略")
    b.fill("review-reason", "", leave=False)
    b.click("decide-btn")
    b.told("必须写明理由")
    b.fill("review-reason", "该项已在正文中说明", leave=False)
    b.click("decide-btn")
    expect(page.locator("#review-findings")).to_contain_text("该项已在正文中说明")
    b.click("review-package")
    expect(page.locator("#review-package-note")).not_to_be_empty()
    b.drive("review-package-file")
    b.accordion("逐段对照上年文字", "wording")
    b.check("审核对比操作")


def drive_exports(b: Browser) -> None:
    from playwright.sync_api import expect

    page = b.page
    b.tab("exports", "导出")
    b.check("导出")
    b.click("allow-btn")
    b.told("请先在问题列表中点选")
    b.radio("export-kind", "正式稿")
    b.settle()
    placeholder = page.locator("#gate-blockers [role=gridcell]", has_text="待补充")
    if placeholder.count():
        placeholder.first.click()
        b.fill("allow-reason", "领导同意", leave=False)
        b.click("allow-btn")
        b.told("不能放行")
    b.pick_row("gate-blockers", "待处理")
    b.fill("allow-reason", "", leave=False)
    b.click("allow-btn")
    b.told("理由")
    b.click("export-btn")
    b.told("暂不能导出正式稿")
    b.radio("export-kind", "征求意见稿")
    for label in ("Word", "网页 HTML"):
        b.radio("export-formats", label)  # unticked: no format left
    b.click("export-btn")
    b.told("请至少选择一种导出格式")
    for label in ("Word", "网页 HTML"):
        b.radio("export-formats", label)
    b.click("export-btn")
    expect(page.locator("#export-files a[href*='.html']").first).to_be_visible()
    with page.expect_download():
        page.locator("#export-files a[href*='.docx']").first.click()
    b.drive("export-files")
    b.check("导出操作")


def test_every_control_on_the_demo(world: World) -> None:
    b = Browser(world, world.demo).open()
    files = _files(world)
    b.check("打开演示")
    grids = [g for g, kind in controls(world.demo.app).items() if g.startswith("grid-2021")]
    drive_profile(b, files, reopen=f"{DEMO_AGENCY} · 2025年度")
    drive_tables(b, files, grids)
    drive_drafting(b)
    drive_review(b)
    drive_exports(b)
    b.context.close()
    # an English browser sees the same Chinese page
    en = Browser(world, world.demo, locale="en-US").open()
    for tab_id, label in (
        ("profile", "单位与年度"),
        ("tables", "数据填报"),
        ("drafting", "起草与修改"),
        ("review", "审核对比"),
        ("exports", "导出"),
    ):
        en.tab(tab_id, label)
        en.check(f"英文浏览器：{label}")
    en.context.close()


def _fill_template(template: Path, out: Path) -> Path:
    """The downloaded template filled as a clerk does: 0 where there were none (the template
    says so), the office's figures, and one slip (自然人 new applications 6 where the other
    figures say 5)."""
    import openpyxl

    shutil.copy(template, out)
    wb = openpyxl.load_workbook(out)
    where = {r[0]: (r[1], r[2]) for r in wb["_xxgk"].iter_rows(values_only=True) if r and r[0]}
    figures = {
        "apply.new.natural_person": 6,
        "apply.new.legal.commercial": 1,
        "apply.new.total": 6,
        "apply.res.granted.natural_person": 4,
        "apply.res.granted.legal.commercial": 1,
        "apply.res.granted.total": 5,
        "apply.res.total.natural_person": 4,
        "apply.res.total.legal.commercial": 1,
        "apply.res.total.total": 5,
        "apply.carry_out.natural_person": 1,
        "apply.carry_out.total": 1,
        "active.licensing.decisions": 44,
    }
    for cell_id, (sheet, ref) in where.items():
        if cell_id.startswith("apply.carry_in."):  # this office had nothing carried over
            wb[sheet][ref] = 0
        elif sheet in wb.sheetnames and not cell_id.startswith("fees."):
            wb[sheet][ref] = figures.get(cell_id, wb[sheet][ref].value or 0)
    wb.save(out)
    return out


STORY_AGENCY = "某县教育局"
SECTIONS = (
    "引言",
    "一、总体情况",
    "二、主动公开政府信息情况",
    "三、收到和处理政府信息公开申请情况",
    "四、政府信息公开行政复议、行政诉讼情况",
    "五、存在的主要问题及改进情况",
    "六、其他需要报告的事项",
)


def test_the_clerks_story_from_an_empty_workspace(world: World) -> None:
    """New agency and year → profile saved and still there after a reload → tables from the
    Excel template → a finding fixed → every section drafted → one revised twice → accepted →
    compared with last year → 正式稿 refused for a 【待补充】 → filled → DOCX and HTML opened."""
    from docx import Document
    from playwright.sync_api import expect

    b = Browser(world, world.empty).open()
    page = b.page
    files = _files(world)
    b.data += (STORY_AGENCY,)
    expect(page.locator("#banner")).to_contain_text("尚未打开报告")
    b.check("空工作区")
    # every page says what to do before a report is open, and nothing is blanked
    b.tab("tables", "数据填报")
    b.click("note-btn")
    b.told("还没有打开报告")
    b.tab("drafting", "起草与修改")
    b.click("draft-btn")
    b.told("还没有打开报告")
    b.tab("review", "审核对比")
    b.click("review-package")
    b.tab("exports", "导出")
    b.click("export-btn")
    b.told("还没有打开报告")
    b.check("未打开报告时的各页")

    b.tab("profile", "单位与年度")
    b.fill("new-agency", STORY_AGENCY, leave=False)
    b.fill("new-year", "2025", leave=False)
    b.click("new-report")
    expect(page.locator("#banner")).to_contain_text(f"{STORY_AGENCY} · 2025年度报告")
    drive_profile(b, files, reopen=None)
    page.reload()  # the profile and publication are still there, the report still open
    expect(page.locator("#banner")).to_contain_text("2025年度报告")
    expect(page.locator("#profile-phone textarea, #profile-phone input").first).to_have_value(
        "0631-8451234"
    )
    expect(page.locator("#profile-date textarea, #profile-date input").first).to_have_value(
        "2026-01-20"
    )
    rid = b.state_id()
    report = world.empty.assistant.store.load_report(rid).report
    assert (report.agency.kind, report.agency.level) == ("department", "county")

    # tables: the template, filled and uploaded; the slip found, marked, fixed in the grid
    b.tab("tables", "数据填报")
    # blank, not 0, except what last year's closing figures filled
    assert page.locator("#grid-2021-apply-0 [data-testid=cell-0-1]").inner_text().strip() == ""
    with page.expect_download() as got:
        b.click("excel-template")
    template = world.files / "story-template.xlsx"
    got.value.save_as(template)
    b.upload("excel-upload", _fill_template(template, world.files / "story-filled.xlsx"))
    expect(page.locator("#excel-msg")).to_contain_text("已读入")
    findings = page.locator("#findings")
    expect(findings).to_contain_text("T3-01")
    expect(page.locator("#grid-2021-apply-0 [data-testid=cell-0-1]")).to_have_text("6")
    b.settle(1000)
    b.pick_row("findings", "T3-01")
    expect(page.locator("#finding-where")).to_contain_text("「自然人」列")
    b.cell("grid-2021-apply-0", 0, 1, "5")
    expect(findings).not_to_contain_text("T3-01")
    b.check("表格")

    # every section drafted, 五 revised twice, all accepted
    b.tab("drafting", "起草与修改")
    for label in SECTIONS:
        b.radio("section-pick", label)
        b.settle()
        sid = {"引言": "preamble"}.get(label)
        section = sid or _section_id(label)
        b.server.stub.push(Reply.text(f"{label}：本年度依法做好政府信息公开工作。"))
        b.run("draft-btn", section)
        if label.startswith("五"):
            for ask in ("第二点写得更具体", "再精炼一些"):
                b.server.stub.push(Reply.text(f"一是政策解读形式单一。二是{ask}。"))
                b.fill("instruction", ask, leave=False)
                b.run("revise-btn", section)
        if label.startswith("六"):  # the clerk leaves a gap to fill later
            b.server.stub.push(
                Reply.text("本年度未收取信息处理费。联系电话：【待补充：联系电话】。")
            )
            b.run("draft-btn", section)
        b.click("accept-btn")
        expect(page.locator("#action-msg")).to_contain_text("已采用第")
    b.check("起草")

    b.tab("review", "审核对比")
    expect(page.locator("#compare-years")).to_contain_text("2024、2025")
    b.check("审核对比")

    b.tab("exports", "导出")
    b.radio("export-kind", "正式稿")
    b.settle()
    expect(page.locator("#gate-blockers")).to_contain_text("待补充")
    b.click("export-btn")
    b.told("暂不能导出正式稿")
    # fill the gap in 六
    b.tab("drafting", "起草与修改")
    b.radio("section-pick", "六、其他需要报告的事项")
    b.accordion("手工修改正文", "editor")
    b.fill("editor", "本年度未收取信息处理费。联系电话：0631-8451234。", leave=False)
    b.click("save-edit")
    b.settle()
    b.tab("exports", "导出")
    b.radio("export-kind", "正式稿")
    b.settle()
    expect(page.locator("#gate-blockers")).not_to_contain_text("待补充")
    for _ in range(20):  # what is left is let through with a reason, one by one
        rows = page.locator("#gate-blockers [role=gridcell]", has_text="待处理")
        if not rows.count():
            break
        rows.first.click()
        b.fill("allow-reason", "已与业务科室核对", leave=False)
        b.click("allow-btn")
        b.settle()
    expect(page.locator("#gate-verdict")).to_contain_text("可以导出正式稿")
    b.click("export-btn")
    expect(page.locator("#export-files a[href*='.html']").first).to_be_visible()
    b.check("导出正式稿")
    folder = ws.exports_dir(world.empty.assistant)
    docx_path = next(folder.glob(f"{STORY_AGENCY}2025年度报告-正式稿.docx"))
    doc = Document(str(docx_path))
    paragraphs = [p.text for p in doc.paragraphs]
    assert any("2026年1月20日" in t for t in paragraphs[-3:]), paragraphs[-3:]
    assert len(doc.tables) >= 3
    html_path = next(folder.glob(f"{STORY_AGENCY}2025年度报告-正式稿.html"))
    viewer = b.context.new_page()
    viewer.on("request", lambda r: world.empty.requests.append(r.url))
    viewer.goto(html_path.as_uri())
    expect(viewer.locator("body")).to_contain_text("2026年1月20日")
    assert viewer.locator("table").count() >= 3
    viewer.close()
    # every tab after the story, for docs/screenshots
    for n, (tab_id, label) in enumerate(TABS, 1):
        b.tab(tab_id, label)
        b.settle(800)
        b.shot(f"story-{n}-{tab_id}.png")
    # a 2020 report is kept in the 2019 trial format: its grids are driven too
    b.tab("profile", "单位与年度")
    b.fill("new-agency", STORY_AGENCY, leave=False)
    b.fill("new-year", "2020", leave=False)
    b.click("new-report")
    expect(page.locator("#banner")).to_contain_text("2020年度报告")
    b.tab("tables", "数据填报")
    for grid in [g for g in controls(world.empty.app) if g.startswith("grid-2019")]:
        b.cell(grid, 0, 1, "3")
        b.settle(200)
    b.check("2019 年试行格式")
    b.context.close()


TABS = (
    ("profile", "单位与年度"),
    ("tables", "数据填报"),
    ("drafting", "起草与修改"),
    ("review", "审核对比"),
    ("exports", "导出"),
)


def _section_id(label: str) -> str:
    from ui.handlers import drafting as dh

    return next(sid for text, sid in dh.section_choices() if text == label)


def test_two_browsers_on_one_report(world: World) -> None:
    """Two people on one report: edits of different cells both land; only the same cell
    changed on both sides is refused; one browser's model setting is not the other's."""
    from playwright.sync_api import expect

    one = Browser(world, world.empty).open()
    two = Browser(world, world.empty).open()
    for b in (one, two):
        b.data += (STORY_AGENCY,)
        b.choose("report-picker", f"{STORY_AGENCY} · 2025年度")
        b.click("open-report")
        expect(b.page.locator("#banner")).to_contain_text("2025年度报告")
        b.tab("tables", "数据填报")
    store = world.empty.assistant.store
    rid = one.state_id()
    assert two.state_id() == rid

    def stored(cell_id: str, value: int) -> None:
        for _ in range(100):
            if store.load_report(rid).report.value(cell_id) == value:
                return
            one.page.wait_for_timeout(200)
        raise AssertionError(f"{cell_id} was not saved as {value}")

    for b in (one, two):
        b.settle(1000)
    one.cell("grid-2021-active-0", 0, 1, "11")
    stored("active.rules.made", 11)
    two.cell("grid-2021-active-0", 0, 2, "12")  # another cell, from a page that did not reload
    stored("active.rules.repealed", 12)
    # the second grid may send its old frame once more right after the merged save (a redraw,
    # a blur): that re-send is no edit and must not put the first browser's cell back
    two.page.locator("#grid-2021-active-0 [data-testid=cell-1-2]").click()
    two.settle(1500)
    final = store.load_report(rid).report
    assert (final.value("active.rules.made"), final.value("active.rules.repealed")) == (11, 12)
    assert (two.shows("grid-2021-active-0", 0, 1), two.shows("grid-2021-active-0", 0, 2)) == (
        "11",
        "12",
    )
    assert not two.page.locator(".toast-body").filter(has_text="为避免覆盖").count()
    two.check("两个浏览器改不同的格")
    one.cell("grid-2021-active-0", 1, 1, "21")
    stored("active.normative_docs.made", 21)
    two.cell("grid-2021-active-0", 1, 1, "22")  # the same cell, changed by the other first
    two.told("为避免覆盖对方的修改")
    final = store.load_report(rid).report
    assert [final.value(c) for c in ("active.rules.made", "active.rules.repealed")] == [11, 12]
    assert final.value("active.normative_docs.made") == 21
    # the first browser's grid, redrawn by its own save, shows the second's cell
    assert one.shows("grid-2021-active-0", 0, 2) == "12"
    # one browser's model setting is its own
    one.tab("drafting", "起草与修改")
    two.tab("drafting", "起草与修改")
    one.accordion("大模型设置", "llm-apply")
    one.fill("llm-base-url", world.other_stub.base_url, leave=False)
    one.click("llm-apply")
    expect(one.page.locator("#engine")).to_contain_text("本浏览器的设置")
    two.page.reload()
    two.tab("drafting", "起草与修改")
    expect(two.page.locator("#engine")).to_contain_text(world.empty.stub.base_url)
    one.context.close()
    two.context.close()


def test_every_control_was_driven(world: World) -> None:
    """Every control of the app was used by the tests above, on one workspace or the other."""
    wanted = set(controls(world.demo.app))
    missing = sorted(wanted - world.demo.driven - world.empty.driven)
    assert not missing, f"controls no test drives: {missing}"
    # the demo's tables are 2021's: every other control was used on the demo itself
    on_demo = sorted(c for c in wanted - world.demo.driven if not c.startswith("grid-2019"))
    assert on_demo in ([], ["new-year"]), on_demo
