"""The clerk's story in a real Chromium, against the app served on 127.0.0.1 and the scripted
OpenAI-compatible stub; every request the page makes must stay on this machine."""

from __future__ import annotations

import re
import shutil
import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest

from assistant.config import load_settings
from assistant.service import Assistant, build_assistant
from tests.support.openai_stub import OpenAIStub, Reply
from ui.app import build_app, launch_options
from ui.demo import DEMO_AGENCY, seed_demo
from ui.handlers import tables as th
from ui.handlers import workspace as ws

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    # the server runs in this process: gradio's queue statistics use pandas options and
    # keywords that pandas 3 deprecates (gradio's code, not ours)
    pytest.mark.filterwarnings("ignore::pandas.errors.Pandas4Warning"),
]

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}
SHOTS = Path(__file__).resolve().parents[1] / "artifacts" / "ui"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Served:
    url: str
    assistant: Assistant
    stub: OpenAIStub
    requests: list[str] = field(default_factory=list)

    def foreign(self) -> list[str]:
        out = []
        for url in self.requests:
            parsed = urlparse(url)
            if parsed.scheme in ("data", "blob", "about", "file"):
                continue
            if parsed.hostname not in LOCAL_HOSTS:
                out.append(url)
        return out


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> Iterator[Served]:
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed (scripts/system-deps installs it)")
    stub = OpenAIStub(model="stub-model").start()
    monkeypatch.setenv("XXGK_LLM__BASE_URL", stub.base_url)
    monkeypatch.setenv("XXGK_LLM__MODEL", "stub-model")
    settings = load_settings()
    assistant = build_assistant(settings)
    seed_demo(assistant)
    app = build_app(assistant)
    app.queue()
    opts = launch_options(settings, assistant) | {"server_port": _free_port(), "quiet": True}
    _, url, _ = app.launch(prevent_thread_lock=True, **opts)
    try:
        yield Served(url.rstrip("/"), assistant, stub)
    finally:
        app.close()
        stub.stop()


def _filled_workbook(assistant: Assistant, state: dict[str, int], out: Path) -> Path:
    """The template of the new report, filled as a clerk would, with one slip: 自然人 new
    applications typed as 6 where the other figures say 5."""
    import openpyxl

    template = th.excel_template(assistant, state)
    shutil.copy(template, out)
    wb = openpyxl.load_workbook(out)
    where = {r[0]: (r[1], r[2]) for r in wb["_xxgk"].iter_rows(values_only=True) if r and r[0]}
    figures = {
        "apply.new.natural_person": 6,
        "apply.new.total": 5,
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
        # a new report is blank: 0 where the clerk had none (the template says so)
        if sheet in wb.sheetnames and not cell_id.startswith("fees."):
            wb[sheet][ref] = figures.get(cell_id, wb[sheet][ref].value or 0)
    wb.save(out)
    return out


def _shot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_the_clerks_story(served: Served, tmp_path: Path) -> None:
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(locale="zh-CN", viewport={"width": 1440, "height": 1000})
        page = context.new_page()
        page.on("request", lambda r: served.requests.append(r.url))
        page.on("websocket", lambda w: served.requests.append(w.url))
        page.set_default_timeout(20_000)
        page.goto(served.url)
        expect(page.locator("#banner")).to_contain_text("2025年度报告")
        _shot(page, "01-demo-opened")

        # 1. create the 2026 report: last year's closing figures are prefilled
        page.locator("#new-agency textarea, #new-agency input").first.fill(DEMO_AGENCY)
        page.locator("#new-year input").fill("2026")
        page.locator("#new-report").click()
        expect(page.locator("#banner")).to_contain_text("2026年度报告")
        _shot(page, "02-report-created")
        page.reload()  # a reload comes back to the report that was open
        expect(page.locator("#banner")).to_contain_text("2026年度报告")
        stored = served.assistant.store.find_report(DEMO_AGENCY, 2026)
        assert stored.report.cell("apply.carry_in.total").source == "上年结转"

        # 2. upload the filled Excel; the slip shows as a table error naming its cells
        page.get_by_role("tab", name="数据填报").click()
        state = ws.open_report(served.assistant, stored.id).state()
        workbook = _filled_workbook(served.assistant, state, tmp_path / "2026-填报.xlsx")
        page.locator("#excel-upload input[type=file]").set_input_files(str(workbook))
        expect(page.locator("#excel-msg")).to_contain_text("已读入")
        findings = page.locator("#findings")
        expect(findings).to_contain_text("T3-01")
        expect(page.locator("#grid-2021-apply-0 [data-testid=cell-0-1]")).to_have_text("6")
        _shot(page, "03-excel-uploaded")
        findings.locator("[role=gridcell]", has_text="T3-01").first.click()
        expect(page.locator("#finding-where")).to_contain_text("「自然人」列")
        _shot(page, "04-error-cells-marked")

        # 3. fix it in the grid: saved at once, checked again
        cell = page.locator("#grid-2021-apply-0 [data-testid=cell-0-1]")
        cell.dblclick()
        page.keyboard.press("Control+A")
        page.keyboard.type("5")
        page.keyboard.press("Enter")
        expect(findings).not_to_contain_text("T3-01")
        assert (
            served.assistant.store.find_report(DEMO_AGENCY, 2026).report.value(
                "apply.new.natural_person"
            )
            == 5
        )
        _shot(page, "05-error-fixed")

        # 4. draft 五 through the scripted model: tokens arrive one after another
        page.get_by_role("tab", name="起草与修改").click()
        expect(page.locator("#engine")).to_contain_text("stub-model")
        served.stub.push(
            Reply.text(
                "一是政策解读形式较为单一，图表、视频解读较少。二是依申请公开答复文书有待进一步规范。",
                chunk_chars=3,
                chunk_delay=0.06,
            )
        )
        page.evaluate("""() => {
            window.__lengths = [];
            const chat = document.querySelector('#chat');
            new MutationObserver(() => window.__lengths.push(chat.innerText.length))
                .observe(chat, {subtree: true, childList: true, characterData: true});
        }""")
        page.locator("#draft-btn").click()
        expect(page.locator("#chat")).to_contain_text("一是政策解读")
        _shot(page, "06-draft-streaming")
        expect(page.locator("#action-msg")).to_contain_text("第1版")
        lengths = page.evaluate("window.__lengths")
        assert len(set(lengths)) >= 5, lengths  # the reply grew piece by piece
        expect(page.locator("#draft-view .xxgk-flag")).to_have_count(0)

        # 5. revise it: the model invents a number, and the page shows it in red with a reason
        served.stub.push(
            Reply.text(
                "一是政策解读形式较为单一，图表、视频解读较少。二是依申请公开答复文书有待进一步规范。"
                "三是业务培训偏少，全年开展培训2次，覆盖37个科室。",
                chunk_chars=4,
                chunk_delay=0.01,
            )
        )
        page.locator("#instruction textarea").fill("加上培训2次")
        page.locator("#revise-btn").click()
        flag = page.locator("#draft-view .xxgk-flag")
        expect(flag).to_have_count(1)
        expect(flag).to_have_text(re.compile(r"^37"))
        assert "找不到出处" in flag.get_attribute("title")
        expect(page.locator("#flag-list")).to_contain_text("数字无出处")
        _shot(page, "07-revised-number-flagged")

        # 6. accept: the report's 五 now says it
        page.locator("#accept-btn").click()
        expect(page.locator("#section-status")).to_contain_text("有标记")
        text = served.assistant.store.find_report(DEMO_AGENCY, 2026).report.text("problems")
        assert text.endswith("覆盖37个科室。")
        _shot(page, "08-accepted")

        # a failing model: a clear message, and the accepted text stays as it was
        served.stub.clear()  # nothing scripted: the stub answers HTTP 500
        page.locator("#draft-btn").click()
        expect(page.locator("#action-msg")).to_contain_text("生成失败，原正文未改动")
        expect(page.locator("#action-msg")).to_contain_text("HTTP 500")
        expect(page.locator("#action-msg")).to_contain_text("“大模型设置”中清空接口地址")
        expect(page.locator("#action-msg")).not_to_contain_text("--offline")
        expect(page.locator("#chat")).to_contain_text("生成失败")
        expect(page.locator("#draft-view")).to_contain_text("覆盖37个科室。")
        # the pop-up is headed in Chinese, not with Gradio's English "Warning"
        expect(page.locator(".toast-title.warning").first).to_have_text(re.compile("^请注意"))
        _shot(page, "08b-llm-failed")
        after = served.assistant.store.find_report(DEMO_AGENCY, 2026)
        assert after.report.text("problems") == text
        assert len(served.assistant.store.drafts(after.id, "problems")) == 2

        # 7. compare with last year
        page.get_by_role("tab", name="审核对比").click()
        expect(page.locator("#compare-years")).to_contain_text("2025、2026")
        expect(page.locator("#compare-numbers")).to_contain_text("行政许可")
        expect(page.locator("#review-findings")).to_contain_text("待处理")
        _shot(page, "09-compared")

        # 8. export DOCX and HTML (征求意见稿), download them, and open them
        page.get_by_role("tab", name="导出").click()
        expect(page.locator("#gate-verdict")).to_contain_text("正式稿")
        page.locator("#export-btn").click()
        expect(page.locator("#export-files a[href*='.html']")).to_have_count(1)
        _shot(page, "10-exported")
        with page.expect_download() as download:
            page.locator("#export-files a[href*='.docx']").click()
        docx_path = tmp_path / "download.docx"
        download.value.save_as(docx_path)
        from docx import Document

        paragraphs = [p.text for p in Document(str(docx_path)).paragraphs]
        assert any("五、存在的主要问题及改进情况" in t for t in paragraphs)
        assert any("覆盖37个科室" in t for t in paragraphs)
        html_file = next(ws.exports_dir(served.assistant).glob("*2026年度报告-征求意见稿.html"))
        viewer = context.new_page()
        viewer.on("request", lambda r: served.requests.append(r.url))
        viewer.goto(html_file.as_uri())
        expect(viewer.locator("h1")).to_contain_text("2026年")
        expect(viewer.locator("table").first).to_be_visible()
        _shot(viewer, "11-exported-html")

        browser.close()
    assert served.foreign() == []
    assert served.requests, "the page made no request at all: the recorder is broken"


def test_main_screens_of_the_demo(served: Served) -> None:
    """The demo's main screens, for docs/screenshots (copied from tests/artifacts/ui/screens)."""
    from playwright.sync_api import expect, sync_playwright

    out = SHOTS / "screens"

    def shot(name: str) -> None:
        page.wait_for_timeout(1500)  # let the page finish redrawing
        page.evaluate("window.scrollTo(0, 0)")
        page.screenshot(path=str(out / name))

    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(locale="zh-CN", viewport={"width": 1440, "height": 1100})
        page = context.new_page()
        page.on("request", lambda r: served.requests.append(r.url))
        page.set_default_timeout(20_000)
        page.goto(served.url)
        expect(page.locator("#banner")).to_contain_text("2025年度报告")
        shot("1-profile.png")

        page.get_by_role("tab", name="起草与修改").click()
        for section in ("一、总体情况", "六、其他需要报告的事项"):
            page.locator("#section-pick").get_by_text(section).click()
            expect(page.locator("#action-msg")).to_contain_text("离线撰写")
            page.locator("#accept-btn").click()
            expect(page.locator("#action-msg")).to_contain_text("已采用第")
        page.locator("#section-pick").get_by_text("五、存在的主要问题及改进情况").click()
        served.stub.push(
            Reply.text(
                "一是政策解读仍以文字为主，图表、视频解读较少。二是个别依申请公开答复超期1天，"
                "答复时效有待提高。三是业务培训覆盖面不足，全年仅培训12次。",
                chunk_chars=6,
            )
        )
        page.locator("#instruction textarea").fill("第二点写得更具体")
        page.locator("#revise-btn").click()
        expect(page.locator("#draft-view .xxgk-flag")).to_have_count(1)
        shot("3-drafting.png")

        page.get_by_role("tab", name="数据填报").click()
        cell = page.locator("#grid-2021-apply-0 [data-testid=cell-0-1]")
        cell.dblclick()
        page.keyboard.press("Control+A")
        page.keyboard.type("9")
        page.keyboard.press("Enter")
        findings = page.locator("#findings")
        expect(findings).to_contain_text("T3-01")
        findings.locator("[role=gridcell]", has_text="T3-01").first.click()
        expect(page.locator("#finding-where")).to_contain_text("「自然人」列")
        page.set_viewport_size({"width": 1440, "height": 1600})
        shot("2-tables.png")
        page.set_viewport_size({"width": 1440, "height": 1100})

        page.get_by_role("tab", name="审核对比").click()
        expect(page.locator("#similarity")).to_contain_text("一、总体情况")
        shot("4-review.png")

        page.get_by_role("tab", name="导出").click()
        expect(page.locator("#gate-verdict")).to_contain_text("正式稿")
        shot("5-export.png")
        browser.close()
    assert served.foreign() == []


def test_the_browser_reaches_no_file_outside_the_exports(served: Served) -> None:
    """Gradio serves files by path: only the workspace's exports folder may be reached."""
    import urllib.error
    import urllib.request

    home = Path(served.assistant.settings.paths.home).resolve()
    database = next(home.glob("*.sqlite3"))
    inside = ws.exports_dir(served.assistant) / "probe.txt"
    inside.write_text("ok", encoding="utf-8")
    codes = {}
    for name, path in (("passwd", Path("/etc/passwd")), ("database", database), ("export", inside)):
        try:
            with urllib.request.urlopen(f"{served.url}/gradio_api/file={path}") as r:
                codes[name] = r.status
        except urllib.error.HTTPError as exc:
            codes[name] = exc.code
    assert codes["passwd"] in (403, 404) and codes["database"] in (403, 404)
    assert codes["export"] == 200


def test_auth_closes_the_app_to_strangers(
    assistant: Assistant, monkeypatch: pytest.MonkeyPatch
) -> None:
    import http.cookiejar
    import urllib.error
    import urllib.parse
    import urllib.request

    monkeypatch.setenv("XXGK_AUTH", "clerk:s3cret-pass")
    settings = load_settings()
    app = build_app(assistant)
    opts = launch_options(settings, assistant) | {"server_port": _free_port(), "quiet": True}
    _, url, _ = app.launch(prevent_thread_lock=True, **opts)
    base = url.rstrip("/")
    try:
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(f"{base}/config")
        assert refused.value.code == 401
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        form = urllib.parse.urlencode({"username": "clerk", "password": "s3cret-pass"}).encode()
        with opener.open(f"{base}/login", data=form) as r:
            assert r.status == 200
        with opener.open(f"{base}/config") as r:
            assert r.status == 200
    finally:
        app.close()
